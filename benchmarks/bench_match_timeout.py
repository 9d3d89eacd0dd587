"""What the match timeout costs (issue 16, item 11), and how far real rules are from it.

    python benchmarks/bench_match_timeout.py [--runs 5]

1. The slowest single call into the engine on the seed pages: each kind's combined pattern at every
   position `scan` tries, and the negative rules over each window, timed one by one.
2. CPU seconds of `extract` over the seeds with the timeout (the default) and without it
   (`FACTS_MATCH_TIMEOUT=0`), alternating, best of `--runs`.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from facts.engine.matching import _by_first_char, starts, windows  # noqa: E402
from facts.engine.rulefiles import NEGATIVE
from facts.engine.rules import cached_rules  # noqa: E402
from facts.pipeline import extract  # noqa: E402

SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))


def slowest_call(texts: list[str]) -> tuple[float, str]:
    rules = cached_rules()
    worst, where = 0.0, ""
    for name, text in texts:
        anchors, positions = starts(text, rules)
        by_char = _by_first_char(text, positions)
        spans = []
        for kind, pattern in rules.combined.items():
            if kind == NEGATIVE:
                continue
            can_start = rules.first_chars.get(kind)
            tried = sorted(p for ch, at in by_char.items() if can_start is None or ch in can_start for p in at)
            for position in tried:
                t = time.perf_counter()
                m = pattern.match(text, position, timeout=2.0)
                took = time.perf_counter() - t
                if m is not None:
                    spans.append(m.span())
                if took > worst:
                    worst, where = took, f"{kind} at {name}:{position}"
        negative = rules.combined[NEGATIVE]
        for lo, hi in windows(text, spans):
            t = time.perf_counter()
            list(negative.finditer(text, lo, hi, timeout=2.0))
            took = time.perf_counter() - t
            if took > worst:
                worst, where = took, f"negative at {name}:{lo}-{hi}"
    return worst, where


def cpu_of_extract(texts: list[str], timeout: str | None) -> float:
    if timeout is None:
        os.environ.pop("FACTS_MATCH_TIMEOUT", None)
    else:
        os.environ["FACTS_MATCH_TIMEOUT"] = timeout
    t = time.process_time()
    for _, text in texts:
        extract(text)
    return time.process_time() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in SEEDS]
    extract("warm up in 2024")
    worst, where = slowest_call(texts)
    print(f"slowest call into the engine: {worst * 1000:.2f} ms ({where})")
    with_timeout, without = [], []
    for _ in range(args.runs):
        with_timeout.append(cpu_of_extract(texts, None))
        without.append(cpu_of_extract(texts, "0"))
    print(f"extract over the seeds, best of {args.runs}: {min(with_timeout):.3f} CPU-s with the timeout, "
          f"{min(without):.3f} without ({min(with_timeout) / min(without):.3f}x)")


if __name__ == "__main__":
    main()
