"""Claims as the checkers read them: each claim with its comparable key (a `Fact`), grouped by key, story and article."""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from itertools import groupby
from typing import NamedTuple

from ..engine.lexicon import Lexicon
from ..engine.rules import cached_rules
from ..models import AMOUNT_KINDS, RATIO_KINDS, ClaimRecord, FlagSide
from .comparable import Vocabulary, fact_key, in_base_units

# Amounts compared with each other; a ratio (`three times`) is compared through the figure it relates to.
COMPARED_KINDS = AMOUNT_KINDS - RATIO_KINDS


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

    def amount_groups(self, kinds: Iterable[str] = COMPARED_KINDS) -> dict[tuple, list[Fact]]:
        """Figures by fact key (`checks.comparable.fact_key`), amounts in the unit the key compares them
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
            if f.claim.kind in COMPARED_KINDS:
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
    sentence would be held for each of them."""
    ordered = sorted(facts, key=lambda f: _sort_key(key(f.claim), f.claim.start))
    found = []
    for _, run in groupby(ordered, key=lambda f: key(f.claim)):
        group = list(run)
        if len(group) > 1:
            found.append(group)
    return found


def _sort_key(parts: tuple, start: int) -> tuple:
    """Parts in order, None first, as one flat tuple: sorting holds a key per claim, and pairs
    (`(part is None, part)`) would cost a million claims twice the memory."""
    flat = []
    for part in parts:
        flat += (part is None, "" if part is None else part)
    flat.append(start)
    return tuple(flat)


def describe(f: Fact) -> str:
    """A figure as a checker would say it, as written: `nearly 10 million USD ('...' in doc)`."""
    c = f.claim
    qualifier = {"approx": "about ", "at_least": "over ", "at_most": "up to ", "nearly": "nearly "}.get(
        c.qualifier or "", "")
    value = c.value if isinstance(c.value, Decimal) else None
    return f"{qualifier}{number_text(value)}{' ' + c.unit if c.unit and c.unit != '%' else c.unit or ''} " \
           f"('{c.text}' in {c.doc})"


def number_text(value: Decimal | None) -> str:
    if value is None:
        return "?"
    for scale, word in ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"),
                        (Decimal(10) ** 6, "million")):
        if abs(value) >= scale:
            return f"{(value / scale).normalize():f} {word}"
    return f"{value.normalize():f}"
