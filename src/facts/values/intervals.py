"""The interval of values a written figure stands for.

Writers round and hedge: `$94.8 billion` means 94.75 to 94.85 billion, `nearly
$10 million` something below 10 million, `over 20 percent` anything above 20.
Claims carry that interval, so checks compare what the texts allow rather than
the digits, and never need a fixed tolerance.
"""
from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

import regex

from ..engine.lexicon import Lexicon
from ..models import EXACT_KINDS, Mention

_WRITTEN_NUMBER = regex.compile(r"\d[\d,\u00a0\u202f]*(?:\.\d+)?")
_DIGIT_GROUPING = regex.compile(r"[,\u00a0\u202f]")
Bound = Decimal | None


def rounding_step(mention: Mention) -> Decimal:
    """Half a unit of the last digit written, at the scale written (`94.8 billion` -> 0.05 billion).

    Counts and factors of things written without a scale word are exact (`26 tourists`).
    """
    m = _WRITTEN_NUMBER.search(mention.text)
    value = mention.low if mention.low is not None else mention.value
    if m is None or not isinstance(value, Decimal) or value == 0:
        return Decimal(0)
    digits = _DIGIT_GROUPING.sub("", m.group())
    written = Decimal(digits)
    if written == 0:
        return Decimal(0)
    scale = abs(value / written)
    if mention.kind in EXACT_KINDS and scale == 1:
        return Decimal(0)
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return Decimal(1).scaleb(-decimals) * scale / 2


def value_interval(mention: Mention, lexicon: Lexicon, *, rounding: bool = True) -> tuple[Bound, Bound]:
    """(low, high) of an amount; None for an open side. Without `rounding`, the figure
    as its writer stated it, for arithmetic the writer did on stated figures.

    A qualifier sets each side by its own share (`qualifier_interval` in
    rules/en/lexicon/intervals.yaml), never narrower than the rounding; a share of
    0 pins that side to the figure itself (`over 20 percent` starts at 20).
    """
    if not isinstance(mention.value, Decimal):
        return None, None
    low = mention.low if mention.low is not None else mention.value
    high = mention.high if mention.high is not None else mention.value
    half = rounding_step(mention) if rounding else Decimal(0)
    if not mention.qualifier:
        return low - half, high + half
    rule = lexicon.lookup("qualifier_interval", mention.qualifier, {})
    return _side(low, rule.get("below"), half, -1), _side(high, rule.get("above"), half, 1)


def _side(value: Decimal, share, half: Decimal, direction: int) -> Bound:
    if share is None:
        return None
    share = Decimal(str(share))
    if share == 0:
        return value
    return value + direction * max(abs(value) * share, half)


def timex_days(value: str | None) -> tuple[date, date] | None:
    """First and last day a TIMEX date or period covers; None where a year is missing."""
    if not value or "X" in value or value.startswith("P"):
        return None
    if "/" in value:
        start, end = value.split("/", 1)
        first, last = timex_days(start), timex_days(end)
        return (first[0], last[1]) if first and last else None
    parts = value.split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1 and len(parts[0]) in (2, 3):
            # TimeML's century (`19`) or decade (`199`)
            size = 10 ** (4 - len(parts[0]))
            return date(year * size, 1, 1), date(year * size + size - 1, 12, 31)
        if len(parts) == 1:
            return date(year, 1, 1), date(year, 12, 31)
        month = int(parts[1])
        if len(parts) == 2:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        day = int(parts[2])
        return date(year, month, day), date(year, month, day)
    except (ValueError, IndexError):
        return None
