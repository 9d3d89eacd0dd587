"""Anchor dates that lack a year to the article they stand in.

Like HeidelTime, rules emit underspecified values (`XXXX-05-07`, relative
`last year`) and this pass fills `resolved` from the nearest dateline before
the mention, or from the reference date the caller gives. Without an anchor
nothing is guessed.
"""
from __future__ import annotations

from bisect import bisect_right
from datetime import date

import regex

from .models import Mention
from .rules import Lexicon

_LINE_NOISE = regex.compile(r"[\s\u00a0,.|:\-\u2013\u2014()]+|\d{1,2}:\d{2}(?::\d{2})?")


def parse_reference(value: str | date | None) -> date | None:
    """`2025-06-05` (or a longer ISO timestamp) as a date; a clear error otherwise."""
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"reference date {value!r} is not an ISO date (YYYY-MM-DD)") from None


def find_datelines(text: str, mentions: list[Mention], lex: Lexicon) -> list[tuple[int, date]]:
    """Full dates that stand alone on their line (weekday, time and 'Published' aside)."""
    lines = []
    for m in mentions:
        if m.kind != "date" or len(m.value) != 10 or "X" in m.value:
            continue
        line_start = text.rfind("\n", 0, m.start) + 1
        line_end = text.find("\n", m.end)
        line_end = len(text) if line_end < 0 else line_end
        rest = text[line_start:m.start] + " " + text[m.end:line_end]
        words = [w for w in _LINE_NOISE.split(rest) if w]
        if all(lex.has("dateline_word", w) for w in words):
            lines.append((m.start, date.fromisoformat(m.value)))
    return lines


def resolve(text: str, mentions: list[Mention], lex: Lexicon, reference: date | None) -> list[Mention]:
    """Fill `resolved` for dates with no year and relative dates, from the nearest anchor."""
    datelines = find_datelines(text, mentions, lex)
    starts = [s for s, _ in datelines]
    out = []
    for m in mentions:
        if m.kind not in ("date", "period") or "XXXX" not in str(m.value):
            out.append(m)
            continue
        i = bisect_right(starts, m.start)
        anchor = datelines[i - 1][1] if i else reference
        resolved = _resolve_value(m, anchor, lex) if anchor else None
        out.append(m.model_copy(update={"resolved": resolved}) if resolved else m)
    return out


def _resolve_value(m: Mention, anchor: date, lex: Lexicon) -> str | None:
    if m.relative:
        shift = lex.lookup("relative_date", m.text)
        if not shift:
            return None
        return _shift(anchor, shift)
    return str(m.value).replace("XXXX", f"{anchor.year:04d}")


def _shift(anchor: date, shift: dict) -> str | None:
    """Move the anchor by whole calendar units and give it at the precision of the unit."""
    unit, offset = shift["unit"], int(shift.get("offset", 0))
    if unit == "year":
        return f"{anchor.year + offset:04d}"
    if unit == "month":
        months = anchor.year * 12 + anchor.month - 1 + offset
        return f"{months // 12:04d}-{months % 12 + 1:02d}"
    if unit == "day":
        return date.fromordinal(anchor.toordinal() + offset).isoformat()
    return None
