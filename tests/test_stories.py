"""Story identity: copies of an article share a story, whatever the order and number of articles seen."""
from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from facts.stories import INDEXED_PER_SENTENCE, INDEXED_PER_STORY, StoryIndex
from facts.text.segment import Article, shares_enough


def _plain_story_of(seen: list[tuple[str, Article, frozenset[str] | None]], article: Article) -> str:
    """The definition: the story of the first article with this fingerprint, else the first story in name
    order with an indexed article (`_indexed`) that is a copy of it, counting the sentences it is indexed
    under, else a new one."""
    for story, known, _ in seen:
        if article.fingerprint and known.fingerprint == article.fingerprint:
            return story
    copies = sorted(story for story, known, indexed in seen if indexed is not None
                    and shares_enough(len(article.shingles & indexed), min(len(article.shingles), len(known.shingles))))
    if copies:
        return copies[0]
    return (article.fingerprint or hashlib.blake2b(repr((article.title, article.author)).encode(),
                                                   digest_size=8).hexdigest())[:16]


def _indexed(seen: list, story: str, article: Article, per_story: int, per_sentence: int) -> frozenset[str] | None:
    """The sentences an article is indexed under: none past its story's first `per_story` articles, and
    none that `per_sentence` indexed articles hold already."""
    if sum(1 for s, _, indexed in seen if s == story and indexed is not None) >= per_story:
        return None
    held = [indexed for _, _, indexed in seen if indexed is not None]
    return frozenset(x for x in article.shingles if sum(x in h for h in held) < per_sentence)


_articles = st.lists(st.tuples(st.sampled_from(["", "f1", "f2", "f3", "f4"]),
                               st.frozensets(st.sampled_from([f"s{i}" for i in range(12)]), max_size=8),
                               st.sampled_from(["A", "B", None])), max_size=25)


@settings(max_examples=200, deadline=None)
@given(_articles, st.sampled_from([(2, 3), (3, 100), (100, 2), (INDEXED_PER_STORY, INDEXED_PER_SENTENCE)]))
def test_the_index_gives_every_article_the_story_the_definition_gives(specs, caps):
    per_story, per_sentence = caps
    index, seen = StoryIndex(per_story=per_story, per_sentence=per_sentence), []
    for fingerprint, sentences, title in specs:
        article = Article(start=0, end=0, fingerprint=fingerprint, shingles=sentences, title=title)
        expected = _plain_story_of(seen, article)
        assert index.story_of(article) == expected
        seen.append((expected, article, _indexed(seen, expected, article, per_story, per_sentence)))


def test_copies_of_a_story_are_found_through_its_first_articles_and_boilerplate_stops_being_indexed():
    """A wire story on many sites, each copy ending in its site's own line, and a line all of them carry:
    every copy is the story, found through the first three, and the shared line makes no copies."""
    index = StoryIndex(per_story=3, per_sentence=4)
    body = frozenset(f"wire{i}" for i in range(10))
    stories = [index.story_of(Article(start=0, end=0, fingerprint=f"site{n}", shingles=body | {f"own{n}", "boiler"}))
               for n in range(20)]
    assert stories == ["site0"] * 20
    other = [index.story_of(Article(start=0, end=0, fingerprint=f"other{n}", shingles=frozenset({f"x{n}", "boiler"})))
             for n in range(5)]
    assert other == [f"other{n}" for n in range(5)]


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
