"""Story identity and claim ids: copies of one article on other pages, and its later versions, are one
story, and a claim keeps its id across them, so a checker's verdict follows the claim."""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from .text.segment import Article, same_article

if TYPE_CHECKING:
    from .pipeline import ProcessedDocument


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
