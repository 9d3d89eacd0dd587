"""Reading around a figure: its cues, the structures they stand in, and the entities a part of a sentence names or points back to."""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

import regex

from ..models import Mention
from .rulebook import _POINTING, _Hit
from .text import _Sentence, _Text


class _Context(NamedTuple):
    sentence: _Sentence
    index: int
    clause: tuple[int, int]
    segment: tuple[int, int]


def _by_distance(hits: list[_Hit], m: Mention) -> list[_Hit]:
    """Cues nearest the figure first; a cue after it counts a little farther ("in 2024 resulted in agreements")."""
    def distance(h: _Hit) -> tuple[int, int]:
        return (h.start - m.end + (15 if h.start - m.end > 2 else 0), 0) if h.start >= m.end else (m.start - h.end, 1)
    return sorted((h for h in hits if not (h.start < m.end and m.start < h.end)), key=distance)


def _cues(t: _Text, hits: list[_Hit], m: Mention, ctx: _Context) -> list[_Hit]:
    """The cues of the figure's clause, nearest first, else those of its part of the sentence (unless that is
    the clause: it has none either)."""
    for start, end in (ctx.clause, ctx.segment) if ctx.segment != ctx.clause else (ctx.clause,):
        found = _by_distance(t.within(hits, start, end), m)
        if found:
            return found
    return []


def _structure(t: _Text, cues: list[_Hit], ctx: _Context) -> tuple[list[str], list[str]] | None:
    """Actor and counterpart from the first structure that fits around a cue, nearest cue first."""
    matches = t.structures_in(ctx.segment, max(c.end for c in cues)) if cues else []
    for cue in cues:
        for m in matches:
            if m.start("cue") < cue.end and cue.start < m.end("cue"):
                a = t.names(*m.span("a")) if m.group("a") else []
                b = t.names(*m.span("b")) if "b" in m.groupdict() and m.group("b") else []
                return a, [n for n in b if n not in a]
    return None


def _recent(t: _Text, before: int, exclude: set[str], kinds: frozenset[str], count: int) -> list[str]:
    """The last `count` distinct entities of the given kinds named before an offset."""
    out: list[str] = []
    for h in reversed(t.within(t.entities, max(0, before - 2000), before)):
        if h.value not in exclude and h.value not in out and t.kind_of(h.value) in kinds:
            out.append(h.value)
            if len(out) == count:
                break
    return out


def _antecedent(t: _Text, ctx: _Context, start: int, end: int, exclude: list[str]) -> list[str]:
    """What "it" or "their" before `end` stands for: what the sentence named before, else the first
    entity of the sentence before ("Kazakhstan and Uzbekistan, with their combined population"); none
    that is in `exclude` (a party already found needs no second one from further back)."""
    m = t.att.anaphor["pronoun"].search(t.text, start, end)
    if m is None:
        return []
    plural = m.group().casefold() in t.att.plural_pronouns
    earlier = t.names(ctx.sentence.start, start)
    if earlier:
        found = earlier if plural else earlier[-1:]
    else:
        found = t.names(*t.spans[ctx.index - 1])[:1] if ctx.index else []
    return [n for n in found if n not in exclude]


def _home(t: _Text, ctx: _Context, exclude: set[str]) -> str | None:
    """The entity the passage is about: the one named most in it, nearest first on a tie. A list of three
    or more names ("markets include Afghanistan, China, Iran and Italy") counts as one naming shared among
    them: what an article lists again and again is not what it is about."""
    s = ctx.sentence
    hits = t.within(t.entities, max(0, s.start - 4000), s.end)
    counts: Counter = Counter()
    sizes = t.list_sizes
    for h in hits:
        if h.value not in exclude:
            size = sizes[h.start]
            counts[h.value] += 1 / size if size >= 3 else 1
    if not counts:
        return None
    last = {h.value: h.start for h in hits}
    return max(counts, key=lambda n: (counts[n], last[n]))


def _anaphora(t: _Text, start: int, end: int, names: list[str]) -> list[str]:
    """Entities a clause points back to: "the two countries", "the region", "the organization", "the
    pipeline", "the Central Asian nation"; "the two countries" and "bilateral" need no antecedent where
    the clause names two countries itself."""
    text, found = t.text, list(names)
    if t.att.pointing.search(text, start, end) is None:
        return found
    for name, kinds, count in _POINTING:
        m = t.att.anaphor[name].search(text, start, end)
        if m is None or (name == "pair" and sum(t.kind_of(n) in kinds for n in names) >= 2):
            continue
        if name == "project":
            found += _named_with(t, m.start(), m.group().split()[-1].casefold(), set(found), kinds)
        elif name == "description":
            # "the poor Central Asian country": the country the article is about, unless the clause names one.
            if not any(t.kind_of(n) == "country" for n in found):
                found += [n for n in t.topic(m.start()) if t.kind_of(n) == "country" and n not in found][:1]
        else:
            found += _recent(t, m.start(), set(found), kinds, count)
    return found


# Heads that any project or company answers to ("the project", "the company").
_ANY_HEAD = frozenset({"project", "company"})


def _named_with(t: _Text, before: int, head: str, exclude: set[str], kinds: frozenset[str]) -> list[str]:
    """What "the pipeline" stands for: the last project named before it whose name, or the words right
    after it ("the TAPI gas pipeline"), hold that head noun; "the project" stands for the last one."""
    for h in reversed(t.within(t.entities, max(0, before - 4000), before)):
        if h.value not in exclude and t.kind_of(h.value) in kinds and (
                head in _ANY_HEAD or regex.search(rf"(?<![\w-]){regex.escape(head)}(?![\w-])",
                                                  t.text[h.start:h.end + 30].casefold())):
            return [h.value]
    return []


def _subject(t: _Text, ctx: _Context, *first: tuple[int, int]) -> list[str]:
    """The entities of the narrowest part around a figure that names any: the parts given `first`, then its
    clause, its part of the sentence, the sentence; a part that is one tried before (a clause that is all
    of its sentence) names none again."""
    for start, end in dict.fromkeys((*first, ctx.clause, ctx.segment, (ctx.sentence.start, ctx.sentence.end))):
        names = _anaphora(t, start, end, t.names(start, end))
        if names:
            return names
    return []


def _nearest_other(t: _Text, ctx: _Context, at: int, exclude: set[str], passage: bool = True) -> str | None:
    """The entity of the sentence nearest a cue that is not yet a party, else one an anaphor of the sentence
    points to ("its influence in the region's arms market"), else (with `passage`) the passage's own entity."""
    s = ctx.sentence
    hits = [h for h in t.within(t.entities, s.start, s.end) if h.value not in exclude]
    if hits:
        return min(hits, key=lambda h: abs(h.start - at)).value
    pointed = [n for n in _anaphora(t, s.start, s.end, []) if n not in exclude]
    return pointed[0] if pointed else _home(t, ctx, exclude) if passage else None


def _relative_head(t: _Text, ctx: _Context, at: int) -> tuple[int, int]:
    """The noun phrase a relative pronoun ending at `at` stands for ("Azerbaijan" in "Azerbaijan, which"),
    else the empty span at `at`."""
    relative = t.att.anaphor["relative"].search(t.text, max(0, at - 10), at)
    if relative is None:
        return at, at
    return _phrase_start(t, ctx.sentence.start, relative.start()), relative.start()


def _phrase_start(t: _Text, lo: int, at: int) -> int:
    """Where the phrase ending at `at` opens: after the last phrase break, at most a window back."""
    lo = max(lo, at - t.att.event_window)
    opening = t.att.phrase_break.search(t.text, lo, at)
    return opening.end() if opening else lo


_PHRASE_END = regex.compile(r"[,;:()\[\]—]")


