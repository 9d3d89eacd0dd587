"""Dates, periods and durations as TIMEX values: `2025-04`, `XXXX-05-07`, `2015/2019`, `P30Y`.

A missing year stays `XXXX` here; `resolve` anchors it later, and only where
the document or the caller gives an anchor.
"""
from __future__ import annotations

import calendar
from decimal import Decimal
from typing import Any

from .matching import Candidate
from .numbers import parse_number
from .rules import Lexicon

Fields = dict[str, Any]

def _year(text: str | None, lex: Lexicon, century_from: str | None = None) -> str | None:
    """A four-digit year; a two-digit one (`2012–13`, `'98`) takes its century from the other end."""
    if text is None:
        return None
    digits = text.strip().lstrip("'\u2019")
    if len(digits) == 4 and digits.isdigit():
        return digits
    if len(digits) == 2 and digits.isdigit():
        base = century_from if century_from else None
        if base is None:
            return None
        year = base[:2] + digits
        return year if year >= base else str(int(base[:2]) + 1) + digits
    value = parse_number(text, lex)
    return f"{int(value):04d}" if value is not None and 1000 <= value <= 2999 else None


def _month(text: str | None, lex: Lexicon) -> int | None:
    if text is None:
        return None
    if text.strip().isdigit():
        month = int(text)
        return month if 1 <= month <= 12 else None
    return lex.lookup("month", text)


def _day(text: str | None, lex: Lexicon) -> int | None:
    if text is None:
        return None
    value = parse_number(regex_ordinal_suffix(text), lex)
    if value is None:
        value = lex.lookup("ordinal_word", text)
    return int(value) if value is not None and 1 <= int(value) <= 31 else None


def regex_ordinal_suffix(text: str) -> str:
    stripped = text.strip()
    for suffix in ("st", "nd", "rd", "th"):
        if stripped.lower().endswith(suffix) and stripped[:-2].isdigit():
            return stripped[:-2]
    return stripped


def _timex(year: str | None, month: int | None, day: int | None) -> str | None:
    year_part = year or "XXXX"
    if month is None:
        return year_part if day is None and year else None
    if day is not None:
        if year and day > calendar.monthrange(int(year), month)[1]:
            return None
        return f"{year_part}-{month:02d}-{day:02d}"
    return f"{year_part}-{month:02d}"


def date(c: Candidate, lex: Lexicon) -> Fields | None:
    fields: Fields = {}
    if c.has("mod"):
        fields["mod"] = lex.lookup("date_mod", c.group("mod"))
    if c.has("relative"):
        return fields | {"value": "XXXX", "relative": True}
    if c.has("decade"):
        decade = c.group("decade")
        return fields | {"value": decade[:3] + "X"} if decade[:4].isdigit() else None
    month = _month(c.group("month"), lex)
    if c.has("month") and month is None:
        return None
    value = _timex(_year(c.group("year"), lex), month, _day(c.group("day"), lex))
    return None if value is None else fields | {"value": value}


def period(c: Candidate, lex: Lexicon) -> Fields | None:
    year = _year(c.group("year"), lex)
    if c.has("first_months"):
        n = parse_number(c.group("first_months"), lex)
        if n is None or not 1 <= n <= 12 or year is None:
            return None
        return {"value": f"{year}-01/{year}-{int(n):02d}"}
    if c.has("quarter") or c.has("half"):
        part = c.group("quarter") or c.group("half")
        months = lex.lookup("year_part", part)
        if months is None or year is None:
            return None
        return {"value": f"{year}-{months[0]:02d}/{year}-{months[1]:02d}"}
    from_year = _year(c.group("from_year"), lex) or year
    to_year = _year(c.group("to_year"), lex, century_from=from_year) or year
    if from_year is None and c.has("from_year"):
        return None
    from_month, to_month = _month(c.group("from_month"), lex), _month(c.group("to_month"), lex)
    from_month, to_month = from_month or to_month, to_month or from_month
    from_day, to_day = _day(c.group("from_day"), lex), _day(c.group("to_day"), lex)
    if from_day is not None and to_day is None:
        to_month = None if not c.has("to_month") else to_month
    from_year = from_year or to_year
    start = _timex(from_year, from_month, from_day)
    end = _timex(to_year, to_month, to_day)
    if start is None or end is None or (from_year and to_year and from_year > to_year):
        return None
    return {"value": f"{start}/{end}"}


def duration(c: Candidate, lex: Lexicon) -> Fields | None:
    unit = lex.lookup("duration_unit", c.group("unit"))
    if unit is None:
        return None
    number = parse_number(c.group("number"), lex) if c.has("number") else Decimal(1)
    if number is None:
        return None
    amount = number * Decimal(str(unit.get("factor", 1)))
    text = f"{amount.normalize():f}"
    prefix = "PT" if unit["symbol"] in ("H", "MIN", "S") else "P"
    symbol = "M" if unit["symbol"] == "MIN" else unit["symbol"]
    return {"value": f"{prefix}{text}{symbol}"}


