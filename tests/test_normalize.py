"""Numbers as news writes them, read exactly (`facts.numbers`)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from facts.numbers import parse_number, scale_of
from facts.rules import cached_rules

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
    ("fifty - two", "52"),
    ("4 thousand 3 hundred and 21", "4321"),
    ("two hundred and two thousand", "202000"),
    ("one hundred and three quarters", "100.75"),
    ("twenty-three fifths", "4.6"),
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


@pytest.mark.parametrize("text", ["", "and", "point five", "many"])
def test_what_is_no_number(text):
    assert parse_number(text, LEX) is None


def test_scale_letters_keep_their_case_in_patterns_but_not_in_lookup():
    assert scale_of("bn", LEX) == Decimal(10) ** 9
    assert scale_of("M", LEX) == Decimal(10) ** 6
    assert scale_of(None, LEX) == 1
