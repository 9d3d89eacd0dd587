"""Run the compiled rules over a text and keep the best non-overlapping matches.

One combined pattern per kind is scanned over the text; negative rules veto
what they overlap; of overlapping candidates the longest wins, then the one of
higher priority, then the earlier one. Offsets are always offsets into the text
exactly as given.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

import regex

from .rules import NEGATIVE, Rule, RuleSet

# How far before its first anchor a mention may start (`the beginning of 2024`).
LOOKBACK = 20
# How far around an anchor a negative rule (a file name, a URL) is looked for.
WINDOW_MARGIN = 48
_LAST_SPACE = regex.compile(r"(?r)\s")
# A token longer than this (a long URL) is vetoed from this far back only.
TOKEN_LIMIT = 256


@dataclass(frozen=True, slots=True)
class Candidate:
    """A rule's match before normalisation: where, which rule, and its named groups."""

    start: int
    end: int
    rule: Rule
    match: regex.Match

    @property
    def kind(self) -> str:
        return self.rule.kind

    def group(self, name: str) -> str | None:
        try:
            return self.match.group(name)
        except IndexError:
            return None

    def has(self, name: str) -> bool:
        return self.group(name) is not None


def _span(m: regex.Match) -> tuple[int, int]:
    """A rule may narrow its mention to the group `mention`; context around it is only a condition."""
    try:
        s, e = m.span("mention")
    except IndexError:
        return m.span()
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

    Every mention holds an anchor (`{anchor}` in rules/patterns.yaml: digits,
    currency signs, number words, month names...) and its match starts at the
    first one or at a lead (`{lead}`: `between 2010`, `US$ 5`, `end of 2024`) at
    most LOOKBACK characters before it; context further back goes in a
    look-behind. Kinds whose rules all start at an anchor say so
    (`starts_at_anchor`) and are tried at anchors only. A rule whose examples
    break this fails its tests.
    """
    anchors = [m.start() for m in rules.anchor.finditer(text)]
    found = set(anchors)
    reach: list[list[int]] = []
    for anchor in anchors:
        lo = max(0, anchor - LOOKBACK)
        if reach and lo <= reach[-1][1]:
            reach[-1][1] = anchor
        else:
            reach.append([lo, anchor])
    leads = rules.lead.finditer
    for lo, hi in reach:
        found.update(m.start() for m in leads(text, lo, hi))
    return anchors, sorted(found)


def _by_first_char(text: str, positions: list[int]) -> dict[str, list[int]]:
    """Positions by the character there: a kind checks each character once, not each position."""
    found: dict[str, list[int]] = {}
    for position in positions:
        found.setdefault(text[position], []).append(position)
    return found


def scan(text: str, rules: RuleSet) -> tuple[list[Candidate], list[tuple[int, int]]]:
    """Every candidate of every kind at every possible start, and the spans negative rules veto.

    A kind is tried only at starts whose first character its rules can begin
    with (the same set as its guard), which saves most calls into the engine.
    """
    candidates: list[Candidate] = []
    anchors, positions = starts(text, rules)
    by_char = _by_first_char(text, positions)
    anchor_set = set(anchors)
    for kind, pattern in rules.combined.items():
        if kind == NEGATIVE:
            continue
        names = [marker for marker, _ in rules.markers[kind]]
        rule_ids = [rid for _, rid in rules.markers[kind]]
        match = pattern.match
        can_start = rules.first_chars.get(kind)
        tried = [p for ch, at in by_char.items() if can_start is None or ch in can_start for p in at]
        if kind in rules.anchored_kinds:
            tried = [p for p in tried if p in anchor_set]
        for position in sorted(tried):
            m = match(text, position)
            if m is None:
                continue
            markers = m.group(*names) if len(names) > 1 else (m.group(names[0]),)
            rule = rules.rules[rule_ids[next(i for i, v in enumerate(markers) if v is not None)]]
            start, end = _span(m)
            if end > start:
                candidates.append(Candidate(start, end, rule, m))
    vetoes: list[tuple[int, int]] = []
    negative = rules.combined.get(NEGATIVE)
    if negative is not None and candidates:
        for lo, hi in windows(text, [(c.start, c.end) for c in candidates]):
            vetoes.extend(m.span() for m in negative.finditer(text, lo, hi))
    return candidates, vetoes


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
