"""Names an article defines or plainly gives, beyond the lexicon.

Routes, pipelines, ports, banks, companies and projects are named in news faster than any lexicon
grows. Two kinds are read from the text itself, for that text only:

- a name with its acronym in brackets ("the China-Pakistan Economic Corridor (CPEC)", "Caspian
  Pipeline Consortium (CPC)"): both stand for one entity, named by the acronym;
- a name and what it is "also known as" ("the Trans-Caspian International Transport Route, also known as
  the Middle Corridor"): one entity, named as the lexicon names either, else by the first;
- a proper name ending in a telling head (`Corridor`, `Pipeline`, `Port`, `Bank`, `Company`, ...,
  lexicon `name_head`): an entity of its own, never split into the countries or seas in it.

Lexicon names inside such a name are dropped ("China" in "China-Pakistan Economic Corridor").
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

import regex

from ..engine.rules import Pattern
from .rulebook import Attribution, _Hit, _new_tuple

_PART = regex.compile(r"[\s\u00a0]+|[-–]")
_SPACES = regex.compile(r"[\s\u00a0]+")
# How far back from its bracket or head word a name is looked for.
_LONGEST_NAME = 160


def defined_names(text: str, att: Attribution) -> tuple[list[_Hit], dict[str, str]]:
    """Hits of the names the text defines, every place they stand, and each name's type."""
    aliases: dict[str, str] = {}
    types: dict[str, str] = {}
    spans: list[_Hit] = []
    for m in _ending_at(att.defined_acronym_reversed, text, _closing_brackets(text)):
        name = _initials_name(_SPACES.sub(" ", m.group("name")), m.group("acronym"), att.name_links)
        if name is None:
            continue
        acronym = m.group("acronym")
        if att.lookup("metric_cue", name) or att.lookup("metric_cue", acronym):
            continue  # "Gross Domestic Product (GDP)" names a measure, not an entity
        # A name the lexicon knows keeps its canonical name ("Chengdu Aircraft Corporation (CAC)").
        known = att.lookup("entity", name) or att.lookup("entity", acronym)
        if isinstance(known, list):
            continue
        aliases[name] = aliases[acronym] = known or acronym
        if not known:
            types.setdefault(acronym, _type_of(name, att))
    for k in att.also_known_as.finditer(text):
        # "the Trans-Caspian International Transport Route, also known as the Middle Corridor": one entity.
        end = k.start()
        while end and text[end - 1] in ", \t\n\u00a0":
            end -= 1
        before = next(_ending_at(att.proper_name_reversed, text, (end,)), None)
        after = att.proper_name.match(text, k.end())
        if before is None or after is None:
            continue
        first, second = (_without_article(_SPACES.sub(" ", n.group()), att) for n in (before, after))
        known = att.lookup("entity", first) or att.lookup("entity", second) or aliases.get(first) or aliases.get(second)
        if isinstance(known, list) or " " not in first + second:
            continue
        aliases[first] = aliases[second] = known or first
        if not known:
            types.setdefault(first, _type_of(first, att))
    for m in _ending_at(att.headed_name_reversed, text, (h.end() for h in att.name_head.finditer(text))):
        name = _SPACES.sub(" ", m.group("name"))
        name = _without_article(name, att)
        if name in aliases or " " not in name:
            continue
        known = att.lookup("entity", name) or _project_named(name, att)
        if isinstance(known, list) or _countries_in(name, att) > 1:
            continue  # "Kazakhstan And China Open New Railway" is a headline, not a name
        kind = _type_of(name, att)
        # A place ("Baku International Sea Port") stands for the one country its name puts it in.
        place = _country_in(name, att) if kind == "place" and known is None else None
        aliases[name] = known or place or name
        if not known:
            types.setdefault(aliases[name], "country" if place else kind)
    if not aliases:
        return [], {}
    # Every place a defined name stands, longest first where two start together.
    written = {_SPACES.sub(" ", a): v for a, v in aliases.items()}
    pattern = regex.compile(r"(?<![\w-])(?:" + "|".join(_SPACES.sub(r"\\s+", regex.escape(a, literal_spaces=True))
                                                          for a in sorted(written, key=len, reverse=True)) + r")(?![\w-])")
    for m in pattern.finditer(text):
        # A name is mostly written as it was defined, single-spaced: only another spacing needs collapsing.
        found = m.group()
        value = written[found] if found in written else written[_SPACES.sub(" ", found)]
        spans.append(_new_tuple(_Hit, (m.start(), m.end(), value)))
    return spans, types


def _closing_brackets(text: str) -> Iterator[int]:
    """The end of every short bracket ("(CPC)"): where a defined acronym can end."""
    at = text.find("(")
    while at >= 0:
        close = text.find(")", at, at + 12)
        if close > 0:
            yield close + 1
        at = text.find("(", at + 1)


def _ending_at(reversed_pattern: Pattern, text: str, ends: Iterable[int]) -> Iterator[regex.Match]:
    """The longest match of a pattern ending at each offset, searched backwards from it: a name is looked
    for only where its bracket or head word stands, not tried at every capital of the text."""
    for end in ends:
        m = reversed_pattern.search(text, max(0, end - _LONGEST_NAME), end)
        if m is not None and m.end() == end:
            yield m


def merge_names(lexicon_hits: list[_Hit], defined: list[_Hit]) -> list[_Hit]:
    """The lexicon's hits with the defined names put in: a defined name inside a longer lexicon name
    ("National Bank" in "National Bank of Kazakhstan") yields to it; any other lexicon hit that overlaps a
    defined name goes. Both lists are sorted and their spans do not overlap (a phrase with several values
    gives hits of one span), so one walk over both settles each hit."""
    if not defined:
        return lexicon_hits
    standing, i = [], 0
    for d in defined:
        # Only the last lexicon hit starting at or before a defined name can hold it: those before end earlier.
        while i < len(lexicon_hits) and lexicon_hits[i].start <= d.start:
            i += 1
        h = lexicon_hits[i - 1] if i else None
        if h is None or not (d.end <= h.end and h.end - h.start > d.end - d.start):
            standing.append(d)
    kept, j = [], 0
    for h in lexicon_hits:
        # A defined name ending before a hit starts ends before every later hit starts; where the first of
        # the rest starts after the hit ends, so do the others.
        while j < len(standing) and standing[j].end <= h.start:
            j += 1
        if j == len(standing) or standing[j].start >= h.end:
            kept.append(h)
    return sorted(kept + standing)


def _without_article(name: str, att: Attribution) -> str:
    """A name without the article it opens with ("The Middle Corridor"): as the text names it again."""
    first, _, rest = name.partition(" ")
    return rest if rest and first.casefold() in att.name_articles else name


def _initials_name(name: str, acronym: str, links: frozenset[str]) -> str | None:
    """The end of `name` whose initials spell the acronym ("The Caspian Pipeline Consortium" for CPC;
    "Turkmenistan-Afghanistan-Pakistan-India" for TAPI), its `links` left out, or None where none does."""
    parts = [p for p in _PART.split(name) if p]
    letters = [c for c in acronym if c.isalpha()]
    for start in range(len(parts)):
        initials = [p[0] for p in parts[start:] if p.casefold() not in links]
        if [c.casefold() for c in initials] == [c.casefold() for c in letters]:
            first = name.index(parts[start]) if start else 0
            return name[first:]
    return None


def _project_named(name: str, att: Attribution) -> str | None:
    """The project a name opens with ("TAPI Pipeline Company" is TAPI's): its figures are the project's."""
    hits = att.entity.hits("\n" + name)
    if hits and hits[0].start == 0 and att.lookup("entity_type", hits[0].value) == "project":
        return hits[0].value
    return None


def _countries(name: str, att: Attribution) -> set[str]:
    return {v for h in att.entity.hits("\n" + name) for v in [h.value]
            if att.lookup("entity_type", v, "country") == "country"}


def _countries_in(name: str, att: Attribution) -> int:
    return len(_countries(name, att))


def _country_in(name: str, att: Attribution) -> str | None:
    """The one country the lexicon names inside a name, else None."""
    found = _countries(name, att)
    return found.pop() if len(found) == 1 else None


def _type_of(name: str, att: Attribution) -> str:
    last = _PART.split(name)[-1]
    return att.lookup("name_head", last, "organization")
