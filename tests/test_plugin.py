"""The `facts_snapshot` fixture, used by a project of its own: recorded, passing, failing with a
claim-level diff once a lexicon entry changes, regenerated with --force-regen. The project's pytest
runs in this process (pytester's in-process runs), but where a fresh process is the point."""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from facts import Document, process_document
from facts.diff import diff_claims
from facts.engine.rules import default_rules_dir
from facts.pytest_plugin import snapshot_claims, snapshot_records
from facts.text.segment import segment

pytest_plugins = ["pytester"]

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"
TEST_FILE = """
def test_article(facts_snapshot):
    facts_snapshot.check("article.txt")
"""


def mongolia() -> str:
    page = next(SEEDS.glob("002_*.txt")).read_text(encoding="utf-8")
    first = segment(page)[0]
    return page[first.start:first.end]


def test_records_read_back_as_the_same_claims():
    claims = process_document(Document(doc="a.txt", path="a.txt", text=mongolia(), encoding="utf-8")).claims
    records = snapshot_records(claims)
    assert records[0]["location"] == f"a.txt:{claims[0].start}-{claims[0].end}"
    assert all(isinstance(r["value"], str) for r in records)
    assert "rule" not in records[0] and "id" not in records[0]
    assert diff_claims(claims, snapshot_claims(yaml.safe_load(yaml.safe_dump(records)))) == []


def test_snapshot_fails_with_a_claim_diff_after_a_rule_changes(pytester, monkeypatch, tmp_path):
    monkeypatch.delenv("FACTS_RULES", raising=False)  # the bundled rules, compiled once for the session
    pytester.makepyfile(test_claims=TEST_FILE)
    article = pytester.path / "article.txt"
    article.write_text(mongolia(), encoding="utf-8")

    pytester.runpytest_inprocess().assert_outcomes(failed=1)  # the first run writes the snapshot
    snapshot = pytester.path / "test_claims" / "test_article.yml"
    assert "kind: money" in snapshot.read_text(encoding="utf-8")
    pytester.runpytest_inprocess().assert_outcomes(passed=1)

    paragraphs = article.read_text(encoding="utf-8").split("\n\n")
    paragraphs.insert(12, paragraphs.pop(6))
    article.write_text("\n\n".join(paragraphs), encoding="utf-8")
    pytester.runpytest_inprocess().assert_outcomes(passed=1)  # offsets moved, claims did not

    # The rules changed, in a folder of their own: the rules this process compiled for the bundled folder are
    # not taken for them (each pytest run of a real project is a new process that compiles its rules).
    changed = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), changed)
    lexicon = changed / "lexicon" / "qualifiers.yaml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8").replace("nearly: nearly", "nearly: approx"),
                       encoding="utf-8")
    monkeypatch.setenv("FACTS_RULES", str(changed))
    failed = pytester.runpytest_inprocess()
    failed.assert_outcomes(failed=1)
    failed.stdout.fnmatch_lines([
        "*changed qualifier: nearly -> approx in 'Trade with Uzbekistan grew dramatically from under $1 million"
        " in 2017 to nearly $10 million by 2022*",
        "*changes in claims: 1 changed"])
    failed.stdout.no_fnmatch_line("*FILES DIFFER*")

    pytester.runpytest_inprocess("--force-regen").assert_outcomes(failed=1)
    assert "qualifier: approx" in snapshot.read_text(encoding="utf-8")
    pytester.runpytest_inprocess().assert_outcomes(passed=1)


def test_snapshot_paths_are_relative_to_the_rootdir_not_the_cwd(pytester, monkeypatch):
    pytester.makeini("[pytest]\n")  # the rootdir, wherever pytest runs from
    pytester.makepyfile(test_claims='def test_article(facts_snapshot):\n    facts_snapshot.check("articles/")\n')
    (pytester.path / "articles").mkdir()
    (pytester.path / "articles" / "article.txt").write_text(mongolia(), encoding="utf-8")
    pytester.runpytest_inprocess().assert_outcomes(failed=1)  # the first run writes the snapshot

    elsewhere = pytester.path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    pytester.runpytest_inprocess(str(pytester.path / "test_claims.py")).assert_outcomes(passed=1)


def test_the_plugin_loads_no_rules_until_a_test_asks_for_facts_snapshot(pytester):
    pytester.makepyfile(test_other="""
        import sys

        def test_unrelated():
            assert "facts.pytest_plugin" in sys.modules
            assert not {"facts.engine.rules", "facts.pipeline", "facts.diff"} & set(sys.modules)
    """)

    # A process of its own: which modules a fresh pytest has imported.
    pytester.runpytest_subprocess().assert_outcomes(passed=1)
