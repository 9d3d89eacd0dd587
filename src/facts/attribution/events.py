"""The event a date dates and its parties."""

from __future__ import annotations

import regex

from ..models import Mention
from .claim import Event
from .context import (
    _PHRASE_END,
    _anaphora,
    _antecedent,
    _Context,
    _cues,
    _home,
    _nearest_other,
    _phrase_start,
    _relative_head,
    _structure,
    _subject,
)
from .rulebook import _Hit
from .text import _part, _Text


def _phrase(t: _Text, ctx: _Context, cue: _Hit, m: Mention) -> tuple[int, int]:
    """The words that name an event's parties: back from the cue or date to the word that opens its phrase
    ("visits *to*", "*following* Japarov's visit"), or past a relative pronoun to the noun it stands for
    ("Azerbaijan, *which* was granted"); forward to the date after the cue ("visits to Armenia in 2015"),
    else to the end of the cue's phrase ("In 2015, it supplied jets to Uzbekistan, ...")."""
    clause = ctx.clause
    start = _phrase_start(t, clause[0], min(cue.start, m.start))
    start = _relative_head(t, ctx, start)[0]
    if cue.end <= m.start:
        return start, m.end
    hi = min(clause[1], cue.end + t.att.event_window)
    closing = _PHRASE_END.search(t.text, cue.end, hi)
    return start, closing.start() if closing else hi


def _carried(t: _Text, cue: _Hit, before: int) -> list[str]:
    """Parties of an event named again ("the aerial engagement on May 7"): those of the nearest earlier
    mention of an event of the same type in the text."""
    if not t.att.anaphor["event"].search(t.text, max(0, cue.start - 40), cue.start):
        return []
    for earlier in reversed(t.all_events.within(max(0, before - 4000), before)):
        if earlier.value == cue.value:
            names = _cue_parties(t, earlier)
            if names:
                return names
    return []


def _cue_parties(t: _Text, cue: _Hit) -> list[str]:
    """The entities of an event cue's own phrase: from the word that opens it to the next punctuation."""
    clause = _part(t.sentence(cue.start)[1].clauses, cue.start)
    closing = _PHRASE_END.search(t.text, cue.end, clause[1])
    return t.names(_phrase_start(t, clause[0], cue.start), closing.start() if closing else clause[1])


def _ended(t: _Text, ctx: _Context, cue: _Hit) -> list[str]:
    """Parties of the conflict an event ends ("The X–Y clash ended with a ceasefire on May 10"; "the
    statement that ended the fighting" after "the war of 2020"): those of the conflict named nearest the
    event in its sentence or the two before."""
    if cue.value not in t.att.ending_events:
        return []
    hits = t.all_events.within(t.spans[max(0, ctx.index - 2)][0], ctx.sentence.end)
    for hit in sorted((h for h in hits if h.value in t.att.conflict_events), key=lambda h: abs(h.start - cue.start)):
        names = _cue_parties(t, hit)
        if names:
            return names
    return []


def _own_conjunct(t: _Text, cue: _Hit, m: Mention, counterpart: list[str]) -> list[str]:
    """In "visits to Armenia in 2015 and Georgia in 2016", 2016 dates the visit to Georgia alone."""
    between = t.times_within(cue.end, m.start, exclude=m)
    if not between:
        return counterpart
    own = t.names(between[-1].end, m.start)
    return own or counterpart


def _occasioned(t: _Text, cues: list[_Hit]) -> list[_Hit]:
    """A cue that names the occasion of another event ("the signing of a treaty *at the summit* in July")
    yields to the event named before it."""
    if not cues or not t.att.occasion.search(t.text, max(0, cues[0].start - 80), cues[0].start):
        return cues
    before = [c for c in cues[1:] if c.end <= cues[0].start]
    return [before[0], *(c for c in cues if c is not before[0])] if before else cues


def _dates_cue(t: _Text, cue: _Hit, m: Mention) -> bool:
    """Whether a time can date an event cue: not a period for a cue that reports figures ("according to the
    statement"); any other can but where the cue is held on a date written right after it ("a meeting on
    July 15"), which then alone does, with what restates it in brackets ("(8 years ago)")."""
    if cue.value in t.att.reporting_events and m.kind == "period":
        return False
    after = t.times_within(cue.end, cue.end + 20)
    if not after or not t.att.cue_own_time.fullmatch(t.text, cue.end, after[0].start) or after[0] is m:
        return True
    return m.start >= after[0].end and _RESTATED.fullmatch(t.text, after[0].end, m.start) is not None


_RESTATED = regex.compile(r"\s*[(\[]\s*")


def _event(t: _Text, ctx: _Context, m: Mention) -> tuple[Event | None, list[str]]:
    """The event a date dates, with its parties: from a structure around the cue, else from the cue's phrase,
    an earlier mention of the event, or the clause around it."""
    # A wire dateline dates the article, not an event its lead tells of ("Islamabad, May 6 (PTI) ... killed on
    # Tuesday in a terrorist attack").
    cues = [] if m.start in t.dateline_starts else _occasioned(t, [c for c in _cues(t, t.events, m, ctx)
                                                              if _dates_cue(t, c, m)])
    if not cues:
        names = _subject(t, ctx)
        home = _home(t, ctx, set()) if not names else None
        return None, names or ([home] if home else [])
    cue = cues[0]
    structure = _structure(t, cues[:1], ctx)
    if structure and structure[0] and structure[1]:
        actor, counterpart = structure
    else:
        start, end = _phrase(t, ctx, cue, m)
        names = (_anaphora(t, start, end, t.names(start, end)) or _carried(t, cue, start)
                 or _subject(t, ctx, (ctx.clause[0], end)))
        before = set(_anaphora(t, start, cue.start, t.names(start, cue.end)))
        actor = [n for n in names if n in before]
        counterpart = [n for n in names if n not in before]
        if not actor:
            actor = _antecedent(t, ctx, start, cue.start, counterpart)
        if not actor and not (counterpart and cue.value in t.att.unclaimed_events):
            earlier = [h.value for h in t.within(t.entities, ctx.clause[0], start) if h.value not in counterpart]
            actor = earlier[-1:]
    if cue.end <= m.start:
        counterpart = [n for n in _own_conjunct(t, cue, m, counterpart) if n not in actor]
    parties = set(actor + counterpart)
    if cue.value in t.att.bilateral_events and len(parties) == 1:
        other = _nearest_other(t, ctx, cue.start, parties)
        if other:
            (counterpart if actor else actor).append(other)
    if not actor and not counterpart:
        home = _home(t, ctx, set())
        actor = [home] if home else []
    implied = ([t.att.lookup("implied_party", n) for n in actor + counterpart]
               if cue.value in t.att.implied_party_events else [])
    counterpart += [n for n in dict.fromkeys([*_ended(t, ctx, cue), *implied]) if n and n not in actor + counterpart]
    return Event(type=cue.value, actor=actor, counterpart=counterpart), [*actor, *counterpart]


