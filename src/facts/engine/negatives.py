"""The negative rules scanned over one window without the rules that cannot match in it.

A rule that opens with a look-behind on a character of a few (`negative.shortcode`: `(?<==)`; and
`negative.stored_date_line`: `(?<![^\n])`, a line's start) matches only in a window that holds one, or
just before it; a rule that consumes a run of characters of a set (`negative.hash`: `[0-9a-f]{7,}`)
only in a window that holds such a run. Such a rule may start with almost any character (the
shortcode's value) or a common one (a space, a lowercase letter), so with it the negative pattern stops
at most positions of every window; a window without what it needs is scanned by the pattern of the
others. A rule that cannot match anywhere in a window changes no match there when left out.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from .compiled import compile_regex
from .prefilter import NeededBefore, NeededRun, char_set, needed_before, needed_run
from .rulefiles import NEGATIVE
from .rules import RULE_FLAGS, RuleSet, _alternation

Need = NeededBefore | NeededRun


class NegativeScan:
    """The negative pattern for a window: the whole, or one without the rules whose needs the window does
    not meet (compiled when first needed)."""

    def __init__(self, rules: RuleSet):
        self._rules = rules
        self._needs = [tuple(need for need in (needed_before(body), needed_run(body)) if need is not None)
                       for body in rules.bodies(NEGATIVE)]
        self._runs = {need: regex.compile(f"{char_set(need.chars)}{{{need.length}}}", RULE_FLAGS)
                      for needs in self._needs for need in needs if isinstance(need, NeededRun)}
        self._distinct = sorted({need for needs in self._needs for need in needs}, key=repr)
        self._patterns: dict[frozenset[Need], regex.Pattern | None] = {frozenset(): rules.combined[NEGATIVE]}

    def pattern(self, text: str, lo: int, hi: int) -> regex.Pattern | None:
        """The pattern to scan text[lo:hi] with; None when no rule can match there."""
        unmet = frozenset(need for need in self._distinct if not self._met(need, text, lo, hi))
        if unmet not in self._patterns:
            self._patterns[unmet] = self._without(unmet)
        return self._patterns[unmet]

    def _met(self, need: Need, text: str, lo: int, hi: int) -> bool:
        """Whether a match in text[lo:hi] may find what it needs: before it (a look-behind reads before
        `lo`), or in it."""
        if isinstance(need, NeededRun):
            return self._runs[need].search(text, lo, hi) is not None
        return (need.or_start and lo == 0) or any(text.find(char, max(0, lo - 1), hi) >= 0 for char in need.chars)

    def _without(self, unmet: frozenset[Need]) -> regex.Pattern | None:
        bodies, markers = self._rules.bodies(NEGATIVE), self._rules.markers[NEGATIVE]
        kept = [i for i, needs in enumerate(self._needs) if not unmet.intersection(needs)]
        if not kept:
            return None
        return compile_regex(_alternation([bodies[i] for i in kept], [markers[i] for i in kept]), RULE_FLAGS)


@lru_cache(maxsize=4)
def negative_scan(rules: RuleSet) -> NegativeScan | None:
    """The rule set's negative scan, made once; None where it has no negative rules."""
    return NegativeScan(rules) if NEGATIVE in rules.combined else None
