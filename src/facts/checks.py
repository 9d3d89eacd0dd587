"""Flag claims that cannot both hold: across articles, and inside one article.

The checks and their words are data (`rules/checks.yaml`, with examples that
run as tests); the arithmetic is here, one function per checker. Claims are
grouped by key and never compared all against all, so a million claims are
checked in seconds. Copies of one article (the same `story`) are versions, not
independent sources: they are never flagged against each other, and do not
count as corroboration.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import regex
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from .intervals import timex_days
from .models import ClaimRecord, Flag, FlagSide, Severity
from .rules import RuleError, RuleSet, cached_rules, load_data_file

AMOUNT_KINDS = frozenset({"money", "percent", "quantity", "count"})
_DURATION = regex.compile(r"P(\d+(?:\.\d+)?)([YMWD])")
_YEARS_PER = {"Y": Decimal(1), "M": Decimal(1) / 12, "W": Decimal(7) / Decimal("365.25"),
              "D": Decimal(1) / Decimal("365.25")}


class ExpectedFlag(BaseModel):
    model_config = ConfigDict(extra="forbid")

    a: str
    b: str
    line: int = Field(default=0, alias="__line__")


class CheckExample(BaseModel):
    """Texts (one article each) and the pairs the check must flag in them, by their words."""

    model_config = ConfigDict(extra="forbid")

    doc: str | None = None
    articles: list[str]
    flags: list[ExpectedFlag]
    line: int = Field(default=0, alias="__line__")


class Check(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    checker: str
    severity: Severity
    doc: str | None = None
    cues: list[str] = []
    params: dict[str, Any] = {}
    examples: list[CheckExample] = []
    line: int = Field(default=0, alias="__line__")
    _cues: list[regex.Pattern] = PrivateAttr(default_factory=list)

    def cued(self, sentence: str | None) -> bool:
        """True when the check has no cues, or one of them is in the sentence."""
        return not self._cues or any(cue.search(sentence or "") for cue in self._cues)


class ChecksFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc: str | None = None
    checks: list[Check]
    line: int = Field(default=0, alias="__line__")


@dataclass(frozen=True, slots=True)
class Fact:
    """The parts of a claim the checks read, from a ClaimRecord or a ledger row."""

    claim: ClaimRecord
    subject: frozenset[str]
    low: Decimal | None
    high: Decimal | None

    @property
    def value(self) -> Decimal | None:
        v = self.claim.value
        return v if isinstance(v, Decimal) else None

    def side(self, title: str | None = None) -> FlagSide:
        c = self.claim
        return FlagSide(doc=c.doc or "", start=c.start, end=c.end, text=c.text, claim_id=c.id, quote=c.sentence,
                        value=None if c.value is None else str(c.value), unit=c.unit, period=c.period, title=title)


def load_checks(rules: RuleSet | None = None, path: Path | str | None = None) -> list[Check]:
    rules = rules or cached_rules()
    path = Path(path) if path else rules.root / "checks.yaml"
    checks = load_data_file(ChecksFile, path).checks
    seen: set[str] = set()
    for check in checks:
        if check.checker not in CHECKERS:
            raise RuleError(path, check.line, f"check {check.id}: unknown checker {check.checker!r}; "
                                              f"expected one of {', '.join(sorted(CHECKERS))}")
        if check.id in seen:
            raise RuleError(path, check.line, f"duplicate check id {check.id!r}")
        seen.add(check.id)
        for cue in check.cues:
            try:
                check._cues.append(regex.compile(cue, regex.IGNORECASE))
            except regex.error as exc:
                raise RuleError(path, check.line, f"check {check.id}: broken cue {cue!r}: {exc}") from None
    return checks


@lru_cache(maxsize=4)
def _cached_checks(rules: RuleSet) -> tuple[Check, ...]:
    return tuple(load_checks(rules))


def facts_of(claims: Iterable[ClaimRecord]) -> list[Fact]:
    return [Fact(c, frozenset(c.subject), c.interval_low, c.interval_high) for c in claims]


class Corpus:
    """The claims a run checks, with the groupings the checks share, each built once."""

    def __init__(self, claims: Iterable[ClaimRecord]):
        self.facts = facts_of(claims)
        self._groups: dict[frozenset[str], dict[tuple, list[Fact]]] = {}

    def amount_groups(self, kinds: Iterable[str] = AMOUNT_KINDS) -> dict[tuple, list[Fact]]:
        """Figures by key (kind, unit, metric, subject, period); claims missing a part have no key."""
        kinds = frozenset(kinds)
        if kinds not in self._groups:
            groups: dict[tuple, list[Fact]] = defaultdict(list)
            for f in self.facts:
                c = f.claim
                if c.kind in kinds and c.metric and f.subject and c.period and f.value is not None:
                    groups[(c.kind, c.unit, c.metric, f.subject, c.period)].append(f)
            self._groups[kinds] = groups
        return self._groups[kinds]

    @cached_property
    def sentences(self) -> list[list[Fact]]:
        """Claims by sentence, in text order; only sentences with more than one claim."""
        return _grouped(self.facts, lambda c: (c.doc, c.story, c.sentence_start, c.sentence))

    @cached_property
    def articles(self) -> list[list[Fact]]:
        """Claims by article, in text order; only articles with more than one claim."""
        return _grouped(self.facts, lambda c: (c.doc, c.article))


def _grouped(facts: list[Fact], key: Callable[[ClaimRecord], tuple]) -> list[list[Fact]]:
    groups: dict[tuple, list[Fact]] = defaultdict(list)
    for f in facts:
        groups[key(f.claim)].append(f)
    found = [g for g in groups.values() if len(g) > 1]
    for group in found:
        group.sort(key=lambda f: f.claim.start)
    return found


def find_flags(claims: Iterable[ClaimRecord], *, rules: RuleSet | None = None,
               titles: dict[str, str] | None = None) -> list[Flag]:
    """Every flag of every check, highest severity first, then by place."""
    rules = rules or cached_rules()
    corpus = Corpus(claims)
    titles = titles or {}
    flags: list[Flag] = []
    said: set[tuple] = set()
    for check in _cached_checks(rules):
        for a, b, why in CHECKERS[check.checker](corpus, check):
            # A pull quote repeats its sentence in the same page: one flag says it.
            key = (check.id, a.claim.doc, a.claim.text, str(a.claim.value), b.claim.doc, b.claim.text, str(b.claim.value))
            if key in said:
                continue
            said.add(key)
            flags.append(Flag(id=_flag_id(check.id, a, b), a=a.side(titles.get(a.claim.story)),
                              b=b.side(titles.get(b.claim.story)), kind=check.id, check=check.checker,
                              severity=check.severity, why=why))
    order = {"high": 0, "medium": 1, "low": 2}
    return sorted(flags, key=lambda f: (order[f.severity], f.a.doc, f.a.start, f.b.doc, f.b.start))


def corroboration(claims: Iterable[ClaimRecord]) -> dict[str, int]:
    """How many independent articles (stories) give a compatible figure for each claim's key, itself
    included: the stories of its cluster of overlapping intervals."""
    counts: dict[str, int] = {}
    for group in Corpus(claims).amount_groups().values():
        for cluster in _clusters(group):
            stories = len({f.claim.story for f in cluster})
            counts.update((f.claim.id, stories) for f in cluster)
    return counts


def _flag_id(check: str, a: Fact, b: Fact) -> str:
    key = "\x1f".join([check, *sorted([a.claim.id, b.claim.id])])
    return hashlib.blake2b(key.encode(), digest_size=6).hexdigest()


# ---- across articles ----------------------------------------------------------------


def _overlap(a: Fact, b: Fact) -> bool:
    return (a.high is None or b.low is None or b.low <= a.high) and (b.high is None or a.low is None
                                                                      or a.low <= b.high)


def _clusters(group: list[Fact]) -> list[list[Fact]]:
    """Figures of one key sorted by interval and cut where one run of overlapping intervals ends."""
    group = sorted(group, key=lambda f: (f.low if f.low is not None else Decimal("-Infinity")))
    clusters: list[list[Fact]] = []
    reach: Decimal | None = None
    for f in group:
        if clusters and (reach is None or f.low is None or f.low <= reach):
            clusters[-1].append(f)
            reach = None if reach is None or f.high is None else max(reach, f.high)
        else:
            clusters.append([f])
            reach = f.high
    return clusters


def value_conflict(corpus: Corpus, check: Check) -> Iterator[tuple[Fact, Fact, str]]:
    """One pair per gap between clusters of compatible figures, from different stories: linear
    in the claims after sorting, never all pairs."""
    for group in corpus.amount_groups(check.params.get("kinds", AMOUNT_KINDS)).values():
        if len({f.claim.story for f in group}) < 2:
            continue
        clusters = _clusters(group)
        for lower, upper in zip(clusters, clusters[1:]):
            pair = _independent_pair(lower, upper)
            if pair:
                yield pair[0], pair[1], _why_values(*pair)


def _independent_pair(lower: list[Fact], upper: list[Fact]) -> tuple[Fact, Fact] | None:
    for b in upper:
        for a in reversed(lower):
            if a.claim.story != b.claim.story:
                return a, b
    return None


def _why_values(a: Fact, b: Fact) -> str:
    c = a.claim
    gap = abs(b.value - a.value) / max(abs(a.value), abs(b.value)) * 100 if a.value and b.value else None
    differ = f"these differ by {gap:.0f}%, " if gap is not None else ""
    return (f"{describe(a)} against {describe(b)} for {c.metric} of {', '.join(sorted(a.subject))} in {c.period}: "
            f"{differ}beyond what rounding and qualifiers allow")


def describe(f: Fact) -> str:
    """A figure as a checker would say it: `nearly 10 million USD ('...' in doc)`."""
    c = f.claim
    qualifier = {"approx": "about ", "at_least": "over ", "at_most": "up to ", "nearly": "nearly "}.get(
        c.qualifier or "", "")
    return f"{qualifier}{_number(f.value)}{' ' + c.unit if c.unit and c.unit != '%' else c.unit or ''} " \
           f"('{c.text}' in {c.doc})"


def _number(value: Decimal | None) -> str:
    if value is None:
        return "?"
    for scale, word in ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"),
                        (Decimal(10) ** 6, "million")):
        if abs(value) >= scale:
            return f"{(value / scale).normalize():f} {word}"
    return f"{value.normalize():f}"


def event_date_conflict(corpus: Corpus, check: Check) -> Iterator[tuple[Fact, Fact, str]]:
    once = {w.casefold() for w in check.params.get("once", [])}
    groups: dict[tuple, list[tuple[Fact, tuple[date, date]]]] = defaultdict(list)
    for f in corpus.facts:
        c = f.claim
        event = c.event or {}
        kind = str(event.get("type") or "").casefold()
        days = timex_days(c.resolved or str(c.value)) if c.kind in ("date", "period") else None
        if kind in once and days:
            parties = frozenset(event.get("actor", [])) | frozenset(event.get("counterpart", [])) or f.subject
            groups[(kind, parties)].append((f, days))
    for (kind, parties), group in groups.items():
        group.sort(key=lambda item: item[1])
        for (a, da), (b, db) in zip(group, group[1:]):
            if a.claim.story != b.claim.story and db[0] > da[1]:
                yield a, b, (f"the {kind} of {', '.join(sorted(parties))} is dated '{a.claim.text}' ({a.claim.doc}) "
                             f"and '{b.claim.text}' ({b.claim.doc}): these dates cannot both be right")


# ---- inside one article -----------------------------------------------------------------


def _stated(f: Fact, rules_lexicon=None) -> tuple[Decimal, Decimal | None]:
    """A figure as its writer stated it: its qualifier, not its rounding, makes it a range."""
    from .intervals import value_interval

    low, high = value_interval(f.claim, (rules_lexicon or cached_rules().lexicon), rounding=False)
    return (low if low is not None else Decimal(0)), high


def _ratio(before: Fact, after: Fact) -> tuple[Decimal, Decimal | None] | None:
    b_low, b_high = _stated(before)
    a_low, a_high = _stated(after)
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
            ratio = _ratio(*pair) if pair else None
            if ratio and _outside(m.value, *ratio, tolerance):
                before, after = pair
                yield m, after, (f"'{m.claim.text}' means about {_number(m.value)} times, but the figures it "
                                 f"relates give {_range_words(*ratio)}: {describe(before)} to {describe(after)}")


def percent_change_vs_figures(corpus: Corpus, check: Check) -> Iterator[tuple[Fact, Fact, str]]:
    tolerance = Decimal(str(check.params.get("tolerance", 0)))
    for group in corpus.sentences:
        if not check.cued(group[0].claim.sentence):
            continue
        for p in (f for f in group if f.claim.kind == "percent" and f.claim.unit == "%" and f.value is not None):
            pair = _linked_figures(group, p, check)
            ratio = _ratio(*pair) if pair else None
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
            share_low, share_high = _stated(part)[0] / total.high * 100 if total.high else None, \
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
                yield m, high_side[0], (f"'{m.claim.text}' against unit prices of {_number(high_side[1])} and "
                                        f"{_number(low_side[1])} {high_side[0].claim.unit}: a ratio of {actual:.2f}")


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


CHECKERS: dict[str, Callable[[Corpus, Check], Iterator[tuple[Fact, Fact, str]]]] = {
    "value_conflict": value_conflict,
    "event_date_conflict": event_date_conflict,
    "multiplier_vs_figures": multiplier_vs_figures,
    "percent_change_vs_figures": percent_change_vs_figures,
    "share_of_total": share_of_total,
    "ratio_vs_figures": ratio_vs_figures,
    "duration_vs_period": duration_vs_period,
}
