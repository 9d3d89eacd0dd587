"""How long a claim-level diff of two ~1 MB versions of one long article takes.

    python benchmarks/bench_diff.py [--megabytes 1]

The article is the body paragraphs of the seed articles under one byline,
repeated until long enough, each repetition numbered so that its paragraphs
are alike but not equal (the hard case for alignment). The second version changes one figure in fifty, drops
one paragraph in fifty, moves one in twenty, and reflows every line at 60
columns. Extraction is timed apart from `diff_claims`, which is what the
target (< 2 s) is about.
"""
from __future__ import annotations

import argparse
import random
import textwrap
import time
from collections import Counter
from pathlib import Path

import regex

from facts import Document, process_document
from facts.diff import diff_claims
from facts.text.segment import segment

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"
BYLINE = "By Robert M. Cutler\n\n"
FIGURE = regex.compile(r"\$\d+(?:\.\d+)? (?:million|billion)")


def versions(megabytes: float, seed: int = 7) -> tuple[str, str]:
    paragraphs = []
    for page in sorted(SEEDS.glob("*.txt")):
        text = page.read_text(encoding="utf-8")
        for article in segment(text):
            paragraphs.extend(text[b.start:b.end] for b in article.blocks if b.role == "body")
    old: list[str] = []
    while sum(map(len, old)) < megabytes * 1_000_000:
        part = len(old) // len(paragraphs) + 1
        old.extend(f"{p} (Part {part}.)" for p in paragraphs)
    rng = random.Random(seed)
    new = [p for p in old if rng.random() >= 0.02]
    for _ in range(len(new) // 20):
        new.insert(rng.randrange(len(new)), new.pop(rng.randrange(len(new))))
    new = [FIGURE.sub(lambda m: "$7.5 billion" if rng.random() < 0.02 else m.group(), p) for p in new]
    return BYLINE + "\n\n".join(old), BYLINE + "\n\n".join(textwrap.fill(p, 60) for p in new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=float, default=1.0)
    args = parser.parse_args()
    old_text, new_text = versions(args.megabytes)
    start = time.perf_counter()
    old, new = (process_document(Document(doc=name, path=name, text=text, encoding="utf-8")).claims
                for name, text in (("old.txt", old_text), ("new.txt", new_text)))
    extracted = time.perf_counter() - start
    start = time.perf_counter()
    changes = diff_claims(old, new)
    seconds = time.perf_counter() - start
    counts = Counter(c.status for c in changes)
    print(f"{len(old_text) / 1e6:.2f} MB and {len(new_text) / 1e6:.2f} MB: {len(old):,} and {len(new):,} claims "
          f"extracted in {extracted:.1f} s; diff_claims {seconds:.2f} s: "
          + ", ".join(f"{n:,} {status}" for status, n in sorted(counts.items())))


if __name__ == "__main__":
    main()
