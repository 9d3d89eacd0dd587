"""How fast `facts` reads news text beside the peers that extract figures and dates, in one run.

Builds one text of at least --kb thousand characters by repeating the seed pages
(`corpus/seeds/*.txt`) and runs each tool in a child process of its own (the
interpreter given by --python, where the peers are installed: `pip install
'facts[peers]'`), so that one tool's imports, caches and memory do not touch
another's. Each child imports its tool, builds its models and warms it up on a
short text (load, reported apart and not timed), then times extraction over the
whole text with `time.process_time()` (a fast tool's passes repeated until they
add up to 2 CPU-seconds, and averaged) and reports its peak resident memory
(`ru_maxrss`, loading included). The peers read the text a paragraph (a
non-empty line) at a time, as they are meant to be called; `facts.extract` and the
whole pipeline (`process_document`) read it whole, as `facts` does.

Prints a markdown table: what each tool found, characters per CPU-second, load
CPU-seconds, peak memory and how many times faster `facts.extract` is. A tool
that is not installed (or spaCy without a model) is listed as skipped.

    python benchmarks/bench_peers.py [--kb 300] [--python PATH] [--spacy-model en_core_web_sm]
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# spaCy's entity labels for figures and dates; its other entities (people, places) are not counted.
SPACY_LABELS = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}
MIN_CPU_S = 2.0  # passes over the text are repeated until they add up to this; each tool's time is one pass
TOOLS = {  # name in the table: what is counted
    "facts.extract": "mentions",
    "facts process_document": "claims",
    "facts match_mentions": "mentions",
    "Recognizers-Text": "results of the six models",
    "quantulum3": "quantities",
    "dateparser": "dates",
    "spaCy": "figure and date entities",
}


class Skipped(Exception):
    """The tool cannot run here (not installed, no model): listed in the table, not an error."""


def build_text(corpus: Path, kb: float) -> str:
    pages = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    if not pages:
        sys.exit(f"no .txt files in {corpus}")
    one = "\n\n".join(pages) + "\n\n"
    return one * (int(kb * 1000) // len(one) + 1)


def paragraphs(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def load(tool: str, spacy_model: str):
    """Import the tool and build its models; return a function from the text to the number of things found."""
    try:
        if tool == "facts.extract":
            from facts import extract
            from facts.engine.rules import cached_rules
            rules = cached_rules()
            return lambda text: len(extract(text, rules=rules))
        if tool == "facts process_document":
            from facts import Document, process_document
            from facts.engine.rules import cached_rules
            rules = cached_rules()
            return lambda text: len(process_document(
                Document(doc="bench", path="bench", text=text, encoding="utf-8"), rules=rules).claims)
        if tool == "facts match_mentions":  # the rules alone, without attribution: the peers' job
            from facts.engine.rules import cached_rules
            from facts.pipeline import match_mentions
            rules = cached_rules()
            return lambda text: len(match_mentions(text, rules=rules))
        if tool == "Recognizers-Text":
            from recognizers_date_time import DateTimeRecognizer
            from recognizers_number import NumberRecognizer
            from recognizers_number_with_unit import NumberWithUnitRecognizer
            from recognizers_text import Culture
            # The models that cover what facts extracts: counts and multipliers (number), percent, money
            # (currency), quantities (dimension, temperature), dates, periods and durations (datetime).
            numbers, units = NumberRecognizer(Culture.English), NumberWithUnitRecognizer(Culture.English)
            models = [numbers.get_number_model(), numbers.get_percentage_model(), units.get_currency_model(),
                      units.get_dimension_model(), units.get_temperature_model(),
                      DateTimeRecognizer(Culture.English).get_datetime_model()]
            return lambda text: sum(len(m.parse(p)) for p in paragraphs(text) for m in models)
        if tool == "quantulum3":
            from quantulum3 import parser
            return lambda text: sum(len(parser.parse(p)) for p in paragraphs(text))
        if tool == "dateparser":
            from dateparser.search import search_dates
            # languages=["en"]: without it dateparser detects the language of every paragraph first.
            return lambda text: sum(len(search_dates(p, languages=["en"]) or ()) for p in paragraphs(text))
        if tool == "spaCy":
            import spacy
            try:
                nlp = spacy.load(spacy_model)
            except OSError:
                raise Skipped(f"no model {spacy_model} installed") from None
            if "ner" not in nlp.pipe_names:
                raise Skipped(f"model {spacy_model} has no ner")
            # Only what NER needs: the shared tok2vec where ner listens to it (the parser, tagger and
            # lemmatizer are other jobs).
            keep = ["ner"]
            if "tok2vec" in nlp.pipe_names and "ner" in nlp.get_pipe("tok2vec").listening_components:
                keep.append("tok2vec")
            nlp.select_pipes(enable=keep)
            return lambda text: sum(sum(e.label_ in SPACY_LABELS for e in doc.ents)
                                    for doc in nlp.pipe(paragraphs(text)))
    except ImportError as error:
        raise Skipped(f"not installed ({error.name})") from None
    raise ValueError(f"unknown tool {tool}")


def child(tool: str, text_file: Path, spacy_model: str) -> int:
    """One tool in this process: print its load time, extraction time, finds and peak memory as JSON."""
    text = text_file.read_text(encoding="utf-8")
    try:
        run = load(tool, spacy_model)
    except Skipped as why:
        print(json.dumps({"skipped": str(why)}))
        return 0
    run(paragraphs(text)[1])  # warm-up: first-use caches are loading too
    loaded = time.process_time()  # since the process started: interpreter, imports, models, warm-up
    passes, spent = 0, 0.0
    while spent < MIN_CPU_S:  # a fast tool's one pass is too short to time on a shared machine
        found = run(text)
        passes, spent = passes + 1, time.process_time() - loaded
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"found": found, "cpu": spent / passes, "load": loaded, "peak_mib": peak_mib,
                      "python": platform.python_version()}))
    return 0


def measure(tool: str, python: str, text_file: Path, spacy_model: str) -> dict:
    env = dict(os.environ)
    # The children import this repository's facts, whatever the interpreter has installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    done = subprocess.run([python, __file__, "--child", tool, "--text-file", str(text_file),
                           "--spacy-model", spacy_model], capture_output=True, text=True, env=env,
                          check=False)
    if done.returncode != 0:
        return {"failed": (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(results: dict[str, dict], chars: int) -> list[str]:
    base = results["facts.extract"]
    base_speed = chars / base["cpu"] if "cpu" in base else None
    rows = ["| tool | found | chars per CPU-s | load CPU-s | peak MiB | facts.extract is × faster |",
            "|---|---|---|---|---|---|"]
    for tool, r in results.items():
        if "cpu" not in r:
            rows.append(f"| {tool} | {r.get('skipped') or 'failed: ' + r['failed']} | | | | |")
            continue
        speed = chars / r["cpu"]
        ratio = f"{base_speed / speed:,.1f}" if base_speed else "-"
        rows.append(f"| {tool} | {r['found']:,} {TOOLS[tool]} | {speed:,.0f} | {r['load']:.2f} | "
                    f"{r['peak_mib']:,.0f} | {ratio} |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=float, default=300.0, help="size of the text in thousands of characters")
    parser.add_argument("--python", default=sys.executable, help="the interpreter that has the peers installed")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "seeds")
    parser.add_argument("--spacy-model", default="en_core_web_sm", help="spaCy pipeline to load (name or path)")
    parser.add_argument("--child", choices=TOOLS, help=argparse.SUPPRESS)
    parser.add_argument("--text-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.text_file, args.spacy_model)

    text = build_text(args.corpus, args.kb)
    with tempfile.TemporaryDirectory() as tmp:
        text_file = Path(tmp) / "text.txt"
        text_file.write_text(text, encoding="utf-8")
        results = {tool: measure(tool, args.python, text_file, args.spacy_model) for tool in TOOLS}
    versions = sorted({r["python"] for r in results.values() if "python" in r})
    print(f"{datetime.date.today()}, Python {', '.join(versions)} ({args.python}), {os.cpu_count()} cores; "
          f"{len(text):,} characters ({args.corpus.name} repeated), {len(paragraphs(text)):,} paragraphs; "
          f"CPU time of each tool's own process\n")
    print("\n".join(table(results, len(text))))
    return 1 if any("failed" in r for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
