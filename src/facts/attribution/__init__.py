"""Attribution: what each figure is about (subject, metric, period), in named steps.

A figure alone cannot be checked against another; "US$ 3.74 billion" becomes comparable once we know
it is the trade (metric) of Azerbaijan and China (subject) in 2024 (period). The steps, in order:

1. `frame`: once per text, the article's date, the year in force, headline, paragraphs and topic.
2. `reading`: the figure's own sentence, narrowing outward from its clause (structures around cues,
   names, anaphors, the nearest time that is not a comparison base).
3. `frame` again: a period from the paragraph, headline or lead where the sentence gives none,
   except for measures of what stays (a length, a capacity).

Each claim records in `why` the step that gave its subject, metric and period. The words are data:
entities, metric and event cues in `rules/en/lexicon/`, clause breaks, anaphors and structures in
`rules/en/attribution/attribution.yaml`.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import regex

from ..engine.rules import RuleSet, cached_rules
from ..models import RATIO_KINDS, TIME_KINDS, Mention
from ..resolve import parse_reference
from ..text.sentences import split_sentences
from .claim import Claim, Event
from .figures import level_of
from .frame import Frame, build_frames, inherited_period
from .reading import read_sentences
from .rulebook import Attribution, _cached_attribution, load_attribution
from .text import _Text

__all__ = ["Claim", "Event", "Frame", "attribute", "claim_rows", "load_attribution", "split_sentences"]


def attribute(text: str, mentions: list[Mention], *, rules: RuleSet | None = None,
              reference_date: str | date | None = None, articles: list[tuple[int, int]] | None = None) -> list[Claim]:
    """One claim per mention, in the mentions' order (by start, as `match_mentions` gives them); `articles`,
    the spans of the page's articles (each has a frame of its own)."""
    rules = rules or cached_rules()
    att = _cached_attribution(rules)
    t = _Text(text, mentions, att, rules.lexicon)
    frames = build_frames(t, mentions, rules.lexicon, parse_reference(reference_date), articles, att.lead_reach)
    claims: list[Claim] = []
    # The last claim so far that measures something, with its sentence's index: the only one the next
    # figure with no measure of its own can take it from (a scan back over all claims was quadratic).
    last_measured: tuple[Claim, int] | None = None
    for claim, index in read_sentences(t, mentions):
        frame = frames.at(claim.mention.start)
        if claim.metric in (None, claim.outlook) and claim.mention.kind not in _RELATIVE_KINDS:
            claim = _metric_in_force(t, frame, claim, index, last_measured)
        claim = _in_frame(t, frame, att, claim, index)
        if claims and _ends_one_range(claims[-1].mention, claim.mention):
            # `expected to expand by 3.5-4.0%`: the high end is what the low end is, nearer the cues or not.
            low = claims[-1]
            claim = replace(claim, subject=list(low.subject), metric=low.metric, period=low.period,
                            outlook=low.outlook, why=dict(low.why))
        claims.append(claim)
        if claim.metric and claim.mention.kind not in _RELATIVE_KINDS:
            last_measured = claim, index
    return claims


def _ends_one_range(low: Mention, high: Mention) -> bool:
    """Whether two mentions are the two ends of one written range (`values.normalize.range_ends`)."""
    return (high.low is not None and (low.kind, low.rule, low.low, low.high) == (high.kind, high.rule, high.low, high.high)
            and low.value == low.low and high.value == high.high and 0 <= high.start - low.end <= 8)


def _metric_in_force(t: _Text, frame: Frame, claim: Claim, index: int,
                     last_measured: tuple[Claim, int] | None) -> Claim:
    """A figure whose clause names no measure ("Over 10 months, it amounted to 73.5 million tons") measures
    what the last figure before it that measures something measured, if that one is in its paragraph, in its
    sentence or the one before; else what the sentence before names last; else what the headline names."""
    paragraph = frame.paragraph(claim.mention.start)
    if last_measured is not None:
        earlier, i = last_measured
        if index - i <= 1 and earlier.mention.start >= paragraph[0]:
            return _measuring(claim, level_of(t, claim.mention, earlier.metric), "previous figure")
    # "... a fall in oil output in Azerbaijan.\n\nOver six months, it amounted to 14 million tons": a
    # pronoun points back past the paragraph's start.
    if index and (t.spans[index - 1][0] >= paragraph[0] or t.att.anaphor["pronoun"].search(
            t.text, t.spans[index][0], claim.mention.start)):
        cues = [c for c in t.att.metric_cue.hits(t.padded, t.spans[index - 1]) if c.value not in t.att.change_metrics]
        if cues:
            return _measuring(claim, cues[-1].value, "sentence before")
    if frame.headline and not frame.headline[0] <= claim.mention.start < frame.headline[1] and frame.near_lead(
            claim.mention.start, t.att.lead_reach):
        cues = t.att.metric_cue.hits(t.padded, frame.headline)
        if cues:
            return _measuring(claim, cues[0].value, "headline")
    return claim


def _measuring(claim: Claim, metric: str, step: str) -> Claim:
    """A claim given the measure in force, keeping its own outlook ("estimated at 6%": `... estimate`)."""
    if claim.outlook and not metric.endswith(claim.outlook):
        metric = f"{metric} {claim.outlook}"
    return replace(claim, metric=metric, why={**claim.why, "metric": step})


# Times date events themselves; a multiplier relates two figures that carry their own times.
_RELATIVE_KINDS = TIME_KINDS | RATIO_KINDS


def _in_frame(t: _Text, frame: Frame, att: Attribution, claim: Claim, index: int) -> Claim:
    """The frame's step: a figure's period from the scopes around its sentence where the sentence gives none.
    A measure of what stays (a length, a capacity) has no period but one of its own, and a day or a month in its
    sentence dates a statement about it, not the figure; a count of things is a stock, as of the
    article's date."""
    m = claim.mention
    if m.kind in _RELATIVE_KINDS:
        return claim
    if _timeless(claim.metric, att, claim.outlook):
        # "the Mongolian section, work on which began in March 2024, will be 950 km":
        # a day or a month dates an event or a statement about the measure, not the measure.
        dated = claim.period and len(claim.period) in (7, 10) and not _stock_dated(t, att, claim)
        return replace(claim, period=None, why={**claim.why, "period": "none"}) if dated else claim
    future = att.future.search(t.text, max(claim.sentence_start, m.start - att.future_window), m.start)
    if future and t.figure_between(future.end(), m.start):
        future = None  # "will reach 90 Mt, up from 88 Mt": 88 Mt has been
    if claim.period is not None or claim.why.get("period") == "since":
        if future and claim.why.get("period") == "event" and _past(claim.period, frame):
            return replace(claim, period=None, why={**claim.why, "period": "none"})
        return claim
    period, step = inherited_period(t, frame, m, index, att.lead_reach, stock=m.kind == "count")
    if period and future and _past(period, frame):
        # "annual deliveries will increase to 50 bcm": what will be is not dated by what has been
        # (a lead's March 2024 in an article of June 2024), only by a time still to come ("Plans for 2025").
        return claim
    if period and claim.outlook in ("plan", "target") and _PART_OF_YEAR.fullmatch(period):
        # "This falls short of the annual production target of 85 Mt" after "over nine months of this
        # year": a plan or target is for the whole year.
        period = period[:4]
    return replace(claim, period=period, why={**claim.why, "period": step}) if period else claim


def _past(period: str, frame: Frame) -> bool:
    """Whether a period ended before the article was written (unknown without its date)."""
    end = period.split("/")[-1]
    return frame.date is not None and end < frame.date.isoformat()[:len(end)]


_PART_OF_YEAR = regex.compile(r"(\d{4})-\d\d(?:-\d\d)?/\1-\d\d(?:-\d\d)?|\d{4}-(?:Q\d|H\d|\d\d)")


def _stock_dated(t: _Text, att: Attribution, claim: Claim) -> bool:
    """The figure's time is the day or month a stock stands at ("as of July 1"), not a statement's."""
    _, sentence = t.sentence(claim.mention.start)
    return any(t.time_value(c) == claim.period and att.stock_date.search(t.text, max(0, c.start - 30), c.start)
               for c in t.times_within(sentence.start, sentence.end))


def _timeless(metric: str | None, att: Attribution, outlook: str | None = None) -> bool:
    """A measure of what stays, by its head word: `pipeline capacity` and a `capacity plan` are,
    `population growth` is not."""
    words = (metric or "").split()
    if outlook and words[-1:] == [outlook]:
        words = words[:-1]
    return bool(words) and words[-1] in att.timeless_metrics


def claim_rows(doc: str | None, text: str, mentions: list[Mention], *, rules: RuleSet | None = None,
               reference_date: str | date | None = None, articles: list[tuple[int, int]] | None = None) -> list[dict]:
    """Ledger rows: the mention fields of FORMAT.md plus subject, metric, period, event, why and outlook."""
    rows = []
    for c in attribute(text, mentions, rules=rules, reference_date=reference_date, articles=articles):
        row = c.mention.model_dump(mode="json")
        if doc is not None:
            row["doc"] = doc
        row.update(subject=c.subject, metric=c.metric, period=c.period,
                   event=c.event.as_dict() if c.event else None, why=c.why, outlook=c.outlook)
        rows.append(row)
    return rows
