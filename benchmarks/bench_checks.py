"""How long the checks take on N synthetic claims, to show they scale linearly.

    python benchmarks/bench_checks.py [--claims 1000000]

Claims are spread over many keys (subject, metric, period) and stories, with a
few conflicting figures in each key, the shape of a large real corpus.
"""
from __future__ import annotations

import argparse
import random
import time
from decimal import Decimal

from facts.checks import corroboration, find_flags
from facts.models import ClaimRecord

COUNTRIES = ["Azerbaijan", "China", "Kazakhstan", "Mongolia", "Russia", "India", "Pakistan", "Uzbekistan",
             "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Georgia", "Armenia", "Iran", "Turkey", "Afghanistan"]
METRICS = ["trade", "exports", "imports", "investment", "gdp", "deal value", "population", "deaths"]


def synthetic(n: int, seed: int = 7) -> list[ClaimRecord]:
    """Claims over many keys and stories: most repeat their key's figure (corroboration),
    one in a hundred gives another (a conflict), as in a large real corpus."""
    rng = random.Random(seed)
    truth: dict[tuple, Decimal] = {}
    claims = []
    for i in range(n):
        subject = sorted(rng.sample(COUNTRIES, 2))
        metric, period = rng.choice(METRICS), str(rng.randrange(2000, 2025))
        true = truth.setdefault((*subject, metric, period), Decimal(rng.randrange(10, 9990)) / 10 * 10 ** 9)
        value = true * Decimal("1.7") if rng.random() < 0.01 else true
        story = f"s{rng.randrange(n // 20 + 1)}"
        half = Decimal("0.05") * 10 ** 9
        claims.append(ClaimRecord(
            doc=f"{story}.txt", start=i, end=i + 5, text="$1", kind="money", value=value, unit="USD",
            rule="money.prefix_currency", id=f"c{i}", story=story, article=0, subject=subject, metric=metric,
            period=period, interval_low=value - half, interval_high=value + half, sentence=f"s{i}",
            sentence_start=i))
    return claims


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=1_000_000)
    args = parser.parse_args()
    find_flags([])  # the rules are compiled once per process, not per run
    for n in sorted({args.claims // 4, args.claims // 2, args.claims}):
        claims = synthetic(n)
        start, cpu = time.perf_counter(), time.process_time()
        flags = find_flags(claims)
        counts = corroboration(claims)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"{n:>9,} claims: {seconds:6.1f} s, {cpu:6.1f} CPU-s ({n / cpu:,.0f} claims per CPU-s), "
              f"{len(flags):,} flags, {len(counts):,} corroboration counts")


if __name__ == "__main__":
    main()
