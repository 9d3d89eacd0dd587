"""The attribution file (`rules/en/attribution/attribution.yaml`) and the lexicon scans it uses, compiled once per rule set."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import regex
from pydantic import field_validator

from ..engine.compiled import pattern_cache
from ..engine.lexicon import trie_pattern
from ..engine.prefilter import finds_own_start, guard
from ..engine.rulefiles import RuleError, RuleFileModel, load_data_file, without_line_key
from ..engine.rules import Pattern, RuleSet, compile_checked, expand, fast_compile, pattern_pieces


class Structure(RuleFileModel):
    id: str
    pattern: str
    example: str | None = None


class Anaphors(RuleFileModel):
    pair: str
    region: str
    organization: str
    project: str
    description: str
    figure: str
    period: str
    pronoun: str
    event: str
    relative: str


class AttributionExample(RuleFileModel):
    """A sentence and what one of its figures is about, by the rule named: run as a test
    (`tests/test_attribution.py`). Only the fields given are checked; `period: null` says it has none."""

    rule: str
    text: str
    span: str
    subject: list[str] | None = None
    metric: str | None = None
    period: str | None = None
    outlook: str | None = None


class AttributionFile(RuleFileModel):
    doc: str | None = None
    segment_breaks: list[str]
    clause_breaks: list[str]
    fronted_max_chars: int = 40
    figure_joint: str
    event_window: int = 100
    phrase_breaks: str
    anaphors: Anaphors
    locative: str
    comparison: str
    period_signal: str
    occasion: str
    source: str
    defined_acronym: str
    headed_name: str
    located: str
    located_part: str
    part_noun: str
    also_known_as: str
    proper_name: str
    bilateral_metrics: list[str] = []
    weak_metrics: list[str] = []
    share_of_whole: str
    population_of: str
    people_nouns: list[str] = []
    population_metric: str = "population"
    priced_before: str
    priced_after: str
    priced_metric: str = "value"
    respectively: str
    conversion: str
    original: str
    stock_date: str
    since: str
    quote_close: str
    time_heads_figure: str
    time_opens_part: str
    cue_own_time: str
    future: str
    future_window: int = 40
    inflow_metrics: list[str] = []
    partner_list_metrics: list[str] = []
    receiver: str
    level_before: str
    change_before: str
    change_after: str
    owned: str
    everywhere: str
    from_figure: str
    figure_time: str
    same_period: str
    range_from: str
    range_to: str
    range_opened: str
    share_of: str
    name_links: list[str]
    name_joint: str
    name_articles: list[str]
    plural_pronouns: list[str]
    timeless_metrics: list[str] = []
    lead_reach: int = 3000
    figure_window: int = 600
    outlook_window: int = 60
    count_metrics: list[str] = []
    unit_metrics: dict[str, str] = {}
    unit_default_metrics: dict[str, str] = {}
    change_metrics: list[str] = []
    bilateral_events: list[str] = []
    unclaimed_events: list[str] = []
    reporting_events: list[str] = []
    implied_party_events: list[str] = []
    ending_events: list[str] = []
    conflict_events: list[str] = []
    structures: list[Structure] = []
    examples: list[AttributionExample] = []

    _unit_metrics = field_validator("unit_metrics", "unit_default_metrics", mode="before")(without_line_key)


class _Structure(NamedTuple):
    id: str
    pattern: regex.Pattern
    # `pattern.match` on the faster engine that can run it (`fast_compile`).
    match: Any
    # The piece a match starts with, `{cue}` or `{actor}`: matches are tried only where one starts (else None).
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
    # Between coordinated figures, each with its own words ("..., a 400 km section ... and a 600 km ...").
    figure_joint: Pattern
    event_window: int
    phrase_break: Pattern
    anaphor: dict[str, Pattern]
    # `_POINTING` anaphors in one pattern: most clauses have none, and one search tells.
    pointing: Pattern
    locative: Pattern
    comparison: Pattern
    period_signal: Pattern
    occasion: Pattern
    source: Pattern
    # Searched backwards from a bracket or a head word (`entities._ending_at`).
    defined_acronym_reversed: regex.Pattern
    headed_name_reversed: regex.Pattern
    name_head: Pattern
    located: Pattern
    located_part: Pattern
    part_noun: Pattern
    also_known_as: Pattern
    proper_name: Pattern
    proper_name_reversed: regex.Pattern
    bilateral_metrics: frozenset[str]
    weak_metrics: frozenset[str]
    share_of_whole: Pattern
    population_of: Pattern
    people_nouns: frozenset[str]
    population_metric: str
    priced_before: Pattern
    priced_after: Pattern
    priced_metric: str
    respectively: Pattern
    conversion: Pattern
    original: Pattern
    stock_date: Pattern
    since: Pattern
    quote_close: Pattern
    time_heads_figure: Pattern
    time_opens_part: Pattern
    cue_own_time: Pattern
    future: Pattern
    future_window: int
    inflow_metrics: frozenset[str]
    partner_list_metrics: frozenset[str]
    receiver: Pattern
    level_before: Pattern
    change_before: Pattern
    change_after: Pattern
    owned: Pattern
    everywhere: Pattern
    from_figure: Pattern
    figure_time: Pattern
    same_period: Pattern
    range_from: Pattern
    range_to: Pattern
    range_opened: Pattern
    share_of: Pattern
    name_links: frozenset[str]
    name_joint: Pattern
    name_articles: frozenset[str]
    plural_pronouns: frozenset[str]
    timeless_metrics: frozenset[str]
    lead_reach: int
    figure_window: int
    outlook_window: int
    count_metrics: frozenset[str]
    unit_metrics: dict[str, str]
    unit_default_metrics: dict[str, str]
    change_metrics: frozenset[str]
    outlook_cue: _WordScan
    bilateral_events: frozenset[str]
    unclaimed_events: frozenset[str]
    reporting_events: frozenset[str]
    implied_party_events: frozenset[str]
    ending_events: frozenset[str]
    conflict_events: frozenset[str]
    structures: list[_Structure]
    # `{cue}` alone, as structures open with it.
    cue_opening: Pattern
    rules: RuleSet
    _remembered: dict[str, _Values] = field(default_factory=dict)

    def lookup(self, table: str, phrase: str, default: Any = None) -> Any:
        """`rules.lexicon.lookup`, remembered per string (`_Values`)."""
        if table not in self._remembered:
            self._remembered[table] = _Values(self.rules, table, shape=None, default=_MISSING)
        value = self._remembered[table][phrase]
        return default if value is _MISSING else value


def _compile(pattern: str, path: Path, line: int, what: str, subpatterns: dict[str, str]) -> regex.Pattern:
    """A pattern of the attribution file, guarded by the characters it can start with (a fast scan). The guard
    stands before the whole pattern: before `a|b` it would guard only `a`, and every other alternative be tried
    at every character."""
    body = expand(pattern, subpatterns, (path, line))
    lead = guard([body], flags=0)
    guarded = f"{lead}(?:{body})" if lead and _has_top_alternative(body) else lead + body
    return compile_checked(guarded, (path, line), what, regex.VERSION1)


def _compile_fast(pattern: str, path: Path, line: int, what: str, subpatterns: dict[str, str]
                  ) -> Pattern:
    """`_compile`, run by the faster engine that can (`fast_compile`): for patterns only searched and matched.
    Unguarded where that engine finds the pattern's start by itself (`finds_own_start`), as a guard makes it
    slower there."""
    guarded = _compile(pattern, path, line, what, subpatterns).pattern
    body = expand(pattern, subpatterns, (path, line))
    return fast_compile(body if finds_own_start(body) else guarded)


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


def _as_list(value: str | list[str] | None) -> list[str]:
    """A lexicon value as a list: an entity entry may name several parties (a project, a conflict), and a null
    one none (`took place` is no cue of `took`, a takeover)."""
    return value if isinstance(value, list) else [] if value is None else [value]


class _Hit(NamedTuple):
    start: int
    end: int
    value: str


# Anaphors that point back to entities: which, of what kinds, how many.
_POINTING = (("pair", frozenset({"country"}), 2), ("region", frozenset({"region"}), 1),
             ("organization", frozenset({"organization"}), 1), ("project", frozenset({"project", "company"}), 1),
             ("description", frozenset({"country"}), 1))


_new_tuple = tuple.__new__


class _WordScan:
    """Every whole word (or phrase) of one lexicon table in a text, in one pass of the standard engine.

    Where every phrase starts with a capital or a digit (names), rare in running text, the engine jumps
    from one such character to the next and a lookbehind past it checks the character before.
    Otherwise the pattern consumes the character before a word instead of looking
    behind for one: the engine then jumps from one character that may precede a word to the next rather
    than trying every position. Either way a text is scanned with one such character put before it."""

    def __init__(self, rules: RuleSet, table: str, *, before: str, after: str, beside: str | None = None):
        """`before`: the characters (a set's inside) a word must not follow; `after`: a set it must not precede;
        `beside`: a table scanned with this one, whose values count where this one has none (the generated
        countries beside the hand entities)."""
        phrases = rules.lexicon.written_phrases[table] | (rules.lexicon.written_phrases[beside] if beside else set())
        if beside:
            body = trie_pattern(set(phrases), after_first=f"(?<![{before}].)")
            self.pattern = fast_compile(f"((?:{body}))(?!{after})")
        elif phrases and all(p[0].isupper() or p[0].isdigit() for p in phrases):
            body = trie_pattern(set(phrases), after_first=f"(?<![{before}].)")
            self.pattern = fast_compile(f"((?:{body}))(?!{after})")
        else:
            self.pattern = fast_compile(f"[^{before}]((?:{rules.lexicon.written[table]}))(?!{after})")
        self.values = _Values(rules, table, beside=beside)

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
    a text names the same few entities and cues hundreds of times, and each is looked up (folded) once."""

    def __init__(self, rules: RuleSet, table: str, *, shape: Callable[[Any], Any] | None = _as_list,
                 default: Any = None, beside: str | None = None):
        super().__init__()
        self.lexicon, self.table, self.shape, self.default, self.beside = rules.lexicon, table, shape, default, beside

    def __missing__(self, phrase: str) -> Any:
        value = self.lexicon.lookup(self.table, phrase, _MISSING)
        if value is _MISSING:
            value = self.lexicon.lookup(self.beside, phrase, self.default) if self.beside else self.default
        self[phrase] = value = self.shape(value) if self.shape else value
        return value


# `{actor}` and `{counterpart}` match the text's names as `marked` marks them, not the entity table's
# pattern: every structure holding that pattern made compiling them grow with the table (issue 16, item 10).
# The markers are letters (capital where a name starts, small where it ends), so the pieces around a name
# read a word there as before.
_NAME_START, _NAME_END, _NAME_ALONE = "\U0001E900", "\U0001E922", "\U0001E901"
_MARKED_NAME = f"(?:{_NAME_ALONE}|{_NAME_START}[^{_NAME_START}{_NAME_END}{_NAME_ALONE}]*{_NAME_END})"
_MARKERS = (_NAME_START, _NAME_END, _NAME_ALONE)
_UNMARKED = str.maketrans({_NAME_START: "\U0001E902", _NAME_ALONE: "\U0001E902", _NAME_END: "\U0001E923"})


def marked(text: str, names: list[_Hit]) -> str:
    """The text as structures read it, of the same length: the first character of each name made a start
    marker and its last an end marker (one marker for a one-character name), the rest as it is, so the
    other pieces of a structure read the same words around and inside names. A marker the text already
    had becomes another letter of its case: only the names are marked."""
    # `translate` with a table of astral letters goes character by character in Python's slow path; a
    # text seldom holds a marker, and three finds tell.
    if any(marker in text for marker in _MARKERS):
        text = text.translate(_UNMARKED)
    out, at = [], 0
    for s, e, _ in names:
        if s < at:
            continue
        out += (text[at:s], _NAME_ALONE if e - s == 1 else _NAME_START + text[s + 1:e - 1] + _NAME_END)
        at = e
    out.append(text[at:])
    return "".join(out)


def _words(table_pattern: str) -> str:
    """A lexicon alternation as whole words: `export` must not match inside `exporter`."""
    return rf"(?<![\w-]){table_pattern}(?![\w-])"


# The attribution file's patterns that are only searched and matched, each a field of `Attribution` by its
# own name, compiled by the faster engine (`_compile_fast`).
_SEARCHED = (
    "figure_joint", "locative", "comparison", "period_signal", "occasion", "source", "located", "located_part",
    "part_noun", "also_known_as", "proper_name", "share_of_whole", "population_of", "priced_before", "priced_after",
    "respectively", "conversion", "original", "stock_date", "since", "quote_close", "time_heads_figure", "time_opens_part", "cue_own_time", "future", "receiver", "level_before", "change_before", "change_after",
    "owned", "everywhere", "from_figure", "figure_time", "same_period", "range_from", "range_to", "range_opened",
    "share_of", "name_joint",
)


def load_attribution(rules: RuleSet, path: Path | str | None = None) -> Attribution:
    """Read, validate and compile the attribution file (default: `attribution/attribution.yaml` in the rules)."""
    path = Path(path) if path is not None else rules.root / "attribution" / "attribution.yaml"
    spec = load_data_file(AttributionFile, path)
    for table in ("entity", "country_name", "entity_type", "implied_party", "metric_cue", "event_cue", "outlook_cue",
                  "name_head"):
        if table not in rules.lexicon.tables:
            raise RuleError(rules.root / "lexicon", None, f"lexicon table {table!r} is missing")
    written = rules.lexicon.written
    sub = dict(rules.subpatterns)
    # Cues as the scans find them (`_WordScan`), so a structure opens only where one starts; names as
    # `marked` marks the entities of the text.
    cue = rf"(?P<cue>{_words(written['metric_cue'])}|{_words(written['event_cue'])})"
    names = f"(?:{_MARKED_NAME}(?:(?:{spec.name_joint}){_MARKED_NAME})*)"
    sub.update({"actor": f"(?P<a>{names})", "counterpart": f"(?P<b>{names})", "cue": cue})
    top = spec.line or 1

    def one(patterns: list[str], what: str) -> Pattern:
        return _compile_fast("|".join(f"(?:{p})" for p in patterns), path, top, what, sub)

    anaphor_line = spec.anaphors.line or top
    entity = _WordScan(rules, "entity", before=r"\w", after=r"[\w$]", beside="country_name")
    structures = []
    for s in spec.structures:
        compiled = _compile(s.pattern, path, s.line, f"structure {s.id}", sub)
        if s.example is not None and compiled.search(marked(s.example, entity.hits("\n" + s.example))) is None:
            raise RuleError(path, s.line, f"structure {s.id}: does not match its example {s.example!r}")
        opening = None if _has_top_alternative(s.pattern) else next(
            (piece for piece in ("{cue}", "{actor}") if s.pattern.startswith(piece)), None)
        structures.append(_Structure(s.id, compiled, fast_compile(compiled.pattern).match, opening))
    return Attribution(
        entity=entity,
        metric_cue=_WordScan(rules, "metric_cue", before=r"\w-", after=r"[\w-]"),
        event_cue=_WordScan(rules, "event_cue", before=r"\w-", after=r"[\w-]"),
        segment_break=one(spec.segment_breaks, "segment_breaks"),
        clause_break=one(spec.clause_breaks, "clause_breaks"),
        fronted_max_chars=spec.fronted_max_chars,
        **{name: _compile_fast(getattr(spec, name), path, top, name, sub) for name in _SEARCHED},
        event_window=spec.event_window,
        phrase_break=_compile_fast(f"(?r){spec.phrase_breaks}", path, top, "phrase_breaks", sub),
        anaphor={name: _compile_fast(getattr(spec.anaphors, name), path, anaphor_line, f"anaphors.{name}", sub)
                 for name in ("pair", "region", "organization", "project", "description", "figure", "period", "pronoun",
                             "event", "relative")},
        pointing=_compile_fast("|".join(f"(?:{getattr(spec.anaphors, name)})" for name, _, _ in _POINTING),
                               path, anaphor_line, "anaphors", sub),
        defined_acronym_reversed=_compile(f"(?r){spec.defined_acronym}", path, top, "defined_acronym", sub),
        headed_name_reversed=_compile(f"(?r){spec.headed_name}", path, top, "headed_name", sub),
        # The heads' own trie, not the lexicon's pattern: the standard engine skips to where one can start by
        # itself, and the lexicon's guard before the trie only hides that (`finds_own_start`).
        name_head=fast_compile(rf"(?:{trie_pattern(set(rules.lexicon.written_phrases['name_head']))})(?![\w-])"),
        proper_name_reversed=_compile(f"(?r){spec.proper_name}", path, top, "proper_name", sub),
        bilateral_metrics=frozenset(spec.bilateral_metrics),
        weak_metrics=frozenset(spec.weak_metrics),
        people_nouns=frozenset(spec.people_nouns),
        population_metric=spec.population_metric,
        priced_metric=spec.priced_metric,
        future_window=spec.future_window,
        inflow_metrics=frozenset(spec.inflow_metrics),
        partner_list_metrics=frozenset(spec.partner_list_metrics),
        name_links=frozenset(spec.name_links),
        name_articles=frozenset(spec.name_articles),
        plural_pronouns=frozenset(spec.plural_pronouns),
        timeless_metrics=frozenset(spec.timeless_metrics),
        lead_reach=spec.lead_reach,
        figure_window=spec.figure_window,
        outlook_window=spec.outlook_window,
        count_metrics=frozenset(spec.count_metrics),
        unit_metrics=spec.unit_metrics,
        unit_default_metrics=spec.unit_default_metrics,
        change_metrics=frozenset(spec.change_metrics),
        outlook_cue=_WordScan(rules, "outlook_cue", before=r"\w-", after=r"[\w-]"),
        bilateral_events=frozenset(spec.bilateral_events),
        unclaimed_events=frozenset(spec.unclaimed_events),
        reporting_events=frozenset(spec.reporting_events),
        implied_party_events=frozenset(spec.implied_party_events),
        ending_events=frozenset(spec.ending_events),
        conflict_events=frozenset(spec.conflict_events),
        structures=structures,
        cue_opening=_compile_fast("{cue}", path, top, "{cue}", sub),
        rules=rules,
    )


@lru_cache(maxsize=8)
def _cached_attribution(rules: RuleSet) -> Attribution:
    attribution = load_attribution(rules)
    pattern_cache().save()
    return attribution


