"""The typed values every stage passes on: one shape per thing, `[]` never `None`."""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, PlainSerializer

KINDS = ("money", "percent", "quantity", "count", "multiplier", "date", "period", "duration")
Kind = Literal["money", "percent", "quantity", "count", "multiplier", "date", "period", "duration"]
Qualifier = Literal["approx", "at_least", "at_most", "nearly"]
Mod = Literal["START", "MID", "END", "EARLY", "LATE"]


def _json_number(value: Decimal) -> int | float:
    """JSON has one number type; integral amounts stay exact as ints."""
    return int(value) if value == value.to_integral_value() else float(value)


Amount = Annotated[Decimal, PlainSerializer(_json_number, return_type=Union[int, float], when_used="json")]


class Mention(BaseModel):
    """One figure or date found in a text, with the exact span it came from.

    `value` is a Decimal for amounts and a TIMEX string (`2025-04`, `XXXX-05-07`,
    `2015/2019`, `P30Y`) for dates, periods and durations. A range keeps both
    bounds in `low` and `high`; `value` is then the low bound.
    """

    model_config = ConfigDict(frozen=True)

    doc: str | None = None
    start: int
    end: int
    text: str
    kind: Kind
    value: Amount | str | None
    unit: str | None = None
    qualifier: Qualifier | None = None
    low: Amount | None = None
    high: Amount | None = None
    mod: Mod | None = None
    relative: bool = False
    resolved: str | None = None
    rule: str
