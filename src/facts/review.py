"""What a checker reviews: each claim once, with its pages, conflicts, sources and verdict.

The workbook and the HTML report show the same review two ways, so both build
it here. A story printed on several pages (copies) is one article: each of its
claims is shown once, where it first appears, with every page listed.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pandas as pd

from .ledger import Ledger
from .models import Flag, FlagSide

_EMPTY_VERDICT = {"verdict": None, "checker": None, "notes": None, "checked_value": None, "updated": None,
                  "changed": False}


@dataclass
class Review:
    """`claims`: one row per claim id (its first current copy) with `title` (the story's
    display title), `pages`, `conflicts` (flag ids), `sources` and the verdict columns;
    `stories`: one row per story (its first current copy) with `pages`, `claims` and
    `conflicts` counts; `texts`: the current text of each document; `sources`: where each document
    came from (`url`, `title`, `byline`, `published`, by doc; `Ledger.sources`)."""

    ledger_id: str
    made: str
    claims: pd.DataFrame
    stories: pd.DataFrame
    flags: list[Flag]
    texts: dict[str, str]
    _by_place: dict[tuple[str, int], str]
    sources: dict[str, dict[str, str | None]] = field(default_factory=dict)

    def claim_of(self, side: FlagSide) -> str | None:
        """The claim a flag side stands for: its id, or the claim found at its place."""
        return side.claim_id or self._by_place.get((side.doc, side.start))


def build_review(ledger: Ledger, *, flags: list[Flag], corroboration: dict[str, int]) -> Review:
    """The review of the ledger's current documents; a flag repeated on each copy of a story
    (same id) is listed once, like the claims."""
    first: dict[str, Flag] = {}
    for flag in flags:
        first.setdefault(flag.id, flag)
    flags = list(first.values())
    every = _none_for_nan(ledger.claims())
    articles = _none_for_nan(ledger.articles())
    texts = {doc: ledger.text_of(doc) for doc in articles["doc"].unique()}
    claims = every.drop_duplicates("id").reset_index(drop=True)
    stories = articles.drop_duplicates("story").reset_index(drop=True)
    review = Review(ledger.ledger_id, datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), claims, stories,
                    flags, texts, {(r.doc, r.start): r.id for r in every.itertuples()}, ledger.sources())

    pages = articles.groupby("story")["doc"].agg(lambda docs: sorted(set(docs)))
    story_of = dict(zip(claims["id"], claims["story"]))
    flagged: dict[str, list[str]] = defaultdict(list)
    flagged_stories: Counter = Counter()
    for flag in flags:
        ids = [i for i in dict.fromkeys((review.claim_of(flag.a), review.claim_of(flag.b))) if i]
        for claim_id in ids:
            flagged[claim_id].append(flag.id)
        flagged_stories.update({story_of[i] for i in ids if i in story_of})
    verdicts = ledger.verdicts()
    claims["pages"] = claims["story"].map(lambda s: pages.get(s, []))
    claims["conflicts"] = claims["id"].map(lambda i: flagged.get(i, []))
    claims["sources"] = pd.Series([corroboration.get(i) for i in claims["id"]], dtype=object)
    for column in _EMPTY_VERDICT:
        claims[column] = pd.Series([verdicts.get(i, _EMPTY_VERDICT)[column] for i in claims["id"]], dtype=object)

    stories["title"] = [_display_title(r.title, texts[r.doc][r.start:r.end]) for r in stories.itertuples()]
    stories["pages"] = stories["story"].map(pages)
    stories["claims"] = stories["story"].map(Counter(claims["story"])).fillna(0).astype(int)
    stories["conflicts"] = stories["story"].map(flagged_stories).fillna(0).astype(int)
    claims["title"] = claims["story"].map(dict(zip(stories["story"], stories["title"])))
    return review


def _none_for_nan(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), None)


def _display_title(title: str | None, text: str) -> str:
    """The headline, or for an untitled article the start of its first real paragraph."""
    if title:
        return title
    lede = next((p.strip() for p in text.splitlines() if len(p.strip()) > 60), text.strip())
    return lede if len(lede) <= 80 else lede[:80].rsplit(" ", 1)[0] + "…"
