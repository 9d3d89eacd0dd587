"""Checkers inside one article: figures that its own conversions, ratios, changes, shares and durations contradict."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import regex

from ..engine.lexicon import Lexicon
from ..models import ClaimRecord
from ..values.intervals import timex_days, value_interval
from .comparable import in_base_units
from .corpus import Corpus, Fact, Finding, describe, number_text

if TYPE_CHECKING:
    from .checkfile import Check

_DURATION = regex.compile(r"P(\d+(?:\.\d+)?)([YMWD])")
_YEARS_PER = {"Y": Decimal(1), "M": Decimal(1) / 12, "W": Decimal(7) / Decimal("365.25"),
              "D": Decimal(1) / Decimal("365.25")}


def conversion_vs_figure(corpus: Corpus, check: Check) -> Iterator[Finding]:
    """A quantity given in two units side by side ("1,735-kilometer (1,140-mile)") whose conversion does
    not hold, each figure taken with the rounding its written digits allow (trailing zeros included, as
    converted figures are rounded). Two currencies side by side are one amount: no rate is known."""
    between = regex.compile(check.params["between"], regex.IGNORECASE)
    for group in corpus.sentences:
        for a, b in zip(group, group[1:]):
            ca, cb = a.claim, b.claim
            if not (ca.kind == cb.kind == "quantity" and ca.si_unit and ca.si_unit == cb.si_unit
                    and ca.unit != cb.unit):
                continue
            offset = ca.sentence_start or 0
            if not between.fullmatch((ca.sentence or "")[ca.end - offset:cb.start - offset]):
                continue
            first, second = _converted_interval(ca), _converted_interval(cb)
            if first and second and (first[1] < second[0] or second[1] < first[0]):
                per = ca.si_value / ca.value  # both told in the first figure's unit
                yield Finding(a, b, f"'{ca.text}' is {_rounded(first[0] / per)} to {_rounded(first[1] / per)} {ca.unit}, "
                                    f"'{cb.text}' {_rounded(second[0] / per)} to {_rounded(second[1] / per)} {ca.unit}:"
                                    f" the conversion given in the sentence does not hold")


def _rounded(value: Decimal) -> str:
    return number_text(value.quantize(Decimal("0.1")) if abs(value) < 10 ** 6 else value)


_TRAILING_ZEROS = regex.compile(r"(\d)(0+)(?=\D*$)")


def _converted_interval(c: ClaimRecord) -> tuple[Decimal, Decimal] | None:
    """(low, high) in SI units, at least half a unit of the last significant digit wide."""
    base = in_base_units(c)
    if base is None or base[0] is None or base[1] is None:
        return None
    low, high, value = base
    digits = regex.sub(r"[^\d.]", "", c.text.split()[0] if c.text.split() else c.text)
    zeros = _TRAILING_ZEROS.search(digits) if "." not in digits else None
    if zeros and Decimal(digits):
        half = Decimal(10) ** len(zeros.group(2)) / 2 * abs(value / Decimal(digits))
        low, high = min(low, value - half), max(high, value + half)
    return low, high


# ---- inside one article -----------------------------------------------------------------


def _stated(f: Fact, lexicon: Lexicon) -> tuple[Decimal, Decimal | None]:
    """A figure as its writer stated it: its qualifier, not its rounding, makes it a range."""
    low, high = value_interval(f.claim, lexicon, rounding=False)
    return (low if low is not None else Decimal(0)), high


def _ratio(before: Fact, after: Fact, lexicon: Lexicon) -> tuple[Decimal, Decimal | None] | None:
    b_low, b_high = _stated(before, lexicon)
    a_low, a_high = _stated(after, lexicon)
    if not b_low or b_low <= 0 or b_high is None:
        return None
    return a_low / b_high, (a_high / b_low if a_high is not None else None)


def _linked_figures(group: list[Fact], cue: Fact, check: Check) -> tuple[Fact, Fact] | None:
    """The two figures a change relates, in time order: `from X to Y` or `to Y from X` after the cue,
    as the check's `from_to` and `to_from` patterns say; None when the sentence does not link them."""
    figures = [f for f in group if f.claim.kind in ("money", "quantity", "count") and f.claim.start > cue.claim.start
               and f.value is not None]
    for i, first in enumerate(figures):
        for second in figures[i + 1:]:
            if (second.claim.kind, second.claim.unit) != (first.claim.kind, first.claim.unit):
                continue
            between = _between(cue, second)
            if regex.search(check.params["from_to"], between):
                return first, second
            if regex.search(check.params["to_from"], between):
                return second, first
            return None
    return None


def _between(a: Fact, b: Fact) -> str:
    """The words of the sentence from the end of `a` to the end of `b`."""
    start = a.claim.sentence_start or 0
    return (a.claim.sentence or "")[a.claim.end - start:b.claim.end - start]


def _outside(factor: Decimal, low: Decimal, high: Decimal | None, tolerance: Decimal) -> bool:
    return factor * (1 + tolerance) < low or (high is not None and factor * (1 - tolerance) > high)


def _range_words(low: Decimal, high: Decimal | None) -> str:
    return f"{low:.2f} times or more" if high is None else f"{low:.2f} to {high:.2f} times"


def multiplier_vs_figures(corpus: Corpus, check: Check) -> Iterator[tuple[Fact, Fact, str]]:
    tolerance = Decimal(str(check.params.get("tolerance", 0)))
    for group in corpus.sentences:
        for m in (f for f in group if f.claim.kind == "multiplier" and f.value):
            pair = _linked_figures(group, m, check)
            ratio = _ratio(*pair, corpus.lexicon) if pair else None
            if ratio and _outside(m.value, *ratio, tolerance):
                before, after = pair
                yield m, after, (f"'{m.claim.text}' means about {number_text(m.value)} times, but the figures it "
                                 f"relates give {_range_words(*ratio)}: {describe(before)} to {describe(after)}")


def percent_change_vs_figures(corpus: Corpus, check: Check) -> Iterator[tuple[Fact, Fact, str]]:
    tolerance = Decimal(str(check.params.get("tolerance", 0)))
    for group in corpus.sentences:
        if not check.cued(group[0].claim.sentence):
            continue
        for p in (f for f in group if f.claim.kind == "percent" and f.claim.unit == "%" and f.value is not None):
            pair = _linked_figures(group, p, check) or _bracketed_base(corpus, group, p, check)
            ratio = _ratio(*pair, corpus.lexicon) if pair else None
            if not ratio:
                continue
            before, after = pair
            sign = -1 if after.value < before.value else 1
            change_low, change_high = (ratio[0] - 1) * 100, None if ratio[1] is None else (ratio[1] - 1) * 100
            stated = sign * p.value
            if stated + tolerance < change_low or (change_high is not None and stated - tolerance > change_high):
                yield p, after, (f"'{p.claim.text}' against {describe(before)} to {describe(after)}: the figures "
                                 f"give a change of {change_low:+.1f}%"
                                 + ("" if change_high is None or change_high == change_low
                                    else f" to {change_high:+.1f}%"))


def _bracketed_base(corpus: Corpus, group: list[Fact], change: Fact, check: Check) -> tuple[Fact, Fact] | None:
    """A change with its base in brackets after it ("increased by 3.7 percent ($63.5 billion in 2023)"):
    the base, and the figure it changed to, the nearest before it in the article of the same kind, unit and
    subject, for another period."""
    pattern = check.params.get("base_in_brackets")
    offset = change.claim.sentence_start or 0
    sentence = change.claim.sentence or ""
    base = next((f for f in group if f.claim.start > change.claim.start and f.claim.kind in ("money", "quantity", "count")
                 and f.value is not None), None)
    if not pattern or base is None or not regex.fullmatch(
            pattern, sentence[change.claim.end - offset:base.claim.start - offset], regex.IGNORECASE):
        return None
    c = base.claim
    earlier = [f for f in corpus.article_of(change) if f.claim.start < change.claim.start
               and (f.claim.kind, f.claim.unit) == (c.kind, c.unit) and f.subject == base.subject
               and f.claim.period and c.period and f.claim.period != c.period and f.value is not None]
    return (base, earlier[-1]) if earlier else None


def share_of_total(corpus: Corpus, check: Check) -> Iterator[tuple[Fact, Fact, str]]:
    tolerance = Decimal(str(check.params.get("tolerance", 0)))
    for article in corpus.articles:
        for p in (f for f in article if f.claim.kind == "percent" and f.claim.unit == "%" and f.value is not None):
            if not check.cued(p.claim.sentence):
                continue
            parts = [f for f in article if f.claim.sentence == p.claim.sentence and f.claim.kind == "money"
                     and f.value is not None]
            if len(parts) != 1:
                continue
            part = parts[0]
            totals = [f for f in article if f.claim.kind == "money" and f.claim.unit == part.claim.unit
                      and f.claim.period == part.claim.period and f.value is not None and f.value > part.value
                      and f.claim.sentence != p.claim.sentence]
            if not totals:
                continue
            total = totals[0]
            share_low, share_high = _stated(part, corpus.lexicon)[0] / total.high * 100 if total.high else None, \
                (part.high / total.low * 100 if part.high is not None and total.low else None)
            if share_low is None:
                continue
            if p.value + tolerance < share_low or (share_high is not None and p.value - tolerance > share_high):
                yield p, total, (f"'{p.claim.text}' of the total, but {describe(part)} of {describe(total)} is "
                                 f"{part.value / total.value * 100:.1f}%")


def ratio_vs_figures(corpus: Corpus, check: Check) -> Iterator[tuple[Fact, Fact, str]]:
    tolerance = Decimal(str(check.params.get("tolerance", 0)))
    for article in corpus.articles:
        by_sentence: dict[str | None, list[Fact]] = defaultdict(list)
        for f in article:
            by_sentence[f.claim.sentence].append(f)
        prices = []
        for group in by_sentence.values():
            money = [f for f in group if f.claim.kind == "money" and f.value]
            counts = [f for f in group if f.claim.kind == "count" and f.value]
            if len(money) == 1 and len(counts) == 1:
                prices.append((money[0], money[0].value / counts[0].value))
        if len(prices) < 2:
            continue
        for m in (f for f in article if f.claim.kind == "multiplier" and f.value):
            if not check.cued(m.claim.sentence):
                continue
            high_side, low_side = max(prices, key=lambda p: p[1]), min(prices, key=lambda p: p[1])
            actual = high_side[1] / low_side[1]
            low, high = (m.value, None) if m.claim.qualifier == "at_least" else (
                (None, m.value) if m.claim.qualifier == "at_most" else (m.value, m.value))
            below = low is not None and actual < low * (1 - tolerance)
            above = high is not None and actual > high * (1 + tolerance)
            if below or above:
                yield m, high_side[0], (f"'{m.claim.text}' against unit prices of {number_text(high_side[1])} and "
                                        f"{number_text(low_side[1])} {high_side[0].claim.unit}: a ratio of {actual:.2f}")


def duration_vs_period(corpus: Corpus, check: Check) -> Iterator[tuple[Fact, Fact, str]]:
    tolerance = Decimal(str(check.params.get("tolerance", 0)))
    for article in corpus.articles:
        periods = [f for f in article if f.claim.kind == "period" and timex_days(str(f.claim.value))]
        for d in (f for f in article if f.claim.kind == "duration"):
            years = _years(str(d.claim.value))
            if years is None:
                continue
            for p in periods:
                if not (d.subject & p.subject and _same_topic(d, p)):
                    continue
                first, last = timex_days(str(p.claim.value))
                span = Decimal((last - first).days + 1) / Decimal("365.25")
                if abs(span - years) > years * tolerance + Decimal("0.5"):
                    yield d, p, (f"'{d.claim.text}' ({years:f} years) against '{p.claim.text}' "
                                 f"({span:.0f} years); a note: writers round durations")


def _same_topic(duration: Fact, period: Fact) -> bool:
    """The same metric, or the period's metric named in the duration's sentence (`three decades of occupation`)."""
    metric = period.claim.metric
    if not metric:
        return False
    return duration.claim.metric == metric or metric.casefold() in (duration.claim.sentence or "").casefold()


def _years(value: str) -> Decimal | None:
    m = _DURATION.fullmatch(value)
    if not m:
        return None
    try:
        return Decimal(m.group(1)) * _YEARS_PER[m.group(2)]
    except InvalidOperation:
        return None
