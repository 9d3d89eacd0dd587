"""Dates, periods and durations as TIMEX values: `2025-04`, `XXXX-05-07`, `2015/2019`, `P30Y`.

A missing year stays `XXXX` here; `resolve` anchors it later, and only where
the document or the caller gives an anchor.
"""
from __future__ import annotations

import calendar
from decimal import Decimal
from typing import Any

from ..engine.lexicon import Lexicon
from ..engine.matching import Candidate
from .numbers import as_decimal, parse_number

Fields = dict[str, Any]

# A lone two-digit year below this is 20xx (`9-18-15`), else 19xx (`03/18/40`).
TWO_DIGIT_PIVOT = 30
# The end of a range written with two digits (`2012–13`, `1998–01`) may cross into the next century only this far.
CENTURY_WRAP = 10


def _year(text: str | None, century_from: str | None = None) -> str | None:
    """A four-digit year; a two-digit one ends a range after `century_from`, or stands alone (pivot)."""
    if text is None:
        return None
    digits = text.strip().lstrip("'\u2019")
    if not digits.isdigit() or len(digits) not in (2, 4):
        return None
    if len(digits) == 4:
        return digits
    if century_from is None:
        return ("20" if int(digits) < TWO_DIGIT_PIVOT else "19") + digits
    same = int(century_from[:2] + digits)
    if same > int(century_from):
        return f"{same:04d}"
    wrapped = same + 100
    return f"{wrapped:04d}" if wrapped - int(century_from) <= CENTURY_WRAP else None


def _month(text: str | None, lex: Lexicon) -> int | None:
    if text is None:
        return None
    text = text.strip().rstrip(".")
    if text.isdigit():
        month = int(text)
        return month if 1 <= month <= 12 else None
    return lex.lookup("month", text)


def _ordinal(text: str | None, lex: Lexicon) -> int | None:
    """`7`, `07`, `7th`, `seventh`, `twenty-first` as a number."""
    if text is None:
        return None
    text = text.strip()
    suffix = next((s for s in lex.tables["ordinal_suffix"] if text.lower().endswith(s)), "")
    digits = text[:len(text) - len(suffix)]
    if digits.isdigit():
        return int(digits)
    return lex.lookup("day_word", text)


def _day(text: str | None, lex: Lexicon) -> int | None:
    value = _ordinal(text, lex)
    return value if value is not None and 1 <= value <= 31 else None


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
    vague = _vague_date(c, lex)
    if vague is not None:
        return fields | vague if vague else None
    month = _month(c.group("month"), lex)
    if c.has("month") and month is None:
        return None
    if c.has("relative"):
        return fields | {"value": "XXXX" if month is None else f"XXXX-{month:02d}", "relative": True}
    if c.has("decade"):
        year = _year(c.group("decade"))  # `the '90s`: two digits as for a year
        return None if year is None else fields | {"value": year[:3]}
    value = _timex(_year(c.group("year")), month, _day(c.group("day"), lex))
    return None if value is None else fields | {"value": value}


def _vague_date(c: Candidate, lex: Lexicon) -> Fields | None:
    """TimeML's forms for what has no calendar date (ISO-TimeML, TimeML 1.2.1): a vague reference
    (`PRESENT_REF`), a weekday (`XXXX-WXX-5`), a weekend (`XXXX-WXX-WE`), a season (`2013-SU`), a fiscal year (`FY2013`), a
    century (`19`). None where the candidate is none of them; {} where it is one but invalid."""
    if c.has("reference"):
        found = lex.lookup("vague_reference", c.group("reference"))
        return {"value": found["value"], "relative": True} if found else {}
    if c.has("weekend"):
        return {"value": "XXXX-WXX-WE", "relative": True}
    if c.has("weekday"):
        day = lex.lookup("weekday_full", c.group("weekday"))
        return {"value": f"XXXX-WXX-{day}", "relative": True} if day else {}
    if c.has("season"):
        season = lex.lookup("season", c.group("season"))
        year = _year(c.group("year"))
        if season is None:
            return {}
        fields: Fields = {"value": f"{year or 'XXXX'}-{season['code']}"}
        return fields | {"relative": True} if c.has("relative") else fields
    if c.has("fiscal"):
        if c.has("relative"):
            return {"value": "FYXXXX", "relative": True}
        year = _year(c.group("year"))
        return {"value": f"FY{year}"} if year else {}
    if c.has("century"):
        number = _ordinal(c.group("century"), lex)
        return {"value": f"{number - 1:02d}"} if number and 1 <= number <= 21 else {}
    return None


def _year_part(c: Candidate, lex: Lexicon, year: str | None) -> Fields | None:
    """`Q3 2024`, `the first half of 2025`, `2019-H2`: the months of one quarter or half."""
    size = 3 if c.has("quarter") else 6
    index = _ordinal(c.group("quarter") or c.group("half"), lex)
    if index is None or not 1 <= index <= 12 // size:
        return None
    first, last = size * (index - 1) + 1, size * index
    year = year or "XXXX"
    return {"value": f"{year}-{first:02d}/{year}-{last:02d}"}


def period(c: Candidate, lex: Lexicon) -> Fields | None:
    """A period's value; one whose year is relative (`first nine months of this year`) says so."""
    fields = _period(c, lex)
    return fields | {"relative": True} if fields and c.has("relative") else fields


def _period(c: Candidate, lex: Lexicon) -> Fields | None:
    if c.has("and") and not c.has("between"):
        return None
    if c.has("from_weekday"):
        # `from Monday to Friday`: the ends as TimeML writes weekdays; resolve.py finds their days.
        first, last = (lex.lookup("weekday_full", c.group(g)) for g in ("from_weekday", "to_weekday"))
        return {"value": f"XXXX-WXX-{first}/XXXX-WXX-{last}", "relative": True} if first and last else None
    if c.has("relative") and not any(c.has(g) for g in ("first_months", "first_quarters", "from_month", "quarter", "half")):
        return {"value": "XXXX/XXXX"}
    year = _year(c.group("year"))
    if c.has("same_period"):
        # The months come from the period this one refers back to (resolve.py).
        return None if year is None else {"value": f"{year}-XX/{year}-XX"}
    if c.has("first_months") or c.has("first_quarters"):
        n = parse_number(c.group("first_months") or c.group("first_quarters"), lex)
        months = None if n is None else n * 3 if c.has("first_quarters") else n
        if months is None or not 1 <= months <= 12 or months != int(months):
            return None
        year = year or "XXXX"
        return {"value": f"{year}-01/{year}-{int(months):02d}"}
    if c.has("quarter") or c.has("half"):
        return _year_part(c, lex, year)
    from_year = _year(c.group("from_year")) or year
    to_year = _year(c.group("to_year"), century_from=from_year) or year
    if (c.has("from_year") and from_year is None) or (c.has("to_year") and to_year is None):
        return None
    from_month, to_month = _month(c.group("from_month"), lex), _month(c.group("to_month"), lex)
    from_month, to_month = from_month or to_month, to_month or from_month
    from_day, to_day = _day(c.group("from_day"), lex), _day(c.group("to_day"), lex)
    from_year = from_year or to_year
    start = _timex(from_year, from_month, from_day)
    end = _timex(to_year, to_month, to_day)
    if start is None or end is None or start == end or ("X" not in start + end and start > end):
        return None
    return {"value": f"{start}/{end}"}


def _count(text: str, lex: Lexicon) -> Decimal | None:
    """A number of units; the article in `an hour` counts one (`number_article`)."""
    article = lex.lookup("number_article", text)
    return as_decimal(article) if article is not None else parse_number(text, lex)


def duration(c: Candidate, lex: Lexicon) -> Fields | None:
    unit = lex.lookup("duration_unit", c.group("unit"))
    if unit is None:
        return None
    number = _count(c.group("number"), lex) if c.has("number") else None
    fraction = lex.lookup("duration_fraction", c.group("fraction"))
    if (c.has("number") and number is None) or (c.has("fraction") and fraction is None):
        return None
    if number is None:
        number = Decimal(1) if fraction is None else Decimal(0)
    amount = (number + Decimal(str(fraction or 0))) * Decimal(str(unit.get("factor", 1)))
    text = f"{amount.normalize():f}"
    prefix = "PT" if unit["symbol"] in ("H", "MIN", "S") else "P"
    symbol = "M" if unit["symbol"] == "MIN" else unit["symbol"]
    return {"value": f"{prefix}{text}{symbol}"}
