"""Run the compiled rules over a text and keep the best non-overlapping matches.

One combined pattern per kind is scanned over the text; negative rules veto
what they overlap; of overlapping candidates the longest wins, then the one of
higher priority, then the earlier one. Offsets are always offsets into the text
exactly as given.
"""
from __future__ import annotations

import os
import signal
import threading
from bisect import bisect_left
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

from ..text.documents import InputError
from .negatives import negative_scan
from .rulefiles import NEGATIVE, Rule
from .rules import RULE_FLAGS, RuleSet, at_number, expand
from .tokens import OWN_MARKS

# How far before its first anchor a mention may start (`the beginning of 2024`).
LOOKBACK = 20
# How far around an anchor a negative rule (a file name, a URL) is looked for.
WINDOW_MARGIN = 48
_LAST_SPACE = regex.compile(r"(?r)\s")
# A token longer than this (a long URL) is vetoed from this far back only.
TOKEN_LIMIT = 256
# Seconds one call into the engine may take (a rule's match at one position, or the negative rules over
# one window) before the document is given up with the rule named: a pattern that backtracks
# catastrophically must not hang a run; 0 turns it off. Passed to every call, the `regex` module's own
# timeout makes every call dearer (benchmarks/bench_match_timeout.py, docs/benchmarks.md), so in the main
# thread a watchdog timer stands in for it (`_Watchdog`), which costs nothing for the calls that finish.
MATCH_TIMEOUT = 2.0
MATCH_TIMEOUT_ENV = "FACTS_MATCH_TIMEOUT"


class RuleTimeout(InputError):
    """A rule ran past the match timeout in a document: the document is skipped, the run goes on."""

    def __init__(self, doc: str | None, rule: str, where: str, offset: int, timeout: float):
        self.doc, self.rule, self.where, self.offset, self.timeout = doc, rule, where, offset, timeout
        super().__init__(doc or "<text>", f"rule {rule} ({where}) ran past the {timeout:g} s match timeout at "
                                          f"character {offset}; document skipped (${MATCH_TIMEOUT_ENV}=SECONDS "
                                          "changes the timeout; `facts rules check` finds nested quantifiers)")

    def __reduce__(self):
        """Made again from what it was made of: a worker process hands it back to the run."""
        return RuleTimeout, (self.doc, self.rule, self.where, self.offset, self.timeout)


def match_timeout() -> float | None:
    """The timeout in seconds: `$FACTS_MATCH_TIMEOUT` (0 for none), else MATCH_TIMEOUT."""
    value = os.environ.get(MATCH_TIMEOUT_ENV)
    if value is None or not value.strip():
        return MATCH_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"${MATCH_TIMEOUT_ENV}: not a number of seconds: {value!r}") from None
    return seconds if seconds > 0 else None


def _culprit(text: str, position: int | tuple[int, int], rules: RuleSet, kind: str, timeout: float) -> Rule | None:
    """The rule of `kind` that runs past the timeout alone at `position` (or over a window): each one is
    compiled by itself, which only a timeout pays for."""
    for rule in sorted(rules.by_kind(kind), key=lambda r: -r.priority):
        body = expand(rule.pattern, rules.subpatterns, (Path(rule.path), rule.line))
        pattern = regex.compile(body, RULE_FLAGS)
        try:
            if isinstance(position, tuple):
                for _ in pattern.finditer(text, *position, timeout=timeout):
                    pass
            else:
                pattern.match(text, position, timeout=timeout)
        except TimeoutError:
            return rule
    return None


def _timed_out(text: str, position: int | tuple[int, int], rules: RuleSet, kind: str, timeout: float,
               doc: str | None) -> RuleTimeout:
    rule = _culprit(text, position, rules, kind, timeout)
    offset = position[0] if isinstance(position, tuple) else position
    if rule is None:  # each rule alone is quick enough; together they are not
        return RuleTimeout(doc, f"set {kind}", f"the {kind} rules together", offset, timeout)
    return RuleTimeout(doc, rule.id, f"{rule.path}:{rule.line}", offset, timeout)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A rule's match before normalisation: where, which rule, and its named groups."""

    start: int
    end: int
    rule: Rule
    match: regex.Match
    # The text as given: a kind that runs on tokens matched a masked copy of it (same offsets).
    text: str | None = None

    @property
    def kind(self) -> str:
        return self.rule.kind

    def group(self, name: str) -> str | None:
        number = _group_numbers(self.match.re).get(name)
        if number is None:
            return None
        if self.text is None:
            return self.match.group(number)
        start, end = self.match.span(number)
        return None if start < 0 else self.text[start:end]

    def has(self, name: str) -> bool:
        return self.group(name) is not None


@lru_cache(maxsize=256)
def _group_numbers(pattern: regex.Pattern) -> dict[str, int]:
    """A pattern's groups by name, read once: `regex` builds `groupindex` anew at each ask, and finds a
    group by name in a time that grows with the pattern's groups, where by number it takes a tenth."""
    return pattern.groupindex


def _span(m: regex.Match) -> tuple[int, int]:
    """A rule may narrow its mention to the group `mention`; context around it is only a condition."""
    number = _group_numbers(m.re).get("mention")
    if number is None:
        return m.span()
    s, e = m.span(number)
    return (s, e) if s >= 0 else m.span()


def windows(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Stretches of text around candidates, widened back to a space, for the negative rules
    (a file name or a URL is vetoed whole, from its first character)."""
    merged: list[tuple[int, int]] = []
    size = len(text)
    for start, end in sorted(spans):
        lo = max(0, start - WINDOW_MARGIN)
        space = _LAST_SPACE.search(text, max(0, lo - TOKEN_LIMIT), lo)
        lo = space.end() if space else max(0, lo - TOKEN_LIMIT)
        hi = min(size, end + WINDOW_MARGIN)
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def starts(text: str, rules: RuleSet) -> tuple[list[int], list[int]]:
    """Where a mention can start: (anchors, anchors and the leads at most LOOKBACK before one).

    Every mention holds an anchor (`{anchor}` in rules/en/patterns.yaml: digits,
    currency signs, number words, month names...) and its match starts at the
    first one or at a lead (`{lead}`: `between 2010`, `US$ 5`, `end of 2024`) at
    most LOOKBACK characters before it; context further back goes in a
    look-behind. Kinds whose rules all start at an anchor say so
    (`starts_at_anchor`) and are tried at anchors only. A rule whose examples
    break this fails its tests.
    """
    anchor, lead = rules.start_scans(text)
    anchors = [m.start() for m in anchor.finditer(text)]
    found = set(anchors)
    reach: list[list[int]] = []
    for anchor in anchors:
        lo = max(0, anchor - LOOKBACK)
        if reach and lo <= reach[-1][1]:
            reach[-1][1] = anchor
        else:
            reach.append([lo, anchor])
    leads = lead.finditer
    for lo, hi in reach:
        found.update(m.start() for m in leads(text, lo, hi))
    return anchors, sorted(found)


def token_views(text: str, positions: list[int], rules: RuleSet) -> list[tuple[str, list[int]]]:
    """The masked texts the kinds on tokens run over, each with the positions to try there: the text with
    every number the number pass finds at `positions` masked, at every position; then, for the positions
    inside a number (`eighteen` in `two thousand and eighteen`), the text with the numbers starting there
    masked, and so on (engine/tokens.py). Private-use characters and Yi letters of the text's own that
    could pass for a token's are first made others no rule reads either."""
    for own, stand_in in _OWN_MARKS:
        if own.search(text):
            text = own.sub(stand_in, text)
    return rules.number_pass.views(text, positions)


_OWN_MARKS = [(regex.compile(f"[{chr(low)}-{chr(high)}]"), stand_in) for low, (high, stand_in) in OWN_MARKS.items()]


def _by_first_char(text: str, positions: list[int]) -> dict[str, list[int]]:
    """Positions by the character there: a kind checks each character once, not each position."""
    found: dict[str, list[int]] = {}
    for position in positions:
        found.setdefault(text[position], []).append(position)
    return found


class _Watchdog:
    """An interval timer that stops the call into the engine it finds running at two ticks in a row: a call
    past `timeout` is stopped within twice it, and the calls that finish in time pay nothing (`regex` runs
    Python's signal handlers while it matches). Only the main thread gets signals; elsewhere, and where
    the process already uses the real-time timer, each call takes the engine's own timeout instead."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.at: object = None
        self._seen: object = None

    @classmethod
    @contextmanager
    def watching(cls, timeout: float | None):
        usable = (timeout is not None and hasattr(signal, "setitimer")
                  and threading.current_thread() is threading.main_thread()
                  and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))
        if not usable:
            yield None
            return
        dog = cls(timeout)
        previous = signal.signal(signal.SIGALRM, dog._tick)
        signal.setitimer(signal.ITIMER_REAL, timeout, timeout)
        try:
            yield dog
        finally:
            dog.stop()
            signal.signal(signal.SIGALRM, previous)

    def stop(self) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0, 0)

    def _tick(self, signum, frame) -> None:
        if self.at is not None and self.at == self._seen:
            self.stop()
            raise TimeoutError(f"a match ran past {self.timeout:g} s")
        self._seen = self.at


def scan(text: str, rules: RuleSet, doc: str | None = None) -> tuple[list[Candidate], list[tuple[int, int]]]:
    """Every candidate of every kind at every possible start, and the spans negative rules veto.

    A kind is tried only at starts whose first character its rules can begin
    with (the same set as its guard), which saves most calls into the engine.
    Each call into the engine runs under the match timeout (`match_timeout`); past it, RuleTimeout
    names the rule and `doc`.
    """
    timeout = match_timeout()
    with _Watchdog.watching(timeout) as dog:
        return _scan(text, rules, doc, timeout, dog)


def _scan(text: str, rules: RuleSet, doc: str | None, timeout: float | None,
          dog: _Watchdog | None) -> tuple[list[Candidate], list[tuple[int, int]]]:
    candidates: list[Candidate] = []
    anchors, positions = starts(text, rules)
    plain = [(text, _by_first_char(text, positions))]
    views = plain
    if rules.token_kinds:
        views = [(masked, _by_first_char(masked, at)) for masked, at in token_views(text, positions, rules)]
    anchor_set = set(anchors)
    for kind in rules.combined:  # the kinds, not their patterns: a split kind's is not compiled for this
        if kind == NEGATIVE:
            continue
        rule_ids = [rid for _, rid in rules.markers[kind]]
        can_start = rules.first_chars.get(kind)
        # At one position a kind gives the match of its first rule that matches there, in the text for a rule
        # that reads it as written, in any view for one on tokens (a shorter number at the position is a later
        # view): what one pattern backtracking would give.
        best: dict[int, tuple[int, Candidate]] = {}
        for on_tokens, sides in rules.parts[kind].items():
            original = text if on_tokens else None
            for subject, by_char in views if on_tokens else plain:
                chars = [ch for ch in by_char if can_start is None or ch in can_start]
                # the rules that can start at a number tried at numbers, the others elsewhere (rules._part)
                jobs = [(side, [p for ch in chars if at is None or at_number(ch) is at for p in by_char[ch]])
                        for at, side in sides.items()]
                found = []
                for side, tried in jobs:
                    if side is None or not tried:
                        continue
                    side_pattern, side_markers = side
                    # by number (`_group_numbers`)
                    numbered = [(index, _group_numbers(side_pattern)[name]) for index, name in side_markers]
                    if kind in rules.anchored_kinds:
                        tried = [p for p in tried if p in anchor_set]
                    if best:
                        tried = [p for p in tried if best.get(p, (1,))[0] > 0]
                    tried.sort()
                    match = side_pattern.match
                    if timeout is None:  # no keyword at all: passing even `timeout=None` costs a call twice its time
                        matches = [(position, m) for position in tried if (m := match(subject, position)) is not None]
                    elif dog is not None:
                        matches = _watched(match, subject, tried, dog, rules, kind, doc)
                    else:
                        matches = _timed(match, subject, tried, timeout, rules, kind, doc)
                    found.extend((position, m, numbered) for position, m in matches)
                if len(jobs) > 1:
                    found.sort(key=lambda f: f[0])  # positions in order, as one pattern tried at each would give
                for position, m, numbered in found:
                    groups = [group for _, group in numbered]
                    markers = m.group(*groups) if len(groups) > 1 else (m.group(groups[0]),)
                    index = numbered[next(i for i, v in enumerate(markers) if v is not None)][0]
                    if position in best and best[position][0] <= index:
                        continue
                    start, end = _span(m)
                    if end > start:
                        best[position] = (index, Candidate(start, end, rules.rules[rule_ids[index]], m, original))
        candidates.extend(c for _, c in best.values())
    vetoes: list[tuple[int, int]] = []
    negative = negative_scan(rules) if candidates else None
    if negative is not None:
        for lo, hi in windows(text, [(c.start, c.end) for c in candidates]):
            if dog is not None:
                dog.at = None  # choosing the window's pattern may compile one: no rule is running
            pattern = negative.pattern(text, lo, hi)
            if pattern is None:
                continue
            try:
                if dog is not None:
                    dog.at = (lo, hi)
                found = pattern.finditer(text, lo, hi, timeout=timeout) if timeout and dog is None else \
                    pattern.finditer(text, lo, hi)
                vetoes.extend(m.span() for m in found)
            except TimeoutError:
                if dog is not None:
                    dog.stop()
                raise _timed_out(text, (lo, hi), rules, NEGATIVE, timeout, doc) from None
    return candidates, vetoes


def _watched(match, text: str, positions: list[int], dog: _Watchdog, rules: RuleSet, kind: str,
             doc: str | None) -> list[tuple[int, regex.Match]]:
    """(position, match) where the kind matches, the watchdog told where; past the timeout, RuleTimeout.
    A list, not a generator: most positions fail, and a generator resumed at each costs more than the
    loop (one `try` around it: the position tried last is the one in `dog.at`)."""
    found = []
    position = -1
    try:
        for position in positions:
            dog.at = (kind, position)
            if (m := match(text, position)) is not None:
                found.append((position, m))
    except TimeoutError:
        dog.stop()
        raise _timed_out(text, position, rules, kind, dog.timeout, doc) from None
    return found


def _timed(match, text: str, positions: list[int], timeout: float, rules: RuleSet, kind: str,
           doc: str | None) -> list[tuple[int, regex.Match]]:
    """(position, match) where the kind matches, each call under the timeout; past it, RuleTimeout."""
    found = []
    position = -1
    try:
        for position in positions:
            if (m := match(text, position, timeout=timeout)) is not None:
                found.append((position, m))
    except TimeoutError:
        raise _timed_out(text, position, rules, kind, timeout, doc) from None
    return found


def select(candidates: list[Candidate], vetoes: list[tuple[int, int]]) -> list[Candidate]:
    """Longest first, then priority, then earliest; nothing that a veto overlaps."""
    merged = _union(vetoes)
    veto_starts = [s for s, _ in merged]

    def vetoed(c: Candidate) -> bool:
        i = bisect_left(veto_starts, c.end)
        return i > 0 and merged[i - 1][1] > c.start

    ranked = sorted(candidates, key=lambda c: (-(c.end - c.start), -c.rule.priority, c.start))
    taken_starts: list[int] = []
    taken: list[Candidate] = []
    for c in ranked:
        if vetoed(c):
            continue
        i = bisect_left(taken_starts, c.start)
        if i > 0 and taken[i - 1].end > c.start:
            continue
        if i < len(taken) and taken[i].start < c.end:
            continue
        taken_starts.insert(i, c.start)
        taken.insert(i, c)
    return taken


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint spans covering the same characters."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
