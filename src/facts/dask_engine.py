"""Extraction and checks on a Dask cluster (`--engine dask`), with the local engine's output.

Workers are pure, as the process pool's are (`pipeline.process_paths`): each document is read alone, with a
story index of its own, and the client decides story identity in input order and re-ranks claim ids. The
checks run as a group-by of a Dask DataFrame of the claims, each check on the groups that hold all it
compares (`_FAMILY`); the client orders the findings as one process would have found them and makes the
flags, so copies merge alike. Dask is imported only here: the tool starts without it (`pip install
'facts[dask]'`). docs/scale.md says how to run it on a cluster and what each stage costs.
"""
from __future__ import annotations

import json
import logging
import math
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .checks.checkers import CHECKERS
from .checks.checkfile import ChecksFile, load_checks_file
from .checks.comparable import fact_key
from .checks.corpus import COMPARED_KINDS, Corpus, Fact
from .checks.flags import as_finding, flags_of
from .engine.collector import collector_paused
from .engine.matching import RuleTimeout
from .engine.rules import CheckRules, cached_rules, load_check_rules
from .export import write
from .export.tables import atomic_open
from .models import AMOUNT_KINDS, ClaimView, Flag
from .pipeline import ProcessedDocument, process_document
from .run import Gathered, Summary
from .stories import StoryIndex, restoried
from .text.documents import DEFAULT_MAX_BYTES, InputError, iter_paths, load_document
from .values.intervals import timex_days

# Beside the rows, what they cannot hold and the checks need: each claim in run order, its amounts as exact
# decimal text (rows hold JSON numbers: 3600000000.0 reads 3600000000) and its story's title and date.
# Parquet readers pass over files named with `_`, so the folder reads as the local engine's.
CLAIMS_FILE = "_claims.parquet"
# Partitions a worker thread holds ahead of the one the client is storing: every worker busy, memory bounded.
_IN_FLIGHT_PER_THREAD = 2
_PARTITIONS_PER_THREAD = 4
_CLAIMS_PER_ROW_GROUP = 20_000


@contextmanager
def _client(scheduler: str | None):
    """A client of the cluster at `scheduler`, else of a LocalCluster of one single-threaded worker process
    per core (extraction holds the GIL, so threads would not help)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ValueError("--engine dask needs Dask: pip install 'facts[dask]'") from None
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with LocalCluster(threads_per_worker=1, dashboard_address=None, silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client


def _threads(client) -> int:
    return max(1, sum(client.nthreads().values()))


# ---- extraction -------------------------------------------------------------------------------------------


def _read_alone(found: tuple[str, str], root: str | None, reference_date: str | None,
                max_bytes: int) -> ProcessedDocument | InputError:
    """One document read on a worker, on its own; sent back without its text, which the client never reads."""
    try:
        document = load_document(found[0], found[1], max_bytes=max_bytes)
        done = process_document(document, rules=cached_rules(root), stories=StoryIndex(), reference_date=reference_date)
    except InputError as err:  # told by the client, in input order, as the local engine tells it
        return err
    return replace(done, document=document.model_copy(update={"text": ""}))


def process_on_dask(client, paths: Iterable[str], *, rules_root: str | None = None, reference_date: str | None = None,
                    max_bytes: int = DEFAULT_MAX_BYTES, skip: Iterable[str] = (),
                    summary: Summary | None = None) -> Iterator[ProcessedDocument | InputError]:
    """`process_paths` with the documents read as a Dask bag: results in input order, the same as the local
    engine's. The client lists the files and holds the story index; a bounded number of partitions is in
    flight."""
    import dask.bag as db

    summary = summary if summary is not None else Summary()
    entries: list[tuple[str, str] | InputError] = []
    for given in paths:  # one missing path is told in its place, and the others still read
        try:
            entries.extend(item if isinstance(item, InputError) else (str(item[0]), item[1])
                           for item in iter_paths([given], skip))
        except InputError as err:
            entries.append(err)
    files = [e for e in entries if not isinstance(e, InputError)]
    threads = _threads(client)
    size = max(1, math.ceil(len(files) / (threads * _PARTITIONS_PER_THREAD)))
    parts = db.from_sequence(files, partition_size=size).map(
        _read_alone, rules_root, reference_date, max_bytes).to_delayed() if files else []
    pending = deque(client.compute(p) for p in parts[:threads * _IN_FLIGHT_PER_THREAD])
    later = iter(parts[threads * _IN_FLIGHT_PER_THREAD:])
    results: deque = deque()
    stories, seen = StoryIndex(), set()
    for entry in entries:
        if not isinstance(entry, InputError):
            if not results:
                future = pending.popleft()
                results.extend(future.result())
                future.release()
                pending.extend(client.compute(p) for p in [next(later, None)] if p is not None)
            entry = results.popleft()
            if not isinstance(entry, InputError) or isinstance(entry, RuleTimeout):
                summary.files += 1
        if isinstance(entry, InputError):
            summary.failed.append(entry)
            yield entry
            continue
        with collector_paused():
            processed = restoried(entry, stories)
        summary.articles += len(processed.articles)
        summary.copies += sum(1 for s in processed.stories if s in seen)
        seen.update(processed.stories)
        summary.claims.update(c.kind for c in processed.claims)
        yield processed


def extract_to_parquet(paths: Iterable[str], out: str | Path, *, scheduler: str | None = None,
                       rules_root: str | None = None, reference_date: str | None = None,
                       max_bytes: int = DEFAULT_MAX_BYTES,
                       warn: Callable[[str], None] = lambda message: None) -> tuple[Summary, int]:
    """Every mention of the files as a Parquet folder partitioned by kind, read on the cluster: the rows the
    local engine's `--format parquet` writes, in its order, with `_claims.parquet` beside them for `check`.
    Unreadable files are told to `warn` by name and the others still read. The rows are gathered and
    written by the client, as the column types are decided over all of them (`export.tables.write_parquet`)."""
    summary = Summary()
    gathered = Gathered(with_rows=True)
    with _client(scheduler) as client:
        for item in process_on_dask(client, paths, rules_root=rules_root, reference_date=reference_date,
                                    max_bytes=max_bytes, skip=[str(out)], summary=summary):
            if isinstance(item, InputError):
                warn(str(item))
                continue
            for warning in item.document.warnings:
                warn(f"{item.document.path}: {warning}")
            gathered.add(item)
    folder = Path(out)
    n = write(gathered.rows, "parquet", f"{folder}/")
    _write_claims(gathered.claims, gathered.titles, gathered.dates, folder / CLAIMS_FILE)
    return summary, n


_TEXT = ("id", "doc", "story", "text", "kind", "value", "unit", "qualifier", "low", "high", "si_value", "si_unit",
         "resolved", "metric", "period", "event", "outlook", "interval_low", "interval_high", "sentence", "title", "date")
_INTEGER = ("seq", "article", "start", "end", "sentence_start")


def _write_claims(claims: list, titles: dict[str, str], dates: dict[str, str], path: Path) -> None:
    """The claims table the checks read, typed by hand so that no column's type depends on its values."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def text(value) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else str(value)

    columns = {name: [] for name in (*_INTEGER, *_TEXT, "subject")}
    for seq, c in enumerate(claims):
        record = vars(c) | {"seq": seq, "title": titles.get(c.story), "date": dates.get(c.story)}
        for name in _INTEGER:
            columns[name].append(record[name])
        for name in _TEXT:
            columns[name].append(text(record[name]))
        columns["subject"].append(list(c.subject))
    schema = pa.schema([*((n, pa.int64()) for n in _INTEGER), *((n, pa.string()) for n in _TEXT),
                        ("subject", pa.list_(pa.string()))])
    table = pa.table(columns, schema=schema)
    with atomic_open(path, "wb") as fh:
        pq.write_table(table, fh, row_group_size=_CLAIMS_PER_ROW_GROUP)


# ---- checks -----------------------------------------------------------------------------------------------


def _sentence_place(f: Fact) -> tuple:
    c = f.claim
    return tuple((part is None, part) for part in (c.doc, c.story, c.sentence_start, c.sentence))


def _article_place(f: Fact) -> tuple:
    return f.claim.doc, f.claim.article


# Which group holds all a checker compares, and where its findings stand in one process's order. Checkers
# of one sentence or article run on a story's claims (its copies included, so they merge as one flag) and
# are placed by the sentence or article of their first claim, as `Corpus.sentences` and `.articles` sort
# them. Those of one fact (None) run on the claims of a fact key or of a once-only event, placed by the
# group's first claim, as `Corpus.amount_groups` and `event_date_conflict` meet them. A new checker
# must be added here.
_FAMILY: dict[str, Callable[[Fact], tuple] | None] = {
    "value_conflict": None,
    "source_discrepancy": None,
    "event_date_conflict": None,
    "conversion_vs_figure": _sentence_place,
    "multiplier_vs_figures": _sentence_place,
    "percent_change_vs_figures": _sentence_place,
    "share_of_total": _article_place,
    "ratio_vs_figures": _article_place,
    "duration_vs_period": _article_place,
}


@lru_cache(maxsize=4)
def _checks(root: str | None) -> tuple[CheckRules, ChecksFile]:
    """The check rules, loaded once per worker process."""
    rules = load_check_rules(root)
    return rules, load_checks_file(rules)


def _value(x):
    """A cell as Python has it: None for a missing one (pandas reads it as NA or NaN)."""
    return None if pd.isna(x) else x


def _amount(x) -> Decimal | None:
    x = _value(x)
    return None if x is None else Decimal(x)


def _integer(x) -> int | None:
    x = _value(x)
    return None if x is None else int(x)


def _views(frame) -> list[ClaimView]:
    """The claims of a group of rows of the claims table, in run order."""
    views = []
    for r in frame.sort_values("seq").itertuples(index=False):
        event = _value(r.event)
        views.append(ClaimView(
            r.id, r.doc, r.story, int(r.article), int(r.start), int(r.end), r.text, r.kind,
            _amount(r.value) if r.kind in AMOUNT_KINDS else _value(r.value), _value(r.unit), _value(r.qualifier),
            _amount(r.low), _amount(r.high), _amount(r.si_value), _value(r.si_unit), _value(r.resolved),
            tuple(r.subject), _value(r.metric), _value(r.period), json.loads(event) if event else None,
            _value(r.outlook), _amount(r.interval_low), _amount(r.interval_high), _value(r.sentence),
            _integer(r.sentence_start)))
    return views


class _Group(Corpus):
    """The claims of one group, with the topics of their articles found over all the claims."""

    def __init__(self, claims: list[ClaimView], rules: CheckRules, loaded: ChecksFile, topics: dict):
        super().__init__(claims, loaded.comparable, rules.lexicon)
        self._given = topics

    def topic(self, f: Fact) -> frozenset[str]:
        return self._given.get((f.claim.doc, f.claim.article), frozenset())


def _topic_rows(claims):
    """(document, article, entity) for each entity of an article's topic (`Corpus.topic`: named in the
    subject of at least half its figures, of two or more), by group-bys of the claims."""
    figures = claims[claims["kind"].isin(sorted(COMPARED_KINDS))][["seq", "doc", "article", "subject"]]
    counts = figures.groupby(["doc", "article"]).size().rename("figures").reset_index()
    named = figures.explode("subject").dropna(subset=["subject"]).drop_duplicates(["seq", "subject"])
    named = named.groupby(["doc", "article", "subject"]).size().rename("named").reset_index()
    named = named.merge(counts, on=["doc", "article"])
    return named[(2 * named["named"] >= named["figures"]) & (named["figures"] >= 2)]


def _topics(rows) -> dict[tuple[str, int], frozenset[str]]:
    topics: dict[tuple[str, int], set[str]] = {}
    for doc, article, entity in zip(rows["doc"], rows["article"], rows["subject"]):
        topics.setdefault((doc, int(article)), set()).add(entity)
    return {where: frozenset(entities) for where, entities in topics.items()}


def _group_key(frame, root: str | None):
    """The fact group of each claim: its fact key (an amount), or its once-only event's type and parties (a
    date), as the checks of one fact group them; None for the others."""
    rules, loaded = _checks(root)
    vocab = loaded.comparable
    once = {w.casefold() for c in loaded.checks if c.checker == "event_date_conflict" for w in c.params.get("once", [])}

    def key(c: ClaimView) -> str | None:
        if c.kind in COMPARED_KINDS and isinstance(c.value, Decimal):
            found = fact_key(c, vocab)
            return None if found is None else repr(found)
        kind = str((c.event or {}).get("type") or "").casefold()
        if c.kind in ("date", "period") and kind in once and timex_days(c.resolved or str(c.value)):
            parties = frozenset(c.event.get("actor", [])) | frozenset(c.event.get("counterpart", [])) or frozenset(c.subject)
            return repr(("event", kind, sorted(parties)))
        return None

    seq = frame["seq"].tolist()
    keys = dict(zip(sorted(seq), map(key, _views(frame))))
    return frame.assign(group=[keys[s] for s in seq])


_FINDINGS_META = {"check": "int64", "order": "object", "finding": "object"}


def _findings(frame, root: str | None, by_fact: bool, topics: dict):
    """The findings of the checks of one family on one group of claims, each with its check's number and its
    place in the order one process would have found it."""
    rules, loaded = _checks(root)
    rows = []
    with collector_paused():
        corpus = _Group(_views(frame), rules, loaded, topics)
        first = min(frame["seq"])
        for number, check in enumerate(loaded.checks):
            place = _FAMILY[check.checker]
            if (place is None) != by_fact:
                continue
            for i, found in enumerate(map(as_finding, CHECKERS[check.checker](corpus, check))):
                rows.append((number, (first, i) if place is None else (place(found.a), i), found))
    return pd.DataFrame(rows, columns=list(_FINDINGS_META)).astype({"check": "int64"})


def _keyed(claims, column: str):
    """The claims with a copy of the column to group by: pandas hands a group over without it."""
    return claims.assign(**{f"by_{column}": claims[column]})


def check_parquet(folder: str | Path, *, scheduler: str | None = None, rules_root: str | None = None,
                  min_confidence: float | None = None) -> tuple[list[Flag], int]:
    """The flags of the claims of a folder written by `extract_to_parquet`, checked on the cluster (the same
    as `find_flags` on the claims), and how many claims were read. The topics of articles, which
    value_conflict reads for claims of many fact keys, are counted per article, gathered on the client and
    handed to every fact group."""
    path = Path(folder) / CLAIMS_FILE
    if not path.is_file():
        raise InputError(str(path), "no such file: check --engine dask reads a folder written by "
                                    "`facts extract --engine dask --format parquet -o FOLDER/`")
    rules, loaded = _checks(rules_root)
    threshold = loaded.comparable.min_confidence if min_confidence is None else min_confidence
    with _client(scheduler) as client:
        import dask
        import dask.dataframe as dd

        claims = dd.read_parquet(str(path), split_row_groups=True)
        claims = claims.repartition(npartitions=max(claims.npartitions, _threads(client)))
        topics, stories, count = dask.compute(_topic_rows(claims), claims[["story", "title", "date"]].drop_duplicates(),
                                              claims.shape[0])
        topics = _topics(topics)
        grouped = claims.map_partitions(_group_key, rules_root, meta={**claims.dtypes.to_dict(), "group": "object"})
        in_facts = grouped[grouped["group"].notnull()].groupby("group").apply(
            _findings, rules_root, True, topics, meta=_FINDINGS_META)
        in_stories = _keyed(claims, "story").groupby("by_story").apply(
            _findings, rules_root, False, {}, meta=_FINDINGS_META)
        found = dask.compute(in_facts, in_stories)
    rows = sorted((r for frame in found for r in frame.itertuples(index=False)), key=lambda r: (r.check, r.order))
    titles = {s: t for s, t in zip(stories["story"], stories["title"]) if _value(t) is not None}
    dates = {s: d for s, d in zip(stories["story"], stories["date"]) if _value(d) is not None}
    with collector_paused():
        flags = flags_of(((loaded.checks[r.check], r.finding) for r in rows), threshold, titles, dates)
    return flags, count
