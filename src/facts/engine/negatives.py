"""The negative rules scanned over one window without the rules that cannot match in it.

A rule that opens with a look-behind on one character (`negative.shortcode`: `(?<==)`) matches only in a
window that holds the character, or just before it. Such a rule may start with almost any character,
so with it the negative rules have no start guard and are tried at every position of every window;
a window without the character is scanned by the pattern of the others, which has one. A rule that
cannot match anywhere in a window changes no match there when left out.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from .compiled import compile_regex
from .prefilter import needed_before
from .rulefiles import NEGATIVE
from .rules import RULE_FLAGS, RuleSet, _alternation


class NegativeScan:
    """The negative pattern for a window: the whole, or one without the rules whose character it lacks
    (compiled when first needed)."""

    def __init__(self, rules: RuleSet):
        self._rules = rules
        self._needs = [needed_before(body) for body in rules.bodies(NEGATIVE)]
        self._chars = sorted({char for char in self._needs if char is not None})
        self._patterns: dict[frozenset[str], regex.Pattern | None] = {frozenset(): rules.combined[NEGATIVE]}

    def pattern(self, text: str, lo: int, hi: int) -> regex.Pattern | None:
        """The pattern to scan text[lo:hi] with; None when no rule can match there."""
        absent = frozenset(char for char in self._chars if text.find(char, max(0, lo - 1), hi) < 0)
        if absent not in self._patterns:
            self._patterns[absent] = self._without(absent)
        return self._patterns[absent]

    def _without(self, absent: frozenset[str]) -> regex.Pattern | None:
        bodies, markers = self._rules.bodies(NEGATIVE), self._rules.markers[NEGATIVE]
        kept = [i for i, char in enumerate(self._needs) if char not in absent]
        if not kept:
            return None
        return compile_regex(_alternation([bodies[i] for i in kept], [markers[i] for i in kept]), RULE_FLAGS)


@lru_cache(maxsize=4)
def negative_scan(rules: RuleSet) -> NegativeScan | None:
    """The rule set's negative scan, made once; None where it has no negative rules."""
    return NegativeScan(rules) if NEGATIVE in rules.combined else None
