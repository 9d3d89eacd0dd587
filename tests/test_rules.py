"""Every example and counter-example in rules/ runs as a test."""
from __future__ import annotations

from decimal import Decimal

import pytest

from facts import extract
from facts.engine.rulefiles import NEGATIVE
from facts.engine.rules import cached_rules
from facts.models import AMOUNT_KINDS

RULES = cached_rules()
NUMERIC = AMOUNT_KINDS


def _examples():
    for rule in RULES.rules.values():
        for i, ex in enumerate(rule.examples):
            yield pytest.param(rule, ex, id=f"{rule.id}:{ex.line or i}")


def _counter_examples():
    for rule in RULES.rules.values():
        for i, text in enumerate(rule.counter_examples):
            yield pytest.param(rule, text, id=f"{rule.id}:counter{i}")


def _same(expected, actual, kind: str) -> bool:
    if kind in NUMERIC:
        return actual is not None and Decimal(str(expected)) == Decimal(str(actual))
    return str(expected) == str(actual)


@pytest.mark.parametrize(("rule", "example"), list(_examples()))
def test_each_rule_finds_its_examples(rule, example):
    mentions = extract(example.text, reference_date=example.reference, rules=RULES)
    for m in mentions:
        assert example.text[m.start:m.end] == m.text
    span = example.span if example.span is not None else example.text
    found = [m for m in mentions if m.text == span]
    assert RULES.anchor.search(span), f"{span!r} holds no {{anchor}} (rules/en/patterns.yaml): rules only run near one"
    assert found, f"{rule.id}: nothing found at {span!r} in {example.text!r}; got {[(m.text, m.rule) for m in mentions]}"
    m = found[0]
    assert m.rule == rule.id, f"{span!r} was found by {m.rule}, not {rule.id}"
    assert m.kind == rule.kind
    if example.value is not None:
        assert _same(example.value, m.value, m.kind), f"value {m.value!r}, expected {example.value!r}"
    for name in ("unit", "qualifier", "mod", "resolved"):
        expected = getattr(example, name)
        if expected is not None:
            assert getattr(m, name) == expected, f"{name} {getattr(m, name)!r}, expected {expected!r}"
    if example.qualifier is None and m.kind in NUMERIC:
        assert m.qualifier is None, f"unexpected qualifier {m.qualifier!r}"
    if example.relative is not None:
        assert m.relative == example.relative
    for name in ("low", "high"):
        expected = getattr(example, name)
        if expected is not None:
            assert _same(expected, getattr(m, name), m.kind)


@pytest.mark.parametrize(("rule", "text"), list(_counter_examples()))
def test_no_rule_finds_its_counter_examples(rule, text):
    mentions = extract(text, rules=RULES)
    if rule.kind == NEGATIVE:
        assert mentions == [], f"{rule.id}: {text!r} gave {[(m.text, m.kind, m.rule) for m in mentions]}"
    else:
        wrong = [m for m in mentions if m.kind == rule.kind]
        assert not wrong, f"{rule.id}: {text!r} gave {[(m.text, m.rule) for m in wrong]}"


def test_every_rule_has_an_example():
    missing = [r.id for r in RULES.rules.values() if not r.examples and not (r.kind == NEGATIVE and r.counter_examples)]
    assert not missing, f"rules without examples: {missing}"
