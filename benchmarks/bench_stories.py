"""The story index's memory and time over many articles (issue 17: bounded memory).

    python benchmarks/bench_stories.py --articles 200000 --sentences 40
    python benchmarks/bench_stories.py --articles 20000 --recurring 2000

Makes articles of random sentence hashes (a tenth of them copies of an earlier one with one sentence
changed), puts them through `StoryIndex.story_of` in one process, and prints CPU seconds per thousand
articles and the process's peak resident memory before and after. With `--recurring N` every article
is a window of a pool of N sentences instead (each sentence recurs in ever more articles, as in a corpus
built from a few pages, `bench_jobs.py`), and the CPU time of each quarter of the articles is printed:
equal quarters are linear time.
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
    ap.add_argument("--recurring", type=int, help="articles are windows of a pool of this many sentences")
    args = ap.parse_args()
    if args.recurring:
        recurring(args.articles, args.sentences, args.recurring)
        return
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


def recurring(articles: int, sentences: int, pool_size: int) -> None:
    pool = [f"{i:016x}" for i in range(pool_size)]
    index = StoryIndex()
    quarters, start, stories = [], time.process_time(), set()
    for n in range(articles):
        at = (n * 37) % pool_size
        window = frozenset(pool[(at + i) % pool_size] for i in range(sentences - 1)) | {f"own{n}"}
        stories.add(index.story_of(Article(start=0, end=0, fingerprint=f"{n:016x}", shingles=window)))
        if (n + 1) % max(1, articles // 4) == 0 and len(quarters) < 4:
            quarters.append(time.process_time() - start)
            start = time.process_time()
    print(f"{articles} articles, windows of a pool of {pool_size} sentences, {len(stories)} stories: CPU-s per "
          f"quarter {', '.join(f'{q:.2f}' for q in quarters)}; peak memory {_peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
