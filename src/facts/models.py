"""The typed values every stage passes on: one shape per thing, `[]` never `None`."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal
from enum import Enum
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, PlainSerializer


class Kind(str, Enum):
    """The kinds of mention, listed once: every other list of kinds is derived from this one."""

    MONEY = "money"
    PERCENT = "percent"
    QUANTITY = "quantity"
    COUNT = "count"
    MULTIPLIER = "multiplier"
    DATE = "date"
    PERIOD = "period"
    DURATION = "duration"

    @property
    def is_amount(self) -> bool:
        """Its value is an amount (a Decimal); the other kinds hold TIMEX strings."""
        return self in _AMOUNTS

    @property
    def is_time(self) -> bool:
        """A point or stretch of time (a date, a period), which dates the figures beside it."""
        return self in (Kind.DATE, Kind.PERIOD)

    @property
    def is_ratio(self) -> bool:
        """A figure relative to another (`three times`): what it measures is the other figure's."""
        return self is Kind.MULTIPLIER

    @property
    def is_exact(self) -> bool:
        """Counted, not measured: `40 jets` is 40, where `40 km` is anything that rounds to 40."""
        return self in (Kind.COUNT, Kind.MULTIPLIER)


_AMOUNTS = (Kind.MONEY, Kind.PERCENT, Kind.QUANTITY, Kind.COUNT, Kind.MULTIPLIER)
# Mentions hold a kind as its plain name; these sets are of names.
KINDS = tuple(k.value for k in Kind)
AMOUNT_KINDS = frozenset(k.value for k in Kind if k.is_amount)
TIME_KINDS = frozenset(k.value for k in Kind if k.is_time)
RATIO_KINDS = frozenset(k.value for k in Kind if k.is_ratio)
EXACT_KINDS = frozenset(k.value for k in Kind if k.is_exact)
KindName = Literal[KINDS]  # type: ignore[valid-type]  # the names, for pydantic to check
Qualifier = Literal["approx", "at_least", "at_most", "nearly"]
Mod = Literal["START", "MID", "END", "EARLY", "LATE"]


# A double holds 15 significant decimal digits faithfully. A quotient of more digits than a double keeps
# (`a third`, 100/3 percent, to Decimal's 28) is rounded to them: written 33.3333333333333, as a reader
# writes it, not 33.333333333333336; a figure as written (`12,345,678,901,234.56`) keeps its digits.
_JSON_PRECISION = Context(prec=15)
_DOUBLE_DIGITS = 17


def _json_number(value: Decimal) -> int | float:
    """JSON has one number type; integral amounts stay exact as ints."""
    if value == value.to_integral_value():
        return int(value)
    return float(_JSON_PRECISION.plus(value) if len(value.as_tuple().digits) > _DOUBLE_DIGITS else value)


Amount = Annotated[Decimal, PlainSerializer(_json_number, return_type=Union[int, float], when_used="json")]


def typed_value(kind: str, value: str | None) -> Decimal | str | None:
    """A value read back from text: a Decimal for amounts, a TIMEX string (even `2024`) for times."""
    return Decimal(value) if kind in AMOUNT_KINDS and value is not None else value


class Mention(BaseModel):
    """One figure or date found in a text, with the exact span it came from.

    `value` is a Decimal for amounts and a TIMEX string (`2025-04`, `XXXX-05-07`,
    `2015/2019`, `P30Y`) for dates, periods and durations. A range keeps both
    bounds in `low` and `high`; `value` is then the low bound. A quantity whose
    unit converts to SI base units carries `value` in them as `si_value`, `si_unit`
    (`1,140 miles` -> 1834652.16 m), so quantities written in different units compare.
    """

    model_config = ConfigDict(frozen=True)

    doc: str | None = None
    start: int
    end: int
    text: str
    kind: KindName
    value: Amount | str | None
    unit: str | None = None
    qualifier: Qualifier | None = None
    low: Amount | None = None
    high: Amount | None = None
    mod: Mod | None = None
    relative: bool = False
    resolved: str | None = None
    si_value: Amount | None = None
    si_unit: str | None = None
    rule: str


Severity = Literal["high", "medium", "low"]


class FlagSide(BaseModel):
    """One side of a flagged pair: where the claim stands and what it says."""

    model_config = ConfigDict(frozen=True)

    doc: str
    start: int
    end: int
    text: str
    claim_id: str | None = None
    quote: str | None = None
    value: str | None = None
    unit: str | None = None
    period: str | None = None
    title: str | None = None
    # The article's date, where it gives one; the qualifier; the figure and the interval its rounding and
    # qualifier allow, in the unit the two sides were compared in (`compared_in`, SI for quantities).
    date: str | None = None
    qualifier: str | None = None
    compared_in: str | None = None
    compared_value: str | None = None
    low: str | None = None
    high: str | None = None


class FlagCopy(BaseModel):
    """The same two claims where a copy of their pages has them."""

    model_config = ConfigDict(frozen=True)

    a: FlagSide
    b: FlagSide


class Flag(BaseModel):
    """Two claims that cannot both hold (or, with severity low, that sit badly together).

    `kind` names the check (`value_conflict`, `date_conflict`, `multiplier`,
    `percent_change`, `share_of_total`, `ratio`, `duration_vs_period`); `why` says
    in plain words what disagrees, so a checker can read it without the tool.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    a: FlagSide
    b: FlagSide
    kind: str
    check: str
    severity: Severity
    why: str
    # How sure it is that the two claims speak of one fact (`facts.checks.comparable`): 1 where subject,
    # metric, period and unit are read alike.
    confidence: float = 1.0
    # The other places the same pair stands, in copies of its pages: one flag per pair of stories.
    copies: list[FlagCopy] = []


class ClaimRecord(Mention):
    """A mention in an article's own text, with what it is about: one row of the ledger.

    `id` is stable across re-runs and reflowed text: it is derived from the
    article's story (shared by its copies and versions), the kind, subject and
    metric, and the claim's rank among such claims in the article, never from
    offsets or from the value, so a corrected figure keeps its id.
    """

    id: str
    story: str
    article: int
    subject: list[str] = []
    metric: str | None = None
    period: str | None = None
    event: dict | None = None
    interval_low: Amount | None = None
    interval_high: Amount | None = None
    sentence: str | None = None
    sentence_start: int | None = None
    section: str | None = None
    # The attribution step that gave the subject, the metric and the period (`facts.attribution`).
    why: dict[str, str] | None = None
    # `plan`, `target`, `forecast` or `estimate` for a figure that is not an outturn.
    outlook: str | None = None


@dataclass(frozen=True)
class Verdict:
    """What a checker said of a claim (`verdict`, `checker`, `notes`, when: `updated`), what the claim said
    then (`checked_value`) and now (`value`, None once it is gone), and whether that has `changed`."""

    verdict: str
    checker: str | None
    notes: str | None
    checked_value: str | None
    updated: str
    value: str | None
    changed: bool


@dataclass(slots=True)
class ClaimView:
    """The fields of a claim the checks read, as plain slots, so that a million claims read back from a
    ledger for `check` fit in memory: no pydantic model per claim, and the strings claims share
    (documents, stories, sentences, metrics) held once."""

    id: str
    doc: str
    story: str
    article: int
    start: int
    end: int
    text: str
    kind: str
    value: Decimal | str | None
    unit: str | None
    qualifier: str | None
    low: Decimal | None
    high: Decimal | None
    si_value: Decimal | None
    si_unit: str | None
    resolved: str | None
    subject: tuple[str, ...]
    metric: str | None
    period: str | None
    event: dict | None
    outlook: str | None
    interval_low: Decimal | None
    interval_high: Decimal | None
    sentence: str | None
    sentence_start: int | None

