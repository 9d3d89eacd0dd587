"""Rules without limits (issue 16, item 11): matching runs under the `regex` module's timeout, and
`facts rules check` refuses patterns that nest unbounded quantifiers. In process: no subprocess."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from facts.cli import main
from facts.engine.limits import nested_quantifiers
from facts.engine.matching import RuleTimeout
from facts.engine.rules import default_rules_dir, load_rules
from facts.pipeline import extract
from facts.run import process_paths

# Fibonacci many ways to split a run of digits into ones and twos, then a look-ahead that fails: no
# nested quantifier, so only the timeout can stop it (the `regex` module's guards stop the nested ones).
# A kind that reads digits (count, like every amount kind, reads numbers as tokens: a run of digits is one).
SLOW_RULE = """kind: duration
rules:
  - id: count.zz_backtracks
    priority: 99
    pattern: '(?:\\d|\\d\\d)+(?=[a-z])'
"""
NESTED_RULE = """kind: count
rules:
  - id: count.zz_fine
    pattern: '\\d+\\x20ships'
  - id: count.zz_nested
    pattern: '(?:\\d+\\s?)+\\x20tonnes'
"""
DIGITS = "Shipments of " + "1" * 40 + " arrived."


def rules_with(tmp_path: Path, body: str) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), root)
    (root / "zz_extra.yaml").write_text(body, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def slow_rules(tmp_path_factory):
    return load_rules(rules_with(tmp_path_factory.mktemp("slow"), SLOW_RULE))


def test_a_rule_that_backtracks_catastrophically_times_out_naming_the_rule_and_document(slow_rules, monkeypatch,
                                                                                          tmp_path):
    monkeypatch.setenv("FACTS_MATCH_TIMEOUT", "0.2")
    with pytest.raises(RuleTimeout) as caught:
        extract(DIGITS, rules=slow_rules, doc="wire.txt")
    message = str(caught.value)
    assert message.startswith("wire.txt: rule count.zz_backtracks (")
    assert f"{slow_rules.root / 'zz_extra.yaml'}:3)" in message and "0.2 s match timeout" in message
    assert "\n" not in message and caught.value.offset == DIGITS.index("1")
    # In a run, the document is skipped by name and the others are still read.
    (tmp_path / "a_slow.txt").write_text(DIGITS, encoding="utf-8")
    (tmp_path / "b_fine.txt").write_text("Trade reached $3 billion in 2024.", encoding="utf-8")
    results = list(process_paths([str(tmp_path)], rules=slow_rules))
    assert [type(r).__name__ for r in results] == ["RuleTimeout", "ProcessedDocument"]
    assert results[0].path == "a_slow.txt" and [c.mention.text for c in results[1].attributed] == ["$3 billion", "2024"]


def test_the_match_timeout_leaves_ordinary_rules_alone(slow_rules, monkeypatch):
    monkeypatch.setenv("FACTS_MATCH_TIMEOUT", "0.2")
    assert [m.text for m in extract("Trade reached $3 billion in 2024.", rules=slow_rules)] == ["$3 billion", "2024"]
    monkeypatch.setenv("FACTS_MATCH_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="FACTS_MATCH_TIMEOUT"):
        extract("In 2024.", rules=slow_rules)


@pytest.mark.parametrize("pattern, nested", [
    (r"(?:\d+\s?)+", True), (r"(a+)+", True), (r"(a+){2,}", True), (r"(a+?)*?", True),
    (r"(?:[,](?:x|,+))*", True),                        # the delimiter can be taken by the repeat inside
    (r"(?>a+)+", False), (r"(a+)++", False),            # atomic, possessive
    (r"(a+){1,3}", False), (r"(a|b)+", False), (r"[(a+)]+", False), (r"\(a+\)+", False),
    ("(?:x # (a+)+ in a comment\n)+", False),
    (r"(?:[.,]\d+)*", False), (r"(?:[A-Za-z]+\d+)*", False),  # each repeat splits one way
    (r"(?:\s*,\s*\w+)*", False), (r"(?:a(?:b+)?)*", False),   # a delimiter no inner repeat takes
])
def test_nested_unbounded_quantifiers_are_found(pattern, nested):
    assert bool(nested_quantifiers(pattern)) is nested


def test_rules_check_refuses_nested_unbounded_quantifiers_by_file_and_line(tmp_path, capsys):
    root = rules_with(tmp_path, NESTED_RULE)
    assert main(["rules", "check", "--rules", str(root)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"{root / 'zz_extra.yaml'}:5: rule count.zz_nested: nested unbounded quantifiers in "
                                "'(?:\\\\d+\\\\s?)+' (can backtrack catastrophically: bound the inner or outer repeat, "
                                "or make it atomic (?>...) or possessive ++)"]
    assert err == "facts: 1 patterns can backtrack catastrophically\n"


def test_rules_check_passes_the_shipped_rules(capsys):
    assert main(["rules", "check"]) == 0
    assert capsys.readouterr().err == "facts: rules checked: no nested unbounded quantifiers\n"
