"""How fast extraction (`facts.pipeline.match_mentions`: the rules, values and dates, without attribution,
which `facts.extract` adds) reads text, against the floor of one compiled alternation.

Builds a text of at least --mb megabytes by repeating the seed corpus, times
`match_mentions` on it (best of --runs), and in the same process times one pass
of a single compiled alternation of digits and month names over the same text:
about the least work any extractor of figures and dates must do. Prints both
speeds and how many times slower extraction is.

    python benchmarks/bench_extract.py [--mb 10] [--runs 3] [--corpus corpus/seeds] [--profile FILE] [--cpu]

--cpu times both in CPU time (`time.process_time`), not wall time: on a machine shared with other work,
what the process itself spent.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import re
import sys
import time
from pathlib import Path

from facts.engine.rules import cached_rules
from facts.pipeline import match_mentions

ROOT = Path(__file__).resolve().parents[1]
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
BASELINE = re.compile(r"\d+|" + "|".join(MONTHS))
TARGET_MB_S = 2.0
TARGET_RATIO = 17.0


def build_text(corpus: Path, megabytes: float) -> str:
    pages = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    if not pages:
        sys.exit(f"no .txt files in {corpus}")
    one = "\n\n".join(pages) + "\n\n"
    need = int(megabytes * 1_000_000)
    return one * (need // len(one) + 1)


def best_of(runs: int, work, clock=time.perf_counter) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        gc.collect()
        started = clock()
        result = work()
        best = min(best, clock() - started)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=10.0, help="size of the text in millions of characters")
    parser.add_argument("--runs", type=int, default=3, help="time the best of this many runs")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "seeds")
    parser.add_argument("--profile", type=Path, help="also write a cProfile of one extract run here")
    parser.add_argument("--cpu", action="store_true", help="CPU time of this process, not wall time")
    args = parser.parse_args(argv)

    text = build_text(args.corpus, args.mb)
    chars = len(text)
    rules = cached_rules()  # loading and compiling the rules is not part of the timing
    match_mentions(text[:10_000], rules=rules)

    clock = time.process_time if args.cpu else time.perf_counter
    t_extract, mentions = best_of(args.runs, lambda: match_mentions(text, rules=rules), clock)
    t_regex, count = best_of(args.runs, lambda: sum(1 for _ in BASELINE.finditer(text)), clock)

    speed = chars / t_extract
    floor = chars / t_regex
    ratio = t_extract / t_regex
    print(f"text: {chars:,} characters ({args.mb:g} MB of {args.corpus.name} repeated), best of {args.runs} runs"
          + (" (CPU time)" if args.cpu else ""))
    print(f"match_mentions:      {t_extract:8.3f} s  {speed / 1e6:8.2f} MB/s  {speed:14,.0f} chars/s  "
          f"{len(mentions):,} mentions")
    print(f"single alternation:  {t_regex:8.3f} s  {floor / 1e6:8.2f} MB/s  {floor:14,.0f} chars/s  "
          f"{count:,} matches")
    print(f"ratio: extract is {ratio:.1f}x slower than the single alternation")
    print(f"target: >= {TARGET_MB_S:g} MB/s ({'met' if speed / 1e6 >= TARGET_MB_S else 'NOT met'}), "
          f"<= {TARGET_RATIO:g}x ({'met' if ratio <= TARGET_RATIO else 'NOT met'})")

    if args.profile:
        cProfile.runctx("match_mentions(text, rules=rules)", globals(), {"text": text, "rules": rules, "match_mentions": match_mentions},
                        str(args.profile))
        print(f"profile written to {args.profile} (python -m pstats {args.profile})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
