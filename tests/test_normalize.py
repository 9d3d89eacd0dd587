"""Numbers as news writes them, read exactly (`facts.values.numbers`)."""
from __future__ import annotations

import shutil
from decimal import Decimal

import pytest

from facts import extract
from facts.engine.rules import cached_rules, default_rules_dir, load_rules
from facts.values.numbers import parse_number, scale_of

LEX = cached_rules().lexicon


@pytest.mark.parametrize(("text", "value"), [
    ("7,200", "7200"),
    ("1 414 021 100", "1414021100"),
    (".08", "0.08"),
    ("-9.25", "-9.25"),
    ("10 1/2", "10.5"),
    ("1/4", "0.25"),
    ("2½", "2.5"),
    ("twenty-five", "25"),
    ("1,8", "1.8"),
    ("1,800", "1800"),
    ("fifty - two", "52"),
    ("4 thousand 3 hundred and 21", "4321"),
    ("two hundred and two thousand", "202000"),
    ("one hundred and three quarters", "100.75"),
    ("twenty-three fifths", "4.6"),
    ("one hundred twenty five", "125"),
    ("one and a half", "1.5"),
    ("half a dozen", "6"),
    ("3 dozens", "36"),
    ("three lakh crore", "3000000000000"),
    ("two hundred point seventy-one", "200.71"),
    ("nought point nought three", "0.03"),
    ("minus five point five", "-5.5"),
    ("1.2 x 10^6", "1200000"),
    ("8x2^10", "8192"),
    ("3 × 10^-2", "0.03"),
])
def test_parse_number(text, value):
    assert parse_number(text, LEX) == Decimal(value)


@pytest.mark.parametrize("text", ["", "and", "point five", "many", "eight-nine", "five six", "twenty thirty"])
def test_what_is_no_number(text):
    assert parse_number(text, LEX) is None


def test_scale_letters_keep_their_case_in_patterns_but_not_in_lookup():
    assert scale_of("bn", LEX) == Decimal(10) ** 9
    assert scale_of("M", LEX) == Decimal(10) ** 6
    assert scale_of(None, LEX) == 1


# Times in TimeML's forms (`facts.values.timex`): the value a rule's groups make, before any resolution.
@pytest.mark.parametrize(("text", "kind", "value"), [
    ("on Friday", "date", "XXXX-WXX-5"),
    ("Sunday's vote", "date", "XXXX-WXX-7"),
    ("in the late 1980s", "date", "198"),
    ("the 21st century", "date", "20"),
    ("the nineteenth century", "date", "18"),
    ("the winter of 1998", "date", "1998-WI"),
    ("this spring", "date", "XXXX-SP"),
    ("FY2013", "date", "FY2013"),
    ("fiscal year 2012", "date", "FY2012"),
    ("last fiscal year", "date", "FYXXXX"),
    ("It is now clear", "date", "PRESENT_REF"),
    ("in the past", "date", "PAST_REF"),
    ("in the foreseeable future", "date", "FUTURE_REF"),
    ("three decades", "duration", "P30Y"),
])
def test_timex_values(text, kind, value):
    from facts import extract

    assert [(m.kind, m.value) for m in extract(text) if m.kind in ("date", "duration")] == [(kind, value)]


def test_the_words_that_join_a_number_are_the_lexicons(tmp_path):
    """`and`, `a` and `point` in numbers written in words are entries of `lexicon/numbers.yaml`: a rule set
    whose entries are `und`, `ein` and `komma` reads those."""
    root = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), root)
    path = root / "lexicon" / "numbers.yaml"
    text = path.read_text(encoding="utf-8")
    for entry, other in (("      and: true\n", "      und: true\n"), ("      a: 1\n      an: 1\n", "      ein: 1\n"),
                         ("      point: true\n", "      komma: true\n")):
        assert text.count(entry) == 1
        text = text.replace(entry, other)
    path.write_text(text, encoding="utf-8")
    copied = load_rules(root).lexicon
    english, other = "one hundred and three quarters", "one hundred und three quarters"
    assert (parse_number(english, LEX), parse_number(other, LEX)) == (Decimal("100.75"), None)
    assert (parse_number(english, copied), parse_number(other, copied)) == (None, Decimal("100.75"))
    assert (parse_number("a hundred", copied), parse_number("ein hundred", copied)) == (None, Decimal(100))
    assert parse_number("two komma five", copied) == Decimal("2.5") and parse_number("two point five", copied) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("in 2022 — 747 thousand tons were sold", [("2022", "date", "2022"), ("747 thousand tons", "quantity", "747000")]),
    ("rates fell from 10 to 5 percent", [("10", "percent", "10"), ("5 percent", "percent", "5")]),
    ("in 2022 — 5,000 tons were sold", [("2022", "date", "2022"), ("5,000 tons", "quantity", "5000")]),
    ("it fell from -2 to -5 percent", [("-2", "percent", "-2"), ("-5 percent", "percent", "-5")]),
    ("rates rose from 5 to 10 percent", [("5", "percent", "5"), ("10 percent", "percent", "10")]),
])
def test_a_range_runs_from_its_smaller_end_else_its_ends_are_a_change(text, expected):
    found = [(m.text, m.kind, str(m.value)) for m in extract(text)]
    assert found == expected


def test_a_range_is_its_two_ends_each_holding_the_whole_range():
    text = "remittances will grow by about 10-15%, to $12-$12.5 billion, and 2–3 million tonnes were shipped"
    found = [(m.text, m.value, m.low, m.high, m.qualifier, m.si_value) for m in extract(text)]
    d = Decimal
    assert [row[:5] for row in found] == [
        ("10", d(10), d(10), d(15), "approx"), ("15%", d(15), d(10), d(15), None),
        ("$12", d(12e9), d(12e9), d(12.5e9), None), ("$12.5 billion", d(12.5e9), d(12e9), d(12.5e9), None),
        ("2", d(2e6), d(2e6), d(3e6), None), ("3 million tonnes", d(3e6), d(2e6), d(3e6), None)]
    assert [si for *_, si in found[4:]] == [d(2e9), d(3e9)]


@pytest.mark.parametrize(("text", "expected"), [
    ("pages 12,13 and 14", [("14", "14")]),
    ("in 2023,15 firms closed", []),
    ("In 2015 UTC sold the plant", [("2015", "2015")]),
])
def test_a_comma_or_a_clock_is_read_only_where_it_can_be_nothing_else(text, expected):
    assert [(m.text, str(m.value)) for m in extract(text)] == expected
