"""Story identity: copies of an article share a story, whatever the order and number of articles seen."""
from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from facts.stories import StoryIndex
from facts.text.segment import Article, same_article


def _plain_story_of(seen: list[tuple[str, Article]], article: Article) -> str:
    """The definition: the story of the first article with this fingerprint, else the first story in name
    order that has a copy of it, else a new one."""
    for story, known in seen:
        if article.fingerprint and known.fingerprint == article.fingerprint:
            return story
    copies = sorted(story for story, known in seen if same_article(article, known))
    if copies:
        return copies[0]
    return (article.fingerprint or hashlib.blake2b(repr((article.title, article.author)).encode(),
                                                   digest_size=8).hexdigest())[:16]


_articles = st.lists(st.tuples(st.sampled_from(["", "f1", "f2", "f3", "f4"]),
                               st.frozensets(st.sampled_from([f"s{i}" for i in range(12)]), max_size=8),
                               st.sampled_from(["A", "B", None])), max_size=25)


@settings(max_examples=200, deadline=None)
@given(_articles)
def test_the_index_gives_every_article_the_story_the_definition_gives(specs):
    index, seen = StoryIndex(), []
    for fingerprint, sentences, title in specs:
        article = Article(start=0, end=0, fingerprint=fingerprint, shingles=sentences, title=title)
        expected = _plain_story_of(seen, article)
        assert index.story_of(article) == expected
        seen.append((expected, article))


def test_an_article_sharing_most_sentences_with_one_seen_is_its_copy():
    index = StoryIndex()
    first = Article(start=0, end=0, fingerprint="aaa", shingles=frozenset({"a", "b", "c", "d", "e"}))
    edited = Article(start=0, end=0, fingerprint="bbb", shingles=frozenset({"a", "b", "c", "d", "x"}))
    other = Article(start=0, end=0, fingerprint="ccc", shingles=frozenset({"a", "y", "z", "w", "v"}))
    assert index.story_of(first) == "aaa"
    assert index.story_of(edited) == "aaa"
    assert index.story_of(other) == "ccc"
    assert sorted(index.known()) == ["aaa", "ccc"]


def test_an_article_with_more_sentences_than_one_query_binds_is_still_matched():
    index = StoryIndex()
    long = frozenset(f"s{i}" for i in range(2500))
    assert index.story_of(Article(start=0, end=0, fingerprint="long", shingles=long)) == "long"
    assert index.story_of(Article(start=0, end=0, fingerprint="", shingles=long - {"s1"})) == "long"
