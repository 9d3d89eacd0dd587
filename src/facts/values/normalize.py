"""Turn a rule's match into a typed value, as FORMAT.md defines values.

A rule only names its groups (`number`, `scale`, `currency`, `unit`, `year`,
`from_month`, ...); all arithmetic lives here, one function per kind. A
function returns None when the groups do not make a valid value (a 13th month,
a number that does not parse), and the candidate is then dropped.
"""
from __future__ import annotations

from decimal import Context, Decimal, localcontext
from typing import Any, Callable

import regex

from ..engine.lexicon import Lexicon, fold
from ..engine.matching import Candidate
from .numbers import as_decimal, parse_number, scale_of
from .timex import date, duration, period

Fields = dict[str, Any]


def _amount(c: Candidate, lex: Lexicon, name: str = "number") -> Decimal | None:
    written = c.group(name)
    if name == "high" and c.has("high_signed"):
        written = written[1:]  # `75 -300mm`: the minus is the range's dash
    value = parse_number(written, lex)
    if value is None:
        return None
    scale = c.group(f"{name}_scale")  # empty: the number holds its scale word (`2 billion`)
    if scale is None:
        scale = c.group("scale")
        if scale is None and name == "low" and c.has("high_scaled"):
            scale = _NOT_SCALE.sub("", c.group("high_scaled"))  # `$2 - 3 billion`: the high end's scale word
    return value * scale_of(scale, lex)


# A number written as a year: no low end of a range of amounts.
_YEAR = regex.compile(r"(?:1[89]|20)\d\d")
# The digits before a number's scale word (`3 billion`).
_NOT_SCALE = regex.compile(r"^[\d.,\s\u00a0\u202f+\-\u2212]+")


def _amount_fields(c: Candidate, lex: Lexicon) -> Fields | None:
    """The value, or the bounds of a range (`15–20 percent`, `between $2 and $3 billion`; `tens of
    thousands`: from the scale words' product to ten times it, and approximate, as no figure is given)."""
    if c.has("vague"):
        low = as_decimal(lex.lookup("vague_plural", c.group("vague"))) * (
            as_decimal(lex.lookup("vague_plural", c.group("vague_scale"))) or 1)
        return {"value": low, "low": low, "high": low * 10, "qualifier": "approx"}
    if c.has("low"):
        if _YEAR.fullmatch(c.group("low")) and not c.group("low_scale"):
            return None  # `in 2022 — 747 thousand tons`, `in 2022 — 5,000 tons`: a year and a figure
        low, high = _amount(c, lex, "low"), _amount(c, lex, "high")
        if low is None or high is None:
            return None
        return {"value": low, "low": low, "high": high}
    if c.has("fraction"):
        value = parse_number(c.group("fraction"), lex)
        return None if value is None else {"value": Decimal(str(value))}
    value = _amount(c, lex)
    if value is not None and c.has("minor"):
        minor = parse_number(c.group("minor"), lex)
        if minor is None or minor >= 100:
            return None
        value += minor / 100
    return None if value is None else {"value": value}


def _first(lex: Lexicon, tables: tuple[str, ...], phrase: str | None) -> Any:
    """The meaning of a phrase in the first of several tables that has it."""
    for table in tables:
        found = lex.lookup(table, phrase)
        if found is not None:
            return found
    return None


def money(c: Candidate, lex: Lexicon) -> Fields | None:
    fields = _amount_fields(c, lex)
    code = _first(lex, ("currency_prefix", "currency_suffix", "currency_after_scale"), c.group("currency"))
    if fields is None or code is None:
        return None
    if c.has("minus"):
        fields = {k: -v for k, v in fields.items()}
    return _per(c, lex, fields | {"unit": code})


def _per(c: Candidate, lex: Lexicon, fields: Fields) -> Fields:
    """A price or rate (`$3.50 per gallon`, `$1,200 a month`): the unit becomes `USD/gal`, `USD/month`; a
    denominator with a factor (`per mcm`, a million m3) divides the value."""
    per = lex.lookup("per_unit", c.group("per"))
    if per is None:
        return fields
    factor = Decimal(str(per.get("factor", 1)))
    return {k: v / factor for k, v in fields.items() if k in ("value", "low", "high")} | {
        "unit": f"{fields['unit']}/{per['unit']}"}


def percent(c: Candidate, lex: Lexicon) -> Fields | None:
    fields = _amount_fields(c, lex)
    if fields is None:
        return None
    if c.has("fraction"):
        fields["value"] *= 100
    return fields | {"unit": lex.lookup("percent_sign", c.group("sign"), "%")}


def quantity(c: Candidate, lex: Lexicon) -> Fields | None:
    fields = _amount_fields(c, lex)
    unit = _first(lex, ("unit", "unit_exact", "unit_mark"), c.group("unit"))
    if fields is None or unit is None:
        return None
    factor = Decimal(str(unit.get("factor", 1)))
    fields = {k: v * factor for k, v in fields.items()} | {"unit": unit["unit"]}
    si = si_of(fields["unit"], lex)
    if si is not None:
        factor, offset, fields["si_unit"] = si
        fields["si_value"] = _to_registry_precision(fields["value"] * factor + offset)
    return fields


# The unit registry's factors hold 15 significant digits (tools/gen_units.py), so a value converted with
# them holds no more: 95 degF is 308.15 K, not 308.1499999999998.
_REGISTRY_PRECISION = Context(prec=15)


def _to_registry_precision(value: Decimal) -> Decimal:
    rounded = _REGISTRY_PRECISION.plus(value).normalize()
    return rounded.quantize(Decimal(1)) if rounded.as_tuple().exponent > 0 else rounded


def si_of(unit: str, lex: Lexicon) -> tuple[Decimal, Decimal, str] | None:
    """How a value in `unit` becomes SI base units (`lexicon/units_registry.yaml`, table `unit_si`):
    (factor, offset, SI unit); a rate (`bbl/d`, `t/year`) from its two parts; None for a unit with no SI
    form (`TEU`)."""
    si = lex.lookup("unit_si", unit)
    if si is not None:
        return Decimal(si["factor"]), Decimal(si.get("offset", 0)), si["unit"]
    per, _, time = unit.partition("/")
    top, bottom = lex.lookup("unit_si", per), lex.lookup("unit_si", time)
    if not time or top is None or bottom is None or "offset" in top:
        return None
    return Decimal(top["factor"]) / Decimal(bottom["factor"]), Decimal(0), f"{top['unit']}/{bottom['unit']}"


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
    known = _first(lex, ("counted_as", "noun_singular"), phrase)
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
        factor = _first(lex, ("multiplier_word", "multiplier_in_context"), c.group("factor_word"))
        return None if factor is None else {"value": Decimal(str(factor))}
    value = parse_number(c.group("number"), lex)
    return None if value is None else {"value": value}


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


# Digits of other scripts: Python reads them, but the rules know none of their separators
# (`٣٫٧٤` would be read as 74), so a figure written in them is left out.
_OTHER_DIGITS = regex.compile(r"[\p{Nd}--[0-9]]", regex.VERSION1)


def normalize(c: Candidate, lex: Lexicon) -> Fields | None:
    """The candidate's typed value, or None to drop it. A figure longer than the decimal
    context's 28 significant digits is computed with room for all of them, not rounded."""
    written = (c.text or c.match.string)[c.start:c.end]
    if _OTHER_DIGITS.search(written):
        return None
    digits = sum(ch.isdigit() for ch in written)
    with localcontext() as context:
        if digits > context.prec:
            context.prec += digits  # the digits written, and as many again for a scale or a unit's factor
        return NORMALIZERS[c.kind](c, lex)


# Between the two ends of a written range of amounts: a dash, `to`, `and`, `or`, with the spaces around.
_RANGE_JOINT = regex.compile(r"[^\S\n]*(?:[\-\u2010-\u2015\u2212]|\b(?i:to|and|or|through)\b)[^\S\n]*")


def range_ends(c: Candidate, fields: Fields, lex: Lexicon) -> list[tuple[int, int, Fields]]:
    """A written range of amounts as its two ends, each with its own span and value (`10-15%` is `10` and
    `15%`, `$12-$12.5 billion` is `$12` and `$12.5 billion`, as the guidelines write ranges), both holding the
    range's low and high, so a check reads either end as the whole range. Ends that fall (`from 10 to 5
    percent`) are a change, two figures and no range. Anything else as it is."""
    if fields.get("low") is None or c.has("vague") or not (c.has("low") and c.has("high")):
        return [(c.start, c.end, fields)]
    text = c.text or c.match.string
    low_end, high_start = c.match.end("low"), c.match.start("high")
    joint = _RANGE_JOINT.search(text, low_end, high_start) if c.start <= low_end <= high_start <= c.end else None
    falls = fields["low"] > fields["high"]
    if joint is None:
        return [] if falls else [(c.start, c.end, fields)]
    first, second = dict(fields), fields | {"value": fields["high"]}
    if "si_value" in fields:
        factor, offset, _ = si_of(fields["unit"], lex)
        second["si_value"] = _to_registry_precision(fields["high"] * factor + offset)
    if falls:
        for end in (first, second):
            del end["low"], end["high"]
    return [(c.start, joint.start(), first), (joint.end(), c.end, second)]

