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

# How far a mention may reach beyond the anchors it holds, plus room for look-arounds.
WINDOW_MARGIN = 72


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


def windows(text: str, rules: RuleSet) -> list[tuple[int, int]]:
    """Stretches of text around anchors (digits, currency signs, number words, month names...).

    Every mention holds an anchor (`{anchor}` in rules/patterns.yaml; a rule whose
    examples hold none fails its tests), so rules only need to run near one.
    Most prose has none, and one fast pass over the text finds them.
    """
    spans: list[tuple[int, int]] = []
    size = len(text)
    for m in rules.anchor.finditer(text):
        start, end = max(0, m.start() - WINDOW_MARGIN), min(size, m.end() + WINDOW_MARGIN)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def scan(text: str, rules: RuleSet) -> tuple[list[Candidate], list[tuple[int, int]]]:
    """Every candidate of every kind, and the spans that negative rules veto."""
    candidates: list[Candidate] = []
    vetoes: list[tuple[int, int]] = []
    spans = windows(text, rules)
    for kind, pattern in rules.combined.items():
        markers = rules.markers[kind]
        for lo, hi in spans:
            for m in pattern.finditer(text, lo, hi):
                if kind == NEGATIVE:
                    vetoes.append(m.span())
                    continue
                rule_id = next(rid for marker, rid in markers if m.group(marker) is not None)
                start, end = _span(m)
                if end > start:
                    candidates.append(Candidate(start, end, rules.rules[rule_id], m))
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
