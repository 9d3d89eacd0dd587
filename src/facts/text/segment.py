"""Split a scraped page into articles, and tell article text from page furniture.

A page holds several articles, each with a head (title, byline, dateline), a body
with section heads, and around it furniture: captions, image file names,
newsletter boxes, bios, category lines. The line cues are data in
`rules/en/layout/layout.yaml`; the heuristics here only use what the cues found and
the shape of lines (short, no final period, what comes next), never the words of
particular pages. Offsets index the text exactly as given; nothing sliced here
is normalised.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import regex
from pydantic import BaseModel, ConfigDict, Field

from ..engine.lexicon import single_spaced
from ..engine.rules import Pattern, cached_rules
from .layout import Cue, Layout, cached_layout

__all__ = [
    "Article", "Block", "Role", "group_copies", "is_claimable", "normalize_text", "same_article", "segment",
]

Role = Literal["title", "byline", "dateline", "heading", "body", "caption", "furniture", "bio", "quote"]
NOT_CLAIMABLE: frozenset[str] = frozenset({"furniture", "caption", "bio"})

# A title or heading is a short line; a line this long is prose.
_MAX_TITLE_WORDS = 20
_MAX_TITLE_CHARS = 180
# A pull quote is a sentence or two, repeated from the body.
_MAX_QUOTE_WORDS = 60
_MIN_QUOTE_CHARS = 30
# An article with no head starts at the top of a page with a paragraph at least this long, or with a
# whole sentence at least this long (wire leads are one sentence).
_MIN_LEAD_WORDS = 25
_MIN_LEAD_SENTENCE_WORDS = 10
# Copies share at least this share of the smaller article's sentences.
_MIN_OVERLAP = 0.6
_MIN_SHARED_SENTENCES = 3
_SENTENCE_HASH_BYTES = 8


# ---- models ------------------------------------------------------------------------


class Block(BaseModel):
    """One line of the page inside an article, with what it is; `text[start:end]` is the line without its margins."""

    model_config = ConfigDict(frozen=True)

    start: int
    end: int
    role: Role


class Article(BaseModel):
    """One article on a page: its span, head fields, blocks and sections.

    `fingerprint` hashes the normalised body (body and heading blocks; captions,
    furniture, bios, quotes and the head left out), so copies that differ in
    spacing, NBSP, dashes or quote marks share it; it is "" for an article
    without body text. `same_article` also matches
    copies that differ by a paragraph, through the sentence hashes in `shingles`.
    """

    start: int
    end: int
    title: str | None = None
    author: str | None = None
    date: str | None = None
    fingerprint: str
    blocks: list[Block] = []
    sections: list[tuple[int, int, str]] = []
    shingles: frozenset[str] = Field(default=frozenset(), repr=False, exclude=True)

    def role_at(self, offset: int) -> Role | None:
        """The role of the block holding `offset`, or None between blocks and outside the article."""
        for block in self.blocks:
            if block.start <= offset < block.end:
                return block.role
        return None

    def section_at(self, offset: int) -> str | None:
        for start, end, name in self.sections:
            if start <= offset < end:
                return name
        return None


# ---- lines ----------------------------------------------------------------------------

# What `str.strip()` removes, plus the zero-width space and BOM scrapers leave at line ends.
_MARGIN = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "\u200b\ufeff"
_TERMINAL = ".,;:"
_CLOSERS = "\"'\u2019\u201d)]\u00bb*"

@dataclass
class _Line:
    start: int
    end: int
    text: str
    what: str = "text"          # a cue's `what`, or "text"
    cue: Cue | None = None
    match: re.Match | regex.Match | None = None
    role: str | None = None

    def words(self, up_to: int) -> int:
        """The number of words, counted no further than `up_to` + 1: every prose line is asked whether it
        has more or fewer words than a limit, and a paragraph need not be split whole to learn it."""
        return len(self.text.split(None, up_to))

    @cached_property
    def normal(self) -> str:
        """`_normal_case` of the text, once per line: the pull-quote search and the fingerprint both read it."""
        return _normal_case(self.text)

    @property
    def shortish(self) -> bool:
        """Short, not ending like a sentence part, starting like a title: a title, heading or caption."""
        # The length first: a paragraph is not split into words to learn it is no title.
        text = self.text.rstrip(_CLOSERS)
        return (self.what == "text" and len(self.text) <= _MAX_TITLE_CHARS and self.words(_MAX_TITLE_WORDS) <= _MAX_TITLE_WORDS
                and bool(text) and text[-1] not in _TERMINAL and _starts_upper(self.text))

    @property
    def ends_sentence(self) -> bool:
        text = self.text.rstrip(_CLOSERS)
        return bool(text) and text[-1] in ".!?:"


def _starts_upper(text: str) -> bool:
    for ch in text:
        if ch.isalpha():
            return ch.isupper()
        if ch.isdigit():
            return True
    return False


def _starts_lower(text: str) -> bool:
    for ch in text:
        if ch.isalpha():
            return ch.islower()
        if not unicodedata.category(ch).startswith("P"):
            return False
    return False


def _lines(text: str, layout: Layout) -> list[_Line]:
    """Every line with text, without its margins, classified by the first cue that matches it."""
    lines = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip(_MARGIN)
        if stripped:
            start = pos + raw.index(stripped)
            line = _Line(start, start + len(stripped), stripped)
            found = layout.classify(stripped)
            if found is not None:
                line.cue, line.match = found
                line.what = line.cue.what
            lines.append(line)
        pos += len(raw)
    return lines


# ---- normalising and fingerprints ---------------------------------------------------

_FOLD = {
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032`\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
}
# The end mark is matched and dropped by \K, not looked behind for: a lookbehind is tried at every
# character, the mark only where one stands.
_SENTENCE_END = regex.compile(r"[.!?][\"')\]]?\K\s+(?=[\"'(\[]?[\p{Lu}\d])")


def _fold(text: str) -> str:
    """One kind of dash and quote. Replaced one by one, not by `str.translate`, which looks every
    character of a non-ASCII text up in its table where only a few of them fold."""
    for old, new in _FOLD.items():
        if old in text:
            text = text.replace(old, new)
    return text


def _normal_case(text: str) -> str:
    """`normalize_text` before casefolding, which adds and removes no space.

    The NFKC of lines joined by a space is their NFKC joined by it, and a piece cut
    at a space is normal already: lines normalised one by one are joined, and
    sentences cut from them, without normalising anything twice. A line is never
    empty here: its margins are stripped and no character normalises to spaces only.
    """
    return single_spaced(_fold(unicodedata.normalize("NFKC", text)))


def normalize_text(text: str) -> str:
    """Text as compared across copies: NFKC, casefolded, one kind of dash, quote and space."""
    return _normal_case(text).casefold()


def _sentences(normal: str) -> list[str]:
    """The normalised sentences of a `_normal_case` text; split before casefolding, since a sentence
    starts with a capital."""
    return [n for s in _SENTENCE_END.split(normal) if len(n := s.casefold()) >= 3]


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=_SENTENCE_HASH_BYTES).hexdigest()


def same_article(a: Article, b: Article) -> bool:
    """True when two articles are copies: most sentences of the smaller one are in the other.

    An added or dropped caption or paragraph, or different spacing, does not stop
    a match; different articles by the same author share no sentences.
    """
    if a.fingerprint and a.fingerprint == b.fingerprint:
        return True
    return shares_enough(len(a.shingles & b.shingles), min(len(a.shingles), len(b.shingles)))


def shares_enough(shared: int, small: int) -> bool:
    """Whether `shared` sentences make copies of two articles, the smaller of which has `small`."""
    return small > 0 and shared >= min(_MIN_SHARED_SENTENCES, small) and shared / small >= _MIN_OVERLAP


def group_copies(articles: list[tuple[str, Article]]) -> list[list[tuple[str, Article]]]:
    """Group (doc, article) pairs that are the same article; every pair is in one group, in input order."""
    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(articles)):
        for j in range(i + 1, len(articles)):
            if root(i) != root(j) and same_article(articles[i][1], articles[j][1]):
                parent[max(root(i), root(j))] = min(root(i), root(j))
    groups: dict[int, list[tuple[str, Article]]] = {}
    for i, pair in enumerate(articles):
        groups.setdefault(root(i), []).append(pair)
    return list(groups.values())


def is_claimable(article: Article, offset: int) -> bool:
    """False for offsets outside the article, between its blocks, or in furniture, captions and bios."""
    role = article.role_at(offset)
    return role is not None and role not in NOT_CLAIMABLE


# ---- segmentation ----------------------------------------------------------------------

_HEAD = frozenset({"byline", "dateline", "name_line", "editor_note"})
_ANCHORS = frozenset({"byline", "dateline", "editor_note"})


def _clean(text: str) -> str:
    return " ".join(text.replace("*", " ").split()).strip(" ,")


def _iso(match: re.Match | regex.Match) -> str | None:
    try:
        day, year = int(match.group("day")), int(match.group("year"))
        month_text = match.group("month").rstrip(".")
        month = int(month_text) if month_text.isdigit() else cached_rules().lexicon.lookup("month", month_text)
    except (KeyError, ValueError, IndexError):
        return None
    if month is None or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _head_at(lines: list[_Line], i: int, taken: set[int]) -> tuple[int, int] | None:
    """The head (first and last line) of an article that has a head line at `i`, if it is one."""
    line = lines[i]

    def is_head(k: int) -> bool:
        return 0 <= k < len(lines) and k not in taken and lines[k].what in _HEAD

    def is_title_before_head(k: int) -> bool:
        return 0 <= k < len(lines) and k not in taken and lines[k].shortish and is_head(k + 1)

    anchored = line.what in _ANCHORS or (line.what == "name_line" and is_title_before_head(i - 1))
    if not anchored and not (line.shortish and i + 1 < len(lines) and lines[i + 1].what == "name_line"):
        return None
    first = i
    # Back: a name line before a dateline, and a title before either.
    if first - 1 >= 0 and lines[first].what in _ANCHORS and is_head(first - 1) and lines[first - 1].what == "name_line":
        first -= 1
    if is_title_before_head(first - 1):
        first -= 1
    last = i
    # Forward, until a second title or author line, which starts the next article.
    seen = {_head_kind(lines[k]) for k in range(first, last + 1)}
    while is_head(last + 1) or is_title_before_head(last + 1):
        kind = _head_kind(lines[last + 1])
        if kind in seen and kind != "dateline":
            break
        seen.add(kind)
        last += 1
    return first, last


def _head_kind(line: _Line) -> str:
    return {"text": "title", "name_line": "byline", "editor_note": "byline"}.get(line.what, line.what)


def _head_roles(lines: list[_Line], first: int, last: int) -> None:
    # With a "By" line the head names its author; a line of capitalised words before it is the title.
    by = next((k for k in range(first, last + 1) if lines[k].what == "byline"), None)
    for k in range(first, last + 1):
        what = lines[k].what
        if what == "text" or (what == "name_line" and by is not None and k < by):
            lines[k].role = "title"
        elif what in ("byline", "name_line"):
            lines[k].role = "byline"
        elif what == "dateline":
            lines[k].role = "dateline"
        else:
            lines[k].role = "bio"


def _split(lines: list[_Line], separator: Pattern | None) -> list[list[_Line]]:
    """The lines of each article, in page order; lines outside every article are left out."""
    articles: list[list[_Line]] = []
    current: list[_Line] | None = None
    closed_any = False
    taken: set[int] = set()
    i = 0
    while i < len(lines):
        line = lines[i]
        head = _head_at(lines, i, taken)
        if head is not None:
            first, last = head
            if current is not None and first < i:
                # The title and names before the anchor were read as the open article's last lines.
                drop = {id(lines[k]) for k in range(first, i)}
                current[:] = [ln for ln in current if id(ln) not in drop]
            current = [lines[k] for k in range(first, last + 1)]
            _head_roles(lines, first, last)
            taken.update(range(first, last + 1))
            articles.append(current)
            i = last + 1
            continue
        ends = line.cue.ends if line.cue is not None else None
        if ends == "before":
            current, closed_any = None, closed_any or current is not None
        elif current is None and not closed_any and (line.what == "section" or _opens_lead(lines, i)):
            # An article without a head at the top of the page; a short line right before it is its title.
            current = [line]
            if articles == [] and i > 0 and lines[i - 1].shortish:
                lines[i - 1].role = "title"
                current.insert(0, lines[i - 1])
            articles.append(current)
        elif current is not None:
            current.append(line)
            if ends == "after":
                authors = _authors_of(current, separator)
                while i + 1 < len(lines) and (lines[i + 1].what == "bio" or (
                        lines[i + 1].what == "bio_sentence" and _is_author(lines[i + 1], authors))):
                    i += 1
                    current.append(lines[i])
                current, closed_any = None, True
        i += 1
    return articles


def _opens_lead(lines: list[_Line], i: int) -> bool:
    """A prose paragraph starts at line `i`: long enough, or a whole sentence. A paragraph hard-wrapped
    into short lines is counted over its lines, as far as the first that ends a sentence or a title."""
    line = lines[i]
    if line.what != "text":
        return False
    if line.ends_sentence and not line.shortish and line.words(_MIN_LEAD_SENTENCE_WORDS) >= _MIN_LEAD_SENTENCE_WORDS:
        return True
    words = 0
    for k in range(i, len(lines)):
        ln = lines[k]
        if ln.what not in ("text", "bio_sentence"):
            return False
        words += ln.words(_MIN_LEAD_WORDS)
        if words >= _MIN_LEAD_WORDS:
            return True
        # A title runs on only into a lower-case line: then it was a first line, broken.
        if ln.ends_sentence or (ln.shortish and not (k + 1 < len(lines) and _starts_lower(lines[k + 1].text))):
            return False
    return False


def _authors_of(lines: list[_Line], separator: Pattern | None) -> list[str]:
    """The authors the bylines and editor's notes name, each split at the layout's `author_separator`."""
    names = []
    for line in lines:
        if line.role == "byline" or line.what == "editor_note":
            author = _author(line)
            if author:
                names.extend(n.strip() for n in (separator.split(author) if separator else [author]) if n.strip())
    return names


def _author(line: _Line) -> str | None:
    if line.what == "name_line":
        return _clean(line.text)
    if line.match is not None and "author" in line.match.re.groupindex and line.match.group("author"):
        return _clean(line.match.group("author"))
    return None


def _is_author(line: _Line, authors: list[str]) -> bool:
    if line.match is None or not line.match.group("author"):
        return False
    name = normalize_text(_clean(line.match.group("author")))
    surnames = {normalize_text(a).split()[-1] for a in authors if a.split()}
    return bool(name.split()) and name.split()[-1] in surnames


def _mark_quotes(body: list[_Line]) -> None:
    """A short paragraph whose text is found in the rest of the body is a pull quote.

    Lines that interrupt a sentence are tried first, then the later of two copies,
    so of two identical paragraphs the one standing in the flow stays body.
    """
    def interrupts(k: int) -> bool:
        return 0 < k < len(body) - 1 and not body[k - 1].ends_sentence and _starts_lower(body[k + 1].text)

    norms = [ln.normal.casefold() for ln in body]
    candidates = [k for k, ln in enumerate(body) if ln.words(_MAX_QUOTE_WORDS) <= _MAX_QUOTE_WORDS]
    candidates.sort(key=lambda k: (not interrupts(k), -k))
    quoted: set[int] = set()
    joined, spans = _join(norms, quoted)
    for k in candidates:
        needle = norms[k].rstrip(".!?\"' ")
        if len(needle) < _MIN_QUOTE_CHARS:
            continue
        own_start, own_end = spans[k]
        at = joined.find(needle)
        # Found anywhere but in the line itself (a sentence may run across a page break).
        while at != -1 and own_start < at + len(needle) and at < own_end:
            at = joined.find(needle, at + 1)
        if at != -1:
            quoted.add(k)
            body[k].role = "quote"
            joined, spans = _join(norms, quoted)


def _join(norms: list[str], left_out: set[int]) -> tuple[str, list[tuple[int, int]]]:
    """The lines joined by spaces without those left out, and where each line stands in it ((0, 0) if left out)."""
    parts, spans, pos = [], [], 0
    for k, norm in enumerate(norms):
        if k in left_out:
            spans.append((0, 0))
            continue
        parts.append(norm)
        spans.append((pos, pos + len(norm)))
        pos += len(norm) + 1
    return " ".join(parts), spans


def _assign_roles(lines: list[_Line], separator: Pattern | None) -> None:
    authors = _authors_of(lines, separator)
    has_inline_sections = any(ln.what == "section" for ln in lines)
    for ln in lines:
        if ln.role is not None:
            continue
        if ln.what in ("furniture", "caption", "bio"):
            ln.role = ln.what
        elif ln.what == "bio_sentence" and _is_author(ln, authors):
            ln.role = "bio"
        elif ln.what == "editor_note":
            ln.role = "bio"
    prose = [ln for ln in lines if ln.role is None]
    _mark_quotes(prose)
    where = {id(ln): n for n, ln in enumerate(lines)}
    flow = [ln for ln in lines if ln.role is None]
    for k, ln in enumerate(flow):
        if not ln.shortish:
            ln.role = "body"
            continue
        here = where[id(ln)]
        before = lines[here - 1] if here > 0 else None
        after = lines[here + 1] if here + 1 < len(lines) else None
        nxt = flow[k + 1] if k + 1 < len(flow) else None
        if (after is not None and after.what == "caption") or (before is not None and before.role == "furniture"):
            ln.role = "caption"            # alt text right before a credit line or right after an image file
        elif nxt is not None and _starts_lower(nxt.text):
            ln.role = "body"               # a paragraph broken by a page or a pull quote
        elif has_inline_sections:
            ln.role = "caption"            # sections are inline heads here, so a short line is an image label
        elif nxt is None:
            ln.role = "body"
        else:
            ln.role = "heading"


def _sections(lines: list[_Line]) -> list[tuple[int, int, str]]:
    heads: list[tuple[int, str]] = []
    for k, ln in enumerate(lines):
        if ln.role == "body" and ln.what == "section":
            heads.append((k, " ".join(ln.match.group("name").split())))
        elif ln.role == "heading":
            heads.append((k, " ".join(ln.text.split())))
    sections = []
    for n, (k, name) in enumerate(heads):
        stop = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        inside = [ln for ln in lines[k:stop] if ln.role in ("body", "heading", "quote")]
        sections.append((lines[k].start, inside[-1].end, name))
    return sections


def _build(lines: list[_Line], separator: Pattern | None) -> Article:
    _assign_roles(lines, separator)
    blocks = [Block(start=ln.start, end=ln.end, role=ln.role) for ln in lines]  # type: ignore[arg-type]
    title = next((" ".join(ln.text.split()) for ln in lines if ln.role == "title"), None)
    author = next((a for ln in lines if ln.role == "byline" or ln.what == "editor_note"
                   for a in [_author(ln)] if a), None)
    date = next((d for ln in lines if ln.role == "dateline" for d in [_iso(ln.match)] if d), None)
    sentences = _sentences(" ".join(ln.normal for ln in lines if ln.role in ("body", "heading")))
    return Article(
        start=lines[0].start, end=lines[-1].end, title=title, author=author, date=date,
        fingerprint=_digest(" ".join(sentences)) if sentences else "", blocks=blocks, sections=_sections(lines),
        shingles=frozenset(_digest(s) for s in sentences),
    )


def segment(text: str, layout: Layout | None = None) -> list[Article]:
    """Split a page into articles, in page order; furniture outside every article is in none."""
    layout = layout if layout is not None else cached_layout()
    separator = layout.author_separator
    return [_build(group, separator) for group in _split(_lines(text, layout), separator) if group]
