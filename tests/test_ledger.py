"""The ledger's promises, through the real API and the real command line.

- A killed run leaves a ledger that opens, passes SQLite's integrity check and holds
  whole documents only (each with all its articles and claims); the next run completes it.
- Adding is idempotent: a document held already is skipped; a changed text is a new
  version (the old one stays queryable, and becomes current again when the text is
  reverted); documents read with other rules are read again.
- `facts claims` queries the ledger as a table or as JSON Lines.

The command line runs in this process (`main`, `run_cli`) but for the two behaviours that need real
processes: a run killed by a signal, and two writers of one ledger at once.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import run_cli

from facts import Ledger, extract, load_document, process_document, process_paths
from facts.cli import main
from facts.engine.rules import cached_rules, default_rules_dir
from facts.run import Summary

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
TRADE_SEED = SEEDS[0]  # "The two countries' trade in 2024 ... reaching nearly US$ 3.74 billion."
TRADE_FIGURE = "US$ 3.74 billion"
COPIES_PER_SEED = 8  # 40 documents in all: seconds of reading, so a kill lands mid-run


def extract_args(folder: Path, ledger: Path) -> list[str]:
    return ["extract", str(folder), "--ledger", str(ledger), "--no-progress"]


def start_extraction(folder: Path, ledger: Path, stderr: Path) -> multiprocessing.Process:
    """The extraction as a process of its own, for what needs one (a kill, writers at once): forked from
    this one, so it runs with the rules compiled here, where a fresh interpreter compiled them anew
    (3 CPU-s a start). Its exit status is its `exitcode`; what it told is in `stderr`."""
    extract("Trade reached $5 billion in 2024.")  # what the rules compile on first use, compiled for it too
    process = multiprocessing.get_context("fork").Process(target=_extract_alone, args=(folder, ledger, stderr))
    process.start()
    return process


def _extract_alone(folder: Path, ledger: Path, stderr: Path) -> None:
    """`facts extract` with the bundled rules and no reference date (`run_cli`), its status the process's."""
    done = run_cli(*extract_args(folder, ledger))
    stderr.write_text(done.stderr, encoding="utf-8")
    sys.exit(done.returncode)


def held_count(ledger: Path) -> int | None:
    """How many documents a running extraction has committed, read beside it; None before it made its tables."""
    try:
        db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True, timeout=0.2)
        try:
            return db.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return None


def sql(ledger: Path, query: str, params: tuple = ()) -> list[tuple]:
    db = sqlite3.connect(ledger)
    try:
        return db.execute(query, params).fetchall()
    finally:
        db.close()


# ---- a killed run ---------------------------------------------------------------------


@pytest.fixture
def big_corpus(tmp_path) -> Path:
    """40 pages: 8 copies of each seed page, each with its own last line so none is a
    document held already. Named copy first, so a run reads the five seeds in turn."""
    folder = tmp_path / "big"
    folder.mkdir()
    for copy in range(COPIES_PER_SEED):
        for seed in SEEDS:
            text = seed.read_text(encoding="utf-8")
            mark = "".join(chr(ord("a") + int(d)) for d in str(copy))  # no figure of its own
            (folder / f"{copy:03d}_{seed.name}").write_text(f"{text}\nReprint {mark}.\n", encoding="utf-8")
    return folder


def test_a_killed_run_leaves_whole_documents_and_the_next_run_completes_it(big_corpus, tmp_path):
    ledger = tmp_path / "ledger.db"
    total = len(list(big_corpus.iterdir()))
    # A process of its own: the run is killed by a signal.
    told = tmp_path / "stderr.txt"
    proc = start_extraction(big_corpus, ledger, told)
    try:
        deadline = time.monotonic() + 120
        while True:
            held = held_count(ledger)
            if held is not None and 3 <= held < total:
                break
            assert proc.is_alive(), f"the run ended before it could be killed: {told.read_text()!r}"
            assert time.monotonic() < deadline, f"the ledger never held some documents (held {held})"
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(timeout=30)
    finally:
        if proc.is_alive():
            proc.kill()
            proc.join()
    assert proc.exitcode == -signal.SIGKILL

    assert sql(ledger, "PRAGMA integrity_check") == [("ok",)]
    with Ledger(ledger) as opened:
        documents = opened.documents()
    assert 0 < len(documents) < total, "the kill came too late (or too early) to show anything"

    # Every document held is whole: its articles and claims are those a fresh reading of its file gives.
    rules = cached_rules()
    expected_by_seed: dict[str, tuple[int, int]] = {}
    for doc in documents["doc"]:
        fresh = process_document(load_document(big_corpus / doc, doc=doc), rules=rules)
        n_articles, = sql(ledger, "SELECT count(*) FROM articles a JOIN documents d ON d.id = a.document_id"
                                  " WHERE d.doc = ?", (doc,))[0]
        stored = sql(ledger, "SELECT c.start, c.\"end\", c.kind, c.value FROM claims c"
                             " JOIN documents d ON d.id = c.document_id WHERE d.doc = ?", (doc,))
        assert n_articles == len(fresh.articles), doc
        assert len(stored) == len(fresh.claims), doc
        assert Counter(stored) == Counter((c.start, c.end, c.kind, str(c.value)) for c in fresh.claims), doc
        expected_by_seed.setdefault(doc[4:], (len(fresh.articles), len(fresh.claims)))
    held_before = len(documents)

    # The next run skips what is held and completes the rest.
    done = run_cli(*extract_args(big_corpus, ledger))
    assert done.returncode == 0, done.stderr
    assert f"{held_before} files already in the ledger, skipped" in done.stderr
    assert sql(ledger, "PRAGMA integrity_check") == [("ok",)]

    rows = sql(ledger, "SELECT doc, count(*), min(version), max(current) FROM documents GROUP BY doc")
    assert sorted(r[0] for r in rows) == sorted(p.name for p in big_corpus.iterdir())
    assert all(n == 1 and version == 1 and current == 1 for _, n, version, current in rows)
    assert sql(ledger, "SELECT document_id, id FROM claims GROUP BY document_id, id HAVING count(*) > 1") == []
    assert sql(ledger, "SELECT document_id, ordinal FROM articles GROUP BY document_id, ordinal"
                       " HAVING count(*) > 1") == []

    # The copies differ only by a last line without figures: every copy of a seed has the seed's claims.
    for seed in SEEDS:
        if seed.name not in expected_by_seed:
            doc = f"000_{seed.name}"
            fresh = process_document(load_document(big_corpus / doc, doc=doc), rules=rules)
            expected_by_seed[seed.name] = (len(fresh.articles), len(fresh.claims))
    counts = sql(ledger, "SELECT d.doc, (SELECT count(*) FROM articles a WHERE a.document_id = d.id),"
                         " (SELECT count(*) FROM claims c WHERE c.document_id = d.id) FROM documents d")
    for doc, n_articles, n_claims in counts:
        assert (n_articles, n_claims) == expected_by_seed[doc[4:]], doc


# ---- idempotence, versions, rules -------------------------------------------------------


@pytest.fixture
def seeds(tmp_path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    return folder


def counts(ledger: Path) -> tuple[int, int, int]:
    return tuple(sql(ledger, f"SELECT count(*) FROM {table}")[0][0] for table in ("documents", "articles", "claims"))


def cli_extract(folder: Path, ledger: Path, capsys, *more: str) -> str:
    """`facts extract FOLDER --ledger LEDGER` through the CLI's entry point; its stderr."""
    capsys.readouterr()
    status = main(["extract", str(folder), "--ledger", str(ledger), "--no-progress", "-o",
                   str(ledger.with_suffix(".jsonl")), *more])
    err = capsys.readouterr().err
    assert status == 0, err
    return err


def trade_claims(ledger: Ledger, current_only: bool = True):
    frame = ledger.claims(subject="Azerbaijan", metric="trade", period="2024", kind="money",
                          current_only=current_only)
    return frame[frame["doc"] == TRADE_SEED.name]


def test_extracting_twice_adds_nothing(seeds, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("FACTS_RULES", raising=False)
    ledger = tmp_path / "ledger.db"
    first = cli_extract(seeds, ledger, capsys)
    assert "already in the ledger" not in first
    before = counts(ledger)
    assert before[0] == len(SEEDS) and before[2] > 0
    second = cli_extract(seeds, ledger, capsys)
    assert f"{len(SEEDS)} files already in the ledger, skipped" in second
    assert "0 claims" in second
    assert counts(ledger) == before
    # The API says the same.
    summary = Summary()
    with Ledger(ledger) as opened:
        assert list(process_paths([str(seeds)], ledger=opened, summary=summary)) == []
    assert summary.held == len(SEEDS)
    assert counts(ledger) == before


def test_two_concurrent_writers_give_copies_of_one_article_one_story(tmp_path):
    """Writer `a` holds a page, writer `b` a later version of it (a figure corrected, so no
    fingerprint is shared: only the stories held tell its articles are copies). Run at once,
    they must make the stories that one run after the other makes."""
    page = TRADE_SEED.read_text(encoding="utf-8")
    folders = {name: tmp_path / name for name in ("a", "b")}
    for name, text in (("a", page), ("b", page.replace(TRADE_FIGURE, "US$ 3.9 billion"))):
        folders[name].mkdir()
        (folders[name] / f"{name}.txt").write_text(text, encoding="utf-8")

    def stories(ledger: Path) -> int:
        return sql(ledger, "SELECT count(DISTINCT story) FROM articles")[0][0]

    sequential = tmp_path / "sequential.db"
    for folder in folders.values():
        assert run_cli(*extract_args(folder, sequential)).returncode == 0
    concurrent = tmp_path / "concurrent.db"
    # Processes of their own: two writers at once, each with its own connection and run lock.
    writers = [(start_extraction(folder, concurrent, tmp_path / f"{name}.stderr"), tmp_path / f"{name}.stderr")
               for name, folder in folders.items()]
    for writer, told in writers:
        writer.join(timeout=300)
        assert writer.exitcode == 0, told.read_text() if told.exists() else writer.exitcode

    assert stories(concurrent) == stories(sequential) < len(sql(sequential, "SELECT id FROM articles"))


def test_a_changed_text_is_a_new_version_and_the_old_one_stays(seeds, tmp_path):
    ledger_path = tmp_path / "ledger.db"
    page = seeds / TRADE_SEED.name
    original = page.read_text(encoding="utf-8")
    assert original.count(TRADE_FIGURE) == 1

    def run() -> list:
        with Ledger(ledger_path) as ledger:
            return list(process_paths([str(seeds)], ledger=ledger))

    run()
    with Ledger(ledger_path) as ledger:
        (old_id,) = trade_claims(ledger)["id"]
        n_old = int((ledger.claims()["doc"] == page.name).sum())

    page.write_text(original.replace(TRADE_FIGURE, "US$ 3.94 billion"), encoding="utf-8")
    processed = run()
    assert [p.document.doc for p in processed] == [page.name]  # the others are held already
    with Ledger(ledger_path) as ledger:
        docs = ledger.documents()
        versions = docs[docs["doc"] == page.name][["version", "current"]].values.tolist()
        assert versions == [[1, 0], [2, 1]]
        assert (docs[docs["doc"] != page.name]["version"] == 1).all()
        current = trade_claims(ledger)
        assert current[["version", "text", "value"]].values.tolist() == [[2, "US$ 3.94 billion", "3940000000.00"]]
        assert list(current["id"]) == [old_id]  # a corrected figure keeps its claim's id
        every = trade_claims(ledger, current_only=False)
        assert sorted(every[["version", "value"]].values.tolist()) == [[1, "3740000000.00"], [2, "3940000000.00"]]
        assert int((ledger.claims(current_only=False)["doc"] == page.name).sum()) == 2 * n_old
        assert len(ledger.text_of(page.name, version=1)) == len(original)

    page.write_text(original, encoding="utf-8")  # reverted: the old version is current again
    run()
    with Ledger(ledger_path) as ledger:
        docs = ledger.documents()
        assert docs[docs["doc"] == page.name][["version", "current"]].values.tolist() == [[1, 1], [2, 0]]
        assert trade_claims(ledger)[["version", "value"]].values.tolist() == [[1, "3740000000.00"]]
        assert int((ledger.claims()["doc"] == page.name).sum()) == n_old
        assert ledger.text_of(page.name) == original
    assert sql(ledger_path, "SELECT count(*) FROM documents")[0][0] == len(SEEDS) + 1
    assert run() == []  # and held


def test_documents_read_with_other_rules_are_read_again(seeds, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("FACTS_RULES", raising=False)
    ledger_path = tmp_path / "ledger.db"
    cli_extract(seeds, ledger_path, capsys)
    before = counts(ledger_path)
    with Ledger(ledger_path) as ledger:
        (old_rules,) = set(ledger.documents()["rules"])
        (claim_id,) = trade_claims(ledger)["id"]

    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    metrics = rules / "lexicon" / "metrics.yaml"
    text = metrics.read_text(encoding="utf-8")
    assert text.count("\n      trade: trade\n") == 1
    metrics.write_text(text.replace("\n      trade: trade\n", "\n      trade: commerce\n"), encoding="utf-8")
    monkeypatch.setenv("FACTS_RULES", str(rules))

    err = cli_extract(seeds, ledger_path, capsys)
    assert "already in the ledger" not in err
    with Ledger(ledger_path) as ledger:
        docs = ledger.documents()
        assert len(docs) == len(SEEDS) and (docs["version"] == 1).all() and (docs["current"] == 1).all()
        (new_rules,) = set(docs["rules"])
        assert new_rules != old_rules
        commerce = ledger.claims(subject="Azerbaijan", metric="commerce", period="2024", kind="money")
        assert TRADE_FIGURE in set(commerce[commerce["doc"] == TRADE_SEED.name]["text"])
        assert trade_claims(ledger).empty
    after = counts(ledger_path)
    assert after[:2] == before[:2]  # the same documents and articles, read again, not added
    assert sql(ledger_path, "SELECT document_id, id FROM claims GROUP BY document_id, id HAVING count(*) > 1") == []
    assert claim_id not in set(sql(ledger_path, "SELECT id FROM claims WHERE metric = 'trade'"))

    assert f"{len(SEEDS)} files already in the ledger, skipped" in cli_extract(seeds, ledger_path, capsys)


def test_every_field_of_every_claim_reads_back_as_the_pipeline_made_it(tmp_path):
    """The claim row is written column by column: amounts, subject and event come back equal, in their columns."""
    processed = [process_document(load_document(seed, doc=seed.name)) for seed in SEEDS]
    with Ledger(tmp_path / "ledger.db") as ledger:
        for item in processed:
            ledger.add_processed(item)
        held = ledger.claim_records()
    made = [claim for item in processed for claim in item.claims]
    assert any(c.event for c in made) and any(c.interval_low is not None for c in made)
    assert sorted(held, key=lambda c: (c.doc, c.start)) == sorted(made, key=lambda c: (c.doc, c.start))


# ---- facts claims -----------------------------------------------------------------------


def strict_json(line: str) -> dict:
    def refuse(constant: str):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(line, parse_constant=refuse)


QUERY = ["--subject", "Azerbaijan", "--metric", "trade", "--period", "2024"]


def test_claims_as_a_table(seed_ledger, capsys):
    assert main(["claims", "--ledger", str(seed_ledger), *QUERY]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["doc", "start", "end", "text", "kind", "value", "unit", "qualifier", "subject",
                                "metric", "period"]
    trade = [line for line in lines if TRADE_FIGURE in line and line.lstrip().startswith(TRADE_SEED.name)]
    assert len(trade) == 1
    assert all(word in trade[0] for word in ("money", "3740000000.00", "USD", "nearly", "Azerbaijan, China",
                                             "trade", "2024"))


def test_claims_as_json_lines(seed_ledger, capsys):
    assert main(["claims", "--ledger", str(seed_ledger), *QUERY, "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows and all("Azerbaijan" in r["subject"] and "trade" in r["metric"] and r["period"].startswith("2024")
                        for r in rows)
    (trade,) = [r for r in rows if r["doc"] == TRADE_SEED.name and r["text"] == TRADE_FIGURE]
    assert trade["subject"] == ["Azerbaijan", "China"] and trade["value"] == "3740000000.00"
    assert trade["unit"] == "USD" and trade["qualifier"] == "nearly"


def test_claims_as_json_lines_are_strict_json(seed_ledger, capsys):
    assert main(["claims", "--ledger", str(seed_ledger), *QUERY, "--format", "jsonl"]) == 0
    for line in capsys.readouterr().out.splitlines():
        strict_json(line)


@pytest.fixture
def read_only_ledger(seed_ledger, tmp_path):
    """A copy of the seed ledger in a folder nobody may write: immutable for root, whom modes do not stop."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    path = folder / "ledger.db"
    shutil.copy(seed_ledger, path)
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(path), str(folder)], capture_output=True).returncode:
            pytest.skip("chattr +i is not allowed here")
        yield path
        subprocess.run(["chattr", "-i", str(path), str(folder)], check=True)
    else:
        path.chmod(0o444)
        folder.chmod(0o555)
        yield path
        folder.chmod(0o755)


def test_a_read_only_ledger_opens_read_only_for_claims_and_check(read_only_ledger, capsys):
    assert main(["claims", "--ledger", str(read_only_ledger), *QUERY, "--format", "jsonl"]) == 0
    assert any(json.loads(line)["text"] == TRADE_FIGURE for line in capsys.readouterr().out.splitlines())
    assert main(["check", "--ledger", str(read_only_ledger), "--format", "jsonl"]) == 0
    captured = capsys.readouterr()
    assert captured.out and captured.err == ""


def test_a_ledger_that_cannot_be_written_is_one_line_naming_it(read_only_ledger, capsys):
    assert main(["extract", str(SEEDS[1]), "--ledger", str(read_only_ledger), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith(f"facts: {read_only_ledger}: "), err
    assert "not a facts ledger" not in err, err  # it is one, only not writable


def test_claims_from_a_missing_ledger(tmp_path, capsys):
    missing = tmp_path / "nowhere.db"
    assert main(["claims", "--ledger", str(missing), *QUERY]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1 and str(missing) in captured.err
    assert not missing.exists()


def test_a_ledger_made_before_the_si_columns_gains_them(tmp_path):
    path = tmp_path / "old.db"
    with Ledger(path) as ledger:
        ledger.db.execute("ALTER TABLE claims DROP COLUMN si_value")
        ledger.db.execute("ALTER TABLE claims DROP COLUMN si_unit")
    with Ledger(path) as ledger:
        columns = {row[1] for row in ledger.db.execute("PRAGMA table_info(claims)")}

    assert {"si_value", "si_unit"} <= columns
