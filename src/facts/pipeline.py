"""The pipeline for one text, pure (no files, no ledger): segment, match, normalise, resolve, attribute,
and assemble the claims."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

import regex

from .attribution import Claim, attribute
from .engine.collector import collector_paused
from .engine.matching import Candidate, scan, select
from .engine.rules import RuleSet, cached_rules
from .models import AMOUNT_KINDS, ClaimRecord, Mention
from .resolve import dateline_date, is_vague_time, local_currencies, parse_reference, qualifier, resolve, stored_date
from .stories import StoryIndex, claim_ids
from .text.documents import Document
from .text.layout import layout_of
from .text.segment import Article, is_claimable, segment
from .values.intervals import value_interval
from .values.normalize import normalize, range_ends


def extract(text: str, *, reference_date: str | date | None = None, rules: RuleSet | None = None,
            doc: str | None = None) -> list[Mention]:
    """Every figure and date in `text`, as `process_document` reads them (a currency written alike in several
    countries is the one of the country it is about), sorted by position, spans exact."""
    document = Document(doc=doc or "", path=doc or "", encoding="utf-8", text=text)
    mentions = process_document(document, rules=rules, reference_date=reference_date).mentions
    return mentions if doc else [m.model_copy(update={"doc": None}) for m in mentions]


def _select_valid(candidates: list[Candidate], vetoes: list[tuple[int, int]],
                  rules: RuleSet) -> tuple[list[Candidate], dict[int, dict]]:
    """The best candidates whose groups make a valid value, with their values.

    Only winners are normalised (most candidates lose to a longer one); a winner
    whose value is invalid (a 13th month) is dropped and the choice made again,
    so what it overlapped gets its chance.
    """
    valued: dict[int, dict] = {}
    while True:
        chosen = select(candidates, vetoes)
        invalid = set()
        for c in chosen:
            if id(c) not in valued:
                fields = normalize(c, rules.lexicon)
                if fields is None:
                    invalid.add(id(c))
                else:
                    valued[id(c)] = fields
        if not invalid:
            return chosen, valued
        candidates = [c for c in candidates if id(c) not in invalid]


def match_mentions(text: str, *, reference_date: str | date | None = None, rules: RuleSet | None = None,
                   doc: str | None = None) -> list[Mention]:
    """Every figure and date in `text` as the rules match them, values normalised and dates resolved, sorted by
    position, spans exact (`text[m.start:m.end] == m.text`); what they are about is attribution's."""
    rules = rules or cached_rules()
    reference = parse_reference(reference_date)
    matched, kept = _without_invisible(text)
    candidates, vetoes = scan(matched, rules, doc)
    chosen, valued = _select_valid(candidates, vetoes, rules)
    mentions = []
    for c in chosen:
        for start, end, fields in range_ends(c, valued[id(c)], rules.lexicon) if c.kind in AMOUNT_KINDS else (
                (c.start, c.end, valued[id(c)]),):
            if c.kind in AMOUNT_KINDS:
                # A word beside the figure (`nearly`) says more than the figure's own form (`tens of thousands`).
                fields = fields | {"qualifier": qualifier(matched, start, end, rules) or fields.get("qualifier")}
            mentions.append(Mention(doc=doc, start=start, end=end, text=matched[start:end], kind=c.kind,
                                    rule=c.rule.id, **fields))
    mentions = resolve(matched, mentions, rules.lexicon, reference)
    if kept is None:
        return mentions
    return [m.model_copy(update={"start": kept[m.start], "end": kept[m.end - 1] + 1,
                                 "text": text[kept[m.start]:kept[m.end - 1] + 1]}) for m in mentions]


# Invisible format characters (a BOM, a zero-width space, a soft hyphen) right after a digit of a number.
_INVISIBLE_IN_NUMBER = regex.compile(r"(?<=\d)\p{Cf}+(?=[.,\u00a0\u202f]?\d)")


def _without_invisible(text: str) -> tuple[str, list[int] | None]:
    """The text to match, with invisible characters inside numbers dropped (`3\ufeff000` is 3000,
    not 3 and 0), and where each of its characters stands in `text` (None when nothing was dropped)."""
    if _INVISIBLE_IN_NUMBER.search(text) is None:
        return text, None
    dropped = {i for m in _INVISIBLE_IN_NUMBER.finditer(text) for i in range(*m.span())}
    kept = [i for i in range(len(text)) if i not in dropped]
    return "".join(text[i] for i in kept), kept


@dataclass
class ProcessedDocument:
    """Everything one document yields: its articles, every mention with what it is about,
    and the claims: the mentions that stand in an article's own text (not in captions,
    furniture or bios)."""

    document: Document
    articles: list[Article]
    stories: list[str]
    attributed: list[Claim]
    claims: list[ClaimRecord]
    rules: str = ""

    @property
    def mentions(self) -> list[Mention]:
        return [c.mention for c in self.attributed]

    def story_titles(self) -> dict[str, str]:
        """The title of each story the document's articles belong to, where it has one (flags show it)."""
        return {story: a.title for story, a in zip(self.stories, self.articles) if a.title}

    def story_dates(self) -> dict[str, str]:
        """The date each story's article is written on, where known (flags say how far apart two are)."""
        return {story: a.date for story, a in zip(self.stories, self.articles) if a.date}

    def rows(self) -> list[dict]:
        """One row per mention: FORMAT.md's fields, what it is about, and its claim fields
        (`id`, `story`, `interval_*`, ...) where it is a claim; `claimable` says which."""
        claims = {c.start: c for c in self.claims}
        rows = []
        for c in self.attributed:
            claim = claims.get(c.mention.start)
            if claim is not None:
                row = claim.model_dump(mode="json")
            else:
                row = c.mention.model_dump(mode="json") | {
                    "subject": c.subject, "metric": c.metric, "period": c.period,
                    "event": c.event.as_dict() if c.event else None, "why": c.why, "outlook": c.outlook}
            row["claimable"] = claim is not None
            rows.append(row)
        return rows


def process_document(document: Document, *, rules: RuleSet | None = None, stories: StoryIndex | None = None,
                     reference_date: str | date | None = None) -> ProcessedDocument:
    """Segment, extract, attribute and assemble claims for one document."""
    with collector_paused():
        return _process_document(document, rules, stories, reference_date)


def _process_document(document: Document, rules: RuleSet | None, stories: StoryIndex | None,
                      reference_date: str | date | None) -> ProcessedDocument:
    rules = rules or cached_rules()
    stories = stories if stories is not None else StoryIndex()
    text = document.text
    articles = segment(text, layout_of(rules.root))
    story_ids = [stories.story_of(a) for a in articles]
    mentions = match_mentions(text, reference_date=reference_date, rules=rules, doc=document.doc)
    _date_articles(text, articles, mentions)
    starts = [a.start for a in articles]
    attributed = local_currencies(_attribute(text, mentions, rules, reference_date, articles), starts, rules)
    kept = []
    for claim in attributed:
        m = claim.mention
        i = bisect_right(starts, m.start) - 1
        if 0 <= i and m.start < articles[i].end and is_claimable(articles[i], m.start) and not is_vague_time(m):
            kept.append((i, claim))
    ids = claim_ids((story_ids[i], c.mention.kind, c.metric, tuple(c.subject)) for i, c in kept)
    claims = []
    for (i, claim), claim_id in zip(kept, ids):
        m = claim.mention
        low, high = value_interval(m, rules.lexicon)
        # The mention's fields as they stand, not copied through `model_dump`. Still validated:
        # `model_construct` is slower than validating in pydantic 2.
        claims.append(ClaimRecord(
            **vars(m), id=claim_id, story=story_ids[i], article=i,
            subject=claim.subject, metric=claim.metric, period=claim.period,
            event=claim.event.as_dict() if claim.event else None, why=claim.why, outlook=claim.outlook,
            interval_low=low, interval_high=high, sentence=text[claim.sentence_start:claim.sentence_end],
            sentence_start=claim.sentence_start, section=articles[i].section_at(m.start)))
    return ProcessedDocument(document, articles, story_ids, attributed, claims, rules.fingerprint)


def _date_articles(text: str, articles: list[Article], mentions: list[Mention]) -> None:
    """An article without a dateline line of its own takes the date it is written on from a wire dateline
    in its lead ("TASHKENT, Uzbekistan, January 21."), else the stored page's metadata line, as its
    figures' periods do (`attribution.frame`): a flag then says how far apart two articles are."""
    page = stored_date(text)
    for a in articles:
        if a.date is None:
            written = dateline_date(text, [m for m in mentions if a.start <= m.start and m.end <= a.end], page)
            day = written[0] if written else page
            a.date = day.isoformat() if day else None


def _attribute(text: str, mentions: list[Mention], rules: RuleSet, reference_date: str | date | None,
               articles: list[Article]) -> list[Claim]:
    """What each mention is about. Weekdays and vague references (`now`, `on Friday`:
    `resolve.is_vague_time`) are left out of attribution, where they would stand as
    the period of the figures beside them, and are about nothing: they are no claims."""
    vague = {id(m) for m in mentions if is_vague_time(m)}
    if not vague:
        return attribute(text, mentions, rules=rules, reference_date=reference_date,
                         articles=[(a.start, a.end) for a in articles])
    found = iter(attribute(text, [m for m in mentions if id(m) not in vague], rules=rules,
                           reference_date=reference_date, articles=[(a.start, a.end) for a in articles]))
    return [Claim(m, [], None, None, None, m.start, m.end) if id(m) in vague else next(found) for m in mentions]
