"""Story identity and claim ids: copies of one article on other pages, and its later versions, are one
story, and a claim keeps its id across them, so a checker's verdict follows the claim."""
from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from .text.segment import Article, shares_enough

if TYPE_CHECKING:
    from .pipeline import ProcessedDocument


class StoryIndex:
    """Which story an article belongs to: copies on other pages and later versions share one.

    Sentence hashes index the articles seen, so a new article is compared only with articles that
    share a sentence with it (the test of `segment.same_article`, counted in SQL). The index is a
    private SQLite database on disk (SQLite's temporary database, deleted when the index goes), so a
    run over any number of articles holds only SQLite's bounded page cache of it in memory. A story is
    indexed by its first `per_story` articles and a sentence for its first `per_sentence` articles, so
    the articles an article is compared with stay few however often a wire story or a boilerplate line
    recurs: the cost of a run grows with its articles, not with their square.
    """

    def __init__(self, *, per_story: int | None = None, per_sentence: int | None = None) -> None:
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.executescript(_SCHEMA)
        self._stories: set[str] = set()
        self.per_story = INDEXED_PER_STORY if per_story is None else per_story
        self.per_sentence = INDEXED_PER_SENTENCE if per_sentence is None else per_sentence

    def add(self, story: str, article: Article) -> None:
        """Hold the article, its sentences indexed while its story has fewer than `per_story` articles
        indexed, each sentence while fewer than `per_sentence` articles hold it (`INDEXED_PER_STORY`)."""
        self._stories.add(story)
        db = self._db
        if article.fingerprint:
            db.execute("INSERT OR IGNORE INTO fingerprints VALUES (?, ?)", (article.fingerprint, story))
        indexed = db.execute("SELECT articles FROM stories WHERE story = ?", (story,)).fetchone()
        if indexed is not None and indexed[0] >= self.per_story:
            return
        db.execute("INSERT INTO stories VALUES (?, 1) ON CONFLICT (story) DO UPDATE SET articles = articles + 1",
                   (story,))
        key = db.execute("INSERT INTO known (story, sentences) VALUES (?, ?)", (story, len(article.shingles))).lastrowid
        sentences = list(article.shingles)
        held: dict[str, int] = {}
        for at in range(0, len(sentences), _PARAMETERS):
            part = sentences[at:at + _PARAMETERS]
            held.update(db.execute(f"SELECT shingle, articles FROM frequency WHERE shingle IN ({','.join('?' * len(part))})",
                                   part).fetchall())
        indexed_now = [shingle for shingle in sentences if held.get(shingle, 0) < self.per_sentence]
        db.executemany("INSERT INTO shingles VALUES (?, ?)", ((shingle, key) for shingle in indexed_now))
        db.executemany("INSERT INTO frequency VALUES (?, 1) ON CONFLICT (shingle) DO UPDATE SET articles = articles + 1",
                       ((shingle,) for shingle in indexed_now))

    def known(self) -> list[str]:
        return list(self._stories)

    def story_of(self, article: Article) -> str:
        """The story of a known copy, or a new story named after the article's fingerprint."""
        found = self._db.execute("SELECT story FROM fingerprints WHERE fingerprint = ?",
                                 (article.fingerprint,)).fetchone() if article.fingerprint else None
        story = found[0] if found else self._copied(article)
        if story is None:
            story = (article.fingerprint or hashlib.blake2b(repr((article.title, article.author)).encode(),
                                                             digest_size=8).hexdigest())[:16]
        self.add(story, article)
        return story

    def _copied(self, article: Article) -> str | None:
        """The first story, in name order, with an article whose sentences this one shares enough of."""
        sentences = list(article.shingles)
        copies = []
        for at in range(0, len(sentences), _PARAMETERS):
            part = sentences[at:at + _PARAMETERS]
            copies.extend(self._db.execute(
                "SELECT s.key, k.story, k.sentences, count(*) FROM shingles s JOIN known k ON k.key = s.key "
                f"WHERE s.shingle IN ({','.join('?' * len(part))}) GROUP BY s.key", part).fetchall())
        shared_by_key: Counter = Counter()
        about: dict[int, tuple[str, int]] = {}
        for key, story, size, shared in copies:
            shared_by_key[key] += shared
            about[key] = (story, size)
        matching = [about[key][0] for key, shared in shared_by_key.items()
                    if shares_enough(shared, min(len(sentences), about[key][1]))]
        return min(matching) if matching else None


# Sentence hashes per query: below SQLite's limit on bound parameters.
_PARAMETERS = 900
# A story is found again through its first articles: copies of a wire story on a hundred sites are
# found through the first few, and each copy need not be compared with all the others before it.
INDEXED_PER_STORY = 8
# A sentence that many articles hold already is a site's boilerplate or a stock line, not a sign of a
# copy: later articles are not indexed under it, so no article is compared with all that hold it.
INDEXED_PER_SENTENCE = 64
_SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE known (key INTEGER PRIMARY KEY, story TEXT NOT NULL, sentences INTEGER NOT NULL);
CREATE TABLE fingerprints (fingerprint TEXT PRIMARY KEY, story TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE shingles (shingle TEXT NOT NULL, key INTEGER NOT NULL);
CREATE TABLE stories (story TEXT PRIMARY KEY, articles INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE frequency (shingle TEXT PRIMARY KEY, articles INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX shingles_by_text ON shingles (shingle);
"""


def claim_ids(keys: Iterable[tuple[str, str, str | None, tuple[str, ...]]]) -> list[str]:
    """One id per claim key (story, kind, metric, subject), numbered by its rank among the document's claims
    of that key: the same claim in a copy of the story gets the same id."""
    ranks: Counter = Counter()
    ids = []
    for key in keys:
        ranks[key] += 1
        ids.append(claim_id(*key, ranks[key]))
    return ids


def claim_id(story: str, kind: str, metric: str | None, subject: tuple[str, ...], rank: int) -> str:
    key = "\x1f".join([story, kind, metric or "", "|".join(subject), str(rank)])
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()




def restoried(processed: ProcessedDocument, stories: StoryIndex) -> ProcessedDocument:
    """A document read alone, with the stories of the run: a copy of an article seen before takes that
    story, and its claims the ids they would have had."""
    story_ids = [stories.story_of(a) for a in processed.articles]
    if story_ids == processed.stories:
        return processed
    keys = [(story_ids[c.article], c.kind, c.metric, tuple(c.subject)) for c in processed.claims]
    claims = [c.model_copy(update={"story": key[0], "id": id_}) for c, key, id_ in zip(processed.claims, keys, claim_ids(keys))]
    return replace(processed, stories=story_ids, claims=claims)
