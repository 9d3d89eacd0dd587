"""The story index's memory and time over many articles (issue 17: bounded memory).

    python benchmarks/bench_stories.py --articles 200000 --sentences 40

Makes articles of random sentence hashes (a tenth of them copies of an earlier one with one sentence
changed), puts them through `StoryIndex.story_of` in one process, and prints CPU seconds per thousand
articles and the process's peak resident memory before and after.
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from facts.stories import StoryIndex  # noqa: E402
from facts.text.segment import Article  # noqa: E402


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=200_000)
    ap.add_argument("--sentences", type=int, default=40)
    args = ap.parse_args()
    rng = random.Random(7)
    index = StoryIndex()
    before = _peak_mb()
    made: list[frozenset[str]] = []
    copies = 0
    start = time.process_time()
    for n in range(args.articles):
        if made and rng.random() < 0.1:
            base = rng.choice(made)
            sentences = (base - {next(iter(base))}) | {f"{rng.getrandbits(64):016x}"}
        else:
            sentences = frozenset(f"{rng.getrandbits(64):016x}" for _ in range(args.sentences))
        if len(made) < 1000:
            made.append(sentences)
        story = index.story_of(Article(start=0, end=0, fingerprint=f"{n:016x}", shingles=sentences))
        copies += story != f"{n:016x}"
    cpu = time.process_time() - start
    print(f"{args.articles} articles of {args.sentences} sentences ({copies} copies found): "
          f"{cpu:.1f} CPU-s, {1000 * cpu / args.articles:.2f} CPU-s per thousand; "
          f"peak memory {before:.0f} MB before, {_peak_mb():.0f} MB after")


if __name__ == "__main__":
    main()
