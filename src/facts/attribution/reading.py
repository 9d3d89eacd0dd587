"""The sentence step: what a figure's own sentence (and the passage before it) says it is about."""
from __future__ import annotations

from ..models import TIME_KINDS, Mention
from .claim import Claim
from .context import _Context
from .events import _event
from .figures import _value_claim
from .period import _period
from .text import _part, _Sentence, _Text


def read_sentences(t: _Text, mentions: list[Mention]) -> list[tuple[Claim, int]]:
    """One claim per mention, in the mentions' order, with the index of its sentence."""
    claims, previous = [], None
    dated: dict[str, tuple[int, str]] = {}
    for m in mentions:
        index, whole = t.sentence(m.start)
        # A figure reads its sentence no further than a window around it: a run-on "sentence" of a scraped
        # table or list then costs what a sentence does, and attribution stays linear in the text's length.
        lo, hi = _window(t.text, whole, m, t.att.figure_window)
        sentence = _Sentence(lo, hi, whole.segments, whole.clauses)
        ctx = _Context(sentence, index, _clamp(_part(whole.clauses, m.start), lo, hi),
                       _clamp(_part(whole.segments, m.start), lo, hi))
        period, period_step = _period(t, ctx, m, dated)
        if m.kind in TIME_KINDS:
            event, subject = _event(t, ctx, m)
            metric = event.type if event else None
            if event:
                dated[event.type] = (index, period)
            why = {"subject": "event", "metric": "event cue" if event else "none"}
            outlook = None
        else:
            event = None
            figure = _value_claim(t, ctx, m, previous[1] if previous and index - previous[0] <= 1 else None)
            subject, metric = figure.subject, figure.metric
            previous = (index, figure)
            why = {"subject": figure.subject_step, "metric": figure.metric_step}
            outlook = figure.outlook
        why["period"] = period_step
        claims.append((Claim(mention=m, subject=sorted(set(subject)), metric=metric, period=period, event=event,
                             sentence_start=sentence.start, sentence_end=sentence.end, why=why, outlook=outlook),
                       index))
    return claims


def _clamp(span: tuple[int, int], lo: int, hi: int) -> tuple[int, int]:
    return max(span[0], lo), min(span[1], hi)


def _window(text: str, whole: _Sentence, m: Mention, width: int) -> tuple[int, int]:
    """The part of a sentence within `width` characters of a figure, cut between words."""
    lo, hi = max(whole.start, m.start - width), min(whole.end, m.end + width)
    if lo > whole.start:
        space = text.find(" ", lo, m.start)
        lo = space + 1 if space >= 0 else lo
    if hi < whole.end:
        space = text.rfind(" ", m.end, hi)
        hi = space if space >= 0 else hi
    return lo, hi
