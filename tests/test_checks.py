"""Every check in rules/en/checks.yaml runs its examples; flags keep their contract."""
from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import run_cli

from facts.checks import Corpus, corroboration, find_flags, load_checks
from facts.engine.rulefiles import RuleError
from facts.engine.rules import cached_rules, default_rules_dir, load_check_rules
from facts.pipeline import process_document
from facts.stories import StoryIndex
from facts.text.documents import Document

ROOT = Path(__file__).resolve().parents[1]
RULES = cached_rules()
CHECKS = load_checks(RULES)


def _claims(articles: list[str]):
    stories = StoryIndex()
    claims = []
    for i, text in enumerate(articles):
        document = Document(doc=f"article{i}.txt", path=f"article{i}.txt", text=text, encoding="utf-8")
        claims.extend(process_document(document, rules=RULES, stories=stories).claims)
    return claims


def _examples():
    for check in CHECKS:
        for i, example in enumerate(check.examples):
            yield pytest.param(check, example, id=f"{check.id}:{example.line or i}")


@pytest.mark.parametrize(("check", "example"), list(_examples()))
def test_check_example(check, example):
    claims = _claims(example.articles)
    flags = [f for f in find_flags(claims, rules=RULES) if f.kind == check.id]
    got = sorted(tuple(sorted((f.a.text, f.b.text))) for f in flags)
    want = sorted(tuple(sorted((w.a, w.b))) for w in example.flags)
    assert got == want, f"{check.id}: flagged {got}, expected {want}; why: {[f.why for f in flags]}"
    for f in flags:
        assert f.severity == check.severity and f.why


def test_every_check_has_a_flagging_example_and_a_look_alike():
    for check in CHECKS:
        assert any(e.flags for e in check.examples), f"{check.id} has no example it flags"
        assert any(not e.flags for e in check.examples), f"{check.id} has no look-alike it must not flag"


def test_copies_of_one_article_are_never_flagged_against_each_other_nor_corroborate():
    text = ("By A. Writer\n\nTrade between Azerbaijan and China reached US$ 94.8 billion in 2024. The two "
            "countries signed new agreements on transport. Officials expect more cargo on the Middle Corridor. "
            "Both sides praised the talks.")
    edited = text.replace("94.8", "66.2")
    claims = _claims([text, edited])
    assert len({c.story for c in claims}) == 1
    assert [f for f in find_flags(claims, rules=RULES) if f.kind == "value_conflict"] == []
    money = [c for c in claims if c.kind == "money"]
    assert {corroboration(claims)[c.id] for c in money} == {1}


def test_the_same_figure_in_independent_articles_is_corroboration():
    articles = [f"By {name} Smith\n\nTrade between Azerbaijan and China reached US$ 94.8 billion in 2024. {tail}"
                for name, tail in (("Anna", "It grew fast."), ("Boris", "Officials welcomed it."), ("Chen", "More is due."))]
    claims = _claims(articles)
    money = [c for c in claims if c.kind == "money"]
    assert len({c.story for c in money}) == 3
    assert {corroboration(claims)[c.id] for c in money} == {3}


def test_flags_on_the_seeds_are_the_known_ones():
    seeds = ROOT / "corpus" / "seeds"
    claims = [c for p in sorted(seeds.iterdir()) for c in _claims_of_file(p)]
    flags = find_flags(claims, rules=RULES)
    assert sorted(f.kind for f in flags) == ["duration_vs_period", "event_date_conflict", "multiplier_vs_figures"]
    # The multiplier stands in three copies of one story: one flag, with the other two places.
    (doubled,) = [f for f in flags if f.kind == "multiplier_vs_figures"]
    assert len({doubled.a.doc, *(c.a.doc for c in doubled.copies)}) == 3


def _claims_of_file(path: Path):
    from facts.text.documents import load_document

    return process_document(load_document(path), rules=RULES).claims


def test_check_command_prints_the_contract_and_fails_on_conflict_when_asked():
    seeds = str(ROOT / "corpus" / "seeds")
    run = run_cli("check", seeds, "--format", "jsonl")
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert rows and all({"a", "b", "kind", "why"} <= set(r) for r in rows)
    assert all({"doc", "start", "end", "text"} <= set(r["a"]) for r in rows)
    text = (ROOT / "corpus" / "seeds" / rows[0]["a"]["doc"]).read_text(encoding="utf-8")
    assert text[rows[0]["a"]["start"]:rows[0]["a"]["end"]] == rows[0]["a"]["text"]
    failing = run_cli("check", seeds, "--fail-on-conflict")
    assert failing.returncode == 1


def test_a_broken_checks_file_names_its_line(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    path = rules / "checks.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == "checker: value_conflict")
    lines[at] = lines[at].replace("value_conflict", "no_such_checker")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"checks\.yaml:\d+: check value_conflict: unknown checker"):
        load_checks(load_check_rules(rules))  # the checks and the lexicon, without compiling every pattern


def test_grouping_is_by_key_not_by_pairs():
    corpus = Corpus(_claims(["By A. Writer\n\nTrade between Azerbaijan and China reached US$ 94.8 billion in 2024."]))
    (key,) = corpus.amount_groups()
    assert key == ("money", "USD", "trade", "outturn", (date(2024, 1, 1), date(2024, 12, 31)))


def test_a_flag_between_articles_of_different_dates_says_how_far_apart_they_are():
    claims = _claims(["ASTANA, Kazakhstan, May 23, 2024. Kazakhstan's oil production plan for 2024 is 96.2 million tons.",
                      "ASTANA, Kazakhstan, July 2, 2024. Kazakhstan's oil production plan for 2024 is 90.3 million tons."])
    dates = {c.story: "2024-05-23" if "96.2" in c.sentence else "2024-07-02" for c in claims}
    (flag,) = find_flags(claims, rules=RULES, dates=dates)
    assert "the articles are dated 2024-05-23 and 2024-07-02, 40 days apart" in flag.why
    assert {flag.a.date, flag.b.date} == {"2024-05-23", "2024-07-02"}


def test_min_confidence_leaves_out_the_less_sure_matches():
    # One subject holds the other and more (a pipeline and one country on its route): half sure.
    claims = _claims(["By A. Writer\n\nThe TAPI pipeline will be 1,814 kilometers long.",
                      "By B. Writer\n\nThe TAPI pipeline through Afghanistan will be 1,735 kilometers long."])
    assert [c.subject for c in claims if c.kind == "quantity"] == [["TAPI"], ["Afghanistan", "TAPI"]]
    assert find_flags(claims, rules=RULES) == []
    (flag,) = find_flags(claims, rules=RULES, min_confidence=0.4)
    assert flag.confidence == pytest.approx(0.45) and "one side also names Afghanistan" in flag.why
