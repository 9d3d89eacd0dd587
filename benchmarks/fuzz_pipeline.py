"""Random text through `extract` and `process_document` for a while; what broke, by check.

Each case is figure-like pieces and random code points around a slice (or not) of
the seed corpus, as the hypothesis tests in tests/test_pipeline.py make them, but
for as long as asked: the run in docs/reliability.md is `--seconds 1200`.

    python benchmarks/fuzz_pipeline.py [--seconds 1200] [--seed 16]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

from facts import Document, extract, process_document

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"
PIECES = ["5", "12", "1,000", "3.74", "2024", "2015–2019", "June 25", "May", "7", "$", "US$", "€", "%", " percent",
          " billion", " million", " tons", " km", "-", "–", "about ", "over ", "nearly ", "three", " times", "fold",
          " ", "\u00a0", "\u202f", "\t", "\r\n", "\n", ",", ".", "🚀", "𝟚", "٣", "½", "Published ", "last year",
          "\ufeff", "\u200b", "\u00ad"]


def random_text(rng: random.Random, seed_text: str) -> str:
    def code_point() -> str:
        c = rng.randrange(0x10F800)
        return chr(c + 0x800 if c >= 0xD800 else c)  # no surrogates

    parts = [rng.choice(PIECES) if rng.random() < 0.6 else "".join(code_point() for _ in range(rng.randint(1, 3)))
             for _ in range(rng.randint(0, 60))]
    cut = rng.randrange(len(seed_text))
    middle = seed_text[cut:cut + rng.randint(0, 3000)] if rng.random() < 0.5 else ""
    return "".join(parts[:len(parts) // 2]) + middle + "".join(parts[len(parts) // 2:])


def failed_check(text: str) -> str | None:
    """The first check the text fails, or None."""
    try:
        previous = 0
        for m in extract(text):
            if text[m.start:m.end] != m.text or m.start < previous:
                return "mention span"
            previous = m.end
        document = Document(doc="fuzz.txt", path="fuzz.txt", text=text, encoding="utf-8")
        claims = process_document(document).claims
        if [c.model_dump() for c in claims] != [c.model_dump() for c in process_document(document).claims]:
            return "not deterministic"
        for c in claims:
            if text[c.start:c.end] != c.text or text[c.sentence_start:c.sentence_start + len(c.sentence)] != c.sentence:
                return "claim span"
            if not c.sentence_start <= c.start < c.sentence_start + len(c.sentence):
                return "claim starts outside its sentence"
            if c.end > c.sentence_start + len(c.sentence):
                return "claim runs past its sentence"
    except Exception as exc:  # the point of the run: any exception is a finding
        return f"exception {exc.__class__.__name__}"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1200)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    seed_text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    cases, characters, failures = 0, 0, Counter()
    start = time.perf_counter()
    while time.perf_counter() - start < args.seconds:
        text = random_text(rng, seed_text)
        failure = failed_check(text)
        if failure:
            failures[failure] += 1
        cases += 1
        characters += len(text)
    print(f"{cases} cases, {characters} characters in {time.perf_counter() - start:.0f} s; "
          f"failures: {dict(failures) or 'none'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
