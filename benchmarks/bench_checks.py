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
    rng = random.Random(seed)
    claims = []
    for i in range(n):
        a, b = rng.sample(COUNTRIES, 2)
        value = Decimal(rng.choice([94.8, 66.2, 3.74, 12.5, 150, 2.9])).quantize(Decimal("0.01")) * 10 ** 9
        story = f"s{rng.randrange(n // 20 + 1)}"
        claims.append(ClaimRecord(
            doc=f"{story}.txt", start=i, end=i + 5, text="$1", kind="money", value=value, unit="USD",
            rule="money.prefix_currency", id=f"c{i}", story=story, article=0, subject=sorted([a, b]),
            metric=rng.choice(METRICS), period=str(rng.randrange(2000, 2025)), interval_low=value * Decimal("0.999"),
            interval_high=value * Decimal("1.001"), sentence=f"s{i}", sentence_start=i))
    return claims


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=1_000_000)
    args = parser.parse_args()
    for n in sorted({args.claims // 4, args.claims // 2, args.claims}):
        claims = synthetic(n)
        start = time.perf_counter()
        flags = find_flags(claims)
        counts = corroboration(claims)
        seconds = time.perf_counter() - start
        print(f"{n:>9,} claims: {seconds:6.1f} s ({n / seconds:,.0f} claims/s), {len(flags):,} flags, "
              f"{len(counts):,} corroboration counts")


if __name__ == "__main__":
    main()
