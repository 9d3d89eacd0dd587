"""Subject and metric of an amount: whose measure of what it is."""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache
from typing import NamedTuple

import regex

from ..models import Mention
from .context import (
    _anaphora,
    _antecedent,
    _by_distance,
    _Context,
    _cues,
    _home,
    _nearest_other,
    _phrase_start,
    _relative_head,
    _structure,
    _subject,
)
from .text import _Text


def _counted(t: _Text, m: Mention) -> tuple[int, str] | None:
    """Where the counted noun phrase ends and what it says: `36 Rafale fighter jets` counts "rafale fighter jets"."""
    if not m.unit:
        return None
    found = _counted_noun(m.unit).match(t.text, m.end, m.end + 80)
    return (found.end(), " ".join(found.group().split()).casefold()) if found else (m.end, m.unit)


@lru_cache(maxsize=1024)
def _counted_noun(unit: str) -> regex.Pattern:
    """The words after a count up to its counted noun; compiled once per noun (a text counts few kinds of thing)."""
    head = r"[\s\u00a0]+".join(regex.escape(w) + r"\w*" for w in unit.split())
    return regex.compile(rf"[\s\u00a0]+(?:[\w-]+[\s\u00a0]+){{0,3}}?{head}\b", regex.IGNORECASE)


class _Figure(NamedTuple):
    subject: list[str]
    metric: str | None
    subject_step: str
    metric_step: str
    outlook: str | None = None


def _conjunct(t: _Text, clause: tuple[int, int], m: Mention) -> tuple[int, int]:
    """The part of a clause that is the figure's own where figures are coordinated: in "with $20 billion GDP
    and 90% of exports going to China", China is the exports' partner, not the GDP's; in "a 950 km section
    runs through X, a 400 km section through Y and a 600 km one through Z" each length is its country's.
    A figure in brackets of its own ("across Afghan territory (562 kilometers), and end in Pakistan") is
    what comes before it: its part ends at the bracket."""
    lo, hi = clause
    i = bisect_left(t.value_starts, m.start)
    joint = t.att.figure_joint
    if i and t.values[i - 1].end > lo:
        joints = list(joint.finditer(t.text, t.values[i - 1].end, m.start))
        lo = joints[-1].end() if joints else lo
    if i + 1 < len(t.values) and t.values[i + 1].start < hi:
        after = joint.search(t.text, m.end, t.values[i + 1].start)
        hi = after.start() if after else hi
    bracket = _OWN_BRACKET.search(t.text, max(lo, m.start - 30), m.start)
    if bracket:
        closing = t.text.find(")", m.end, hi)
        hi = closing + 1 if closing >= 0 else hi
    return lo, hi


# A figure that opens a bracket of its own: "(562 kilometers)", "(about 40%".
_OWN_BRACKET = regex.compile(r"\((?:[\w-]+\s+){0,2}\Z")


def is_change(t: _Text, m: Mention) -> bool:
    """Whether a figure near a change cue is the change (a percent, or an amount it changed by), not a level."""
    if t.att.level_before.search(t.text, max(0, m.start - 30), m.start):
        return False
    return m.kind in ("percent", "multiplier") or bool(
        t.att.change_before.search(t.text, max(0, m.start - 30), m.start) or t.att.change_after.match(t.text, m.end))


def level_of(t: _Text, m: Mention, metric: str | None) -> str | None:
    """The measure a level takes from a change before it: in "increased by 3.7 percent ($63.5 billion in
    2023)" the amount is of what increased, not an increase."""
    measure, _, change = (metric or "").rpartition(" ")
    if measure and change in t.att.change_metrics and not is_change(t, m):
        return measure
    return metric


def _value_claim(t: _Text, ctx: _Context, m: Mention, previous: _Figure | None) -> _Figure:
    own = _conjunct(t, ctx.clause, m)
    counted = _counted(t, m) if m.kind == "count" else None
    cues = [c for c in _cues(t, t.metrics, m, _Context(ctx.sentence, ctx.index, own, ctx.segment))
            if not (counted and m.end <= c.start < counted[0])]
    if cues and cues[0].value in t.att.change_metrics and not is_change(t, m):
        # "grew from $1 million to $10 million": the figures are levels of what grew, not the change; in
        # "supplies fell to 1.1 Mt and grew to 1.3 Mt" what grew is named in the clause.
        cues = [c for c in cues if c.value not in t.att.change_metrics] or [
            c for c in _cues(t, t.metrics, m, ctx) if c.value not in t.att.change_metrics
            and not (counted and m.end <= c.start < counted[0])]
    if len(cues) > 1 and cues[0].value in t.att.weak_metrics:
        # "Industrial output was valued at 400 billion manats": what was valued, not a value.
        strong = [c for c in cues if c.value not in t.att.weak_metrics and c.value not in t.att.change_metrics]
        cues = strong[:1] + [c for c in cues if c is not strong[0]] if strong else cues
    measure = None
    respective = _respective(t, ctx, m, cues)
    if respective:
        cues = [respective, *(c for c in cues if c is not respective)]
    cue = cues[0] if cues else None
    metric, metric_step = (cue.value, "cue") if cue else (None, "none")
    if m.kind == "quantity" and m.unit in t.att.unit_metrics:
        metric, metric_step = t.att.unit_metrics[m.unit], "unit"
        part = t.att.part_noun.search(t.text, *own)
        if part and metric == "length":
            # "a 950-kilometer section", "the length of the Mongolian section": a part's length, not the whole's.
            metric = f"{part.group('part').casefold()} length"
    elif counted and t.att.population_of.search(t.text, max(own[0], m.start - 40), m.start) and (
            counted[1].split()[-1] in t.att.people_nouns):
        # "a nation of 20 million people": its population, whoever the clause names.
        lo = _phrase_start(t, own[0], m.start)
        named = t.names(lo, m.start)
        if named:
            return _Figure(named[:1], t.att.population_metric, "description", "counted noun")
        metric, metric_step = t.att.population_metric, "counted noun"
    elif counted and metric not in t.att.count_metrics:
        metric, metric_step = counted[1], "counted noun"
    elif (of_cue := _whole_of(t, m, cues, cue)) is not None:
        cue = of_cue
        whole = metric = cue.value
        part = _share_of(t, m, own, [c for c in cues if c is not cue], whole)
        metric, metric_step = (f"{part.value} share of {whole}", "share of cue") if part else (
            f"{metric} share", "share of cue")
        if part:
            # "remittances from Russia amounted to 28 percent of Kyrgyzstan's GDP": the parties of the part
            # measured and the owner of the whole; a bilateral part with one named takes the other as a
            # measure of its own does, unless it is from everywhere ("sent by workers abroad").
            parts = t.names(part.start, m.start)
            whole_owner = _structure(t, [cue], ctx)
            owners = [*parts, *(whole_owner[0] + whole_owner[1] if whole_owner else [])]
            owners = list(dict.fromkeys(owners))
            if len(owners) == 1 and part.value in t.att.bilateral_metrics and not t.att.everywhere.search(
                    t.text, ctx.sentence.start, ctx.sentence.end):
                other = _nearest_other(t, ctx, part.start, set(owners))
                owners += [other] if other else []
            if owners:
                return _Figure(owners, metric, "share of measure", metric_step)
            measure = part.value
    if metric is None and m.kind == "quantity" and m.unit in t.att.unit_default_metrics:
        metric, metric_step = t.att.unit_default_metrics[m.unit], "unit"
    if metric is None and m.kind == "money" and t.att.priced_before.search(
            t.text, max(own[0], m.start - 30), m.start) and t.att.priced_after.match(t.text, m.end, own[1]):
        # "a flagship $30 billion project": what the thing named after it is worth.
        metric, metric_step = t.att.priced_metric, "priced noun"
    measure = measure or metric
    if respective and is_change(t, m) and respective.value not in t.att.change_metrics:
        # "exports and imports grew by 12.5% and 9.1%, respectively": the change of the export cue.
        changes = [c for c in cues if c.value in t.att.change_metrics]
        if changes:
            metric, metric_step = f"{respective.value} {changes[0].value}", "respectively"
    elif metric in t.att.change_metrics:
        measure = _measure_changed(t, ctx, m, cues, previous)
        metric, metric_step = (f"{measure} {metric}", "change of cue") if measure else (metric, metric_step)
    if metric and t.att.original.search(t.text, max(own[0], m.start - 40), m.start):
        # "Initially valued at $5 billion": the value at first, not to be compared with today's.
        metric = f"original {metric}"
    outlook = _outlook(t, m, own) if m.kind != "count" else None
    if outlook and (metric is None or outlook not in metric):
        metric, metric_step = (f"{metric} {outlook}" if metric else outlook), f"{metric_step}, {outlook}"
    # A change ("increased", "grew") names no parties of its own: structures are read around the measure's cues.
    structure = _structure(t, [c for c in cues if c.value not in t.att.change_metrics] or cues, ctx)
    subject, step = ([*structure[0], *structure[1]], "structure") if structure else ([], "none")
    owner = _owner(t, m)
    if owner:
        subject, step = [owner], "bracket or list"
    if previous and previous.metric and t.att.conversion.search(t.text, max(ctx.clause[0], m.start - 40), m.start):
        # "3.5 million tons, which is equivalent to around 70,000 barrels per day": the same figure again.
        return _Figure(previous.subject or subject, previous.metric, "previous figure", "previous figure",
                       previous.outlook)
    if not subject and previous and t.att.anaphor["figure"].search(t.text, *ctx.clause):
        # "the figure was $3.8 billion, or 47 percent of the GDP": the measure is the figure's before, not
        # the cue after it.
        own_cue = metric is not None and not (cue and cue.start >= m.end and measure == metric)
        # "Around 80% of that total came from Russia": the parties of the total and the clause's own.
        others = [n for n in t.names(*own) if n not in previous.subject]
        return _Figure([*previous.subject, *others], metric if own_cue else level_of(t, m, previous.metric),
                       "previous figure",
                       metric_step if own_cue else "previous figure", outlook or previous.outlook)
    if not subject and cue:
        # "with their combined population": the possessive pronoun names whose measure it is.
        subject, step = _antecedent(t, ctx, _phrase_start(t, own[0], cue.start), cue.start, []), "pronoun"
    if not subject:
        subject, step = _subject(t, ctx, *_own_parts(t, ctx, m, own)), "sentence"
    if not subject:
        subject, step = _antecedent(t, ctx, *ctx.clause, []), "pronoun"
    if measure and len(subject) == 1 and (measure.removesuffix(" share") in t.att.bilateral_metrics or (
            step == "bracket or list" and measure.removesuffix(" share") in t.att.partner_list_metrics)):
        # A list of partners ("China (21.5 percent)", "Russia: $11.6 billion") is the article's topic's.
        if step == "bracket or list":
            other = next((n for n in t.topic(m.start) if n not in subject and t.kind_of(n) == "country"), None)
        elif measure.removesuffix(" share") in t.att.inflow_metrics and _received(t, ctx, subject[0]):
            # "remittances to Kyrgyzstan will rise to $3 billion": all it received, from no one end in particular.
            other = _nearest_other(t, ctx, cue.start if cue else m.start, set(subject), passage=False)
        else:
            other = _nearest_other(t, ctx, cue.start if cue else m.start, set(subject))
        subject += [other] if other else []
    if not subject and previous and previous.subject and measure and previous.metric == measure and (
            measure.removesuffix(" share") in t.att.bilateral_metrics):
        # "Turkmenistan increased gas supplies to China to 2.9 bcm. In January, supplies decreased to 2.2
        # bcm": the measure of the sentence before, between the same parties.
        subject, step = list(previous.subject), "previous figure"
    if not subject:
        home = _home(t, ctx, set())
        subject, step = ([home], "passage") if home else ([], "none")
    return _Figure(_of_project(t, ctx, m, subject), metric, step, metric_step, outlook)


def _respective(t: _Text, ctx: _Context, m: Mention, cues: list):
    """The cue a figure of a "respectively" list stands for: in "exports and imports grew by 12.5% and
    9.1%, respectively", the first figure's is the first measure named, the second's the second."""
    lo, hi = ctx.clause
    after = t.att.respectively.search(t.text, m.end, hi)
    if after is None:
        return None
    figures = [v for v in t.values if lo <= v.start and v.end <= after.start() and v.kind == m.kind]
    if m not in figures or len(figures) < 2:
        return None
    first = figures[0].start
    measures = sorted((c for c in cues if c.end <= first and c.value not in t.att.change_metrics),
                      key=lambda c: c.start)
    # Only the measures coordinated right before the figures ("exports and imports").
    listed = measures[-len(figures):]
    if len(listed) != len(figures) or not all(
            t.att.figure_joint.fullmatch(t.text, a.end, b.start) for a, b in zip(listed, listed[1:])):
        return None
    return listed[figures.index(m)]


def _received(t: _Text, ctx: _Context, name: str) -> bool:
    """Whether the sentence names an entity as the receiving end of a flow ("remittances *to* Kyrgyzstan")."""
    s = ctx.sentence
    return any(h.value == name and t.att.receiver.search(t.text, max(s.start, h.start - 20), h.start)
               for h in t.within(t.entities, s.start, s.end))


def _whole_of(t: _Text, m: Mention, cues: list, nearest):
    """The cue a percent is a share of: the nearest, or one right after it "of" ("28 percent of Kyrgyzstan's
    GDP", with "remittances" nearer before it), unless the measure is a share already."""
    if m.kind != "percent":
        return None
    for c in cues:
        if c.end <= m.start and t.att.share_of_whole.search(t.text, max(0, c.start - 40), c.start):
            return c  # "remittances as a percentage of GDP reached 18%"
    for c in cues:
        if c.start >= m.end and c.start - m.end <= 40 and t.att.share_of.match(t.text, m.end, c.start) and not (
                c.value.endswith("share")) and c.value not in t.att.change_metrics:
            return c if c is nearest or not any(m.end <= o.start < c.start for o in cues) else None
    return None


def _share_of(t: _Text, m: Mention, own: tuple[int, int], cues: list, whole: str):
    """The measure a share is of, where the figure's own words name one before it and another after "of"
    ("remittances ... amounted to 28 percent of GDP": a remittances share of GDP)."""
    before = [c for c in cues if c.end <= m.start and own[0] <= c.start and c.value not in t.att.change_metrics]
    if not before or before[0].value == whole:
        return None
    return before[0]


def _of_project(t: _Text, ctx: _Context, m: Mention, subject: list[str]) -> list[str]:
    """A figure of a project ("$25 billion under the CPEC") is the project's: the countries beside it take
    part in it, unless the figure is located in one ("the TAPI section on the territory of Turkmenistan",
    "the Mongolian section of the pipeline"). A figure located in countries only ("a 400-kilometer section
    will run through Russia") in a sentence about a project ("the pipeline") is of the project's part
    there: the project is its subject too."""
    s = ctx.sentence
    of_project = any(t.kind_of(n) == "project" for n in subject)
    if not subject or not of_project and not all(t.kind_of(n) == "country" for n in subject):
        return subject
    # Where the subject's own names stand is all that is asked: the sentence's other names are not looked at.
    located = {h.value for h in t.within(t.entities, s.start, s.end) if h.value in subject and _located(t, s, h)}
    if not of_project and all(n in located for n in subject):
        projects = [n for n in t.names(s.start, s.end) if t.kind_of(n) == "project"] or [
            n for n in _anaphora(t, s.start, s.end, []) if t.kind_of(n) == "project"]
        return [*subject, *projects[:1]]
    if len(subject) < 2 or not of_project:
        return subject
    # Regions named after a project's figure are where it leads ("a $30 billion project to connect
    # Asia and Europe"); one named before may be a party ("the EU–Central Asia summit, where the Union
    # pledged €12 billion").
    before = {h.value for h in t.within(t.entities, s.start, m.start)}
    return [n for n in subject if n in located or t.kind_of(n) == "region" and n in before
            or t.kind_of(n) not in ("country", "region")]


def _located(t: _Text, s, h) -> bool:
    """Whether a name in a sentence says where a figure lies: after "in", "through", "on the territory of",
    or before "section" ("the Mongolian section")."""
    return bool(t.att.located.search(t.text, max(s.start, h.start - 40), h.start)
                or t.att.located_part.match(t.text, h.end, s.end))




def _owner(t: _Text, m: Mention) -> str | None:
    """The entity a figure is given for in brackets or a list line right after its name ("China (21.5
    percent or $2.13 billion)": both are China's)."""
    i = bisect_left(t.entities, (m.start,))
    if not i:
        return None
    h = t.entities[i - 1]
    opening = t.text.rfind("(", h.end, m.start)
    start = opening if opening >= 0 and t.text.find(")", opening, m.start) < 0 and m.start - opening <= 40 else m.start
    return h.value if start - h.end <= 12 and t.att.owned.match(t.text, h.end, m.start) and (
        start < m.start or t.att.owned.fullmatch(t.text, h.end, m.start)) else None


def _measure_changed(t: _Text, ctx: _Context, m: Mention, cues: list, previous: _Figure | None) -> str | None:
    """What a change ("a 23.9% increase", "growth of 6%") is a change of: the nearest cue of a measure in its
    part of the sentence ("Exports reached $17.5 billion (an increase of 11.7 percent), while imports ..."),
    else in its sentence, else the measure of the figure before it."""
    for start, end in (ctx.segment, (ctx.sentence.start, ctx.sentence.end)):
        measures = [c for c in _by_distance(t.within(t.metrics, start, end), m) if c.value not in t.att.change_metrics]
        if measures:
            return measures[0].value
    if previous and previous.metric:
        last = previous.metric.rsplit(" ", 1)
        return last[0] if len(last) == 2 and last[1] in t.att.change_metrics else previous.metric
    return None


def _outlook(t: _Text, m: Mention, own: tuple[int, int]) -> str | None:
    """`plan`, `target`, `forecast` or `estimate` where the words just before the figure in its own part of
    the clause, with no other figure between, say the figure is one ("plans to produce 90 Mt", "the annual
    production target of 88.4 Mt", "is poised to transport 61 Mt")."""
    hits = t.att.outlook_cue.hits(t.padded, (max(own[0], m.start - t.att.outlook_window), m.start))
    if not hits:
        return None
    # "plans to produce 90 Mt in 2025, up from 88 Mt in 2023": the plan is the first figure's only.
    return None if t.figure_between(hits[-1].end, m.start) else hits[-1].value


_WORD = regex.compile(r"\s*\w+")


def _own_parts(t: _Text, ctx: _Context, m: Mention, own: tuple[int, int]) -> list[tuple[int, int]]:
    """Where a figure's subject is looked for first: its own part of the clause, narrowed to the relative clause
    it stands in and followed by the noun that clause stands for ("Uzbekistan, which ordered 24 jets, is
    talking to China": Uzbekistan's)."""
    comma = t.text.rfind(",", ctx.sentence.start, m.start)
    pronoun = _WORD.match(t.text, comma + 1) if comma >= 0 else None
    head = _relative_head(t, ctx, pronoun.end()) if pronoun else (0, 0)
    if head[0] == head[1]:
        return [own]
    close = t.text.find(",", m.end, ctx.sentence.end)
    return [(max(own[0], comma), min(own[1], close if close >= 0 else ctx.sentence.end)), head]


