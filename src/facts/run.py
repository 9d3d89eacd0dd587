"""A run over files: read the paths, skip what the ledger holds, process each document (in worker
processes with `jobs`), decide story identity in this process alone, and store."""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date

from .engine.collector import collector_paused
from .engine.matching import RuleTimeout
from .engine.rules import RuleSet, cached_rules
from .ledger import Ledger, text_sha256
from .models import ClaimRecord, Mention
from .pipeline import ProcessedDocument, match_mentions, process_document
from .stories import StoryIndex, restoried
from .text.documents import DEFAULT_MAX_BYTES, Document, InputError, load_documents
from .text.segment import Article


def extract_documents(paths: Iterable[str], *, reference_date: str | date | None = None,
                      rules: RuleSet | None = None) -> Iterator[tuple[Document, list[Mention]] | InputError]:
    """Mentions per readable file as the rules find them (`match_mentions`: no attribution, so a currency
    shared by several countries keeps the lexicon's first reading; `process_paths` gives the pipeline's);
    an unreadable file yields its error and the run goes on."""
    rules = rules or cached_rules()
    for item in load_documents(paths):
        if isinstance(item, InputError):
            yield item
        else:
            try:
                yield item, match_mentions(item.text, reference_date=reference_date, rules=rules, doc=item.doc)
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


@dataclass
class Gathered:
    """What the documents of a run give together: their claims, the titles and dates of their articles by
    story, and (`with_rows`) their rows as `extract` writes them."""

    with_rows: bool = False
    rows: list[dict] = field(default_factory=list)
    claims: list[ClaimRecord] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)

    def add(self, processed: ProcessedDocument) -> None:
        if self.with_rows:
            self.rows.extend(processed.rows())
        self.claims.extend(processed.claims)
        self.titles.update(processed.story_titles())
        self.dates.update(processed.story_dates())


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
                    processed = (restoried(done, stories) if done is not None else
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
        # What the rules compile on first use (the attribution patterns) is compiled here once, for
        # every forked worker to inherit, not once per worker.
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
