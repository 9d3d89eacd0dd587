"""Tense: whether a figure or a date is told as past or to come, read from the cue words of its sentence
(`tense_cue` and `past_suffix` in lexicon/time.yaml). The resolve step gives a year to a date written
without one by it."""
from __future__ import annotations

import regex

from ..engine.lexicon import Lexicon, fold
from .sentences import ends_abbreviation

_TOKEN = regex.compile(r"\w+(?:['’]t\b)?|['’]\w+")
_SENTENCE_BREAK = regex.compile(r"[.!?;](?=\s)|\n")
# How far around a mention its tense is looked for, and how many words a future cue reaches over
# (`will be signed`).
TENSE_REACH = 150
FUTURE_REACH = 3


def tense_at(text: str, start: int, end: int, lex: Lexicon) -> int:
    """The tense a mention is told in: -1 past, 1 future, 0 not said; from the cue words of its
    sentence nearest before it, else nearest after it (`tense_cue` and `past_suffix` in lexicon/time.yaml)."""
    abbreviations = lex.tables["abbreviation"]
    longest = max(map(len, abbreviations), default=0)

    def ends_sentence(b: regex.Match) -> bool:
        return not ends_abbreviation(text, b.start(), abbreviations, longest)

    lo = max(0, start - TENSE_REACH)
    breaks = [b.end() for b in _SENTENCE_BREAK.finditer(text, lo, start) if ends_sentence(b)]
    lo = breaks[-1] if breaks else lo
    hi = min(len(text), end + TENSE_REACH)
    hi = next((b.start() for b in _SENTENCE_BREAK.finditer(text, end, hi) if ends_sentence(b)), hi)
    tokens = [t for t in _TOKEN.finditer(text, lo, hi) if t.end() <= start or t.start() >= end]
    cues: list[tuple[int, int]] = []
    reach = 0
    for t in tokens:
        cue = _cue(t.group(), lex)
        if cue == 1:
            reach = FUTURE_REACH + 1
        elif cue == -1 and reach:
            cue = 1
        reach = max(0, reach - 1)
        if cue:
            # A cue before the mention first (`will visit Baku on 7 May, officials said`): the verb a
            # time is told with stands before it, but for a subject (`Thursday's meeting ended`).
            cues.append((t.end() > start, start - t.end() if t.end() <= start else t.start() - end, cue))
    return min(cues)[2] if cues else 0


_TENSES = {"past": -1, "future": 1}


def _cue(word: str, lex: Lexicon) -> int:
    key = word.casefold()
    found = lex.tables["tense_cue"].get(key) or lex.tables["tense_cue"].get(fold(key)) if not key.isalpha() \
        else lex.tables["tense_cue"].get(key)
    if found is None and len(key) > 4:
        found = next((tense for suffix, tense in lex.tables["past_suffix"].items() if key.endswith(suffix)), None)
    return _TENSES.get(found, 0)
