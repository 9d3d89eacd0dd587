"""Checkers across articles: one fact reported with values that cannot both hold, by different sources,
or on different dates."""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import regex

from ..models import TIME_KINDS
from ..values.intervals import timex_days
from .comparable import part_confidence, subject_confidence, subject_partners
from .corpus import COMPARED_KINDS, Corpus, Fact, Finding, describe

if TYPE_CHECKING:
    from .checkfile import Check

# ---- across articles ----------------------------------------------------------------


def _overlap(a: Fact, b: Fact) -> bool:
    return (a.high is None or b.low is None or b.low <= a.high) and (b.high is None or a.low is None
                                                                      or a.low <= b.high)


def compatible_clusters(group: list[Fact]) -> list[list[Fact]]:
    """Figures of one key sorted by interval and cut where one run of overlapping intervals ends."""
    group = sorted(group, key=lambda f: (f.low if f.low is not None else Decimal("-Infinity")))
    clusters: list[list[Fact]] = []
    reach: Decimal | None = None
    for f in group:
        if clusters and (reach is None or f.low is None or f.low <= reach):
            clusters[-1].append(f)
            reach = None if reach is None or f.high is None else max(reach, f.high)
        else:
            clusters.append([f])
            reach = f.high
    return clusters


# A gap between clusters of compatible figures gives one flag per pair of stories across it, up to this many:
# past it, the stories say the same as the ones already flagged.
_MAX_PAIRS_PER_GAP = 5


def value_conflict(corpus: Corpus, check: Check) -> Iterator[Finding]:
    """One flag per pair of stories across each gap between clusters of compatible figures of one fact:
    linear in the claims after sorting, never all pairs. Subjects meet where they are one, or where one
    holds the other (`subject_partners`), with less confidence."""
    vocab = corpus.vocabulary
    for key, group in corpus.amount_groups(check.params.get("kinds", COMPARED_KINDS)).items():
        if len({f.claim.story for f in group}) < 2:
            continue
        by_subject: dict[frozenset[str], list[Fact]] = defaultdict(list)
        for f in _one_value_each(group):
            by_subject[f.subject].append(f)
        for larger, partners in subject_partners(by_subject).items():
            for smaller in partners:
                pool = by_subject[larger] + (by_subject[smaller] if smaller != larger else [])
                for a, b in _gap_pairs(pool, None if smaller == larger else larger):
                    small = b if a.subject == larger else a
                    s_conf, s_note = subject_confidence(larger, smaller, key[2], corpus.topic(small), vocab)
                    p_conf, notes = part_confidence(key, a.claim, b.claim, (a.value, b.value), vocab)
                    yield Finding(a, b, _why_values(a, b, key, [*notes, *([s_note] if s_note else [])]),
                                  s_conf * p_conf)


# Values of one fact in one story, none compatible with another, from which on they are a breakdown.
_BREAKDOWN = 3


def _one_value_each(group: list[Fact]) -> list[Fact]:
    """The figures of a fact but those of a story that gives its subject three or more values that cannot
    hold together (the vote shares of an election's parties, the growth of each sector, all read as the
    country's): such a story speaks of several things under one name, and which of them another story's
    figure is, is not known. Two values may be a revision or a contradiction, and stay compared."""
    by_story: dict[tuple, list[Fact]] = defaultdict(list)
    for f in group:
        by_story[(f.claim.story, f.subject)].append(f)
    return [f for figures in by_story.values() if len(compatible_clusters(figures)) < _BREAKDOWN for f in figures]


def _gap_pairs(pool: list[Fact], cross: frozenset[str] | None) -> Iterator[tuple[Fact, Fact]]:
    """Each figure against the nearest figure of another story in the nearest cluster above and below that
    has one (clusters of one story's figures are passed over), lower first; one pair per pair of stories
    across each gap, at most `_MAX_PAIRS_PER_GAP`. With `cross`, only pairs with exactly one side of that
    subject."""
    clusters = [sorted(c, key=lambda f: (f.value, f.claim.doc, f.claim.start)) for c in compatible_clusters(pool)]
    said: set[tuple] = set()
    per_gap: Counter = Counter()
    for i, cluster in enumerate(clusters):
        for f in cluster:
            for step in (1, -1):
                j = i + step
                while 0 <= j < len(clusters):
                    nearest = clusters[j] if step == 1 else reversed(clusters[j])
                    other = next((g for g in nearest if g.claim.story != f.claim.story and (
                        cross is None or (g.subject == cross) != (f.subject == cross))), None)
                    if other is not None:
                        low, high = (f, other) if step == 1 else (other, f)
                        gap = (min(i, j), max(i, j))
                        key = (gap, low.claim.story, high.claim.story)
                        if key not in said and per_gap[gap] < _MAX_PAIRS_PER_GAP:
                            said.add(key)
                            per_gap[gap] += 1
                            yield low, high
                        break
                    j += step


def _why_values(a: Fact, b: Fact, key: tuple, notes: list[str]) -> str:
    gap = abs(b.value - a.value) / max(abs(a.value), abs(b.value)) * 100 if a.value and b.value else None
    differ = f"these differ by {gap:.0f}%, " if gap is not None else ""
    period = a.claim.period or "no period given"
    modality = "" if key[3] == "outturn" else f" ({key[3]})"
    read = f" ({'; '.join(notes)})" if notes else ""
    return (f"{describe(a)} against {describe(b)} for {key[2]}{modality} of {', '.join(sorted(a.subject | b.subject))}"
            f" in {period}: {differ}beyond what rounding and qualifiers allow{read}")


def source_discrepancy(corpus: Corpus, check: Check) -> Iterator[Finding]:
    """Inside one article, two figures of one fact that disagree, each given on the word of another
    source ("customs data show X ... while the statistics agency reports Y"). Figures of one fact in one
    article without two sources are left alone: there the likelier reading is two facts."""
    cues = [regex.compile(p) for p in check.params.get("sources", [])]
    for key, group in corpus.amount_groups(check.params.get("kinds", COMPARED_KINDS)).items():
        by_story: dict[tuple, list[Fact]] = defaultdict(list)
        for f in group:
            by_story[(f.claim.story, f.claim.doc, f.subject)].append(f)
        for same in by_story.values():
            if len(same) < 2:
                continue
            sourced = [(f, src) for f in same for src in [_source_of(f, cues)] if src]
            for i, (a, source_a) in enumerate(sourced):
                for b, source_b in sourced[i + 1:]:
                    if source_a.casefold() != source_b.casefold() and not _overlap(a, b):
                        yield Finding(a, b, f"{describe(a)} according to {source_a}, against {describe(b)} "
                                            f"according to {source_b}, for {key[2]} of {', '.join(sorted(a.subject))}"
                                            f" in {a.claim.period or 'no period given'}")


def _source_of(f: Fact, cues: list[regex.Pattern]) -> str | None:
    """The source a figure is given on: the last source phrase before it in its sentence, else the first after."""
    sentence, offset = f.claim.sentence or "", f.claim.sentence_start or 0
    at = f.claim.start - offset
    found = sorted((m.start("source"), " ".join(m.group("source").split()))
                   for cue in cues for m in cue.finditer(sentence))
    before = [name for start, name in found if start < at]
    after = [name for start, name in found if start >= at]
    return before[-1] if before else (after[0] if after else None)


def event_date_conflict(corpus: Corpus, check: Check) -> Iterator[tuple[Fact, Fact, str]]:
    once = {w.casefold() for w in check.params.get("once", [])}
    groups: dict[tuple, list[tuple[Fact, tuple[date, date]]]] = defaultdict(list)
    for f in corpus.facts:
        c = f.claim
        event = c.event or {}
        kind = str(event.get("type") or "").casefold()
        days = timex_days(c.resolved or str(c.value)) if c.kind in TIME_KINDS else None
        if kind in once and days:
            parties = frozenset(event.get("actor", [])) | frozenset(event.get("counterpart", [])) or f.subject
            groups[(kind, parties)].append((f, days))
    for (kind, parties), group in groups.items():
        group.sort(key=lambda item: item[1])
        for (a, da), (b, db) in zip(group, group[1:]):
            if a.claim.story != b.claim.story and db[0] > da[1]:
                yield a, b, (f"the {kind} of {', '.join(sorted(parties))} is dated '{a.claim.text}' ({a.claim.doc}) "
                             f"and '{b.claim.text}' ({b.claim.doc}): these dates cannot both be right")
