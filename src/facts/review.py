"""What a checker reviews: each claim once, with its pages, conflicts, sources and verdict.

The workbook and the HTML report show the same review two ways, so both build
it here. A story printed on several pages (copies) is one article: each of its
claims is shown once, where it first appears, with every page listed. The claims
are the ledger's own `ClaimRecord`s, so the writers read what checks and diff read.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from .ledger import Ledger, records
from .models import ClaimRecord, Flag, FlagSide, Verdict


@dataclass(frozen=True)
class ReviewedStory:
    """A story where it is first printed (`doc`, its `article` there, the span `start`-`end`), with the
    title a checker sees, every page it is on, and how many claims and conflicts it holds."""

    story: str
    doc: str
    article: int
    start: int
    end: int
    title: str
    author: str | None
    date: str | None
    pages: tuple[str, ...]
    claims: int
    conflicts: int


@dataclass(frozen=True)
class ReviewedClaim:
    """A claim as the ledger gives it (its first current copy), with what the review adds: its story's
    title, the byline and date of the article it stands in, the story's pages, the flags on it, how many
    sources agree with it (`corroboration`) and its verdict (None where none was given)."""

    claim: ClaimRecord
    title: str | None
    author: str | None
    article_date: str | None
    pages: tuple[str, ...]
    conflicts: tuple[str, ...]
    sources: int | None
    verdict: Verdict | None


@dataclass
class Review:
    """`claims`: one per claim id, in document order; `stories`: one per story, in document order;
    `texts`: the current text of each document; `sources`: where each document came from (`url`,
    `title`, `byline`, `published`, by doc; `Ledger.sources`)."""

    ledger_id: str
    made: str
    claims: list[ReviewedClaim]
    stories: list[ReviewedStory]
    flags: list[Flag]
    texts: dict[str, str]
    _by_place: dict[tuple[str, int], str]
    sources: dict[str, dict[str, str | None]] = field(default_factory=dict)
    _by_id: dict[str, ReviewedClaim] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {c.claim.id: c for c in self.claims}

    def claim(self, claim_id: str | None) -> ReviewedClaim | None:
        """The reviewed claim of that id, if the review holds it."""
        return self._by_id.get(claim_id)

    def claim_of(self, side: FlagSide) -> str | None:
        """The claim a flag side stands for: its id, or the claim found at its place."""
        return _claim_at(side, self._by_place)

    def url_of(self, doc: str) -> str | None:
        """The web address the document was read from, where its page gave one."""
        return (self.sources.get(doc) or {}).get("url")


def build_review(ledger: Ledger, *, flags: list[Flag], corroboration: dict[str, int]) -> Review:
    """The review of the ledger's current documents; a flag repeated on each copy of a story
    (same id) is listed once, like the claims."""
    first: dict[str, Flag] = {}
    for flag in flags:
        first.setdefault(flag.id, flag)
    flags = list(first.values())
    every = ledger.claim_records()
    claims: dict[str, ClaimRecord] = {}
    for claim in every:
        claims.setdefault(claim.id, claim)
    articles = records(ledger.articles())
    copies = {(a["doc"], a["ordinal"]): a for a in articles}
    texts = {doc: ledger.text_of(doc) for doc in dict.fromkeys(a["doc"] for a in articles)}
    by_place = {(c.doc, c.start): c.id for c in every}

    pages: dict[str, set[str]] = defaultdict(set)
    leads: dict[str, dict] = {}
    for a in articles:
        pages[a["story"]].add(a["doc"])
        leads.setdefault(a["story"], a)
    flagged: dict[str, list[str]] = defaultdict(list)
    flagged_stories: Counter = Counter()
    for flag in flags:
        ids = [i for i in dict.fromkeys(_claim_at(side, by_place) for side in (flag.a, flag.b)) if i]
        for claim_id in ids:
            flagged[claim_id].append(flag.id)
        flagged_stories.update({claims[i].story for i in ids if i in claims})
    claim_counts = Counter(c.story for c in claims.values())
    stories = [ReviewedStory(
        story=story, doc=a["doc"], article=a["ordinal"], start=a["start"], end=a["end"],
        title=_display_title(a["title"], texts[a["doc"]][a["start"]:a["end"]]), author=a["author"], date=a["date"],
        pages=tuple(sorted(pages[story])), claims=claim_counts[story], conflicts=flagged_stories[story])
        for story, a in leads.items()]
    titles = {s.story: s.title for s in stories}
    verdicts = ledger.verdicts()
    reviewed = []
    for claim in claims.values():
        copy = copies.get((claim.doc, claim.article), {})
        reviewed.append(ReviewedClaim(
            claim, titles.get(claim.story), copy.get("author"), copy.get("date"),
            tuple(sorted(pages.get(claim.story, ()))), tuple(flagged.get(claim.id, ())),
            corroboration.get(claim.id), verdicts.get(claim.id)))
    return Review(ledger.ledger_id, datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), reviewed, stories,
                  flags, texts, by_place, ledger.sources())


def _claim_at(side: FlagSide, by_place: dict[tuple[str, int], str]) -> str | None:
    return side.claim_id or by_place.get((side.doc, side.start))


def _display_title(title: str | None, text: str) -> str:
    """The headline, or for an untitled article the start of its first real paragraph."""
    if title:
        return title
    lede = next((p.strip() for p in text.splitlines() if len(p.strip()) > 60), text.strip())
    return lede if len(lede) <= 80 else lede[:80].rsplit(" ", 1)[0] + "…"
