"""One text indexed for attribution: sentences, their parts, entities, cues and dates by position."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from datetime import date
from functools import cached_property
from typing import NamedTuple

import regex

from ..engine.lexicon import Lexicon
from ..engine.rules import Pattern
from ..models import TIME_KINDS, Mention
from ..resolve import is_dateline
from ..text.sentences import _hard_breaks, joined_across, split_sentences
from .entities import defined_names, merge_names
from .rulebook import Attribution, _Hit, _WordScan, marked


class _Sentence(NamedTuple):
    start: int
    end: int
    segments: list[tuple[int, int]]
    clauses: list[tuple[int, int]]


def _split(start: int, end: int, text: str, pattern: Pattern) -> list[tuple[int, int]]:
    parts, at = [], start
    for m in pattern.finditer(text, start, end):
        if m.start() > at:
            parts.append((at, m.start()))
        at = max(at, m.end())
    if end > at:
        parts.append((at, end))
    return parts or [(start, end)]


_NON_WORD = re.compile(r"\W")
# Greater than any offset: `(offset, _AFTER_ALL)` sorts after every span starting at the offset.
_AFTER_ALL = float("inf")
# A structure's match not yet tried at a position (a match tried and failed is None).
_UNTRIED = object()


def _sentence_index(starts: list[int], offset: int) -> int:
    return max(0, bisect_right(starts, offset) - 1)


class _SentenceHits:
    """One lexicon scan of a text, run on a sentence the first time it is asked for: a figure needs the
    cues of its own sentence, seldom those of the rest of the page. (Names are needed in most of a page:
    the whole text is scanned for them at once.)"""

    def __init__(self, scan: _WordScan, padded: str, spans: list[tuple[int, int]], starts: list[int]):
        # The sentence starts, not `_Text.sentence_index`: a bound method would make a cycle of the two, and
        # every page's hits would wait for the cyclic collector instead of going when the page is done.
        self.scan, self.padded, self.spans, self.starts = scan, padded, spans, starts
        self._found: dict[int, list[_Hit]] = {}

    def sentence(self, i: int) -> list[_Hit]:
        if i not in self._found:
            self._found[i] = self.scan.hits(self.padded, self.spans[i])
        return self._found[i]

    def within(self, start: int, end: int) -> list[_Hit]:
        """The hits inside a span of the text, in order."""
        if not self.spans:
            return []
        return [h for i in range(_sentence_index(self.starts, start),
                                 _sentence_index(self.starts, max(start, end - 1)) + 1)
                for h in self.sentence(i) if start <= h.start and h.end <= end]


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans merged where they overlap."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _outside(hits: list[_Hit], spans: list[tuple[int, int]]) -> list[_Hit]:
    """The hits (sorted by start) that lie inside no span of a list sorted by start: each is tried against the
    last span starting at or before it, found in one walk over both lists rather than a bisect per hit."""
    out, i, reach = [], 0, -1
    for h in hits:
        while i < len(spans) and spans[i][0] <= h.start:
            reach = spans[i][1]
            i += 1
        if h.end > reach:
            out.append(h)
    return out


class _Text:
    """Entities, cues and dates of one text, indexed by position so each lookup is a bisect."""

    def __init__(self, text: str, mentions: list[Mention], att: Attribution, lexicon: Lexicon):
        self.text, self.att = text, att
        # Lines broken on purpose end sentences and paragraphs (`frame`): found once for both.
        self.hard_breaks = _hard_breaks(text)
        self.spans = joined_across(split_sentences(text, self.hard_breaks, lexicon), [(m.start, m.end) for m in mentions])
        self.starts = [s for s, _ in self.spans]
        self.padded = padded = "\n" + text
        self.values = sorted((m for m in mentions if m.kind not in TIME_KINDS), key=lambda m: m.start)
        self.value_starts = [m.start for m in self.values]
        # A name inside a figure ("3 billion U.S. dollars") is its currency, and one a source phrase names
        # ("according to the World Bank", "Trend reports") says who reported it: neither is what it is about.
        sources = [m.span() for m in att.source.finditer(text)]
        # "the poor Central Asian country" describes the country the text is about: its adjective names no one.
        sources = _union(sources + [m.span() for m in att.anaphor["description"].finditer(text)])
        named = _outside(_outside(att.entity.hits(padded), [(m.start, m.end) for m in self.values]), sources)
        defined, self.defined_types = defined_names(text, att)
        self._kinds: dict[str, str] = {}
        self.entities = merge_names(named, defined)
        # The structures read these names, marked (`rulebook.marked`), as a structure's names are these.
        self.structure_text = marked(text, self.entities)
        # The value a time stands for: its own, resolved where the article fixes its year (`frame` sets it).
        self.time_value: Callable[[Mention], str] = lambda m: m.resolved or str(m.value)
        # The entities the article around an offset is about, most salient first (`frame` sets it).
        self.topic: Callable[[int], list[str]] = lambda offset: []
        # The date the article around an offset is written on, if known (`frame` sets it).
        self.article_date: Callable[[int], date | None] = lambda offset: None
        self.all_events = _SentenceHits(att.event_cue, padded, self.spans, self.starts)
        # The cues of the sentences that hold a figure, as a figure's cues are those of its own sentence.
        figured = sorted({self.sentence_index(m.start) for m in mentions} if self.spans else ())
        # A cue inside a name ("Aviation Industry Corporation") names no measure.
        names = _union([(h.start, h.end) for h in self.entities])
        self.metrics = _outside([h for i in figured for h in att.metric_cue.hits(padded, self.spans[i])], names)
        self.events = [h for i in figured for h in self.all_events.sentence(i)]
        # A dateline dates the article (`frame`), not a figure of its first sentence.
        self.dateline_starts = frozenset(m.start for m in mentions if m.kind in TIME_KINDS and is_dateline(text, m))
        self.times = sorted((m for m in mentions if m.kind in TIME_KINDS and m.start not in self.dateline_starts),
                            key=lambda m: m.start)
        self.time_starts = [m.start for m in self.times]
        self._sentences: dict[int, _Sentence] = {}
        self._opening_starts: dict[tuple[int, int], dict[str, list[int]]] = {}
        # A structure's match (or None) at a position, by (structure, position, end of segment).
        self._match_at: dict[tuple[int, int, int], re.Match | regex.Match | None] = {}
        # Every match of a structure without an opening piece, by (segment, structure).
        self._all_matches: dict[tuple[tuple[int, int], int], list[regex.Match]] = {}

    def structures_in(self, segment: tuple[int, int], before: int) -> list[regex.Match]:
        """The matches of every structure in a part of a sentence that open before `before`, structure by
        structure: a match opening at or after the end of a cue cannot hold that cue, so a date's nearest
        cue needs no match opening after it. Each structure is tried once per position, for all the figures
        of the segment.

        A structure that opens with a cue or an entity is tried only where one starts (`_cue_openings`; an
        entity's start, its whole name within the segment), and only before the end of the segment's last
        cue: a match's cue starts at or after its opening, and `_structure` only takes a match whose cue
        overlaps a cue of the segment. Any other structure is tried at every position."""
        s, e = segment
        if segment not in self._opening_starts:
            last = max(s, self.last_end(self.metrics, s, e), self.last_end(self.events, s, e))
            self._opening_starts[segment] = {
                "{cue}": self._cue_openings(s, e, last),
                "{actor}": sorted({h.start for h in self.within(self.entities, s, e) if h.start < last})}
        starts, text, match_at = self._opening_starts[segment], self.structure_text, self._match_at
        found = []
        for k, st in enumerate(self.att.structures):
            if st.opening is None:
                if (segment, k) not in self._all_matches:
                    self._all_matches[segment, k] = list(st.pattern.finditer(text, s, e, overlapped=True))
                found.extend(m for m in self._all_matches[segment, k] if m.start() < before)
                continue
            for p in starts[st.opening]:
                if p >= before:
                    break
                at = (k, p, e)
                m = match_at.get(at, _UNTRIED)
                if m is _UNTRIED:
                    m = match_at[at] = st.match(text, p, e)
                if m is not None:
                    found.append(m)
        return found

    def _cue_openings(self, s: int, e: int, last: int) -> list[int]:
        """Where `{cue}` matches in [s, last), as an overlapped search of the segment would find it, from the
        scans instead of searching again: every hit starting there, and any later word inside a hit where
        the piece matches as well (`exports` in `arms exports`). A hit running past the segment is tried
        again within it. The piece opens with a lookbehind for a word character, so no match starts right
        after one."""
        opening, text = self.att.cue_opening, self.structure_text
        found: set[int] = set()
        for hits in (self.metrics, self.events):
            i = bisect_left(hits, (s,))
            while i and hits[i - 1].end > s:
                i -= 1
            for h in hits[i:]:
                if h.start >= last:
                    break
                if h.start >= s and (h.end <= e or opening.match(text, h.start, e)):
                    found.add(h.start)
                at = max(h.start + 1, s)
                while (gap := _NON_WORD.search(text, at - 1, min(h.end, last) - 1)) is not None:
                    at = gap.end()
                    if opening.match(text, at, e):
                        found.add(at)
                    at += 1
        return sorted(found)

    def figure_between(self, start: int, end: int) -> bool:
        """Whether a figure (not a time) starts in [start, end)."""
        i = bisect_left(self.value_starts, start)
        return i < len(self.values) and self.values[i].start < end

    def sentence_index(self, offset: int) -> int:
        return _sentence_index(self.starts, offset)

    def sentence(self, offset: int) -> tuple[int, _Sentence]:
        i = self.sentence_index(offset)
        if i not in self._sentences:
            s, e = self.spans[i]
            segments = self._fronted(_split(s, e, self.text, self.att.segment_break))
            clauses = self._fronted([c for seg in segments for c in _split(*seg, self.text, self.att.clause_break)])
            self._sentences[i] = _Sentence(s, e, segments, clauses)
        return i, self._sentences[i]

    def _fronted(self, parts: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """A short opening ("For Mongolia,", "In 2016,") belongs to the part after it."""
        if len(parts) > 1 and parts[0][1] - parts[0][0] <= self.att.fronted_max_chars:
            return [(parts[0][0], parts[1][1]), *parts[2:]]
        return parts

    @staticmethod
    def within(hits: list, start: int, end: int) -> list:
        """The hits inside a span, of a list sorted by start whose ends are in order too (hits of a scan,
        names merged: none holds another): those starting in it that end past it are its last, so the
        span's run of the list is cut from the back instead of every hit being tried."""
        lo = bisect_left(hits, (start,))
        hi = bisect_left(hits, (end,), lo)
        while hi > lo and hits[hi - 1].end > end:
            hi -= 1
        return hits[lo:hi]

    @staticmethod
    def last_end(hits: list[_Hit], start: int, end: int) -> int:
        """`max(h.end for h in within(hits, start, end))`, or `start`. A scan's hits do not overlap, so the
        last to start inside the span ends last: no need to list them all (once per part of a sentence)."""
        i = bisect_left(hits, (end,))
        while i and hits[i - 1].end > end:
            i -= 1
        return hits[i - 1].end if i and hits[i - 1].start >= start else start

    def times_within(self, start: int, end: int, exclude: Mention | None = None) -> list[Mention]:
        lo, hi = bisect_left(self.time_starts, start), bisect_left(self.time_starts, end)
        return [m for m in self.times[lo:hi] if m.end <= end and m is not exclude]

    def names(self, start: int, end: int) -> list[str]:
        """Entities named in a span, but not regions named as a place ("in the South Caucasus")."""
        found: dict[str, None] = {}
        for h in self.within(self.entities, start, end):
            if h.value not in found and (self.kind_of(h.value) != "region" or not self.att.locative.search(
                    self.text, max(0, h.start - 20), h.start)):
                found[h.value] = None
        return list(found)

    @cached_property
    def list_sizes(self) -> dict[int, int]:
        """For each entity hit (by start), how many names its list holds: names joined by commas and `and`
        (`name_joint`) are a list, a name alone a list of one."""
        sizes: dict[int, int] = {}
        run: list[_Hit] = []
        for h in [*self.entities, None]:
            if h is not None and run and self.att.name_joint.fullmatch(self.text, run[-1].end, h.start):
                run.append(h)
                continue
            sizes.update((member.start, len(run)) for member in run)
            run = [h] if h is not None else []
        return sizes

    def kind_of(self, name: str) -> str:
        """An entity's type, remembered per name: a text asks it of its few entities thousands of times."""
        kind = self._kinds.get(name)
        if kind is None:
            kind = self._kinds[name] = self.defined_types.get(name) or self.att.lookup("entity_type", name, "country")
        return kind


def _part(parts: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """The part holding an offset, else the last: parts are sorted and apart, so only the last starting at or
    before the offset can hold it."""
    i = bisect_right(parts, (offset, _AFTER_ALL)) - 1
    return parts[i] if i >= 0 and offset < parts[i][1] else parts[-1]


