"""The negative rules scanned over one window without the rules that cannot match in it.

A rule that opens with a look-behind on a character of a few (`negative.shortcode`: `(?<==)`; and
`negative.stored_date_line`: `(?<![^\n])`, a line's start) matches only in a window that holds one, or
just before it. Such a rule may start with almost any character (the shortcode's value) or with a
common one (a space), so with it the negative pattern stops at every position of every window, or at
every space; a window without the character is scanned by the pattern of the others. A rule that
cannot match anywhere in a window changes no match there when left out.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from .compiled import compile_regex
from .prefilter import NeededBefore, needed_before
from .rulefiles import NEGATIVE
from .rules import RULE_FLAGS, RuleSet, _alternation


class NegativeScan:
    """The negative pattern for a window: the whole, or one without the rules whose need the window does
    not meet (compiled when first needed)."""

    def __init__(self, rules: RuleSet):
        self._rules = rules
        self._needs = [needed_before(body) for body in rules.bodies(NEGATIVE)]
        self._distinct = sorted({need for need in self._needs if need is not None}, key=repr)
        self._patterns: dict[frozenset[NeededBefore], regex.Pattern | None] = {frozenset(): rules.combined[NEGATIVE]}

    def pattern(self, text: str, lo: int, hi: int) -> regex.Pattern | None:
        """The pattern to scan text[lo:hi] with; None when no rule can match there."""
        unmet = frozenset(need for need in self._distinct if not _met(need, text, lo, hi))
        if unmet not in self._patterns:
            self._patterns[unmet] = self._without(unmet)
        return self._patterns[unmet]

    def _without(self, unmet: frozenset[NeededBefore]) -> regex.Pattern | None:
        bodies, markers = self._rules.bodies(NEGATIVE), self._rules.markers[NEGATIVE]
        kept = [i for i, need in enumerate(self._needs) if need not in unmet]
        if not kept:
            return None
        return compile_regex(_alternation([bodies[i] for i in kept], [markers[i] for i in kept]), RULE_FLAGS)


def _met(need: NeededBefore, text: str, lo: int, hi: int) -> bool:
    """Whether a match in text[lo:hi] may find what it needs before it (a look-behind reads before `lo`)."""
    return (need.or_start and lo == 0) or any(text.find(char, max(0, lo - 1), hi) >= 0 for char in need.chars)


@lru_cache(maxsize=4)
def negative_scan(rules: RuleSet) -> NegativeScan | None:
    """The rule set's negative scan, made once; None where it has no negative rules."""
    return NegativeScan(rules) if NEGATIVE in rules.combined else None
