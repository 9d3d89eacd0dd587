"""The anchor's words as one alternation by first character, for the standard engine's scan.

The anchor (`{anchor}` in patterns.yaml) holds its words as `\\b(?:{month}|{number_word}|...|year|H[12])`
and what follows them: an alternation of lexicon tables (each a trie) and words. At a word's start the
engine enters each table in turn. Written as `\\b(?:J(?:...)|M(?:...)|...)`, a branch per first
character holding, in the same order, the rests of the phrases of every alternative that start with it,
the engine checks one character per branch and enters one: at every position the same alternatives in
the same order, so the same matches. An alternative that is no table is read as the words it matches,
where they are few and none begins another (a trie tries the longer first, an alternation the first).
"""
from __future__ import annotations

from typing import Callable

import regex

from .lexicon import Lexicon, trie_rests
from .pattern_text import group_end, top_level_alternatives
from .prefilter import finite_strings


def factored_anchor(written: str, lexicon: Lexicon, expanded: Callable[[str], str]) -> str | None:
    """The anchor as written in patterns.yaml, expanded (`expanded`), with each alternative of words
    `\\b(?:...)` factored by first character; None where there is none to factor."""
    alternatives = top_level_alternatives(f"(?:{written})")
    if alternatives is None:
        return None
    factored = [_factored(alternative, lexicon, expanded) for alternative in alternatives]
    if not any(factored):
        return None
    return "(?:" + "|".join(f or expanded(a) for f, a in zip(factored, alternatives)) + ")"


def _factored(alternative: str, lexicon: Lexicon, expanded: Callable[[str], str]) -> str | None:
    if not alternative.startswith("\\b(?:") or (end := group_end(alternative, 2)) is None:
        return None
    words = top_level_alternatives(alternative[2:end])
    if words is None:
        return None
    by_first: dict[str, list[str]] = {}
    for word in words:
        rests = _rests(word, lexicon, expanded)
        if rests is None:
            return None
        for first, rest in rests.items():
            by_first.setdefault(first, []).append(rest)
    branches = [regex.escape(first, special_only=False, literal_spaces=False) + "(?:" + "|".join(rests) + ")"
                for first, rests in sorted(by_first.items())]
    return "\\b(?:" + "|".join(branches) + ")" + expanded(alternative[end:])


def _rests(word: str, lexicon: Lexicon, expanded: Callable[[str], str]) -> dict[str, str] | None:
    """The alternative's phrases by first character, each the pattern of their rests."""
    name = word[1:-1] if word.startswith("{") and word.endswith("}") else None
    if name in lexicon.written_phrases:
        return trie_rests(set(lexicon.written_phrases[name]))
    strings = finite_strings(expanded(word))
    if not strings or any(a != b and b.startswith(a) for a in strings for b in strings):
        return None
    return trie_rests(strings)
