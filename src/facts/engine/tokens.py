"""The number pass: every number of a text found once, as a token, before the amount rules run.

`tokens:` in `patterns.yaml` says what a number is (`number`: the `{figure}` sub-pattern, digits, words,
fractions, powers) and names classes of numbers (`digits`, `year`, ...). The pass tries the number
pattern at the positions where a mention can start (anchors and leads, `matching.starts`), left to
right, a token never inside another, and gives each token its span and classes.

The kinds whose rule file says `on_tokens: true` (money, percent, quantity, count, multiplier), and the
rules of other kinds that say it themselves (`date.signal_year`), run over a MASKED copy of the text:
each token is replaced by a run of characters of the same length (offsets unchanged) that no text
holds, its first character telling its classes, so a rule writes `{num}` (any number) or `{num_CLASS}`
(one of a class) where it wrote the number sub-patterns; the group around it spans the token in the
text, and normalisation reads the token's text there.

A pattern written over the text could also start inside a number (`eighteen` in `two thousand and
eighteen`) or backtrack into a shorter one (`three` in `three twenty-firsts`, before the noun it counts);
`NumberPass.views` gives masked texts for those readings too, each with the positions to try in it, and
the engine keeps per kind and position the first rule that matches in any of them: what the rules
written over the text found, to the byte, on the seeds, the dev set and the peer suites.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

# How many times the pass looks again at the positions inside the numbers it found.
MAX_LAYERS = 4
# Markers. A masked token's first character is a marker + the bits of its first START_CLASSES classes: a letter
# (Yi syllables, WORD_MARK) where the number starts with a word character (a digit, a letter, `½`), else a
# private-use character (NON_WORD_MARK: a sign, a point), so `\\w`, `\\b` and `(?!\\w)` read it as they read
# the number. A token of two characters or more ends in END_MARK + the bits of the classes after them (a
# year, a decimal: never one character long); FILL (a letter too) stands between. A start class costs a
# marker per class bit in two ranges, an end class one; a class bit more doubles a range.
START_CLASSES = 4
END_CLASSES = 5
MAX_CLASSES = START_CLASSES + END_CLASSES
WORD_MARK = 0xA000
NON_WORD_MARK = 0xE000
END_MARK = WORD_MARK + (1 << START_CLASSES)
FILL = chr(END_MARK + (1 << END_CLASSES))
# The characters a masked token can start with.
FIRST_MARKS = frozenset(chr(base + bits) for base in (WORD_MARK, NON_WORD_MARK) for bits in range(1 << START_CLASSES))
# Characters of the text's own that could pass for a token's, and the letter or private-use character that
# stands for them in the masked text (no rule reads either).
OWN_MARKS = {WORD_MARK: (ord(FILL), "\ua48c"), NON_WORD_MARK: (NON_WORD_MARK + (1 << START_CLASSES) - 1, "\uf8ff")}


def _u(code: int) -> str:
    return f"\\u{code:04X}"


def _set(bases: tuple[int, ...], width: int, bit: int | None) -> str:
    """The characters base + mask (mask < 2**width) with `bit` set (all of them for None), as a set of
    runs: a class on a higher bit is a shorter set."""
    codes = [b + mask for b in bases for mask in range(1 << width) if bit is None or mask >> bit & 1]
    runs: list[list[int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "[" + "".join(_u(lo) if lo == hi else f"{_u(lo)}{_u(hi)}" if hi == lo + 1 else f"{_u(lo)}-{_u(hi)}"
                         for lo, hi in runs) + "]"


def token_subpatterns(class_names: list[str]) -> dict[str, str]:
    """`{num}` and one `{num_CLASS}` per class: a whole masked token, possessive (never a part of one)."""
    starts = (WORD_MARK, NON_WORD_MARK)
    first, last, fill = _set(starts, START_CLASSES, None), _set((END_MARK,), END_CLASSES, None), _u(ord(FILL))
    found = {"num": f"{first}(?:{fill}*+{last})?+"}
    for i, name in enumerate(class_names):
        if i < START_CLASSES:
            found[f"num_{name}"] = f"{_set(starts, START_CLASSES, i)}(?:{fill}*+{last})?+"
        else:
            found[f"num_{name}"] = f"{first}{fill}*+{_set((END_MARK,), END_CLASSES, i - START_CLASSES)}"
    return found


@dataclass(frozen=True, slots=True)
class Token:
    """One number as written: where, its text (`7,200`, `twenty-one`, `10 1/2`) and its classes."""

    start: int
    end: int
    text: str
    classes: frozenset[str]

    def value(self, parse: Callable[[str], Decimal | None]) -> Decimal | None:
        """The token's value, read by `parse` (`values.numbers.parse_number` with a lexicon)."""
        return parse(self.text)


# How a class's pattern is tried (`TokenClass.how`).
COVERS, AT_START, IN_TEXT = "covers", "at_start", "in_text"


@dataclass(frozen=True)
class TokenClass:
    """A class of numbers: a pattern that covers the whole token (COVERS); or, written as a look-ahead,
    one that matches at the token's start in the text, so it may look past the token's end (AT_START);
    or, written under `in_text:`, one that matches in the text from the token's start to its end, reading
    the text on both sides (IN_TEXT): what a rule wrote over the text (`{year}`) read as a token."""

    name: str
    bit: int
    match: Callable
    how: str

    def holds(self, text: str, start: int, end: int) -> bool:
        if self.how == COVERS:
            return self.match(text, start, end) is not None
        m = self.match(text, start)
        return m is not None and (self.how == AT_START or m.end() == end)


@dataclass(eq=False)
class NumberPass:
    """The compiled number pattern and classes of a rules folder."""

    number: Callable  # a compiled pattern's `match`
    whole: Callable  # and its `fullmatch`
    classes: list[TokenClass]

    def tokens(self, text: str, positions: list[int]) -> list[Token]:
        """The numbers starting at `positions` (sorted), left to right, none inside another."""
        found: list[Token] = []
        match = self.number
        reached = 0
        for position in positions:
            if position < reached:
                continue
            m = match(text, position)
            if m is None or m.end() == position:
                continue
            end = m.end()
            found.append(Token(position, end, text[position:end], self._classes(text, position, end)))
            reached = end
        return found

    def views(self, text: str, positions: list[int]) -> list[tuple[str, list[int]]]:
        """(masked text, positions to try in it): first the text with the numbers at `positions` masked,
        all positions tried; then, as long as some positions fall inside a number, the text with the
        numbers starting at those positions masked in place of the ones they fall in, those positions
        tried: what a rule tried there would have read. Each of these with its numbers cut shorter
        follows it (`prefix_views`)."""
        tokens = self.tokens(text, positions)
        found = [(self.mask(text, tokens), positions)] + self.prefix_views(text, tokens, tokens)
        for _ in range(MAX_LAYERS):
            starts, ends = [t.start for t in tokens], [t.end for t in tokens]
            inner = [p for p in positions if (i := bisect_right(starts, p) - 1) >= 0 and starts[i] < p < ends[i]]
            if not inner:
                break
            deeper = self.tokens(text, inner)
            if not deeper:
                break
            tokens = sorted(deeper + [t for t in tokens
                                      if not any(d.start < t.end and t.start < d.end for d in deeper)],
                            key=lambda t: t.start)
            found.append((self.mask(text, tokens), inner))
            found.extend(self.prefix_views(text, tokens, deeper))
            tokens = deeper
        return found

    def prefix_views(self, text: str, tokens: list[Token], cut_these: list[Token]) -> list[tuple[str, list[int]]]:
        """Where a number of several words starts with a shorter one (`three` in `three twenty-firsts`), a
        rule may read that one, as a pattern backtracking into its number would: the k-th view has each of
        `cut_these` cut to its k-th longest beginning before a space, tried at its start; the other
        `tokens` stay as they are."""
        cuts: dict[int, list[Token]] = {}
        for t in cut_these:
            if " " not in t.text and "\u00a0" not in t.text:
                continue
            shorter = [q for q in range(t.end - 1, t.start, -1)
                       if text[q] in " \u00a0" and text[q - 1] not in " \u00a0" and self.whole(text, t.start, q)]
            if shorter:
                cuts[t.start] = [Token(t.start, q, text[t.start:q], self._classes(text, t.start, q)) for q in shorter]
        found = []
        for k in range(max((len(c) for c in cuts.values()), default=0)):
            cut = {start: c[k] for start, c in cuts.items() if len(c) > k}
            found.append((self.mask(text, [cut.get(t.start, t) for t in tokens]), sorted(cut)))
        return found

    def _classes(self, text: str, start: int, end: int) -> frozenset[str]:
        long = end - start > 1
        return frozenset(c.name for c in self.classes
                         if (long or c.bit < START_CLASSES) and c.holds(text, start, end))

    def mask(self, text: str, tokens: list[Token]) -> str:
        """The text with each token replaced by its marker and FILL: same length, same offsets."""
        if not tokens:
            return text
        bit = {c.name: 1 << c.bit for c in self.classes}
        parts, at = [], 0
        for t in tokens:
            bits = sum(bit[name] for name in t.classes)
            parts.append(text[at:t.start])
            first = WORD_MARK if t.text[0].isalnum() or t.text[0] == "_" else NON_WORD_MARK
            parts.append(chr(first + (bits & (1 << START_CLASSES) - 1)))
            if t.end - t.start > 1:
                parts.append(FILL * (t.end - t.start - 2) + chr(END_MARK + (bits >> START_CLASSES)))
            at = t.end
        parts.append(text[at:])
        return "".join(parts)
