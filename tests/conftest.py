"""Shared by the tests: the command line run in this process (`run_cli`), the seed corpus in a ledger,
and flags on it."""
from __future__ import annotations

import atexit
import io
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

# Compiled patterns are kept in a folder of this run's own (removed at its end, after the cache is
# written), not in the user's: set before `facts` is imported, which reads it then.
if "FACTS_CACHE_DIR" not in os.environ:
    os.environ["FACTS_CACHE_DIR"] = tempfile.mkdtemp(prefix="facts-test-cache-")
    atexit.register(shutil.rmtree, os.environ["FACTS_CACHE_DIR"], True)

from facts import Ledger, process_paths  # noqa: E402
from facts.models import Flag, FlagSide  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"


@dataclass
class CliRun:
    """What a run of `facts ...` gave: its exit status and what it wrote (as `subprocess.run` names them)."""

    returncode: int
    stdout: str
    stderr: str


def _text_of(stream: io.BytesIO) -> str:
    """What a parent reading a pipe in text mode gets: UTF-8, newlines made universal."""
    return io.TextIOWrapper(io.BytesIO(stream.getvalue()), encoding="utf-8").read()


def run_cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
            cwd: str | Path | None = None, clean: tuple[str, ...] = ("REFERENCE_DATE", "FACTS_RULES")) -> CliRun:
    """`facts ARGS` in this process, as a shell would run it: standard streams of its own (UTF-8 pipes, so
    no terminal, no colour, no progress bar), the environment without `clean` and with `env`, in `cwd`.
    The rules compiled once in this process (`cached_rules`) serve every run, where a subprocess
    compiled them anew each time (4 CPU-s). An exception the CLI lets through fails the test (a
    subprocess would have printed a traceback)."""
    from facts.cli import main

    out, err = io.BytesIO(), io.BytesIO()
    streams = sys.stdin, sys.stdout, sys.stderr
    environment, here = dict(os.environ), os.getcwd()
    ours = (io.TextIOWrapper(io.BytesIO((stdin or "").encode("utf-8")), encoding="utf-8"),
            io.TextIOWrapper(out, encoding="utf-8", write_through=True),
            io.TextIOWrapper(err, encoding="utf-8", write_through=True))
    sys.stdin, sys.stdout, sys.stderr = ours
    try:
        for name in clean:
            os.environ.pop(name, None)
        os.environ.update(env or {})
        if cwd is not None:
            os.chdir(cwd)
        try:
            status = main(list(args))
        except SystemExit as exit_:  # argparse: --help, --version, a bad option
            status = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
            if isinstance(exit_.code, str):
                print(exit_.code, file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        sys.stdin, sys.stdout, sys.stderr = streams
        os.chdir(here)
        os.environ.clear()
        os.environ.update(environment)
    return CliRun(status, _text_of(out), _text_of(err))  # read while `ours` holds the wrappers open


@pytest.fixture(scope="session")
def seed_ledger(tmp_path_factory) -> Path:
    """A ledger of the seed corpus (read it, do not change it: tests share it)."""
    path = tmp_path_factory.mktemp("seeds") / "ledger.db"
    with Ledger(path) as ledger:
        for _ in process_paths([str(SEEDS)], ledger=ledger):
            pass
    return path


def side_of(claim) -> FlagSide:
    return FlagSide(doc=claim.doc, start=claim.start, end=claim.end, text=claim.text, claim_id=claim.id,
                    quote=claim.sentence, value=claim.value, unit=claim.unit, period=claim.period,
                    compared_in=claim.unit, compared_value=claim.value, low=claim.interval_low,
                    high=claim.interval_high)


@pytest.fixture(scope="session")
def seed_flags(seed_ledger) -> list[Flag]:
    """Flags made by hand (the tests are about showing flags, not finding them): two money
    claims in different articles, and two dates."""
    with Ledger(seed_ledger) as ledger:
        claims = ledger.claims().drop_duplicates("id")
    claims = claims.astype(object).where(claims.notna(), None)
    money, dates = claims[claims["kind"] == "money"], claims[claims["kind"] == "date"]
    other = money[money["story"] != money.iloc[0]["story"]].iloc[0]
    pairs = [(money.iloc[0], other, "high"), (dates.iloc[0], dates.iloc[-1], "low")]
    return [Flag(id=f"flag{i}", a=side_of(a), b=side_of(b), kind="value_conflict", check="value_conflict",
                 severity=severity, why=f"{a.text} and {b.text} cannot both hold")
            for i, (a, b, severity) in enumerate(pairs)]



HOSTILE = [  # sentence, the figure in it, kind, value, unit
    ('=HYPERLINK("http://x","y") paid $5 million.', "$5 million", "money", "5000000", "USD"),
    ("+1+1 rose 2 percent.", "2 percent", "percent", "2", "%"),
    ("@SUM(A1) came in 2024.", "2024", "date", "2024", None),
    ("-2 ships, then 3 ships.", "-2", "count", "-2", "ship"),
    ("\tTabbed in 2023-05-04.", "2023-05-04", "date", "2023-05-04", None),
    ("<script>alert(1)</script> cost $3 million.", "$3 million", "money", "3000000", "USD"),
]


@pytest.fixture
def hostile_ledger(tmp_path) -> Path:
    """A ledger of one article whose title, author and sentences start like formulas or hold markup."""
    text = " ".join(h[0] for h in HOSTILE)
    claims, at = [], 0
    for n, (sentence, figure, kind, value, unit) in enumerate(HOSTILE):
        at = text.index(sentence, at)
        start = at + sentence.index(figure)
        claims.append({"id": f"hostile{n}", "story": "hostile", "article": 0, "start": start,
                       "end": start + len(figure), "text": figure, "kind": kind, "value": value, "unit": unit,
                       "rule": "test", "subject": ["=evil"], "metric": "+metric", "sentence": sentence})
    path = tmp_path / "hostile.db"
    with Ledger(path) as ledger:
        ledger.add_document(doc="=hostile.txt", path=None, text=text, encoding="utf-8", format="text", rules="",
                            articles=[{"ordinal": 0, "story": "hostile", "start": 0, "end": len(text),
                                       "title": "=1+2", "author": "@evil", "date": "-2025",
                                       "fingerprint": "hostile", "shingles": []}], claims=claims)
    return path
