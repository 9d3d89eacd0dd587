"""What one run-on sentence costs: attribution must stay linear in the length of a sentence.

Builds one sentence of --kb kilobytes (and of half and a quarter of that) by repeating a clause with
two countries, a percent, an amount, a year and a change, then measures in CPU time (the machine is
shared: wall time is noisy) `facts.attribution.attribute` on its mentions and the whole pipeline
(`process_document`) on it, and prints the ratio from each size to the next (linear: 2x; target:
at most 2.6x from 16 to 32 KB, and at most 3 CPU-s for 32 KB beyond start-up).

    python benchmarks/bench_sentence.py [--kb 32] [--runs 3]
"""
from __future__ import annotations

import argparse
import time

from facts import Document, extract, process_document
from facts.attribution import attribute

CLAUSE = ("Kazakhstan's exports to China rose 5% to $3.5 billion in 2023, and imports from Russia grew by 12 percent"
          " to 40,000 tons, ")


def sentence(kb: int) -> str:
    size = kb * 1024
    return (CLAUSE * (size // len(CLAUSE) + 1))[:size].rsplit(",", 1)[0] + "."


def cpu(run, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=int, default=32, help="size of the longest sentence in KB")
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs")
    args = parser.parse_args(argv)
    process_document(Document(doc="warm", path="warm", text=sentence(1), encoding="utf-8"))  # rules compiled
    previous = None
    for kb in (args.kb // 4, args.kb // 2, args.kb):
        text = sentence(kb)
        mentions = extract(text)
        spent_attribution = cpu(lambda: attribute(text, mentions), args.runs)
        spent_pipeline = cpu(lambda: process_document(Document(doc="a", path="a", text=text, encoding="utf-8")),
                             args.runs)
        growth = "" if previous is None else (f"  x{spent_attribution / previous[0]:.2f} attribution,"
                                              f" x{spent_pipeline / previous[1]:.2f} pipeline")
        print(f"{kb:>4} KB {len(mentions):>5} mentions  attribution {spent_attribution:6.2f} CPU-s"
              f"  pipeline {spent_pipeline:6.2f} CPU-s{growth}")
        previous = (spent_attribution, spent_pipeline)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
