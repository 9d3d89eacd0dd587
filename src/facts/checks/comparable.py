"""Which claims speak of one fact, and how sure that is.

Two articles rarely word one figure alike: "trade turnover" and "foreign trade",
2024 and January to December 2024, kilometres and miles, "the production plan"
and "the production target". A claim's fact key reads its metric into a family
and a modality (an outturn, a plan, a forecast), its period into the days it
covers and its amount into base units, so claims are grouped by what they say,
not by how it is written; subjects are then matched as sets of entities. How far
each part had to be read to match is kept as a confidence, so a checker can
sort flags by how sure the match is. The vocabulary is data (`comparable:` in
`rules/en/checks.yaml`).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import combinations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..engine.rulefiles import RuleFileModel
from ..models import AMOUNT_KINDS, RATIO_KINDS, ClaimRecord
from ..values.intervals import timex_days


class Confidence(BaseModel):
    """How sure a match is, part by part; a flag's confidence is the product of its parts."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    line: int = Field(default=0, alias="__line__")
    metric_family: float = Field(0.9, description="the metrics differ in wording, not in family")
    converted: float = Field(0.95, description="the amounts are in different units of one dimension")
    timeless: float = Field(0.9, description="neither claim has a period, and the metric needs none")
    no_period: float = Field(0.5, description="neither claim has a period, and the metric changes over time")
    topic_partner: float = Field(0.8, description="one side names one end of a flow, its article the other")
    subset: float = Field(0.5, description="one subject holds the other and more")
    far_apart: float = Field(0.5, description="one figure is more than `far_ratio` times the other")
    far_ratio: float = Field(2.0, description="past this ratio two figures more likely are two facts")


class Vocabulary(RuleFileModel):
    """The words that make two metrics one: families of synonyms, the modifiers and modalities
    written after them, and which families hold without a period or run between two parties."""

    doc: str | None = None
    families: dict[str, list[str]] = {}
    modifiers: dict[str, list[str]] = {}
    modalities: dict[str, list[str]] = {}
    outlooks: dict[str, str] = {}
    timeless: list[str] = []
    flows: list[str] = []
    confidence: Confidence = Confidence()
    min_confidence: float = 0.6

    @field_validator("families", "modifiers", "modalities", "outlooks", mode="before")
    @classmethod
    def _without_lines(cls, value):
        """The rule loader marks every mapping with its line; a table of words is no rule."""
        return {k: v for k, v in value.items() if k != "__line__"} if isinstance(value, dict) else value

    def model_post_init(self, _context) -> None:
        self._family = {phrase.casefold(): name for name, phrases in self.families.items()
                        for phrase in [name, *phrases]}
        self._longest = max((len(p.split()) for p in self._family), default=1)
        self._modifier = {w.casefold(): name for name, words in self.modifiers.items() for w in [name, *words]}
        self._modality = {w.casefold(): name for name, words in self.modalities.items() for w in [name, *words]}

    def __hash__(self) -> int:
        return id(self)

    def read_metric(self, metric: str | None, outlook: str | None) -> tuple[str, str] | None:
        """(base, modality) of a metric: `production target` is (`production`, `plan`), `foreign trade
        turnover growth` (`trade growth`, `outturn`). None where nothing is left to compare."""
        return _read_metric(self, metric, outlook)


@lru_cache(maxsize=4096)
def _read_metric(vocab: Vocabulary, metric: str | None, outlook: str | None) -> tuple[str, str] | None:
    if not metric:
        return None
    modality = vocab.outlooks.get(outlook or "", "outturn")
    words = []
    for word in metric.casefold().split():
        if word in vocab._modality:
            modality = vocab._modality[word]
        else:
            words.append(word)
    if not words:
        return None
    head, rest = " ".join(words), []
    for size in range(min(vocab._longest, len(words)), 0, -1):
        phrase = " ".join(words[:size])
        if phrase in vocab._family:
            head, rest = vocab._family[phrase], words[size:]
            break
    else:
        head, rest = words[0], words[1:]
        head = vocab._family.get(head, head)
    base = " ".join([head, *(vocab._modifier.get(w, w) for w in rest)])
    return base, modality


Period = tuple[date, date] | None


@lru_cache(maxsize=65536)
def period_days(period: str | None) -> Period | bool:
    """The days a period covers (2024 and 2024-01/2024-12 are one); None without a period;
    False for a period that cannot be placed (a year left unresolved)."""
    if not period:
        return None
    return timex_days(period) or False


def dimension(claim: ClaimRecord) -> tuple[str, str | None] | None:
    """What an amount is measured in, so that km and miles meet and euros and dollars do not."""
    if claim.kind == "quantity" and claim.si_unit:
        return "quantity", claim.si_unit
    if claim.kind in AMOUNT_KINDS and claim.kind not in RATIO_KINDS:
        return claim.kind, claim.unit
    return None


def in_base_units(claim: ClaimRecord) -> tuple[Decimal | None, Decimal | None, Decimal] | None:
    """(low, high, value) in the unit the dimension is compared in (SI for quantities)."""
    value = claim.value
    if not isinstance(value, Decimal):
        return None
    factor = Decimal(1)
    if claim.kind == "quantity" and claim.si_unit and isinstance(claim.si_value, Decimal) and value:
        factor = claim.si_value / value
    low, high = claim.interval_low, claim.interval_high
    return (None if low is None else low * factor), (None if high is None else high * factor), value * factor


def fact_key(claim: ClaimRecord, vocab: Vocabulary) -> tuple | None:
    """The key claims about one fact share: (dimension, metric base, modality, period days)."""
    dim = dimension(claim)
    metric = vocab.read_metric(claim.metric, claim.outlook) if dim else None
    days = period_days(claim.period) if metric else False
    if metric is None or days is False or not claim.subject:
        return None
    return (*dim, *metric, days)


def part_confidence(key: tuple, a: ClaimRecord, b: ClaimRecord, values: tuple[Decimal, Decimal],
                    vocab: Vocabulary) -> tuple[float, list[str]]:
    """How sure it is that two claims of one key speak of one fact (their `values` in the unit the key
    compares them in), and what had to be read to say so."""
    c = vocab.confidence
    score, notes = 1.0, []
    if (a.metric or "").casefold() != (b.metric or "").casefold():
        score *= c.metric_family
        notes.append(f"'{a.metric}' and '{b.metric}' read as one metric, {key[2]}")
    if a.unit != b.unit:
        score *= c.converted
        notes.append(f"{a.unit} and {b.unit} converted to {key[1]}")
    low, high = sorted(abs(v) for v in values)
    if low and high / low > Decimal(str(c.far_ratio)):
        score *= c.far_apart
        notes.append(f"one is {high / low:.1f} times the other, more likely two facts than one misreported")
    if key[4] is None:
        timeless = key[2].split()[0] in vocab.timeless
        score *= c.timeless if timeless else c.no_period
        notes.append("neither gives a period" + ("" if timeless else ", though the figure changes over time"))
    return score, notes


def subject_partners(subjects: Iterable[frozenset[str]]) -> dict[frozenset[str], list[frozenset[str]]]:
    """For each subject, the subjects in the same group it may be matched with: itself and the
    smaller subjects it holds (X and X-China), never subjects that only share a part."""
    present = set(subjects)
    partners: dict[frozenset[str], list[frozenset[str]]] = {}
    for s in present:
        found = [s]
        for size in range(len(s) - 1, 0, -1):
            found.extend(t for t in map(frozenset, combinations(sorted(s), size)) if t in present)
        partners[s] = found
    return partners


def subject_confidence(larger: frozenset[str], smaller: frozenset[str], base: str, topic: frozenset[str],
                       vocab: Vocabulary) -> tuple[float, str | None]:
    """1 for one subject; for a smaller one, more where the rest is its article's own topic and the
    metric runs between two parties (`Kazakhstan's trade` in an article on China's trade)."""
    if larger == smaller:
        return 1.0, None
    rest = larger - smaller
    named = ", ".join(sorted(rest))
    if base.split()[0] in vocab.flows and rest <= topic:
        return vocab.confidence.topic_partner, f"{named} taken from the article's topic"
    return vocab.confidence.subset, f"one side also names {named}"
