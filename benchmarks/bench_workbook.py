"""How long the checker's workbook takes for N synthetic claims (target: 100,000 in under 60 s).

    python benchmarks/bench_workbook.py [--claims 100000] [--keep DIR]

The ledger holds one document per 100 claims, each a single article whose
sentences carry one figure each, in every kind, with a flag for one claim in fifty.
Only `to_xlsx` is timed, not filling the ledger.
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from facts.export.workbook import to_xlsx
from facts.ledger import Ledger
from facts.models import Flag, FlagSide

FIGURES = [("US$ 3.74 billion", "money", "3740000000", "USD"), ("18 percent", "percent", "18", "%"),
           ("15 million tons", "quantity", "15000000", "t"), ("26", "count", "26", "tourist"),
           ("fivefold", "multiplier", "5", None), ("5 June 2025", "date", "2025-06-05", None),
           ("2015–2019", "period", "2015/2019", None), ("three decades", "duration", "P30Y", None)]
SUBJECTS = ["Azerbaijan", "China", "Kazakhstan", "Mongolia", "Russia", "India", "Pakistan", "Uzbekistan"]
PER_DOCUMENT = 100


def fill(ledger: Ledger, n: int, seed: int = 7) -> list[Flag]:
    rng = random.Random(seed)
    flags, sides = [], []
    for d in range(n // PER_DOCUMENT):
        doc, story, text, claims = f"doc{d:05}.txt", f"story{d:05}", "", []
        for i in range(PER_DOCUMENT):
            figure, kind, value, unit = rng.choice(FIGURES)
            sentence = f"Trade between the two grew to {figure} last year, the ministry said."
            start = len(text) + sentence.index(figure)
            claims.append({"id": f"{story}-{i}", "story": story, "article": 0, "start": start,
                           "end": start + len(figure), "text": figure, "kind": kind, "value": value, "unit": unit,
                           "rule": f"{kind}.synthetic", "subject": rng.sample(SUBJECTS, 2), "metric": "trade",
                           "period": "2024", "sentence": sentence})
            text += sentence + " "
            if rng.random() < 0.02:
                sides.append(FlagSide(doc=doc, start=start, end=start + len(figure), text=figure,
                                      claim_id=claims[-1]["id"], quote=sentence, value=value, unit=unit))
        ledger.add_document(doc=doc, path=None, text=text, encoding="utf-8", format="text", rules="",
                            articles=[{"ordinal": 0, "story": story, "start": 0, "end": len(text),
                                       "title": f"Article {d}", "author": "A. Writer", "date": "2025-06-05",
                                       "fingerprint": story, "shingles": []}], claims=claims)
    for i, (a, b) in enumerate(zip(sides[::2], sides[1::2])):
        flags.append(Flag(id=f"flag{i}", a=a, b=b, kind="value_conflict", check="value_conflict",
                          severity=rng.choice(["high", "medium", "low"]), why=f"{a.text} vs {b.text}"))
    return flags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--keep", help="write the ledger and workbook here instead of a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        with Ledger(folder / "bench.db") as ledger:
            flags = fill(ledger, args.claims)
            start = time.perf_counter()
            to_xlsx(ledger, folder / "bench.xlsx", flags=flags, corroboration={})
            seconds = time.perf_counter() - start
        size = (folder / "bench.xlsx").stat().st_size / 1e6
    print(f"{args.claims:,} claims, {len(flags):,} conflicts: workbook in {seconds:.1f} s"
          f" ({args.claims / seconds:,.0f} claims/s), {size:.1f} MB")


if __name__ == "__main__":
    main()
