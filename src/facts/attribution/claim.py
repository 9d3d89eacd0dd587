"""What attribution makes of a mention: a claim, and for a date the event it dates."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..models import Mention


# Claims and events are plain slotted dataclasses, not pydantic models: attribution makes one per figure
# from values it made itself, with nothing to validate, so validation would be cost without use.
@dataclass(frozen=True, slots=True)
class Event:
    """What a date dates: `actor` did it, to or with `counterpart`."""

    type: str
    actor: list[str] = field(default_factory=list)
    counterpart: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, "actor": list(self.actor), "counterpart": list(self.counterpart)}


@dataclass(frozen=True, slots=True)
class Claim:
    """A mention with what it is about; the mention's own fields stay reachable through `mention`. `why`
    names the step that gave the subject, the metric and the period, so a checker sees why a figure was
    read so."""

    mention: Mention
    subject: list[str]
    metric: str | None
    period: str | None
    event: Event | None
    sentence_start: int
    sentence_end: int
    why: dict[str, str] = field(default_factory=dict)
    # `plan`, `target`, `forecast` or `estimate` for a figure that is not an outturn; its metric says so too.
    outlook: str | None = None


def explain(why: dict[str, str] | None) -> str | None:
    """`why` as a checker reads it: "subject: structure; metric: cue; period: lead"."""
    return "; ".join(f"{part}: {step}" for part, step in why.items()) if why else None
