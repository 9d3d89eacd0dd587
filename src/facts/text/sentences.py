"""Sentences: the unit a figure is read in. The words that end in a period without ending a sentence
("Dr. Aliyev", "the U.S. President") are the language's, in the lexicon table `abbreviation`."""

from __future__ import annotations

from bisect import bisect_right

from ..engine.lexicon import Lexicon
from ..engine.rules import cached_rules, fast_compile

# Sentence-ending punctuation before a space and a capital or a digit.
# A reference mark after it ("began in 2013.[4] Work", a wiki's citations) is still the sentence's.
_CANDIDATE = fast_compile(r"[.!?]+[\"'”’»)\]]*(?:\[\d{1,3}\])*(?=\s+[\"'“‘«(\[]*(?:\p{Lu}|\d))")
_PARAGRAPH = fast_compile(r"\n[^\S\n]*\n")
_CONTINUES = fast_compile(r"[\p{Ll}\d,;(–-]\Z")
_WORD_BEFORE = fast_compile(r"(?:(?<=\s)|\A)[\w.]+\Z")
_FIRST_WORD = fast_compile(r"[^ \t\r\n]*")
# Prose is wrapped at a width in this range: a longer line is a whole paragraph, and a block of short
# lines ("Published in Analysis\nThursday, 5 June") is not taken for text wrapped narrower.
_MIN_WRAP, _MAX_WRAP = 60, 100


def _hard_breaks(text: str) -> list[int]:
    """Offsets of the single line breaks that end a line on purpose (a title, a byline, a paragraph
    written as one line), not because the next word did not fit: a line next to one too long to be
    wrapped prose, or one the next line's first word would still have fitted on, at the widest line of
    its block (lines between blank lines). Reflowing a paragraph never makes such a break."""
    lines, at = [], 0
    for line in text.split("\n"):
        lines.append((at, at + len(line.rstrip())))
        at += len(line) + 1
    breaks, block = [], []
    for line in [*lines, (0, 0)]:
        if line[1] > line[0]:
            block.append(line)
            continue
        width = max([_MIN_WRAP, *(e - s for s, e in block if e - s <= _MAX_WRAP)])
        for (s, e), (s2, e2) in zip(block, block[1:]):
            word = _FIRST_WORD.match(text, s2).end() - s2
            if max(e - s, e2 - s2) > _MAX_WRAP or e - s + 1 + word <= width:
                breaks.append(s2)
        block = []
    return breaks


def _last_char(text: str, at: int) -> str:
    """`text[:at].rstrip()[-1:]` without copying the text before `at` (once per line break of a page)."""
    while at and text[at - 1].isspace():
        at -= 1
    return text[at - 1:at] if at else ""


def _last_chars(text: str, offsets: list[int]) -> list[str]:
    """`_last_char` at each of `offsets`, in ascending order: each walk back stops where the one before
    it started, so a page of blank lines is read once, not once per blank line (that was quadratic)."""
    out, before, char = [], 0, ""
    for at in offsets:
        if at < before:
            out.append(_last_char(text, at))
            continue
        i = at
        while i > before and text[i - 1].isspace():
            i -= 1
        if i > before:
            char = text[i - 1]
        before = at
        out.append(char)
    return out


def _plainly_no_abbreviation(text: str, at: int, longest: int) -> bool:
    """The period at `at` follows no abbreviation or initial, as seen without reading the word before it:
    none ends in a digit or a sign, or has more word characters and periods than the longest abbreviation
    (`isalnum` is `re`'s \\w but for `_`). Most sentence ends are known so."""
    before = text[at - 1:at]
    return not (before.isalpha() or before in "._") or (
        at > longest and text[at - longest - 1:at].replace(".", "a").isalnum())


def split_sentences(text: str, hard_breaks: list[int] | None = None,
                    lexicon: Lexicon | None = None) -> list[tuple[int, int]]:
    """Sentence spans, stripped of surrounding space; the abbreviations are `lexicon`'s (the shipped
    rules' by default).

    A period ends a sentence only before a space and a capital or digit, and not
    after an abbreviation or an initial (`U.S.`, `Dr.`, `e.g.`, `J. Smith`);
    `3.74` is never split. A paragraph break ends a sentence unless the text plainly
    runs on across it (a page that broke a sentence in two). A single line
    break is a space where lines are wrapped, so reflowing text changes no
    sentence; one that ends a line on purpose (`_hard_breaks`) ends a sentence
    unless the text plainly runs on (a lower-case word or a comma before it, a
    lower-case word after it).
    """
    # A blank line ends a sentence, unless a scraped page broke one sentence in two there
    # (a lower-case word or a comma before it, a lower-case word after it).
    paragraphs = list(_PARAGRAPH.finditer(text))
    cuts = [m.end() for m, before in zip(paragraphs, _last_chars(text, [m.start() for m in paragraphs]))
            if not (_CONTINUES.search(before) and text[m.end():m.end() + 1].islower())]
    breaks = _hard_breaks(text) if hard_breaks is None else hard_breaks
    for at, before in zip(breaks, _last_chars(text, breaks)):
        if not (_CONTINUES.search(before) and text[at:at + 1].islower()):
            cuts.append(at)
    abbreviations = (lexicon or cached_rules().lexicon).tables["abbreviation"]
    longest = max(map(len, abbreviations), default=0)
    for m in _CANDIDATE.finditer(text):
        if not ends_abbreviation(text, m.start(), abbreviations, longest):
            cuts.append(m.end())
    return spans_between(text, cuts)


def ends_abbreviation(text: str, at: int, abbreviations: dict, longest: int) -> bool:
    """The character at `at` is the period of an abbreviation or an initial (`U.S.`, `Dr.`, `J.`), which
    ends no sentence; `longest` is the longest abbreviation's length."""
    if text[at] != "." or _plainly_no_abbreviation(text, at, longest):
        return False
    word = _WORD_BEFORE.search(text[max(0, at - longest - 1):at])  # \A: the window's start
    token = word.group().casefold() if word else ""
    return token in abbreviations or (len(token) == 1 and token.isalpha())


def spans_between(text: str, cuts: list[int]) -> list[tuple[int, int]]:
    """The parts of a text between cuts, stripped of surrounding space; empty parts left out."""
    spans = []
    start = 0
    for cut in sorted(set(cuts)) + [len(text)]:
        s, e = start, cut
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
        start = max(start, cut)
    return spans




def joined_across(spans: list[tuple[int, int]], pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences joined where a piece of text that cannot be cut (a figure: "12\\n km") runs past the end
    of one: a claim lies inside its own sentence, always."""
    starts = [s for s, _ in spans]
    joined = set()  # i: sentence i + 1 is joined to sentence i
    for start, end in pieces:
        first, last = bisect_right(starts, start) - 1, bisect_right(starts, end - 1) - 1
        joined.update(range(max(first, 0), last))
    if not joined:
        return spans
    out: list[tuple[int, int]] = []
    for i, span in enumerate(spans):
        if i - 1 in joined and out:
            out[-1] = (out[-1][0], span[1])
        else:
            out.append(span)
    return out
