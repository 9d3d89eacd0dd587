"""The extraction pipeline: match rules, normalise values, add qualifiers, resolve dates."""
from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import os
import signal
import sys
from bisect import bisect_right
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

import regex

from .attribution import Claim, attribute
from .engine.collector import collector_paused
from .text.documents import DEFAULT_MAX_BYTES, Document, InputError, load_documents
from .values.intervals import value_interval
from .ledger import Ledger, text_sha256
from .engine.matching import Candidate, RuleTimeout, scan, select
from .models import AMOUNT_KINDS, ClaimRecord, Mention
from .values.normalize import normalize
from .resolve import dateline_date, is_vague_time, parse_reference, resolve, stored_date
from .engine.rules import RuleSet, cached_rules
from .text.segment import Article, is_claimable, same_article, segment


@lru_cache(maxsize=8)
def _qualifier_patterns(rules: RuleSet) -> tuple[regex.Pattern, regex.Pattern]:
    """Qualifier words stand right before a figure (`nearly $10 million`) or right after it (`or more`)."""
    before = regex.compile(r"(?<![\w$])(?P<q>" + rules.lexicon.patterns["qualifier_before"] + r")[\s\u00a0]+\Z")
    after = regex.compile(r"\A[\s\u00a0,]+(?P<q>" + rules.lexicon.patterns["qualifier_after"] + r")(?!\w)")
    return before, after


def _qualifier(text: str, start: int, end: int, rules: RuleSet) -> str | None:
    before, after = _qualifier_patterns(rules)
    m = before.search(text, max(0, start - 40), start)
    table = "qualifier_before"
    if m is None:
        m = after.match(text, end, min(len(text), end + 40))
        table = "qualifier_after"
    return rules.lexicon.lookup(table, m.group("q")) if m else None


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


def extract(text: str, *, reference_date: str | date | None = None, rules: RuleSet | None = None,
            doc: str | None = None) -> list[Mention]:
    """Every figure and date in `text`, sorted by position, spans exact: `text[m.start:m.end] == m.text`."""
    rules = rules or cached_rules()
    reference = parse_reference(reference_date)
    matched, kept = _without_invisible(text)
    candidates, vetoes = scan(matched, rules, doc)
    chosen, valued = _select_valid(candidates, vetoes, rules)
    mentions = []
    for c in chosen:
        fields = valued[id(c)]
        if c.kind in AMOUNT_KINDS:
            fields["qualifier"] = _qualifier(matched, c.start, c.end, rules)
        mentions.append(Mention(doc=doc, start=c.start, end=c.end, text=matched[c.start:c.end], kind=c.kind,
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


class StoryIndex:
    """Which story an article belongs to: copies on other pages and later versions share one.

    Sentence hashes index the stories seen, so a new article is compared only
    with stories that share a sentence with it.
    """

    def __init__(self) -> None:
        self._by_fingerprint: dict[str, str] = {}
        self._by_shingle: dict[str, set[str]] = {}
        self._articles: dict[str, list[Article]] = {}

    def add(self, story: str, article: Article) -> None:
        if article.fingerprint:
            self._by_fingerprint.setdefault(article.fingerprint, story)
        for shingle in article.shingles:
            self._by_shingle.setdefault(shingle, set()).add(story)
        self._articles.setdefault(story, []).append(article)

    def known(self) -> list[str]:
        return list(self._articles)

    def story_of(self, article: Article) -> str:
        """The story of a known copy, or a new story named after the article's fingerprint."""
        if article.fingerprint in self._by_fingerprint:
            return self._by_fingerprint[article.fingerprint]
        candidates = set().union(*(self._by_shingle.get(s, ()) for s in article.shingles)) if article.shingles else ()
        for story in sorted(candidates):
            if any(same_article(article, known) for known in self._articles[story]):
                self.add(story, article)
                return story
        story = (article.fingerprint or hashlib.blake2b(repr((article.title, article.author)).encode(),
                                                         digest_size=8).hexdigest())[:16]
        self.add(story, article)
        return story


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
    articles = segment(text)
    story_ids = [stories.story_of(a) for a in articles]
    mentions = extract(text, reference_date=reference_date, rules=rules, doc=document.doc)
    _date_articles(text, articles, mentions)
    starts = [a.start for a in articles]
    attributed = _local_currencies(_attribute(text, mentions, rules, reference_date, articles), starts, rules)
    claims: list[ClaimRecord] = []
    ranks: Counter = Counter()
    for claim in attributed:
        m = claim.mention
        i = bisect_right(starts, m.start) - 1
        if i < 0 or m.start >= articles[i].end or not is_claimable(articles[i], m.start):
            continue
        if is_vague_time(m):
            continue
        key = (story_ids[i], m.kind, claim.metric, tuple(claim.subject))
        ranks[key] += 1
        low, high = value_interval(m, rules.lexicon)
        # The mention's fields as they stand (`model_dump` copied them first: a seventh of building the
        # claims). Still validated: `model_construct` is slower than validating in pydantic 2.
        claims.append(ClaimRecord(
            **vars(m), id=claim_id(*key, ranks[key]), story=story_ids[i], article=i,
            subject=claim.subject, metric=claim.metric, period=claim.period,
            event=claim.event.as_dict() if claim.event else None, why=claim.why, outlook=claim.outlook, interval_low=low, interval_high=high,
            sentence=text[claim.sentence_start:claim.sentence_end], sentence_start=claim.sentence_start, section=articles[i].section_at(m.start)))
    return ProcessedDocument(document, articles, story_ids, attributed, claims, rules.fingerprint)


def _date_articles(text: str, articles: list[Article], mentions: list[Mention]) -> None:
    """An article without a dateline line of its own takes the date it is written on from a wire dateline
    in its lead ("TASHKENT, Uzbekistan, January 21."), else the stored page's metadata line, as its
    figures' periods do (`attribution.frame`): a flag then says how far apart two articles are."""
    page = stored_date(text)
    for a in articles:
        if a.date is None:
            written = dateline_date(text, [m for m in mentions if a.start <= m.start and m.end <= a.end])
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


@lru_cache(maxsize=8)
def _currency_words(rules: RuleSet) -> regex.Pattern:
    """Currency names and signs as the money rules read them, longest first (`Indian rupees` before `rupees`)."""
    tables = ("currency_prefix", "currency_suffix", "currency_after_scale")
    return regex.compile("|".join(f"(?:{rules.lexicon.patterns[t]})" for t in tables))


def _local_currencies(claims: list[Claim], starts: list[int], rules: RuleSet) -> list[Claim]:
    """A currency written alike in several countries (`Rs`, `rupees`, `manat`: lexicon `shared_currency`)
    is the one of a country the figure is about, else of the country its article's claims name most;
    else the lexicon's first reading stays."""
    lex = rules.lexicon
    shared = {i: codes for i, c in enumerate(claims) if c.mention.kind == "money"
              for codes in [_shared_codes(c.mention.text, rules)] if codes}
    if not shared:
        return claims
    named: dict[int, Counter] = {}
    for c in claims:
        named.setdefault(bisect_right(starts, c.mention.start), Counter()).update(c.subject)
    out = list(claims)
    for i, codes in shared.items():
        c = claims[i]
        article = named.get(bisect_right(starts, c.mention.start), Counter())
        countries = [*c.subject, *(n for n, _ in article.most_common())]
        code = next((code for n in countries for code in [lex.lookup("country_currency", n)] if code in codes), None)
        currency, _, rate = (c.mention.unit or "").partition("/")
        if code and code != currency:
            # A rate keeps what it is per ("Rs 50 per litre" is PKR/l).
            out[i] = replace(c, mention=c.mention.model_copy(update={"unit": f"{code}/{rate}" if rate else code}))
    return out


def _shared_codes(text: str, rules: RuleSet) -> list[str] | None:
    """The readings of a shared currency a money mention is written in, or None."""
    words = [m.group() for m in _currency_words(rules).finditer(text)]
    return next((codes for w in words for codes in [rules.lexicon.lookup("shared_currency", w)] if codes), None)


def claim_id(story: str, kind: str, metric: str | None, subject: tuple[str, ...], rank: int) -> str:
    key = "\x1f".join([story, kind, metric or "", "|".join(subject), str(rank)])
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


def extract_documents(paths: Iterable[str], *, reference_date: str | date | None = None,
                      rules: RuleSet | None = None) -> Iterator[tuple[Document, list[Mention]] | InputError]:
    """Mentions per readable file; an unreadable file yields its error and the run goes on."""
    rules = rules or cached_rules()
    for item in load_documents(paths):
        if isinstance(item, InputError):
            yield item
        else:
            try:
                yield item, extract(item.text, reference_date=reference_date, rules=rules, doc=item.doc)
            except RuleTimeout as err:
                yield err


@dataclass
class Summary:
    """What a run did, for the line a user reads at the end."""

    files: int = 0
    held: int = 0
    articles: int = 0
    copies: int = 0
    claims: Counter = field(default_factory=Counter)
    failed: list[InputError] = field(default_factory=list)

    def __str__(self) -> str:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.claims.items())) or "none"
        parts = [f"{self.files} files", f"{self.articles} articles ({self.copies} copies of articles seen before)",
                 f"{sum(self.claims.values())} claims: {kinds}"]
        if self.held:
            parts.append(f"{self.held} files already in the ledger, skipped")
        if self.failed:
            parts.append(f"{len(self.failed)} files skipped for errors")
        return "; ".join(parts)


def process_paths(paths: Iterable[str], *, rules: RuleSet | None = None, reference_date: str | date | None = None,
                  ledger: Ledger | None = None, summary: Summary | None = None, outputs: Iterable[str] = (),
                  max_bytes: int = DEFAULT_MAX_BYTES, jobs: int = 1) -> Iterator[ProcessedDocument | InputError]:
    """Process every file; with a ledger, store each document in its own transaction and
    skip documents it holds already. Copies are recognised across the run and the ledger.
    Folders are read without the run's own files (`outputs` and the ledger): a previous run's
    output would be read as an article. A file over `max_bytes` is refused by name.

    With `jobs` above 1, documents are read in that many worker processes; results come in input
    order and are the same as with one: workers are pure, and this process alone decides which story
    each article belongs to and writes the ledger."""
    rules = rules or cached_rules()
    summary = summary if summary is not None else Summary()
    # A second writer of the same ledger waits here, so that it sees the first one's stories.
    with ledger.run_lock() if ledger is not None else nullcontext():
        stories = StoryIndex()
        if ledger is not None:
            for story, fingerprint, shingles in ledger.stories():
                stories.add(story, Article(start=0, end=0, fingerprint=fingerprint, shingles=shingles))
        seen_stories: set[str] = set(stories.known())
        own_files = [*outputs, *(ledger.files() if ledger is not None else ())]

        def wanted() -> Iterator[Document | InputError]:
            for item in load_documents(paths, skip=own_files, max_bytes=max_bytes):
                if isinstance(item, InputError):
                    summary.failed.append(item)
                    yield item
                    continue
                summary.files += 1
                if ledger is not None and ledger.holds(item.doc, text_sha256(item.text), rules.fingerprint):
                    summary.held += 1
                    continue
                yield item

        read = _read_in_workers(wanted(), rules, reference_date, jobs) if jobs > 1 else (
            item if isinstance(item, InputError) else (item, None) for item in wanted())
        for item in read:
            if isinstance(item, InputError):
                yield item
                continue
            document, done = item
            if isinstance(done, RuleTimeout):
                summary.failed.append(done)
                yield done
                continue
            with collector_paused():
                try:
                    processed = (_restoried(done, stories) if done is not None else
                                 process_document(document, rules=rules, stories=stories, reference_date=reference_date))
                except RuleTimeout as err:  # the rule and the document named; the run goes on
                    summary.failed.append(err)
                    yield err
                    continue
                summary.articles += len(processed.articles)
                summary.copies += sum(1 for s in processed.stories if s in seen_stories)
                seen_stories.update(processed.stories)
                summary.claims.update(c.kind for c in processed.claims)
                if ledger is not None:
                    ledger.add_processed(processed)
            yield processed


# Documents a worker may hold ahead of the one being stored: enough to keep every worker busy, few
# enough that memory stays bounded whatever the number of files.
_IN_FLIGHT_PER_JOB = 4
_worker_rules: RuleSet | None = None
_FIRST_USE = ("TASHKENT, Uzbekistan, January 21. Uzbekistan's trade with China reached $5 billion in 2024, "
              "up 3 percent from 2023, while 1.2 million tons of cargo crossed the border, Trend reports.\n")


def _read_in_workers(items: Iterator[Document | InputError], rules: RuleSet, reference_date: str | date | None,
                     jobs: int) -> Iterator[tuple[Document, ProcessedDocument] | InputError]:
    """Each document read by a worker on its own (a story index of its own), in input order."""
    global _worker_rules
    methods = multiprocessing.get_all_start_methods()
    # Forked workers inherit the compiled rules; spawned ones compile them once each.
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    _worker_rules = rules
    if context.get_start_method() == "fork":
        # What the rules compile on first use (3 CPU-s of attribution patterns) is compiled here once,
        # for every forked worker to inherit.
        process_document(Document(doc="", path="", encoding="utf-8", text=_FIRST_USE), rules=rules)
    pending: deque = deque()
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                             initargs=(None if context.get_start_method() == "fork" else str(rules.root),)) as pool:
        for item in items:
            pending.append(item if isinstance(item, InputError) else
                           (item, pool.submit(_read_alone, item, reference_date)))
            while len(pending) > jobs * _IN_FLIGHT_PER_JOB:
                yield _finished(pending.popleft())
        while pending:
            yield _finished(pending.popleft())


def _finished(entry):
    return entry if isinstance(entry, InputError) else (entry[0], entry[1].result())


def _start_worker(root: str | None) -> None:
    global _worker_rules
    _die_with_parent()
    if root is not None:
        _worker_rules = cached_rules(root)


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """A worker goes when its run does, even a killed one: a forked worker shares the run's open files,
    and one left behind would hold the ledger's run lock, so the next run would wait for ever (Linux)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the run died before the worker could ask
        os._exit(1)


def _read_alone(document: Document, reference_date: str | date | None) -> ProcessedDocument | RuleTimeout:
    try:
        return process_document(document, rules=_worker_rules, stories=StoryIndex(), reference_date=reference_date)
    except RuleTimeout as err:  # told by the parent, in input order, like any document's error
        return err


def _restoried(processed: ProcessedDocument, stories: StoryIndex) -> ProcessedDocument:
    """A document read alone, with the stories of the run: a copy of an article seen before takes that
    story, and its claims the ids they would have had, ranked as `_process_document` ranks them."""
    story_ids = [stories.story_of(a) for a in processed.articles]
    if story_ids == processed.stories:
        return processed
    ranks: Counter = Counter()
    claims = []
    for c in processed.claims:
        key = (story_ids[c.article], c.kind, c.metric, tuple(c.subject))
        ranks[key] += 1
        claims.append(c.model_copy(update={"story": key[0], "id": claim_id(*key, ranks[key])}))
    return replace(processed, stories=story_ids, claims=claims)
