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
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cached_property, lru_cache
from itertools import groupby
from pathlib import Path
from typing import Any, NamedTuple

import regex
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from .engine.collector import collector_paused
from .comparable import Vocabulary, fact_key, in_base_units, part_confidence, subject_confidence, subject_partners
from .values.intervals import timex_days, value_interval
from .models import ClaimRecord, Flag, FlagCopy, FlagSide, Severity
from .engine.rules import CheckRules, Lexicon, RuleError, RuleSet, cached_rules, load_data_file

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
    comparable: Vocabulary = Vocabulary()
    checks: list[Check]
    line: int = Field(default=0, alias="__line__")


@dataclass(frozen=True, slots=True)
class Fact:
    """The parts of a claim the checks read, from a ClaimRecord or a ledger row; `low`, `high` and `base`
    in the unit its fact is compared in (`base` is the value there; None means as written)."""

    claim: ClaimRecord
    subject: frozenset[str]
    low: Decimal | None
    high: Decimal | None
    base: Decimal | None = None

    @property
    def value(self) -> Decimal | None:
        if self.base is not None:
            return self.base
        v = self.claim.value
        return v if isinstance(v, Decimal) else None

    def side(self, title: str | None = None, dated: str | None = None) -> FlagSide:
        c = self.claim
        return FlagSide(doc=c.doc or "", start=c.start, end=c.end, text=c.text, claim_id=c.id, quote=c.sentence,
                        value=None if c.value is None else str(c.value), unit=c.unit, period=c.period, title=title,
                        date=dated, qualifier=c.qualifier,
                        compared_in=c.si_unit if self.base is not None and c.kind == "quantity" and c.si_unit else c.unit,
                        compared_value=None if self.value is None else str(self.value),
                        low=None if self.low is None else str(self.low), high=None if self.high is None else str(self.high))


def load_checks_file(rules: RuleSet | CheckRules | None = None, path: Path | str | None = None) -> ChecksFile:
    """The checks and the comparison vocabulary, validated: unknown checkers, duplicate ids and broken
    cues are errors naming the file and line."""
    rules = rules or cached_rules()
    path = Path(path) if path else rules.root / "checks.yaml"
    loaded = load_data_file(ChecksFile, path)
    seen: set[str] = set()
    for check in loaded.checks:
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
    return loaded


def load_checks(rules: RuleSet | None = None, path: Path | str | None = None) -> list[Check]:
    return load_checks_file(rules, path).checks


@lru_cache(maxsize=4)
def _cached_checks(rules: RuleSet | CheckRules) -> ChecksFile:
    return load_checks_file(rules)


class Finding(NamedTuple):
    """What a checker found: two claims, why they disagree, and how sure it is that they speak of one fact."""

    a: Fact
    b: Fact
    why: str
    confidence: float = 1.0


def facts_of(claims: Iterable[ClaimRecord]) -> list[Fact]:
    """The facts of the claims; claims of one subject share one set of it (a million claims name a few
    thousand subjects)."""
    subjects: dict[tuple[str, ...], frozenset[str]] = {}
    facts = []
    for c in claims:
        key = tuple(c.subject)
        subject = subjects.get(key)
        if subject is None:
            subject = subjects[key] = frozenset(key)
        facts.append(Fact(c, subject, c.interval_low, c.interval_high))
    return facts


class Corpus:
    """The claims a run checks, with the groupings the checks share, each built once."""

    def __init__(self, claims: Iterable[ClaimRecord], vocabulary: Vocabulary | None = None,
                 lexicon: Lexicon | None = None):
        self.facts = facts_of(claims)
        self.vocabulary = vocabulary or Vocabulary()
        self.lexicon = lexicon if lexicon is not None else cached_rules().lexicon
        self._groups: dict[frozenset[str], dict[tuple, list[Fact]]] = {}

    def amount_groups(self, kinds: Iterable[str] = AMOUNT_KINDS) -> dict[tuple, list[Fact]]:
        """Figures by fact key (`facts.comparable.fact_key`), amounts in the unit the key compares them
        in; claims missing a part have no key."""
        kinds = frozenset(kinds)
        if kinds not in self._groups:
            groups: dict[tuple, list[Fact]] = defaultdict(list)
            for f in self.facts:
                c = f.claim
                key = fact_key(c, self.vocabulary) if c.kind in kinds and f.value is not None else None
                if key is None:
                    continue
                if c.kind == "quantity" and c.si_unit and c.si_unit != c.unit:
                    low, high, base = in_base_units(c)
                    f = Fact(c, f.subject, low, high, base)
                groups[key].append(f)
            self._groups[kinds] = groups
        return self._groups[kinds]

    @cached_property
    def _topics(self) -> dict[tuple, frozenset[str]]:
        """The entities an article is about: named in the subject of at least half its figures."""
        named: dict[tuple, Counter] = defaultdict(Counter)
        figures: Counter = Counter()
        for f in self.facts:
            if f.claim.kind in AMOUNT_KINDS:
                where = (f.claim.doc, f.claim.article)
                named[where].update(f.subject)
                figures[where] += 1
        return {where: frozenset(e for e, n in counts.items() if 2 * n >= figures[where] >= 2)
                for where, counts in named.items()}

    def topic(self, f: Fact) -> frozenset[str]:
        return self._topics.get((f.claim.doc, f.claim.article), frozenset())

    @cached_property
    def sentences(self) -> list[list[Fact]]:
        """Claims by sentence, in text order; only sentences with more than one claim."""
        return _grouped(self.facts, lambda c: (c.doc, c.story, c.sentence_start, c.sentence))

    @cached_property
    def articles(self) -> list[list[Fact]]:
        """Claims by article, in text order; only articles with more than one claim."""
        return _grouped(self.facts, lambda c: (c.doc, c.article))

    @cached_property
    def _article_index(self) -> dict[tuple, list[Fact]]:
        return {(group[0].claim.doc, group[0].claim.article): group for group in self.articles}

    def article_of(self, f: Fact) -> list[Fact]:
        """The claims of a claim's article, in text order."""
        return self._article_index.get((f.claim.doc, f.claim.article), [f])


def _grouped(facts: list[Fact], key: Callable[[ClaimRecord], tuple]) -> list[list[Fact]]:
    """Facts of one key, in text order; only keys with more than one fact. Sorted and cut rather than
    gathered in a mapping: a million claims mostly stand alone in their sentence, and a list per
    sentence was a third of the memory of a check."""
    ordered = sorted(facts, key=lambda f: (*((part is None, part) for part in key(f.claim)), f.claim.start))
    found = []
    for _, run in groupby(ordered, key=lambda f: key(f.claim)):
        group = list(run)
        if len(group) > 1:
            found.append(group)
    return found


def find_flags(claims: Iterable[ClaimRecord], *, rules: RuleSet | CheckRules | None = None,
               titles: dict[str, str] | None = None, dates: dict[str, str] | None = None,
               min_confidence: float | None = None) -> list[Flag]:
    """Every flag of every check at least `min_confidence` sure (the rules' own threshold by default),
    highest severity first, then by place. Copies of one story give one flag."""
    with collector_paused():
        return _find_flags(claims, rules, titles, dates, min_confidence)


def _find_flags(claims: Iterable[ClaimRecord], rules: RuleSet | CheckRules | None, titles: dict[str, str] | None,
                dates: dict[str, str] | None, min_confidence: float | None) -> list[Flag]:
    rules = rules or cached_rules()
    loaded = _cached_checks(rules)
    corpus = Corpus(claims, loaded.comparable, rules.lexicon)
    threshold = loaded.comparable.min_confidence if min_confidence is None else min_confidence
    found = ((check, f) for check in loaded.checks for f in map(_finding, CHECKERS[check.checker](corpus, check)))
    return flags_of(found, threshold, titles, dates)


def flags_of(findings: Iterable[tuple[Check, Finding]], threshold: float, titles: dict[str, str] | None = None,
             dates: dict[str, str] | None = None) -> list[Flag]:
    """The flags of findings given in the order the checks find them over the whole corpus: the first
    finding of a pair of stories is the flag, the later ones its copies. Apart from `find_flags`, so that
    findings made group by group elsewhere (`facts.dask_engine`) become the same flags."""
    titles, dates = titles or {}, dates or {}
    found_by_key: dict[tuple, tuple[Check, Finding, list[tuple[Fact, Fact]]]] = {}
    for check, found in findings:
        a, b = found.a, found.b
        if found.confidence < threshold:
            continue
        # Copies of a page, and a pull quote repeating its sentence, give one flag, with its other places.
        key = (check.id, *sorted([(a.claim.story, a.claim.text, str(a.claim.value)),
                                  (b.claim.story, b.claim.text, str(b.claim.value))]))
        if key in found_by_key:
            first, copies = found_by_key[key][1], found_by_key[key][2]
            places = {(x.claim.doc, y.claim.doc) for x, y in [(first.a, first.b), *copies]}
            if (a.claim.doc, b.claim.doc) not in places:
                copies.append((a, b))
        else:
            found_by_key[key] = (check, found, [])
    flags = []
    for check, found, copies in found_by_key.values():
        a, b = found.a, found.b

        def side(f: Fact) -> FlagSide:
            return f.side(titles.get(f.claim.story), dates.get(f.claim.story))

        flags.append(Flag(id=_flag_id(check.id, a, b), a=side(a), b=side(b), kind=check.id, check=check.checker,
                          severity=check.severity,
                          why=found.why + _revision(dates.get(a.claim.story), dates.get(b.claim.story)),
                          confidence=round(found.confidence, 3),
                          copies=[FlagCopy(a=side(x), b=side(y)) for x, y in copies]))
    order = {"high": 0, "medium": 1, "low": 2}
    return sorted(flags, key=lambda f: (order[f.severity], f.a.doc, f.a.start, f.b.doc, f.b.start))


def flag_places(flags: Iterable[Flag]) -> Iterator[dict]:
    """Each flag as rows, one per place it stands: the flag itself, then each copy with the flag's
    id, kind and why, so a tool that reads places (a scorer, a diff) finds every copy."""
    for flag in flags:
        row = flag.model_dump(mode="json", exclude={"copies"})
        yield row | {"copies": len(flag.copies)}
        for copy in flag.copies:
            yield row | {"a": copy.a.model_dump(mode="json"), "b": copy.b.model_dump(mode="json"), "copy_of": flag.id}


def _finding(found: tuple) -> Finding:
    return found if isinstance(found, Finding) else Finding(*found)


def _revision(a: str | None, b: str | None) -> str:
    """How far apart two articles are dated: a plan revised between them reads as a change, not an error."""
    try:
        first, second = sorted([date.fromisoformat(a or ""), date.fromisoformat(b or "")])
    except ValueError:
        return ""
    days = (second - first).days
    if days == 0:
        return "; both articles are dated the same day"
    return f"; the articles are dated {first} and {second}, {days} days apart: a revision, or a contradiction"


def corroboration(claims: Iterable[ClaimRecord], rules: RuleSet | None = None) -> dict[str, int]:
    """How many independent articles (stories) give a compatible figure for each claim's fact, itself
    included: the stories of its cluster of overlapping intervals among claims of one subject."""
    counts: dict[str, int] = {}
    with collector_paused():
        rules = rules or cached_rules()
        corpus = Corpus(claims, _cached_checks(rules).comparable, rules.lexicon)
        groups = list(corpus.amount_groups().values())
    for group in groups:
        by_subject: dict[frozenset[str], list[Fact]] = defaultdict(list)
        for f in group:
            by_subject[f.subject].append(f)
        for same in by_subject.values():
            for cluster in _clusters(same):
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


# A gap between clusters of compatible figures gives one flag per pair of stories across it, up to this many:
# past it, the stories say the same as the ones already flagged.
_MAX_PAIRS_PER_GAP = 5


def value_conflict(corpus: Corpus, check: Check) -> Iterator[Finding]:
    """One flag per pair of stories across each gap between clusters of compatible figures of one fact:
    linear in the claims after sorting, never all pairs. Subjects meet where they are one, or where one
    holds the other (`subject_partners`), with less confidence."""
    vocab = corpus.vocabulary
    for key, group in corpus.amount_groups(check.params.get("kinds", AMOUNT_KINDS)).items():
        if len({f.claim.story for f in group}) < 2:
            continue
        by_subject: dict[frozenset[str], list[Fact]] = defaultdict(list)
        for f in group:
            by_subject[f.subject].append(f)
        for larger, partners in subject_partners(by_subject).items():
            for smaller in partners:
                pool = by_subject[larger] + (by_subject[smaller] if smaller != larger else [])
                for a, b in _gap_pairs(pool, None if smaller == larger else larger):
                    small = b if a.subject == larger else a
                    s_conf, s_note = subject_confidence(larger, smaller, key[2], corpus.topic(small), vocab)
                    p_conf, notes = part_confidence(key, a.claim, b.claim, (a.value, b.value), vocab)
                    yield Finding(a, b, _why_values(a, b, key, [*notes, *([s_note] if s_note else [])]),
                                  s_conf * p_conf)


def _gap_pairs(pool: list[Fact], cross: frozenset[str] | None) -> Iterator[tuple[Fact, Fact]]:
    """Each figure against the nearest figure of another story in the nearest cluster above and below that
    has one (clusters of one story's figures are passed over), lower first; one pair per pair of stories
    across each gap, at most `_MAX_PAIRS_PER_GAP`. With `cross`, only pairs with exactly one side of that
    subject."""
    clusters = [sorted(c, key=lambda f: (f.value, f.claim.doc, f.claim.start)) for c in _clusters(pool)]
    said: set[tuple] = set()
    per_gap: Counter = Counter()
    for i, cluster in enumerate(clusters):
        for f in cluster:
            for step in (1, -1):
                j = i + step
                while 0 <= j < len(clusters):
                    nearest = clusters[j] if step == 1 else reversed(clusters[j])
                    other = next((g for g in nearest if g.claim.story != f.claim.story and (
                        cross is None or (g.subject == cross) != (f.subject == cross))), None)
                    if other is not None:
                        low, high = (f, other) if step == 1 else (other, f)
                        gap = (min(i, j), max(i, j))
                        key = (gap, low.claim.story, high.claim.story)
                        if key not in said and per_gap[gap] < _MAX_PAIRS_PER_GAP:
                            said.add(key)
                            per_gap[gap] += 1
                            yield low, high
                        break
                    j += step


def _why_values(a: Fact, b: Fact, key: tuple, notes: list[str]) -> str:
    gap = abs(b.value - a.value) / max(abs(a.value), abs(b.value)) * 100 if a.value and b.value else None
    differ = f"these differ by {gap:.0f}%, " if gap is not None else ""
    period = a.claim.period or "no period given"
    modality = "" if key[3] == "outturn" else f" ({key[3]})"
    read = f" ({'; '.join(notes)})" if notes else ""
    return (f"{describe(a)} against {describe(b)} for {key[2]}{modality} of {', '.join(sorted(a.subject | b.subject))}"
            f" in {period}: {differ}beyond what rounding and qualifiers allow{read}")


def source_discrepancy(corpus: Corpus, check: Check) -> Iterator[Finding]:
    """Inside one article, two figures of one fact that disagree, each given on the word of another
    source ("customs data show X ... while the statistics agency reports Y"). Figures of one fact in one
    article without two sources are left alone: there the likelier reading is two facts."""
    cues = [regex.compile(p, regex.IGNORECASE) for p in check.params.get("sources", [])]
    for key, group in corpus.amount_groups(check.params.get("kinds", AMOUNT_KINDS)).items():
        by_story: dict[tuple, list[Fact]] = defaultdict(list)
        for f in group:
            by_story[(f.claim.story, f.claim.doc, f.subject)].append(f)
        for same in by_story.values():
            if len(same) < 2:
                continue
            sourced = [(f, src) for f in same for src in [_source_of(f, cues)] if src]
            for i, (a, source_a) in enumerate(sourced):
                for b, source_b in sourced[i + 1:]:
                    if source_a.casefold() != source_b.casefold() and not _overlap(a, b):
                        yield Finding(a, b, f"{describe(a)} according to {source_a}, against {describe(b)} "
                                            f"according to {source_b}, for {key[2]} of {', '.join(sorted(a.subject))}"
                                            f" in {a.claim.period or 'no period given'}")


def _source_of(f: Fact, cues: list[regex.Pattern]) -> str | None:
    """The source a figure is given on: the last source phrase before it in its sentence, else the first after."""
    sentence, offset = f.claim.sentence or "", f.claim.sentence_start or 0
    at = f.claim.start - offset
    found = sorted((m.start("source"), " ".join(m.group("source").split()))
                   for cue in cues for m in cue.finditer(sentence))
    before = [name for start, name in found if start < at]
    after = [name for start, name in found if start >= at]
    return before[-1] if before else (after[0] if after else None)


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
    return _number(value.quantize(Decimal("0.1")) if abs(value) < 10 ** 6 else value)


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


def describe(f: Fact) -> str:
    """A figure as a checker would say it, as written: `nearly 10 million USD ('...' in doc)`."""
    c = f.claim
    qualifier = {"approx": "about ", "at_least": "over ", "at_most": "up to ", "nearly": "nearly "}.get(
        c.qualifier or "", "")
    value = c.value if isinstance(c.value, Decimal) else None
    return f"{qualifier}{_number(value)}{' ' + c.unit if c.unit and c.unit != '%' else c.unit or ''} " \
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
                yield m, after, (f"'{m.claim.text}' means about {_number(m.value)} times, but the figures it "
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
    "source_discrepancy": source_discrepancy,
    "conversion_vs_figure": conversion_vs_figure,
    "event_date_conflict": event_date_conflict,
    "multiplier_vs_figures": multiplier_vs_figures,
    "percent_change_vs_figures": percent_change_vs_figures,
    "share_of_total": share_of_total,
    "ratio_vs_figures": ratio_vs_figures,
    "duration_vs_period": duration_vs_period,
}
