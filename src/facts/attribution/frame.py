"""The article's frame: what holds for every figure of a text unless its own sentence says otherwise.

News states the time of its figures once: in the headline ("Exports Reach $N Billion in 2024"), the
dateline or the lead, or early in a paragraph, and later sentences give none. The frame reads those
once per text: the date the article is written on (for "last year" and months without a year), the
year in force where no date is given, the headline, the paragraphs, and the entities the text is about.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import regex

from ..engine.lexicon import Lexicon
from ..models import TIME_KINDS, Mention
from ..resolve import article_date, resolve_value, stored_date
from ..text.sentences import _PARAGRAPH, spans_between
from ..values.intervals import timex_days
from .period import is_base
from .text import _Text

_YEAR = regex.compile(r"\A\d{4}")
# A whole calendar year written as a range (`2023-01/2023-12`, `2023/2023`) is that year.
_FULL_YEAR = regex.compile(r"(\d{4})(?:-01)?/\1(?:-12)?")
# A headline: one short line that does not end like a sentence.
_HEADLINE_MAX = 160
# An article's lead, for the year it is written in: its first characters, however its lines are wrapped.
_LEAD_CHARS = 1500
_SENTENCE_END = regex.compile(r"[.!?:;,]\s*\Z")
# A run of days this long or shorter (a day, a week, a visit of three days) dates an event, not a figure.
_EVENT_DAYS = 7


@dataclass
class Frame:
    """`date`: the article's date and `date_source` where it was read (metadata line, dateline, reference
    date); `year`: the year in force, the date's or else the first the article states; `headline` and
    `paragraphs` as spans of the text; `topic`: the entities the text names most, headline and lead first."""

    date: date | None
    date_source: str | None
    year: int | None
    headline: tuple[int, int] | None
    paragraphs: list[tuple[int, int]]
    topic: list[str]
    _paragraph_starts: list[int] = field(default_factory=list, repr=False)

    def near_lead(self, offset: int, reach: int) -> bool:
        """Whether an offset is within `reach` characters after the lead: a report's headline and lead hold
        for the report, not for a long essay."""
        body = [p for p in self.paragraphs if p != self.headline]
        return not body or offset - body[0][1] <= reach

    def paragraph(self, offset: int) -> tuple[int, int]:
        i = bisect_right(self._paragraph_starts, offset) - 1
        return self.paragraphs[i] if i >= 0 else (0, 0)


class Frames:
    """The frames of the articles of a page, each holding from its article's start to the next one's."""

    def __init__(self, frames: list[Frame], starts: list[int]):
        self.frames, self.starts = frames, starts

    def at(self, offset: int) -> Frame:
        return self.frames[max(0, bisect_right(self.starts, offset) - 1)]


def build_frames(t: _Text, mentions: list[Mention], lex: Lexicon, reference: date | None,
                 articles: list[tuple[int, int]] | None = None, reach: int = 3000) -> Frames:
    """One frame per article (the whole text where no articles are given): copies of an article on other
    pages then read alike, and one article's dateline does not date the next one's figures. A stored
    page's metadata date holds for all of its articles; an undated article no longer than `reach` takes
    the year it is written in from its lead."""
    text = t.text
    stored = stored_date(text)
    page = (stored, "metadata") if stored else None
    spans = sorted(articles or [(0, len(text))])
    starts = [0] + [s for s, _ in spans[1:]]
    frames = []
    every_paragraph = _paragraphs(text, t.hard_breaks)
    for (start, end), lo, hi in zip(spans, starts, [*starts[1:], len(text)]):
        own = [m for m in mentions if lo <= m.start < hi]
        # Only times date an article (a dateline, the year after it): the figures need no copies at its offsets.
        written = article_date(text[start:end], [m.model_copy(update={"start": m.start - start, "end": m.end - start})
                                                 for m in own if m.kind in TIME_KINDS and start <= m.start
                                                 and m.end <= end], stored) or page
        day, source = written if written else ((reference, "reference date") if reference else (None, None))
        paragraphs = [p for p in every_paragraph if lo <= p[0] < hi] or [(lo, hi)]
        # A short report states the period it is written in in its lead; a long essay ranges over years.
        year = day.year if day else _writing_year(own, lo + _LEAD_CHARS) if hi - lo <= reach else None
        headline = _headline(text, paragraphs)
        frames.append(Frame(day, source, year, headline, paragraphs, _topic(t, headline, paragraphs, lo, hi),
                            [s for s, _ in paragraphs]))
    found = Frames(frames, starts)
    t.time_value = lambda m: _time_value(m, found.at(m.start), lex, text)
    t.topic = lambda offset: found.at(offset).topic
    t.article_date = lambda offset: found.at(offset).date
    return found


def _writing_year(mentions: list[Mention], lead_end: int) -> int | None:
    """The year an undated article is written in, from the first time its lead states: a report on a
    whole year comes after it ("accounted for half of GDP in 2013", then "last year" is 2013), one on a
    month or part of a year within it ("in March 2023", then "January this year" is 2023's)."""
    for m in mentions:
        value = str(m.value)
        if m.start >= lead_end:
            return None
        if m.kind in TIME_KINDS and not m.relative and _YEAR.match(value):
            whole = len(value) == 4 or _FULL_YEAR.fullmatch(value) is not None
            return int(value[:4]) + (1 if whole else 0)
    return None


def _time_value(m: Mention, frame: Frame, lex: Lexicon, text: str) -> str:
    """A time as its article fixes it: resolved from the article's date, else, where only the year in force
    is known, where the year alone settles it ("last year", "in March", "January this year"); a whole
    calendar year written as a range is the year."""
    value = str(m.value)
    if "X" in value and frame.date is not None:
        value = resolve_value(m, frame.date, lex, text) or value
    elif "X" in value and frame.year is not None and _year_settles(m, lex):
        value = resolve_value(m, date(frame.year, 1, 1), lex) or value
    elif "X" in value and m.resolved:
        value = m.resolved
    whole = _FULL_YEAR.fullmatch(value)
    return whole.group(1) if whole else value


def _year_settles(m: Mention, lex: Lexicon) -> bool:
    """Whether the year in force alone resolves a time: one written without a year, or relative by whole years."""
    if not m.relative:
        return True
    shift = lex.lookup("relative_date", m.text)
    if shift is not None:
        return shift["unit"] == "year"
    return str(m.value).startswith("XXXX-") and regex.search(lex.patterns["relative_date"], m.text) is not None


def _paragraphs(text: str, hard_breaks: list[int]) -> list[tuple[int, int]]:
    """Blocks between blank lines, and between lines broken on purpose (`_hard_breaks`): a page that puts
    each paragraph on a line of its own, or wraps them, has the same paragraphs."""
    cuts = [*(m.end() for m in _PARAGRAPH.finditer(text)), *hard_breaks]
    return spans_between(text, cuts) or [(0, len(text))]


def _headline(text: str, paragraphs: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The last short one-line block before the first paragraph of prose among the first few: a page
    may put a site name or an event banner above the headline."""
    found = None
    for s, e in paragraphs[:4]:
        block = text[s:e].strip()
        if "\n" in block or len(block) > _HEADLINE_MAX or not block[:1].isupper():
            if len(block) > _HEADLINE_MAX or block.count("\n") > 1:
                break
            continue
        if not _SENTENCE_END.search(block):
            lead = len(text[s:e]) - len(text[s:e].lstrip())
            found = (s + lead, s + lead + len(block))
    return found


def _topic(t: _Text, headline: tuple[int, int] | None, paragraphs: list[tuple[int, int]], lo: int, hi: int
           ) -> list[str]:
    """Entities by salience: five for a mention in the headline, two in the first paragraph, one elsewhere
    (a headline names what the article is about; the body names its partners again and again)."""
    lead = next((p for p in paragraphs if headline is None or p[0] > headline[1]), None)
    counts: Counter = Counter()
    for h in t.entities[bisect_right(t.entities, (lo,)):bisect_right(t.entities, (hi,))]:
        weight = 1
        if headline and headline[0] <= h.start < headline[1]:
            weight = 5
        elif lead and lead[0] <= h.start < lead[1]:
            weight = 2
        counts[h.value] += weight
    return [name for name, _ in counts.most_common()]


def inherited_period(t: _Text, frame: Frame, m: Mention, sentence_index: int, reach: int, *,
                     stock: bool = False) -> tuple[str | None, str]:
    """A period from the scopes around a figure's sentence, innermost first: the earlier sentences of its
    paragraph, then the headline, then the first paragraphs (for a figure in the headline, those after
    it), then the year of the article's date; the last three only for a figure within `reach` characters
    of the lead (a report's lead holds for the report, not for a long essay). A scope that gives several
    periods (each its own figure's) fixes none, and the search stops there. A `stock` (a count) is as
    of the article's date only."""
    paragraph = frame.paragraph(m.start)
    for i in range(sentence_index - 1, -1, -1) if not stock else ():
        s, e = t.spans[i]
        if e <= paragraph[0] or m.start - e > reach:  # a run-on paragraph is read no further back than `reach`
            break
        found = _in_force(t, s, e, months=False)
        if found is not None:
            return (found, "paragraph") if found else (None, "none")
    if not stock and sentence_index and t.spans[sentence_index][0] <= paragraph[0]:
        # A page that gives each sentence a paragraph of its own: the sentence before, where it is all of
        # its paragraph ("Uzbekistan's trade for the whole of last year reached $60 billion." then
        # "Exports rose to $25 billion.").
        s, e = t.spans[sentence_index - 1]
        before = frame.paragraph(s)
        if before[0] >= s and before[1] <= e + 1 and m.start - e <= reach and before != frame.headline:
            found = _in_force(t, s, e, months=False)
            if found:
                return found, "sentence before"
    in_headline = frame.headline is not None and frame.headline[0] <= m.start < frame.headline[1]
    leads = [p for p in frame.paragraphs[:4] if p != frame.headline and (in_headline or p[1] <= paragraph[0])][:3]
    if not frame.near_lead(m.start, reach):
        return None, "none"
    if frame.headline and not in_headline and not stock:
        found = _in_force(t, *frame.headline)
        if found:
            return found, "headline"
    for s, e in leads if not stock else ():
        found = _in_force(t, s, e)
        if found is not None:
            return (found, "lead") if found else (None, "none")
    if frame.date is not None and frame.date_source != "reference date":
        return str(frame.date.year), "article date"
    return None, "none"


def _dates_an_event(value: str) -> bool:
    """A day, a week or a run of a few days, written to the day ("announced last week", "on 3 May")."""
    if "-W" in value:
        return True
    days = timex_days(value) if len(value.split("/")[0]) == 10 else None
    return days is not None and (days[1] - days[0]).days < _EVENT_DAYS


def _in_force(t: _Text, start: int, end: int, *, months: bool = True) -> str | None:
    """The one period a part of the text states ("" where it states several), or None. A day or a week
    dates an event ("announced last week"), not a figure's period, and so does a month in a sentence of the
    paragraph (`months` False: "In May 2017 the summit ..."); a comparison base is not the period in force."""
    found = {value for c in t.times_within(start, end) for value in [t.time_value(c)]
             if not _dates_an_event(value) and (months or len(value) != 7) and "X" not in value and "P" not in value
             and not is_base(t, c)}
    if len(found) > 1:
        return ""
    return found.pop() if found else None
