"""The time a figure is about, read from its sentence."""

from __future__ import annotations

from bisect import bisect_left

import regex

from ..models import TIME_KINDS, Mention
from .context import _Context
from .text import _Text


def _time_score(t: _Text, m: Mention, c: Mention) -> tuple[int, int]:
    before = t.text[max(0, c.start - 40):c.start]
    distance = c.start - m.end if c.start >= m.end else m.start - c.end + 10
    if t.att.period_signal.search(before):
        distance -= 30
    return distance, c.start


def is_base(t: _Text, c: Mention) -> bool:
    """A time that is the base of a comparison ("6.9 percent higher than in 2022", "over the same period
    last year"), not the time of the figures compared with it."""
    return t.att.comparison.search(t.text, max(0, c.start - 60), c.start) is not None


# A figure in brackets right after a base is the base's own ("more than in the same period last year
# (2.4 billion cubic meters)").
_BASE_FIGURE = regex.compile(r"\s*[(\[]\s*(?:[\w-]+\s+){0,2}")


def _bracket(t: _Text, at: int, lo: int, hi: int) -> tuple[int, int] | None:
    """The brackets around an offset within a clause, if any."""
    opening = t.text.rfind("(", lo, at)
    if opening < 0 or t.text.find(")", opening, at) >= 0:
        return None
    closing = t.text.find(")", at, hi)
    return (opening, closing) if closing >= 0 else None


def _own_times(t: _Text, m: Mention, found: list[Mention], clause: tuple[int, int]) -> list[Mention]:
    """The times of a part of a sentence that can be the figure's: not the base of a comparison the figure
    stands before, not one after the quotation the figure stands in or at the head of a later figure, and
    not one in brackets the figure is outside of."""
    own = []
    for c in found:
        if is_base(t, c) and not (m.start > c.end and _BASE_FIGURE.fullmatch(t.text, c.end, m.start)):
            continue
        base = _from_figure(t, c)
        if base is not None and base is not m and m.start < base.start:
            # "fell to $6.1 billion from $7.5 billion in 2022": 2022 is the time of the figure it came from.
            continue
        if c.start >= m.end and (t.att.quote_close.search(t.text, m.end, c.start) and _quoted(t, m)
                                 or _heads_figure(t, c, m)):
            continue  # the time of the statement that quotes the figure, or of the next figure
        bracket = _bracket(t, c.start, clause[0], clause[1])
        if bracket and not bracket[0] < m.start < bracket[1]:
            continue
        own.append(c)
    return own


def _heads_figure(t: _Text, c: Mention, m: Mention) -> bool:
    """Whether a time opens a part of its own at the head of a figure of the same kind after it ("about 347
    thousand tons in 2021, in 2022 — 747 thousand tons"), not "$5 billion in 2023 — up 10%"."""
    i = bisect_left(t.value_starts, c.end)
    return (i < len(t.values) and t.values[i].kind == m.kind
            and t.att.time_opens_part.search(t.text, max(0, c.start - 20), c.start) is not None
            and t.att.time_heads_figure.fullmatch(t.text, c.end, t.values[i].start) is not None)


# How far back, within its paragraph, a figure is looked at for the quotation it may stand in.
_QUOTE_REACH = 2000


def _quoted(t: _Text, m: Mention) -> bool:
    """Whether a figure stands inside a quotation opened before it in its paragraph (a curly opening mark
    not closed since, or an odd number of straight ones)."""
    text = t.text
    lo = max(0, m.start - _QUOTE_REACH)
    lo = max(lo, text.rfind("\n\n", lo, m.start))
    return text.rfind("“", lo, m.start) > text.rfind("”", lo, m.start) or text.count('"', lo, m.start) % 2 == 1


def _from_figure(t: _Text, c: Mention) -> Mention | None:
    """The figure a time is given for after "from" ("from $7.5 billion in 2022"), if any."""
    i = bisect_left(t.value_starts, c.start) - 1
    if i < 0:
        return None
    v = t.values[i]
    if not t.att.figure_time.fullmatch(t.text, v.end, c.start):
        return None
    return v if t.att.from_figure.search(t.text, max(0, v.start - 20), v.start) else None


_MONTHS = regex.compile(r"\d{4}(-\d\d)(?:/\d{4}(-\d\d))?")


def _same_months(t: _Text, ctx: _Context, c: Mention, value: str) -> str:
    """"the same period last year" is last year's months of the period the sentence before speaks of
    ("in March 2023 ... 20.8 percent more than in the same period last year": 2022-03)."""
    if len(value) != 4 or not t.att.same_period.search(t.text, max(0, c.start - 30), c.start):
        return value
    before = _previous_times(t, ctx)
    months = _MONTHS.fullmatch(before) if before else None
    if months is None:
        return value
    first, last = months.group(1), months.group(2)
    return f"{value}{first}/{value}{last}" if last else f"{value}{first}"


def _previous_times(t: _Text, ctx: _Context) -> str | None:
    """The time an anaphor ("the same period", "that day") points to: the dates of the sentences before."""
    for i in (ctx.index - 1, ctx.index - 2):
        if i < 0:
            return None
        s, e = t.spans[i]
        found = t.times_within(s, e)
        periods = [c for c in found if c.kind == "period"]
        if len(found) == 1 or len(periods) == 1:
            # "Exports to Europe in 2024 ... from January to September this year": the period, not the year.
            return t.time_value(periods[0] if periods else found[0])
        if found:
            first, last = t.time_value(found[0]).split("/")[0], t.time_value(found[-1]).split("/")[-1]
            return f"{first}/{last}"
    return None


def _end_of_range(t: _Text, m: Mention, period: str, clause: tuple[int, int]) -> str:
    """In "from $72.9 million to $93 million during 2017–2022", the first figure is the start's, the second the end's."""
    if "/" not in period:
        return period
    before = t.text[max(clause[0], m.start - 30):m.start]
    first, last = period.split("/", 1)
    if t.att.range_from.search(before):
        return first
    if t.att.range_to.search(before) and t.att.range_opened.search(t.text, clause[0], m.start):
        return last
    return period


def _period(t: _Text, ctx: _Context, m: Mention, dated: dict[str, tuple[int, str]]) -> tuple[str | None, str]:
    """The figure's time and the step that read it: its own for a date, else the nearest date of its clause,
    its part of the sentence or the sentence's opening, else the time an anaphor points to ("the same
    period", "the visit")."""
    if m.kind in TIME_KINDS:
        return t.time_value(m), "own"
    if m.kind == "multiplier":
        after = t.times_within(m.end, ctx.clause[1])
        if len(after) >= 2 and t.att.range_opened.search(t.text, m.end, after[0].start):
            return f"{t.time_value(after[0]).split('/')[0]}/{t.time_value(after[-1]).split('/')[-1]}", "range"
    s = ctx.sentence
    opening = t.text.find(",", s.start, s.start + t.att.fronted_max_chars + 1)
    fronted = (s.start, opening) if opening > 0 else (s.start, s.start)
    scopes = ((ctx.clause, "clause"), (ctx.segment, "sentence part"), (fronted, "sentence opening"))
    if t.att.original.search(t.text, max(ctx.clause[0], m.start - 40), m.start):
        # "Initially valued at $5 billion, the project is worth $8 billion as of 2023": 2023 is the new value's.
        comma = t.text.find(",", m.end, ctx.clause[1])
        scopes = (((max(ctx.clause[0], m.start - 40), comma if comma >= 0 else ctx.clause[1]), "clause"),)
    tried = set()
    for (start, end), step in scopes:
        if (start, end) in tried:
            continue  # a part of the sentence that is its clause holds no time the clause did not
        tried.add((start, end))
        found = _own_times(t, m, t.times_within(start, end, exclude=m), ctx.clause)
        if found:
            chosen = min(found, key=lambda c: _time_score(t, m, c))
            if t.att.since.search(t.text, max(0, chosen.start - 30), chosen.start):
                return _since(t, m, t.time_value(chosen)), "since"
            return _same_months(t, ctx, chosen, t.time_value(chosen)), step
        if t.att.anaphor["period"].search(t.text, start, end):
            previous = _previous_times(t, ctx)
            if previous:
                return _end_of_range(t, m, previous, ctx.clause), "same period"
    when = _event_time(t, ctx, dated)
    return (when, "event") if when else (None, "none")


def _since(t: _Text, m: Mention, value: str) -> str | None:
    """A figure counted since a time ("since 2009, it has supplied 350 bcm") is for the run from that time to
    the article's date, not for that time alone; with no article date, for no period that can be compared."""
    day = t.article_date(m.start)
    return f"{value.split('/')[0]}/{day.isoformat()}" if day else None


def _event_time(t: _Text, ctx: _Context, dated: dict[str, tuple[int, str]]) -> str | None:
    """"The visit yielded 14 agreements": the date of the visit dated in the two sentences before."""
    for cue in t.within(t.events, *ctx.clause):
        when = dated.get(cue.value)
        if when and ctx.index - when[0] <= 2 and t.att.anaphor["event"].search(
                t.text, max(0, cue.start - 40), cue.start):
            return when[1]
    return None


