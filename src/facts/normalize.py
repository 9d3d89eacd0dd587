"""Turn a rule's match into a typed value, as FORMAT.md defines values.

A rule only names its groups (`number`, `scale`, `currency`, `unit`, `year`,
`from_month`, ...); all arithmetic lives here, one function per kind. A
function returns None when the groups do not make a valid value (a 13th month,
a number that does not parse), and the candidate is then dropped.
"""
from __future__ import annotations

import calendar
from decimal import Decimal
from typing import Any, Callable

from .matching import Candidate
from .numbers import parse_number, scale_of
from .rules import Lexicon, fold

Fields = dict[str, Any]


def _amount(c: Candidate, lex: Lexicon, name: str = "number") -> Decimal | None:
    value = parse_number(c.group(name), lex)
    if value is None:
        return None
    scale = c.group(f"{name}_scale") or c.group("scale")
    return value * scale_of(scale, lex)


def _amount_fields(c: Candidate, lex: Lexicon) -> Fields | None:
    """The value, or the bounds of a range (`15–20 percent`, `between $2 and $3 billion`)."""
    if c.has("low"):
        low, high = _amount(c, lex, "low"), _amount(c, lex, "high")
        if low is None or high is None:
            return None
        return {"value": low, "low": low, "high": high}
    if c.has("fraction"):
        value = lex.lookup("fraction", c.group("fraction"))
        return None if value is None else {"value": Decimal(str(value))}
    value = _amount(c, lex)
    return None if value is None else {"value": value}


def money(c: Candidate, lex: Lexicon) -> Fields | None:
    fields = _amount_fields(c, lex)
    code = lex.lookup("currency_prefix", c.group("currency")) or lex.lookup("currency_suffix", c.group("currency"))
    if fields is None or code is None:
        return None
    return fields | {"unit": code}


def percent(c: Candidate, lex: Lexicon) -> Fields | None:
    fields = _amount_fields(c, lex)
    if fields is None:
        return None
    if c.has("fraction"):
        fields["value"] *= 100
    return fields | {"unit": lex.lookup("percent_sign", c.group("sign"), "%")}


def quantity(c: Candidate, lex: Lexicon) -> Fields | None:
    fields = _amount_fields(c, lex)
    unit = lex.lookup("unit", c.group("unit"))
    if fields is None or unit is None:
        return None
    factor = Decimal(str(unit.get("factor", 1)))
    return {k: v * factor for k, v in fields.items()} | {"unit": unit["unit"]}


def count(c: Candidate, lex: Lexicon) -> Fields | None:
    fields = _amount_fields(c, lex)
    if fields is None:
        return None
    return fields | {"unit": counted_noun(c.group("noun"), lex)}


def counted_noun(noun: str | None, lex: Lexicon) -> str | None:
    """The head noun, lower case and singular: `fighter jets` -> `jet`, `heads of state` -> `head of state`."""
    if not noun:
        return None
    phrase = fold(noun)
    known = lex.lookup("noun_singular", phrase)
    if known is not None:
        return known
    head = phrase.split()[-1]
    known = lex.lookup("noun_singular", head)
    if known is not None:
        return known
    for suffix, replacement in lex.tables["plural_suffix"].items():
        if head.endswith(suffix) and len(head) > len(suffix) + 1:
            return head[: -len(suffix)] + replacement
    return head


def multiplier(c: Candidate, lex: Lexicon) -> Fields | None:
    if c.has("factor_word"):
        factor = lex.lookup("multiplier_word", c.group("factor_word"))
        return None if factor is None else {"value": Decimal(str(factor))}
    value = parse_number(c.group("number"), lex)
    return None if value is None else {"value": value}


# --- dates, periods and durations -------------------------------------------------


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


NORMALIZERS: dict[str, Callable[[Candidate, Lexicon], Fields | None]] = {
    "money": money,
    "percent": percent,
    "quantity": quantity,
    "count": count,
    "multiplier": multiplier,
    "date": date,
    "period": period,
    "duration": duration,
}


def normalize(c: Candidate, lex: Lexicon) -> Fields | None:
    return NORMALIZERS[c.kind](c, lex)
