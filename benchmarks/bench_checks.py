"""How long the checks take on N synthetic claims, to show they scale linearly, and how much memory
`facts check --ledger` needs for them.

    python benchmarks/bench_checks.py [--claims 1000000] [--ledger]

With `--ledger` the claims are written into a ledger and `facts check --ledger` runs on it in a child
process, whose CPU time and peak resident memory are printed: the memory a user's run needs.

Claims are spread over many keys (subject, metric, period) and stories, with a
few conflicting figures in each key, the shape of a large real corpus.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from facts.checks import corroboration, find_flags
from facts.ledger import Ledger
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


def write_ledger(claims: list[ClaimRecord], path: Path) -> None:
    """The claims as a ledger holds them, one document per story, written in one transaction."""
    with Ledger(path):
        pass  # the schema
    db = sqlite3.connect(path)
    stories = sorted({c.story for c in claims})
    db.executemany("INSERT INTO documents (id, doc, sha256, version, chars, added, text) VALUES (?, ?, ?, 1, 0, '', '')",
                   [(n, f"{s}.txt", s, ) for n, s in enumerate(stories, 1)])
    db.executemany("INSERT INTO articles (id, document_id, ordinal, story, start, \"end\", fingerprint, shingles)"
                   " VALUES (?, ?, 0, ?, 0, 0, '', '')", [(n, n, s) for n, s in enumerate(stories, 1)])
    number = {s: n for n, s in enumerate(stories, 1)}
    db.executemany(
        "INSERT INTO claims (id, document_id, article_id, story, start, \"end\", text, kind, value, unit, rule, subject,"
        " metric, period, interval_low, interval_high, sentence, sentence_start) VALUES"
        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ((c.id, number[c.story], number[c.story], c.story, c.start, c.end, c.text, c.kind, str(c.value), c.unit, c.rule,
          json.dumps(c.subject), c.metric, c.period, str(c.interval_low), str(c.interval_high), c.sentence,
          c.sentence_start) for c in claims))
    db.commit()
    db.close()


def check_ledger(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.db"
        write_ledger(synthetic(n), path)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        run = subprocess.run([sys.executable, "-c", _CHECK_AND_PEAK, str(path), str(Path(folder) / "flags.jsonl")],
                             capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        flags = sum(1 for _ in open(Path(folder) / "flags.jsonl", encoding="utf-8"))
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        print(f"{n:>9,} claims in a ledger: facts check {seconds:6.1f} s, {cpu:6.1f} CPU-s, "
              f"peak {int(run.stdout.split()[-1]) / 1024:,.0f} MB, {flags:,} flag rows")


# The child's own high-water mark (VmHWM): a forked child's ru_maxrss counts the parent's pages it held
# before it ran Python afresh.
_CHECK_AND_PEAK = """
import sys
from facts.cli import main
main(["check", "--ledger", sys.argv[1], "--format", "jsonl", "-o", sys.argv[2]])
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--ledger", action="store_true", help="measure facts check --ledger in a child process")
    args = parser.parse_args()
    if args.ledger:
        check_ledger(args.claims)
        return
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
