"""The ledger: documents, articles, their copies and claims in one SQLite file.

SQLite because a checker's ledger is one file to keep, mail and query, and
because its transactions make a killed run harmless: each document is written
in one transaction, so the file holds whole documents only, and the next run
picks up where the last one stopped. Adding is idempotent: a document already
held with the same text is skipped; a document whose text changed is added as a
new version while the old one stays queryable.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .models import AMOUNT_KINDS, ClaimRecord, ClaimView, Verdict, typed_value

if TYPE_CHECKING:
    import pandas as pd

    from .pipeline import ProcessedDocument

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL,
    path TEXT,
    sha256 TEXT NOT NULL,
    version INTEGER NOT NULL,
    current INTEGER NOT NULL DEFAULT 1,
    rules TEXT NOT NULL DEFAULT '',
    encoding TEXT,
    format TEXT,
    chars INTEGER NOT NULL,
    added TEXT NOT NULL,
    text TEXT NOT NULL,
    url TEXT,
    page_title TEXT,
    byline TEXT,
    published TEXT,
    UNIQUE (doc, sha256)
);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    story TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    title TEXT,
    author TEXT,
    date TEXT,
    fingerprint TEXT NOT NULL,
    shingles TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS claims (
    id TEXT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    article_id INTEGER REFERENCES articles(id) ON DELETE CASCADE,
    story TEXT,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    value TEXT,
    unit TEXT,
    qualifier TEXT,
    low TEXT,
    high TEXT,
    mod TEXT,
    relative INTEGER NOT NULL DEFAULT 0,
    resolved TEXT,
    si_value TEXT,
    si_unit TEXT,
    rule TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '[]',
    metric TEXT,
    period TEXT,
    event TEXT,
    interval_low TEXT,
    interval_high TEXT,
    sentence TEXT,
    sentence_start INTEGER,
    section TEXT,
    why TEXT,
    outlook TEXT,
    PRIMARY KEY (document_id, id)
);
-- No query could use an index on (metric, period): they match words inside the metric and a period's
-- prefix, so it was upkeep without use; a ledger made before loses it.
DROP INDEX IF EXISTS claims_key;
CREATE INDEX IF NOT EXISTS articles_story ON articles (story);
CREATE TABLE IF NOT EXISTS verdicts (
    claim_id TEXT PRIMARY KEY,
    verdict TEXT NOT NULL,
    checker TEXT,
    notes TEXT,
    checked_value TEXT,
    updated TEXT NOT NULL
);
"""
JSON_COLUMNS = ("subject", "event", "why")
VERDICTS = ("unchecked", "correct", "incorrect", "misleading", "unverifiable")


class LedgerError(Exception):
    """A file that is not a ledger of this version; the message names it."""


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class Ledger:
    """An open ledger file. Use as a context manager, or call `close()`."""

    def __init__(self, path: str | Path, *, read_only: bool = False):
        """`read_only` for the commands that only read: a ledger on a read-only disk, or one
        the user may not write, is then still readable."""
        self.path = Path(path)
        try:
            if read_only:
                self.db = self._connect_read_only()
            else:
                self._connect()
            version = int(self.meta("schema") or 0)
        except sqlite3.DatabaseError as exc:
            # A ledger that opens but cannot be written (read-only, disk full) is no format problem.
            unwritable = isinstance(exc, sqlite3.OperationalError) and not read_only
            raise LedgerError(f"{self.path}: {exc}" if unwritable else f"{self.path}: not a facts ledger ({exc})") from None
        if version != SCHEMA_VERSION:
            raise LedgerError(f"{self.path}: ledger schema {version}, this facts reads {SCHEMA_VERSION}")

    def _add_columns(self) -> None:
        """A ledger made before a column of `claims` was added gains it, empty (`si_value`, `si_unit`, `why`,
        `outlook`)."""
        have = {row[1] for row in self.db.execute("PRAGMA table_info(claims)")}
        for column in _ADDED_COLUMNS:
            if column not in have:
                self.db.execute(f"ALTER TABLE claims ADD COLUMN {column} TEXT")
        # Where a page came from (issue 16): a ledger made before gains the columns, empty.
        have = {row[1] for row in self.db.execute("PRAGMA table_info(documents)")}
        for column in SOURCE_COLUMNS.values():
            if column not in have:
                self.db.execute(f"ALTER TABLE documents ADD COLUMN {column} TEXT")

    def _connect(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        # Under WAL, NORMAL syncs the log at checkpoints, not at every commit (an fsync per
        # document would be the dearest part of storing it). It is still safe against a killed process: a
        # commit has written the whole transaction to the log file (the OS keeps it when the
        # process dies) before COMMIT returns, and a reader or the next run replays it. Only a
        # power cut or OS crash can lose the last commits, and then whole ones, never part of one.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(_SCHEMA)
        self._add_columns()
        with self.transaction():
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('ledger_id', ?)", (uuid.uuid4().hex,))
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))

    def _connect_read_only(self) -> sqlite3.Connection:
        """Opened read-only; where SQLite cannot make the shared-memory file a WAL ledger needs
        (a read-only folder or disk), as immutable, which needs none."""
        uri = self.path.resolve().as_uri()
        try:
            db = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
            db.execute("SELECT value FROM meta LIMIT 1")  # connecting opens nothing yet; this does
            return db
        except sqlite3.OperationalError:
            return sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def ledger_id(self) -> str:
        return self.meta("ledger_id") or ""

    def files(self) -> list[Path]:
        """The database, the files SQLite keeps beside it and the run lock (never inputs of a run)."""
        return [self.path, *(self.path.with_name(self.path.name + suffix)
                             for suffix in ("-wal", "-shm", "-journal", "-lock"))]

    @contextmanager
    def run_lock(self) -> Iterator[None]:
        """Held by a run that adds to the ledger, from before it reads the stories held until it
        ends: a second writer waits, then sees the first one's stories, so copies of one article
        get one story and one claim id. The lock is on a file beside the ledger (`NAME-lock`),
        not the database, whose locks are SQLite's; it goes when the process does."""
        with open(self.path.with_name(self.path.name + "-lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: a killed process leaves the ledger as it was before. A ledger that
        cannot be written (read-only, disk full) is a LedgerError naming the file."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if self.db.in_transaction:  # SQLite may have rolled back already (a full disk)
                    self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise LedgerError(f"{self.path}: {exc}") from None

    # ---- writing ------------------------------------------------------------------

    def holds(self, doc: str, sha256: str, rules: str) -> bool:
        """True when this text of `doc` is the current version and was read with these rules."""
        return self.db.execute("SELECT 1 FROM documents WHERE doc = ? AND sha256 = ? AND rules = ? AND current = 1",
                               (doc, sha256, rules)).fetchone() is not None

    def add_document(self, *, doc: str, path: str | None, text: str, encoding: str | None, format: str | None,
                     rules: str, articles: list[dict], claims: Iterable[Mapping[str, Any]],
                     source: Mapping[str, str | None] | None = None) -> int | None:
        """Store one processed document in one transaction; None when it is held already.

        A new text of `doc` becomes its current version; the old one stays. A text
        read before with other rules keeps its version and gets the new claims (a
        rule change shows in the ledger; verdicts, kept by claim id, stay). A text
        seen before becomes current again. `articles` rows carry `ordinal`, `story`,
        `start`, `end`, `title`, `author`, `date`, `fingerprint`, `shingles`; `claims`
        rows the claim fields and the `ordinal` of their article. `source` is where the page came from
        (`url`, `title`, `byline`, `published`, as `Document` has them).
        """
        source = source or {}
        provenance = [source.get(field) for field in SOURCE_COLUMNS]
        sha = text_sha256(text)
        with self.transaction() as db:
            row = db.execute("SELECT id, rules, current FROM documents WHERE doc = ? AND sha256 = ?",
                             (doc, sha)).fetchone()
            if row is not None and row[1] == rules and row[2]:
                return None
            db.execute("UPDATE documents SET current = 0 WHERE doc = ?", (doc,))
            if row is not None:
                document_id = row[0]
                db.execute("UPDATE documents SET current = 1, rules = ?, path = ?, url = ?, page_title = ?, byline = ?,"
                           " published = ? WHERE id = ?", (rules, path, *provenance, document_id))
                if row[1] == rules:
                    return document_id
                db.execute("DELETE FROM claims WHERE document_id = ?", (document_id,))
                db.execute("DELETE FROM articles WHERE document_id = ?", (document_id,))
            else:
                version = (db.execute("SELECT MAX(version) FROM documents WHERE doc = ?", (doc,)).fetchone()[0]
                           or 0) + 1
                document_id = db.execute(
                    "INSERT INTO documents (doc, path, sha256, version, current, rules, encoding, format, chars,"
                    " added, text, url, page_title, byline, published) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?,"
                    " ?, ?)",
                    (doc, path, sha, version, rules, encoding, format, len(text), _now(), text, *provenance)).lastrowid
            article_ids: dict[int, int] = {}
            for a in articles:
                cur = db.execute(
                    'INSERT INTO articles (document_id, ordinal, story, start, "end", title, author, date,'
                    " fingerprint, shingles) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (document_id, a["ordinal"], a["story"], a["start"], a["end"], a.get("title"), a.get("author"),
                     a.get("date"), a["fingerprint"], json.dumps(sorted(a.get("shingles", ())))))
                article_ids[a["ordinal"]] = cur.lastrowid
            db.executemany(_CLAIM_INSERT, [_claim_params(c, document_id, article_ids) for c in claims])
        return document_id

    def add_processed(self, processed: ProcessedDocument) -> int | None:
        """Store what the pipeline made of one document (see `add_document`)."""
        document = processed.document
        articles = [{"ordinal": i, "story": story, "start": a.start, "end": a.end, "title": a.title,
                     "author": a.author, "date": a.date, "fingerprint": a.fingerprint, "shingles": a.shingles}
                    for i, (a, story) in enumerate(zip(processed.articles, processed.stories))]
        # A claim's own fields are the row's: read in place, not copied by `model_dump`.
        claims = [vars(c) for c in processed.claims]
        return self.add_document(doc=document.doc, path=document.path, text=document.text,
                                 encoding=document.encoding, format=document.format, rules=processed.rules,
                                 articles=articles, claims=claims,
                                 source={field: getattr(document, field) for field in SOURCE_COLUMNS})

    def stories(self) -> Iterator[tuple[str, str, frozenset[str]]]:
        """(story, fingerprint, shingles) of every article held, for matching new copies."""
        for story, fingerprint, shingles in self.db.execute(
                "SELECT story, fingerprint, shingles FROM articles ORDER BY id"):
            yield story, fingerprint, frozenset(json.loads(shingles))

    # ---- reading ------------------------------------------------------------------

    def frame(self, sql: str, params: Iterable[Any] = ()) -> pd.DataFrame:
        import pandas as pd  # only the readers need it; extraction starts faster without

        frame = pd.read_sql_query(sql, self.db, params=list(params))
        for column in JSON_COLUMNS:
            if column in frame:
                frame[column] = frame[column].map(lambda v: json.loads(v) if isinstance(v, str) else v)
        return frame

    def documents(self) -> pd.DataFrame:
        return self.frame("SELECT id, doc, path, sha256, version, current, rules, encoding, format, chars, added,"
                          " url, page_title, byline, published FROM documents ORDER BY doc, version")

    def sources(self) -> dict[str, dict[str, str | None]]:
        """Where each current document came from, by `doc`: `url`, `title`, `byline`, `published`
        (None where the page does not say; a text file says nothing)."""
        columns = ", ".join(SOURCE_COLUMNS.values())
        return {doc: dict(zip(SOURCE_COLUMNS, values)) for doc, *values in self.db.execute(
            f"SELECT doc, {columns} FROM documents WHERE current = 1 ORDER BY doc")}

    def articles(self, current_only: bool = True) -> pd.DataFrame:
        where = "WHERE d.current = 1" if current_only else ""
        return self.frame('SELECT a.id, d.doc, a.ordinal, a.story, a.start, a."end", a.title, a.author, a.date,'
                          f" a.fingerprint FROM articles a JOIN documents d ON d.id = a.document_id {where}"
                          " ORDER BY d.doc, a.ordinal")

    def claims(self, *, subject: str | None = None, metric: str | None = None, period: str | None = None,
               kind: str | None = None, current_only: bool = True, article_id: int | None = None) -> pd.DataFrame:
        """Claims as a DataFrame, filtered: `subject` is one entity of the claim's subject
        set, `metric` a word the metric contains, `period` a prefix of the period (`2024`
        matches `2024-04` and `2024/2026`)."""
        clauses, params = [], []
        if current_only:
            clauses.append("d.current = 1")
        if kind:
            clauses.append("c.kind = ?")
            params.append(kind)
        if article_id is not None:
            clauses.append("c.article_id = ?")
            params.append(article_id)
        if metric:
            clauses.append("c.metric LIKE ?")
            params.append(f"%{metric}%")
        if period:
            clauses.append("c.period LIKE ?")
            params.append(f"{period}%")
        if subject:
            clauses.append("EXISTS (SELECT 1 FROM json_each(c.subject) WHERE lower(value) = lower(?))")
            params.append(subject)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return self.frame(
            f"SELECT d.doc, d.version, c.*, a.ordinal AS article, a.title, a.author, a.date AS article_date,"
            " d.url AS source_url FROM claims c"
            f" JOIN documents d ON d.id = c.document_id LEFT JOIN articles a ON a.id = c.article_id {where}"
            ' ORDER BY d.doc, c.start', params)

    def claim_records(self, current_only: bool = True, article_id: int | None = None) -> list[ClaimRecord]:
        """The claims as the pipeline made them (amounts back to Decimal), for checks and diffs."""
        fields = set(ClaimRecord.model_fields)
        rows = records(self.claims(current_only=current_only, article_id=article_id))
        return [ClaimRecord.model_validate({k: _from_sql(k, v, row["kind"]) for k, v in row.items() if k in fields})
                for row in rows]

    def claim_views(self) -> list[ClaimView]:
        """The current claims as the checks read them, streamed from the ledger in document order into
        plain slots, shared strings held once: `check` on a large ledger never holds a DataFrame or a
        model per claim."""
        shared: dict[str, str] = {}
        subjects: dict[str, tuple[str, ...]] = {}

        def once(text: str | None) -> str | None:
            return None if text is None else shared.setdefault(text, text)

        amounts: dict[str, Decimal] = {}

        def amount(text: str | None) -> Decimal | None:
            if text is None:
                return None
            found = amounts.get(text)
            if found is None:
                found = amounts[text] = Decimal(text)
            return found

        rows = self.db.execute(
            'SELECT c.id, d.doc, c.story, a.ordinal, c.start, c."end", c.text, c.kind, c.value, c.unit, c.qualifier,'
            ' c.low, c.high, c.si_value, c.si_unit, c.resolved, c.subject, c.metric, c.period, c.event, c.outlook,'
            ' c.interval_low, c.interval_high, c.sentence, c.sentence_start FROM claims c'
            ' JOIN documents d ON d.id = c.document_id LEFT JOIN articles a ON a.id = c.article_id'
            ' WHERE d.current = 1 ORDER BY d.doc, c.start')
        views = []
        for (id_, doc, story, article, start, end, text, kind, value, unit, qualifier, low, high, si_value, si_unit,
             resolved, subject, metric, period, event, outlook, interval_low, interval_high, sentence,
             sentence_start) in rows:
            if subject not in subjects:
                subjects[subject] = tuple(json.loads(subject))
            views.append(ClaimView(
                id_, once(doc), once(story), article or 0, start, end, once(text), once(kind),
                amount(value) if kind in AMOUNT_KINDS else once(value), once(unit), once(qualifier), amount(low), amount(high), amount(si_value),
                once(si_unit), once(resolved), subjects[subject], once(metric), once(period),
                json.loads(event) if event else None, once(outlook), amount(interval_low), amount(interval_high),
                once(sentence), sentence_start))
        return views

    def titles(self) -> dict[str, str]:
        """Article title by story, where the page gives one."""
        return {story: title for story, title in self.db.execute(
            "SELECT story, title FROM articles WHERE title IS NOT NULL ORDER BY id")}

    def article_dates(self) -> dict[str, str]:
        """Article date by story, where the page gives one: a flag says how far apart two articles are."""
        return {story: dated for story, dated in self.db.execute(
            "SELECT story, date FROM articles WHERE date IS NOT NULL ORDER BY id")}

    def text_of(self, doc: str, version: int | None = None) -> str:
        sql = "SELECT text FROM documents WHERE doc = ? " + ("AND version = ?" if version else "AND current = 1")
        row = self.db.execute(sql, (doc, version) if version else (doc,)).fetchone()
        if row is None:
            raise LedgerError(f"{self.path}: no document {doc!r}")
        return row[0]

    # ---- verdicts -----------------------------------------------------------------

    def checked_values(self) -> dict[str, str]:
        """What a verdict on each claim vouches for now: see `checked_value`; the first
        current copy speaks for the claim, as in `claims()`."""
        values: dict[str, str] = {}
        for claim_id, value, unit, qualifier in self.db.execute(
                "SELECT c.id, c.value, c.unit, c.qualifier FROM claims c JOIN documents d ON d.id = c.document_id"
                " WHERE d.current = 1 ORDER BY d.doc, c.start"):
            values.setdefault(claim_id, checked_value(value, unit, qualifier))
        return values

    def verdicts(self) -> dict[str, Verdict]:
        """Every verdict by claim id, with what the claim says now."""
        now = self.checked_values()
        out = {}
        for claim_id, verdict, checker, notes, checked, updated in self.db.execute(
                "SELECT claim_id, verdict, checker, notes, checked_value, updated FROM verdicts"):
            value = now.get(claim_id)
            out[claim_id] = Verdict(verdict, checker, notes, checked, updated, value,
                                    changed=value is not None and value != checked)
        return out

    def set_verdicts(self, verdicts: Iterable[dict[str, Any]]) -> int:
        """Store verdicts (`claim_id`, `verdict`, `checker`, `notes`, `checked_value`) in one
        transaction, so an import that fails half way changes nothing."""
        rows = []
        for v in verdicts:
            if v["verdict"] not in VERDICTS:
                raise ValueError(f"claim {v['claim_id']}: verdict {v['verdict']!r} is not one of {', '.join(VERDICTS)}")
            rows.append((v["claim_id"], v["verdict"], v.get("checker"), v.get("notes"), v.get("checked_value"), _now()))
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO verdicts (claim_id, verdict, checker, notes, checked_value, updated)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (claim_id) DO UPDATE SET verdict = excluded.verdict,"
                " checker = excluded.checker, notes = excluded.notes, checked_value = excluded.checked_value,"
                " updated = excluded.updated", rows)
        return len(rows)


def checked_value(value: str | None, unit: str | None, qualifier: str | None) -> str:
    """A claim's value, unit and qualifier as one string, numbers written canonically, so
    `8.8 billion` reflowed as `8,800 million` is not taken for a changed figure."""
    try:
        value = format(Decimal(value).normalize(), "f")
    except (InvalidOperation, TypeError, ValueError):
        pass
    return " ".join(str(part) for part in (value, unit, qualifier) if part)


_CLAIM_COLUMNS = ("id", "document_id", "article_id", "story", "start", "end", "text", "kind", "value", "unit",
                  "qualifier", "low", "high", "mod", "relative", "resolved", "si_value", "si_unit", "rule", "subject",
                  "metric", "period", "event", "interval_low", "interval_high", "sentence", "sentence_start", "section",
                  "why", "outlook")
# Columns added to `claims` after schema 1 was first written (`Ledger._add_columns`).
_ADDED_COLUMNS = ("si_value", "si_unit", "why", "outlook")
# A document's provenance field -> its column in `documents` (`title` is the article's in `articles`).
SOURCE_COLUMNS = {"url": "url", "title": "page_title", "byline": "byline", "published": "published"}
_CLAIM_INSERT = "INSERT INTO claims ({}) VALUES ({})".format(
    ", ".join(f'"{c}"' for c in _CLAIM_COLUMNS), ", ".join("?" * len(_CLAIM_COLUMNS)))
# `json.dumps` with an option builds a new encoder per call; this is the same encoder, built once.
_json = json.JSONEncoder(ensure_ascii=False).encode


def _claim_params(claim: Mapping[str, Any], document_id: int, article_ids: dict[int, int]) -> tuple:
    """The row of `_CLAIM_COLUMNS`, column by column: amounts as exact decimal text, subject and event
    as JSON. Written out, as the generic conversion of every column by its name cost more than the insert."""
    get = claim.get
    event = get("event")
    return (get("id"), document_id, article_ids.get(get("article")), get("story"), get("start"), get("end"),
            get("text"), get("kind"), _sql_text(get("value")), get("unit"), get("qualifier"), _sql_text(get("low")),
            _sql_text(get("high")), get("mod"), int(bool(get("relative"))), get("resolved"),
            _sql_text(get("si_value")), get("si_unit"), get("rule"),
            _subject_json(tuple(get("subject") or ())), get("metric"), get("period"),
            None if event is None else _json(event), _sql_text(get("interval_low")), _sql_text(get("interval_high")),
            get("sentence"), get("sentence_start"), get("section"), _why_json(get("why")), get("outlook"))


def _why_json(why: Mapping[str, str] | None) -> str | None:
    return None if not why else _json(dict(why))


@lru_cache(maxsize=4096)
def _subject_json(subject: tuple[str, ...]) -> str:
    """A subject as JSON: a run names few subjects, each encoded once."""
    return _json(list(subject))


def _sql_text(value: Any) -> str | None:
    """An amount (Decimal) as its exact text, so it reads back as the same Decimal."""
    return None if value is None else str(value)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a ledger frame as plain dicts, empty cells as None (pandas reads them as NaN)."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


_DECIMAL_COLUMNS = frozenset({"low", "high", "si_value", "interval_low", "interval_high"})


def _from_sql(column: str, value: Any, kind: str) -> Any:
    """Back from a ledger cell: amounts were stored as exact decimal text."""
    if value is None:
        return None
    if column in _DECIMAL_COLUMNS:
        return Decimal(value)
    if column == "value":
        return typed_value(kind, value)
    if column == "relative":
        return bool(value)
    return value


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
