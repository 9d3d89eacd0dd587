"""Attribution: turn a mention into a claim, saying what the figure is about.

A figure alone cannot be checked against another; "US$ 3.74 billion" becomes
comparable once we know it is the trade (metric) of Azerbaijan and China
(subject) in 2024 (period). Everything is read from the structure of the
sentence the figure stands in, narrowing outward: the figure's clause, then its
independent part of the sentence, then the sentence, then the passage before
it. The words are data: entities, metric and event cues in `rules/lexicon/`,
clause breaks, anaphors and structures in `rules/attribution/attribution.yaml`.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import regex
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .models import Mention
from .prefilter import guard
from .rules import (Pattern, RuleError, RuleSet, cached_rules, expand, fast_compile, load_data_file, pattern_pieces,
                    trie_pattern, without_line_key)

__all__ = ["Claim", "Event", "attribute", "claim_rows", "load_attribution", "split_sentences"]

TIME_KINDS = frozenset({"date", "period"})


# Claims and events are plain slotted dataclasses, not pydantic models: attribution makes one per figure
# from values it made itself, with nothing to validate: built a quarter faster, one object each for the collector.
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
    """A mention with what it is about; the mention's own fields stay reachable through `mention`."""

    mention: Mention
    subject: list[str]
    metric: str | None
    period: str | None
    event: Event | None
    sentence_start: int
    sentence_end: int


# --- the attribution file -------------------------------------------------------------------------


class Structure(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    pattern: str
    example: str | None = None
    line: int = Field(default=0, alias="__line__")


class Anaphors(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pair: str
    region: str
    organization: str
    figure: str
    period: str
    pronoun: str
    event: str
    relative: str
    line: int = Field(default=0, alias="__line__")


class AttributionFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc: str | None = None
    segment_breaks: list[str]
    clause_breaks: list[str]
    fronted_max_chars: int = 40
    event_window: int = 100
    phrase_breaks: str
    anaphors: Anaphors
    locative: str
    comparison: str
    period_signal: str
    occasion: str
    bilateral_metrics: list[str] = []
    count_metrics: list[str] = []
    unit_metrics: dict[str, str] = {}
    bilateral_events: list[str] = []
    unclaimed_events: list[str] = []
    implied_party_events: list[str] = []
    ending_events: list[str] = []
    conflict_events: list[str] = []
    structures: list[Structure] = []
    line: int = Field(default=0, alias="__line__")

    _unit_metrics = field_validator("unit_metrics", mode="before")(without_line_key)


class _Structure(NamedTuple):
    id: str
    pattern: regex.Pattern
    # `pattern.match` on the faster engine that can run it (`fast_compile`).
    match: Any
    # The piece a match starts with, `{cue}` or `{actor}`: matches are tried only where it matches (else None).
    opening: str | None


_MISSING = object()


@dataclass(eq=False)
class Attribution:
    """The attribution file and the lexicon tables it uses, compiled once per rule set."""

    entity: _WordScan
    metric_cue: _WordScan
    event_cue: _WordScan
    segment_break: Pattern
    clause_break: Pattern
    fronted_max_chars: int
    event_window: int
    phrase_break: Pattern
    anaphor: dict[str, Pattern]
    # `_POINTING` anaphors in one pattern: most clauses have none, and one search tells.
    pointing: Pattern
    locative: Pattern
    comparison: Pattern
    period_signal: Pattern
    occasion: Pattern
    bilateral_metrics: frozenset[str]
    count_metrics: frozenset[str]
    unit_metrics: dict[str, str]
    bilateral_events: frozenset[str]
    unclaimed_events: frozenset[str]
    implied_party_events: frozenset[str]
    ending_events: frozenset[str]
    conflict_events: frozenset[str]
    structures: list[_Structure]
    # `{cue}` and `{actor}` alone, as structures open with them.
    openings: dict[str, regex.Pattern]
    rules: RuleSet
    _remembered: dict[str, _Values] = field(default_factory=dict)

    def lookup(self, table: str, phrase: str, default: Any = None) -> Any:
        """`rules.lexicon.lookup`, remembered per string (`_Values`)."""
        if table not in self._remembered:
            self._remembered[table] = _Values(self.rules, table, shape=None, default=_MISSING)
        value = self._remembered[table][phrase]
        return default if value is _MISSING else value


def _compile(pattern: str, path: Path, line: int, what: str, subpatterns: dict[str, str]) -> regex.Pattern:
    """A pattern of the attribution file, guarded by the characters it can start with (a fast scan)."""
    body = expand(pattern, subpatterns, (path, line))
    try:
        compiled = regex.compile(guard([body], flags=0) + body, regex.VERSION1)
    except regex.error as exc:
        raise RuleError(path, line, f"{what}: broken pattern: {exc}") from None
    if compiled.fullmatch("") is not None:
        raise RuleError(path, line, f"{what}: pattern matches the empty string")
    return compiled


def _compile_fast(pattern: str, path: Path, line: int, what: str, subpatterns: dict[str, str]
                  ) -> Pattern:
    """`_compile`, run by the faster engine that can (`fast_compile`): for patterns only searched and matched."""
    return fast_compile(_compile(pattern, path, line, what, subpatterns).pattern)


def _has_top_alternative(pattern: str) -> bool:
    """Whether a `|` stands outside every group and set: then a match need not start with the pattern's
    first piece. Unbalanced brackets count as yes."""
    depth, inside = 0, False
    for piece, inside in pattern_pieces(pattern):
        if not inside and piece == "|" and depth == 0:
            return True
        if not inside:
            depth += {"(": 1, ")": -1}.get(piece, 0)
    return depth != 0 or inside  # the last piece ends the pattern: inside, a set is left open


def _as_list(value: str | list[str]) -> list[str]:
    """A lexicon value as a list: an entity entry may name several parties (a project, a conflict)."""
    return value if isinstance(value, list) else [value]


_new_tuple = tuple.__new__


class _WordScan:
    """Every whole word (or phrase) of one lexicon table in a text, in one pass of the standard engine.

    Where every phrase starts with a capital or a digit (names), rare in running text, the engine jumps
    from one such character to the next and a lookbehind past it checks the character before (1.3x
    faster on the seeds). Otherwise the pattern consumes the character before a word instead of looking
    behind for one: the engine then jumps from one character that may precede a word to the next rather
    than trying every position. Either way a text is scanned with one such character put before it."""

    def __init__(self, rules: RuleSet, table: str, *, before: str, after: str):
        """`before`: the characters (a set's inside) a word must not follow; `after`: a set it must not precede."""
        phrases = rules.lexicon.written_phrases[table]
        if phrases and all(p[0].isupper() or p[0].isdigit() for p in phrases):
            body = trie_pattern(set(phrases), after_first=f"(?<![{before}].)")
            self.pattern = fast_compile(f"((?:{body}))(?!{after})")
        else:
            self.pattern = fast_compile(f"[^{before}]((?:{rules.lexicon.written[table]}))(?!{after})")
        self.values = _Values(rules, table)

    def hits(self, padded: str, span: tuple[int, int] | None = None) -> list[_Hit]:
        """Hits in a text given after one character that is not part of a word; offsets into the text.
        With a `span` of the text, only the hits inside it (seeing the characters around it)."""
        values = self.values
        # padded[s] is the character before text[s]; padded[e + 1] the one after text[e - 1].
        s, e = span if span is not None else (0, len(padded))
        # `tuple.__new__` as `_Hit._make` does: the named tuple's own `__new__` is a Python function, and a
        # page has thousands of hits.
        return [_new_tuple(_Hit, (start - 1, end - 1, v)) for m in self.pattern.finditer(padded, s, e + 2)
                for start, end in (m.span(1),) if end <= e + 1 for v in values[m.group(1)]]


class _Values(dict):
    """A lexicon table's values by phrase as written, `shape`d (as a list, for the scans) or as they are:
    a text names the same few entities and cues hundreds of times, and looking each one up (folded)
    again cost a tenth of attribution."""

    def __init__(self, rules: RuleSet, table: str, *, shape: Callable[[Any], Any] | None = _as_list,
                 default: Any = None):
        super().__init__()
        self.lexicon, self.table, self.shape, self.default = rules.lexicon, table, shape, default

    def __missing__(self, phrase: str) -> Any:
        value = self.lexicon.lookup(self.table, phrase, self.default)
        self[phrase] = value = self.shape(value) if self.shape else value
        return value


def _words(table_pattern: str) -> str:
    """A lexicon alternation as whole words: `export` must not match inside `exporter`."""
    return rf"(?<![\w-]){table_pattern}(?![\w-])"


def load_attribution(rules: RuleSet, path: Path | str | None = None) -> Attribution:
    """Read, validate and compile the attribution file (default: `attribution/attribution.yaml` in the rules)."""
    path = Path(path) if path is not None else rules.root / "attribution" / "attribution.yaml"
    spec = load_data_file(AttributionFile, path)
    for table in ("entity", "entity_type", "implied_party", "metric_cue", "event_cue"):
        if table not in rules.lexicon.tables:
            raise RuleError(rules.root / "lexicon", None, f"lexicon table {table!r} is missing")
    lex, written = rules.lexicon.patterns, rules.lexicon.written
    sub = dict(rules.subpatterns)
    # Cues and entities as the scans find them (`_WordScan`), so a structure opens only where one starts.
    cue = rf"(?P<cue>{_words(written['metric_cue'])}|{_words(written['event_cue'])})"
    names = r"(?:{e}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+){e})*)".format(e=rf"(?<!\w){lex['entity']}(?![\w$])")
    sub.update({"actor": f"(?P<a>{names})", "counterpart": f"(?P<b>{names})", "cue": cue})
    top = spec.line or 1
    # A match of a structure that opens with `{cue}` or `{actor}` starts where that piece matches.
    openings = {piece: _compile_fast(piece, path, top, piece, sub) for piece in ("{cue}", "{actor}")}

    def one(patterns: list[str], what: str) -> Pattern:
        return _compile_fast("|".join(f"(?:{p})" for p in patterns), path, top, what, sub)

    anaphor_line = spec.anaphors.line or top
    structures = []
    for s in spec.structures:
        compiled = _compile(s.pattern, path, s.line, f"structure {s.id}", sub)
        if s.example is not None and compiled.search(s.example) is None:
            raise RuleError(path, s.line, f"structure {s.id}: does not match its example {s.example!r}")
        opening = None if _has_top_alternative(s.pattern) else next(
            (piece for piece in openings if s.pattern.startswith(piece)), None)
        structures.append(_Structure(s.id, compiled, fast_compile(compiled.pattern).match, opening))
    return Attribution(
        entity=_WordScan(rules, "entity", before=r"\w", after=r"[\w$]"),
        metric_cue=_WordScan(rules, "metric_cue", before=r"\w-", after=r"[\w-]"),
        event_cue=_WordScan(rules, "event_cue", before=r"\w-", after=r"[\w-]"),
        segment_break=one(spec.segment_breaks, "segment_breaks"),
        clause_break=one(spec.clause_breaks, "clause_breaks"),
        fronted_max_chars=spec.fronted_max_chars,
        event_window=spec.event_window,
        phrase_break=_compile_fast(f"(?r){spec.phrase_breaks}", path, top, "phrase_breaks", sub),
        anaphor={name: _compile_fast(getattr(spec.anaphors, name), path, anaphor_line, f"anaphors.{name}", sub)
                 for name in ("pair", "region", "organization", "figure", "period", "pronoun", "event", "relative")},
        pointing=_compile_fast("|".join(f"(?:{getattr(spec.anaphors, name)})" for name, _, _ in _POINTING),
                               path, anaphor_line, "anaphors", sub),
        locative=_compile_fast(spec.locative, path, top, "locative", sub),
        comparison=_compile_fast(spec.comparison, path, top, "comparison", sub),
        period_signal=_compile_fast(spec.period_signal, path, top, "period_signal", sub),
        occasion=_compile_fast(spec.occasion, path, top, "occasion", sub),
        bilateral_metrics=frozenset(spec.bilateral_metrics),
        count_metrics=frozenset(spec.count_metrics),
        unit_metrics=spec.unit_metrics,
        bilateral_events=frozenset(spec.bilateral_events),
        unclaimed_events=frozenset(spec.unclaimed_events),
        implied_party_events=frozenset(spec.implied_party_events),
        ending_events=frozenset(spec.ending_events),
        conflict_events=frozenset(spec.conflict_events),
        structures=structures,
        openings=openings,
        rules=rules,
    )


@lru_cache(maxsize=8)
def _cached_attribution(rules: RuleSet) -> Attribution:
    return load_attribution(rules)


# --- sentences -----------------------------------------------------------------------------------

# Words that end in a period without ending a sentence ("Dr. Aliyev", "the U.S. President").
_ABBREVIATIONS = frozenset("""
    mr mrs ms dr prof st jr sr gen col lt sgt capt maj adm gov sen rep pres amb hon rev
    inc ltd co corp plc llc dept univ no nos vol fig approx est vs etc e.g i.e cf al
    jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n u.s.a e.u
""".split())
_LONGEST_ABBREVIATION = max(map(len, _ABBREVIATIONS))
# Sentence-ending punctuation before a space and a capital or a digit.
_CANDIDATE = fast_compile(r"[.!?]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]*(?:\p{Lu}|\d))")
_PARAGRAPH = fast_compile(r"\n[^\S\n]*\n")
_CONTINUES = fast_compile(r"[\p{Ll}\d,;(–-]\Z")
_WORD_BEFORE = fast_compile(r"(?:(?<=\s)|\A)[\w.]+\Z")
_FIRST_WORD = fast_compile(r"[^ \t\r\n]*")
# Prose is wrapped at a width in this range: a longer line is a whole paragraph, and a block of short
# lines ("Published in Analysis\nThursday, 5 June") is not taken for text wrapped narrower.
_MIN_WRAP, _MAX_WRAP = 60, 100


def _hard_breaks(text: str) -> list[int]:
    """Offsets of the single line breaks that end a line on purpose (a title, a byline, a paragraph
    written as one line), not because the next word did not fit: a line next to one too long to be
    wrapped prose, or one the next line's first word would still have fitted on, at the widest line of
    its block (lines between blank lines). Reflowing a paragraph never makes such a break."""
    lines, at = [], 0
    for line in text.split("\n"):
        lines.append((at, at + len(line.rstrip())))
        at += len(line) + 1
    breaks, block = [], []
    for line in [*lines, (0, 0)]:
        if line[1] > line[0]:
            block.append(line)
            continue
        width = max([_MIN_WRAP, *(e - s for s, e in block if e - s <= _MAX_WRAP)])
        for (s, e), (s2, e2) in zip(block, block[1:]):
            word = _FIRST_WORD.match(text, s2).end() - s2
            if max(e - s, e2 - s2) > _MAX_WRAP or e - s + 1 + word <= width:
                breaks.append(s2)
        block = []
    return breaks


def _last_char(text: str, at: int) -> str:
    """`text[:at].rstrip()[-1:]` without copying the text before `at` (once per line break of a page)."""
    while at and text[at - 1].isspace():
        at -= 1
    return text[at - 1:at] if at else ""


def _plainly_no_abbreviation(text: str, at: int) -> bool:
    """The period at `at` follows no abbreviation or initial, as seen without reading the word before it:
    none ends in a digit or a sign, or has more word characters and periods than the longest abbreviation
    (`isalnum` is `re`'s \\w but for `_`). Most sentence ends are known so."""
    before = text[at - 1:at]
    return not (before.isalpha() or before in "._") or (
        at > _LONGEST_ABBREVIATION and text[at - _LONGEST_ABBREVIATION - 1:at].replace(".", "a").isalnum())


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans, stripped of surrounding space.

    A period ends a sentence only before a space and a capital or digit, and not
    after an abbreviation or an initial (`U.S.`, `Dr.`, `e.g.`, `J. Smith`);
    `3.74` is never split. A paragraph break ends a sentence unless the text plainly
    runs on across it (a page that broke a sentence in two). A single line
    break is a space where lines are wrapped, so reflowing text changes no
    sentence; one that ends a line on purpose (`_hard_breaks`) ends a sentence
    unless the text plainly runs on (a lower-case word or a comma before it, a
    lower-case word after it).
    """
    # A blank line ends a sentence, unless a scraped page broke one sentence in two there
    # (a lower-case word or a comma before it, a lower-case word after it).
    cuts = [m.end() for m in _PARAGRAPH.finditer(text)
            if not (_CONTINUES.search(_last_char(text, m.start())) and text[m.end():m.end() + 1].islower())]
    for at in _hard_breaks(text):
        before = _last_char(text, at)
        if not (_CONTINUES.search(before) and text[at:at + 1].islower()):
            cuts.append(at)
    for m in _CANDIDATE.finditer(text):
        at = m.start()
        if text[at] == "." and not _plainly_no_abbreviation(text, at):
            word = _WORD_BEFORE.search(text[max(0, at - 12):at])  # \A: the window's start
            token = word.group().casefold() if word else ""
            if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
        cuts.append(m.end())
    spans = []
    start = 0
    for cut in sorted(set(cuts)) + [len(text)]:
        s, e = start, cut
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
        start = max(start, cut)
    return spans


# --- one text ------------------------------------------------------------------------------------


class _Hit(NamedTuple):
    start: int
    end: int
    value: str


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


class _Text:
    """Entities, cues and dates of one text, indexed by position so each lookup is a bisect."""

    def __init__(self, text: str, mentions: list[Mention], att: Attribution):
        self.text, self.att = text, att
        self.spans = split_sentences(text)
        self.starts = [s for s, _ in self.spans]
        padded = "\n" + text
        self.entities = att.entity.hits(padded)
        self.all_events = _SentenceHits(att.event_cue, padded, self.spans, self.starts)
        # The cues of the sentences that hold a figure, as a figure's cues are those of its own sentence.
        figured = sorted({self.sentence_index(m.start) for m in mentions} if self.spans else ())
        self.metrics = [h for i in figured for h in att.metric_cue.hits(padded, self.spans[i])]
        self.events = [h for i in figured for h in self.all_events.sentence(i)]
        self.times = sorted((m for m in mentions if m.kind in TIME_KINDS), key=lambda m: m.start)
        self.time_starts = [m.start for m in self.times]
        self.values = sorted((m for m in mentions if m.kind not in TIME_KINDS), key=lambda m: m.start)
        self.value_starts = [m.start for m in self.values]
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

        A structure that opens with a cue or an entity is tried only where one starts (`_openings`), and
        only before the end of the segment's last cue: a match's cue starts at or after its opening, and
        `_structure` only takes a match whose cue overlaps a cue of the segment. Any other structure is
        tried at every position."""
        s, e = segment
        if segment not in self._opening_starts:
            last = max(s, self.last_end(self.metrics, s, e), self.last_end(self.events, s, e))
            self._opening_starts[segment] = {piece: self._openings(piece, s, e, last) for piece in self.att.openings}
        starts, text, match_at = self._opening_starts[segment], self.text, self._match_at
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
                if (k, p, e) not in match_at:
                    match_at[k, p, e] = st.match(text, p, e)
                if match_at[k, p, e] is not None:
                    found.append(match_at[k, p, e])
        return found

    def _openings(self, piece: str, s: int, e: int, last: int) -> list[int]:
        """Where `piece` ({cue} or {actor}) matches in [s, last), as an overlapped search of the segment would
        find it, from the scans instead of searching again: every hit starting there, and any
        later word inside a hit where the piece matches as well (`exports` in `arms exports`). A hit
        running past the segment is tried again within it. Both pieces open with a lookbehind for a word
        character, so no match starts right after one."""
        opening, text = self.att.openings[piece], self.text
        found: set[int] = set()
        for hits in ((self.metrics, self.events) if piece == "{cue}" else (self.entities,)):
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
        lo = bisect_left(hits, (start,))
        hi = bisect_left(hits, (end,))
        return [h for h in hits[lo:hi] if h.end <= end]

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
        return list(dict.fromkeys(
            h.value for h in self.within(self.entities, start, end)
            if self.kind_of(h.value) != "region" or not self.att.locative.search(self.text, max(0, h.start - 20), h.start)))

    def kind_of(self, name: str) -> str:
        return self.att.lookup("entity_type", name, "country")


def _part(parts: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    return next((p for p in parts if p[0] <= offset < p[1]), parts[-1])


# --- attribution ---------------------------------------------------------------------------------


class _Context(NamedTuple):
    sentence: _Sentence
    index: int
    clause: tuple[int, int]
    segment: tuple[int, int]


def _by_distance(hits: list[_Hit], m: Mention) -> list[_Hit]:
    """Cues nearest the figure first; a cue after it counts a little farther ("in 2024 resulted in agreements")."""
    def distance(h: _Hit) -> tuple[int, int]:
        return (h.start - m.end + (15 if h.start - m.end > 2 else 0), 0) if h.start >= m.end else (m.start - h.end, 1)
    return sorted((h for h in hits if not (h.start < m.end and m.start < h.end)), key=distance)


def _cues(t: _Text, hits: list[_Hit], m: Mention, ctx: _Context) -> list[_Hit]:
    """The cues of the figure's clause, nearest first, else those of its part of the sentence."""
    for start, end in (ctx.clause, ctx.segment):
        found = _by_distance(t.within(hits, start, end), m)
        if found:
            return found
    return []


def _structure(t: _Text, cues: list[_Hit], ctx: _Context) -> tuple[list[str], list[str]] | None:
    """Actor and counterpart from the first structure that fits around a cue, nearest cue first."""
    matches = t.structures_in(ctx.segment, max(c.end for c in cues)) if cues else []
    for cue in cues:
        for m in matches:
            if m.start("cue") < cue.end and cue.start < m.end("cue"):
                a = t.names(*m.span("a")) if m.group("a") else []
                b = t.names(*m.span("b")) if "b" in m.groupdict() and m.group("b") else []
                return a, [n for n in b if n not in a]
    return None


def _recent(t: _Text, before: int, exclude: set[str], kinds: frozenset[str], count: int) -> list[str]:
    """The last `count` distinct entities of the given kinds named before an offset."""
    out: list[str] = []
    for h in reversed(t.within(t.entities, max(0, before - 2000), before)):
        if h.value not in exclude and h.value not in out and t.kind_of(h.value) in kinds:
            out.append(h.value)
            if len(out) == count:
                break
    return out


def _antecedent(t: _Text, ctx: _Context, start: int, end: int, exclude: list[str]) -> list[str]:
    """What "it" or "their" before `end` stands for: what the sentence named before, else the first
    entity of the sentence before ("Kazakhstan and Uzbekistan, with their combined population"); none
    that is in `exclude` (a party already found needs no second one from further back)."""
    m = t.att.anaphor["pronoun"].search(t.text, start, end)
    if m is None:
        return []
    plural = m.group().casefold().startswith("the")
    earlier = t.names(ctx.sentence.start, start)
    if earlier:
        found = earlier if plural else earlier[-1:]
    else:
        found = t.names(*t.spans[ctx.index - 1])[:1] if ctx.index else []
    return [n for n in found if n not in exclude]


def _home(t: _Text, ctx: _Context, exclude: set[str]) -> str | None:
    """The entity the passage is about: the one named most in it, nearest first on a tie."""
    s = ctx.sentence
    hits = [h for h in t.within(t.entities, max(0, s.start - 4000), s.end) if h.value not in exclude]
    counts = Counter(h.value for h in hits)
    if not counts:
        return None
    last = {h.value: h.start for h in hits}
    return max(counts, key=lambda n: (counts[n], last[n]))


# Anaphors that point back to entities: which, of what kinds, how many.
_POINTING = (("pair", frozenset({"country"}), 2), ("region", frozenset({"region"}), 1),
             ("organization", frozenset({"organization"}), 1))


def _anaphora(t: _Text, start: int, end: int, names: list[str]) -> list[str]:
    """Entities a clause points back to: "the two countries", "the region", "the organization"; "the two
    countries" and "bilateral" need no antecedent where the clause names two countries itself."""
    text, found = t.text, list(names)
    if t.att.pointing.search(text, start, end) is None:
        return found
    for name, kinds, count in _POINTING:
        m = t.att.anaphor[name].search(text, start, end)
        if m and not (name == "pair" and sum(t.kind_of(n) in kinds for n in names) >= 2):
            found += _recent(t, m.start(), set(found), kinds, count)
    return found


def _subject(t: _Text, ctx: _Context, *first: tuple[int, int]) -> list[str]:
    """The entities of the narrowest part around a figure that names any: the parts given `first`, then its
    clause, its part of the sentence, the sentence."""
    for start, end in (*first, ctx.clause, ctx.segment, (ctx.sentence.start, ctx.sentence.end)):
        names = _anaphora(t, start, end, t.names(start, end))
        if names:
            return names
    return []


def _time_score(t: _Text, m: Mention, c: Mention) -> tuple[int, int]:
    before = t.text[max(0, c.start - 40):c.start]
    distance = c.start - m.end if c.start >= m.end else m.start - c.end + 10
    if t.att.comparison.search(before):
        distance += 1000
    elif t.att.period_signal.search(before):
        distance -= 30
    return distance, c.start


def _previous_times(t: _Text, ctx: _Context) -> str | None:
    """The time an anaphor ("the same period", "that day") points to: the dates of the sentences before."""
    for i in (ctx.index - 1, ctx.index - 2):
        if i < 0:
            return None
        s, e = t.spans[i]
        found = t.times_within(s, e)
        if len(found) == 1:
            return str(found[0].value)
        if found:
            first, last = str(found[0].value).split("/")[0], str(found[-1].value).split("/")[-1]
            return f"{first}/{last}"
    return None


_FROM = regex.compile(r"(?i:\bfrom\s+(?:\S+\s+){0,2}\Z)")
_TO = regex.compile(r"(?i:\bto\s+(?:\S+\s+){0,2}\Z)")


def _end_of_range(t: _Text, m: Mention, period: str, clause: tuple[int, int]) -> str:
    """In "from $72.9 million to $93 million during 2017–2022", the first figure is the start's, the second the end's."""
    if "/" not in period:
        return period
    before = t.text[max(clause[0], m.start - 30):m.start]
    first, last = period.split("/", 1)
    if _FROM.search(before):
        return first
    if _TO.search(before) and "from" in t.text[clause[0]:m.start].casefold():
        return last
    return period


def _period(t: _Text, ctx: _Context, m: Mention, dated: dict[str, tuple[int, str]]) -> str | None:
    """The figure's time: its own for a date, else the nearest date of its clause, its part of the sentence
    or the sentence's opening, else the time an anaphor points to ("the same period", "the visit")."""
    if m.kind in TIME_KINDS:
        return str(m.value)
    if m.kind == "multiplier":
        after = t.times_within(m.end, ctx.clause[1])
        if len(after) >= 2 and "from" in t.text[m.end:after[0].start].casefold():
            return f"{str(after[0].value).split('/')[0]}/{str(after[-1].value).split('/')[-1]}"
    s = ctx.sentence
    opening = t.text.find(",", s.start, s.start + t.att.fronted_max_chars + 1)
    fronted = (s.start, opening) if opening > 0 else (s.start, s.start)
    for start, end in (ctx.clause, ctx.segment, fronted):
        found = t.times_within(start, end, exclude=m)
        if found:
            return str(min(found, key=lambda c: _time_score(t, m, c)).value)
        if t.att.anaphor["period"].search(t.text, start, end):
            previous = _previous_times(t, ctx)
            if previous:
                return _end_of_range(t, m, previous, ctx.clause)
    return _event_time(t, ctx, dated)


def _event_time(t: _Text, ctx: _Context, dated: dict[str, tuple[int, str]]) -> str | None:
    """"The visit yielded 14 agreements": the date of the visit dated in the two sentences before."""
    for cue in t.within(t.events, *ctx.clause):
        when = dated.get(cue.value)
        if when and ctx.index - when[0] <= 2 and t.att.anaphor["event"].search(
                t.text, max(0, cue.start - 40), cue.start):
            return when[1]
    return None


def _counted(t: _Text, m: Mention) -> tuple[int, str] | None:
    """Where the counted noun phrase ends and what it says: `36 Rafale fighter jets` counts "rafale fighter jets"."""
    if not m.unit:
        return None
    found = _counted_noun(m.unit).match(t.text, m.end, m.end + 80)
    return (found.end(), " ".join(found.group().split()).casefold()) if found else (m.end, m.unit)


@lru_cache(maxsize=1024)
def _counted_noun(unit: str) -> regex.Pattern:
    """The words after a count up to its counted noun; compiled once per noun (a text counts few kinds of thing)."""
    head = r"[\s\u00a0]+".join(regex.escape(w) + r"\w*" for w in unit.split())
    return regex.compile(rf"[\s\u00a0]+(?:[\w-]+[\s\u00a0]+){{0,3}}?{head}\b", regex.IGNORECASE)


class _Figure(NamedTuple):
    subject: list[str]
    metric: str | None


def _conjunct(t: _Text, clause: tuple[int, int], m: Mention) -> tuple[int, int]:
    """The part of a clause that is the figure's own where figures are coordinated: in "with $20 billion GDP
    and 90% of exports going to China", China is the exports' partner, not the GDP's."""
    lo, hi = clause
    i = bisect_left(t.value_starts, m.start)
    if i and t.values[i - 1].end > lo:
        joints = list(_AND.finditer(t.text, t.values[i - 1].end, m.start))
        lo = joints[-1].end() if joints else lo
    if i + 1 < len(t.values) and t.values[i + 1].start < hi:
        joint = _AND.search(t.text, m.end, t.values[i + 1].start)
        hi = joint.start() if joint else hi
    return lo, hi


_AND = regex.compile(r"\s+and\s+")
_OF = regex.compile(r"\s+of\b")


def _value_claim(t: _Text, ctx: _Context, m: Mention, previous: _Figure | None) -> _Figure:
    own = _conjunct(t, ctx.clause, m)
    counted = _counted(t, m) if m.kind == "count" else None
    cues = [c for c in _cues(t, t.metrics, m, ctx._replace(clause=own))
            if not (counted and m.end <= c.start < counted[0])]
    cue = cues[0] if cues else None
    metric = cue.value if cue else None
    if m.kind == "quantity" and m.unit in t.att.unit_metrics:
        metric = t.att.unit_metrics[m.unit]
    elif counted and metric not in t.att.count_metrics:
        metric = counted[1]
    elif cue and m.kind == "percent" and cue.start >= m.end and _OF.match(t.text, m.end, cue.start) and not (
            metric.endswith("share")):
        metric = f"{metric} share"
    structure = _structure(t, cues, ctx)
    subject = [*structure[0], *structure[1]] if structure else []
    if not subject and previous and t.att.anaphor["figure"].search(t.text, *ctx.clause):
        return _Figure(previous.subject, metric or previous.metric)
    if not subject and cue:
        # "with their combined population": the possessive pronoun names whose measure it is.
        subject = _antecedent(t, ctx, _phrase_start(t, own[0], cue.start), cue.start, [])
    if not subject:
        subject = _subject(t, ctx, *_own_parts(t, ctx, m, own)) or _antecedent(t, ctx, *ctx.clause, [])
    if metric and metric.removesuffix(" share") in t.att.bilateral_metrics and len(subject) == 1:
        other = _nearest_other(t, ctx, cue.start if cue else m.start, set(subject))
        subject += [other] if other else []
    if not subject:
        home = _home(t, ctx, set())
        subject = [home] if home else []
    return _Figure(subject, metric)


_WORD = regex.compile(r"\s*\w+")


def _own_parts(t: _Text, ctx: _Context, m: Mention, own: tuple[int, int]) -> list[tuple[int, int]]:
    """Where a figure's subject is looked for first: its own part of the clause, narrowed to the relative clause
    it stands in and followed by the noun that clause stands for ("Uzbekistan, which ordered 24 jets, is
    talking to China": Uzbekistan's)."""
    comma = t.text.rfind(",", ctx.sentence.start, m.start)
    pronoun = _WORD.match(t.text, comma + 1) if comma >= 0 else None
    head = _relative_head(t, ctx, pronoun.end()) if pronoun else (0, 0)
    if head[0] == head[1]:
        return [own]
    close = t.text.find(",", m.end, ctx.sentence.end)
    return [(max(own[0], comma), min(own[1], close if close >= 0 else ctx.sentence.end)), head]


def _nearest_other(t: _Text, ctx: _Context, at: int, exclude: set[str]) -> str | None:
    """The entity of the sentence nearest a cue that is not yet a party, else one an anaphor of the sentence
    points to ("its influence in the region's arms market"), else the passage's own entity."""
    s = ctx.sentence
    hits = [h for h in t.within(t.entities, s.start, s.end) if h.value not in exclude]
    if hits:
        return min(hits, key=lambda h: abs(h.start - at)).value
    pointed = [n for n in _anaphora(t, s.start, s.end, []) if n not in exclude]
    return pointed[0] if pointed else _home(t, ctx, exclude)


def _phrase(t: _Text, ctx: _Context, cue: _Hit, m: Mention) -> tuple[int, int]:
    """The words that name an event's parties: back from the cue or date to the word that opens its phrase
    ("visits *to*", "*following* Japarov's visit"), or past a relative pronoun to the noun it stands for
    ("Azerbaijan, *which* was granted"); forward to the date after the cue ("visits to Armenia in 2015"),
    else to the end of the cue's phrase ("In 2015, it supplied jets to Uzbekistan, ...")."""
    clause = ctx.clause
    start = _phrase_start(t, clause[0], min(cue.start, m.start))
    start = _relative_head(t, ctx, start)[0]
    if cue.end <= m.start:
        return start, m.end
    hi = min(clause[1], cue.end + t.att.event_window)
    closing = _PHRASE_END.search(t.text, cue.end, hi)
    return start, closing.start() if closing else hi


def _relative_head(t: _Text, ctx: _Context, at: int) -> tuple[int, int]:
    """The noun phrase a relative pronoun ending at `at` stands for ("Azerbaijan" in "Azerbaijan, which"),
    else the empty span at `at`."""
    relative = t.att.anaphor["relative"].search(t.text, max(0, at - 10), at)
    if relative is None:
        return at, at
    return _phrase_start(t, ctx.sentence.start, relative.start()), relative.start()


def _phrase_start(t: _Text, lo: int, at: int) -> int:
    """Where the phrase ending at `at` opens: after the last phrase break, at most a window back."""
    lo = max(lo, at - t.att.event_window)
    opening = t.att.phrase_break.search(t.text, lo, at)
    return opening.end() if opening else lo


_PHRASE_END = regex.compile(r"[,;:()\[\]—]")


def _carried(t: _Text, cue: _Hit, before: int) -> list[str]:
    """Parties of an event named again ("the aerial engagement on May 7"): those of the nearest earlier
    mention of an event of the same type in the text."""
    if not t.att.anaphor["event"].search(t.text, max(0, cue.start - 40), cue.start):
        return []
    for earlier in reversed(t.all_events.within(max(0, before - 4000), before)):
        if earlier.value == cue.value:
            names = _cue_parties(t, earlier)
            if names:
                return names
    return []


def _cue_parties(t: _Text, cue: _Hit) -> list[str]:
    """The entities of an event cue's own phrase: from the word that opens it to the next punctuation."""
    clause = _part(t.sentence(cue.start)[1].clauses, cue.start)
    closing = _PHRASE_END.search(t.text, cue.end, clause[1])
    return t.names(_phrase_start(t, clause[0], cue.start), closing.start() if closing else clause[1])


def _ended(t: _Text, ctx: _Context, cue: _Hit) -> list[str]:
    """Parties of the conflict an event ends ("The X–Y clash ended with a ceasefire on May 10"; "the
    statement that ended the fighting" after "the war of 2020"): those of the conflict named nearest the
    event in its sentence or the two before."""
    if cue.value not in t.att.ending_events:
        return []
    hits = t.all_events.within(t.spans[max(0, ctx.index - 2)][0], ctx.sentence.end)
    for hit in sorted((h for h in hits if h.value in t.att.conflict_events), key=lambda h: abs(h.start - cue.start)):
        names = _cue_parties(t, hit)
        if names:
            return names
    return []


def _own_conjunct(t: _Text, cue: _Hit, m: Mention, counterpart: list[str]) -> list[str]:
    """In "visits to Armenia in 2015 and Georgia in 2016", 2016 dates the visit to Georgia alone."""
    between = t.times_within(cue.end, m.start, exclude=m)
    if not between:
        return counterpart
    own = t.names(between[-1].end, m.start)
    return own or counterpart


def _occasioned(t: _Text, cues: list[_Hit]) -> list[_Hit]:
    """A cue that names the occasion of another event ("the signing of a treaty *at the summit* in July")
    yields to the event named before it."""
    if not cues or not t.att.occasion.search(t.text, max(0, cues[0].start - 80), cues[0].start):
        return cues
    before = [c for c in cues[1:] if c.end <= cues[0].start]
    return [before[0], *(c for c in cues if c is not before[0])] if before else cues


def _event(t: _Text, ctx: _Context, m: Mention) -> tuple[Event | None, list[str]]:
    """The event a date dates, with its parties: from a structure around the cue, else from the cue's phrase,
    an earlier mention of the event, or the clause around it."""
    cues = _occasioned(t, _cues(t, t.events, m, ctx))
    if not cues:
        names = _subject(t, ctx)
        home = _home(t, ctx, set()) if not names else None
        return None, names or ([home] if home else [])
    cue = cues[0]
    structure = _structure(t, cues[:1], ctx)
    if structure and structure[0] and structure[1]:
        actor, counterpart = structure
    else:
        start, end = _phrase(t, ctx, cue, m)
        names = (_anaphora(t, start, end, t.names(start, end)) or _carried(t, cue, start)
                 or _subject(t, ctx, (ctx.clause[0], end)))
        before = set(_anaphora(t, start, cue.start, t.names(start, cue.end)))
        actor = [n for n in names if n in before]
        counterpart = [n for n in names if n not in before]
        if not actor:
            actor = _antecedent(t, ctx, start, cue.start, counterpart)
        if not actor and not (counterpart and cue.value in t.att.unclaimed_events):
            earlier = [h.value for h in t.within(t.entities, ctx.clause[0], start) if h.value not in counterpart]
            actor = earlier[-1:]
    if cue.end <= m.start:
        counterpart = [n for n in _own_conjunct(t, cue, m, counterpart) if n not in actor]
    parties = set(actor + counterpart)
    if cue.value in t.att.bilateral_events and len(parties) == 1:
        other = _nearest_other(t, ctx, cue.start, parties)
        if other:
            (counterpart if actor else actor).append(other)
    if not actor and not counterpart:
        home = _home(t, ctx, set())
        actor = [home] if home else []
    implied = ([t.att.lookup("implied_party", n) for n in actor + counterpart]
               if cue.value in t.att.implied_party_events else [])
    counterpart += [n for n in dict.fromkeys([*_ended(t, ctx, cue), *implied]) if n and n not in actor + counterpart]
    return Event(type=cue.value, actor=actor, counterpart=counterpart), [*actor, *counterpart]


def attribute(text: str, mentions: list[Mention], *, rules: RuleSet | None = None) -> list[Claim]:
    """One claim per mention, in the mentions' order."""
    att = _cached_attribution(rules or cached_rules())
    t = _Text(text, mentions, att)
    claims, previous = [], None
    dated: dict[str, tuple[int, str]] = {}
    for m in mentions:
        index, sentence = t.sentence(m.start)
        ctx = _Context(sentence, index, _part(sentence.clauses, m.start), _part(sentence.segments, m.start))
        if m.kind in TIME_KINDS:
            event, subject = _event(t, ctx, m)
            metric = event.type if event else None
            if event:
                dated[event.type] = (index, str(m.value))
        else:
            event = None
            figure = _value_claim(t, ctx, m, previous[1] if previous and index - previous[0] <= 1 else None)
            subject, metric = figure.subject, figure.metric
            previous = (index, figure)
        claims.append(Claim(mention=m, subject=sorted(set(subject)), metric=metric, period=_period(t, ctx, m, dated),
                            event=event, sentence_start=sentence.start, sentence_end=sentence.end))
    return claims


def claim_rows(doc: str | None, text: str, mentions: list[Mention], *, rules: RuleSet | None = None) -> list[dict]:
    """Ledger rows: the mention fields of FORMAT.md plus subject, metric, period and event."""
    rows = []
    for c in attribute(text, mentions, rules=rules):
        row = c.mention.model_dump(mode="json")
        if doc is not None:
            row["doc"] = doc
        row.update(subject=c.subject, metric=c.metric, period=c.period,
                   event=c.event.as_dict() if c.event else None)
        rows.append(row)
    return rows
