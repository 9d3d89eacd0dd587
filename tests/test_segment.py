"""Splitting pages into articles: the seed pages, synthetic pages, and the cue file."""
from __future__ import annotations

from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from facts.engine.rulefiles import RuleError
from facts.engine.rules import RULE_FLAGS
from facts.text.layout import cached_layout, load_layout
from facts.text.segment import (
    _MARGIN,
    Article,
    _normal_case,
    _sentences,
    group_copies,
    is_claimable,
    normalize_text,
    same_article,
    segment,
)

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"
LAYOUT = cached_layout()


def page(name: str) -> str:
    # Read as bytes and decoded by hand, as facts.text.documents does: no newline translation.
    return next(SEEDS.glob(f"{name}_*.txt")).read_bytes().decode("utf-8")


PAGES = {name: page(name) for name in ("000", "001", "002", "003", "004")}
ARTICLES = {name: segment(text) for name, text in PAGES.items()}

# Checked by reading the pages. The first three articles of 000 and all of 001 have no
# title on the page (they open with the byline); Starr's and Engvall's are teasers.
EXPECTED = {
    "000": [
        (None, "Umair Jamal", None),
        (None, "Syed Fazl-e-Haider", None),
        (None, "Chimguundari Navaan-Yunden and Tuvshinzaya Gantulga", None),
        ('Has the West "Lost" Azerbaijan?', "Robert M. Cutler", "2025-06-05"),
        ("Coordinating the Corridors", "S. Frederick Starr", "2025-03-18"),
    ],
    "001": [
        (None, "Syed Fazl-e-Haider", None),
        (None, "Emil Avdaliani", None),
        (None, "Aigerim Turgunbaeva and Fayazuddin Ghiasi", None),
        (None, "Chimguundari Navaan-Yunden and Tuvshinzaya Gantulga", None),
    ],
    "002": [
        (None, "Chimguundari Navaan-Yunden and Tuvshinzaya Gantulga", None),
        ('Has the West "Lost" Azerbaijan?', "Robert M. Cutler", "2025-06-05"),
        (None, "Emil Avdaliani", None),
        (None, "Sergey Sukhankin", None),
        (None, "Johan Engvall", "2025-01-22"),
    ],
    "003": [
        ("Azerbaijan and the SCO: Navigating regionalization in a fragmented world", "Seymur Mammadov", None),
    ],
    "004": [
        ("Azerbaijan's Asian Perspective: Security and Cooperation", "Farid Shafiyev and Roza Bayramli", None),
    ],
}


def text_of(text: str, block) -> str:
    return text[block.start:block.end]


def roles(text: str, article: Article, role: str) -> list[str]:
    return [text_of(text, b) for b in article.blocks if b.role == role]


# ---- the seed pages ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_articles_per_seed_page(name):
    found = [(a.title, a.author, a.date) for a in ARTICLES[name]]
    assert found == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_spans_are_exact_and_ordered(name):
    text, articles = PAGES[name], ARTICLES[name]
    previous_end = 0
    for article in articles:
        assert previous_end <= article.start < article.end <= len(text)
        previous_end = article.end
        assert article.blocks[0].start == article.start and article.blocks[-1].end == article.end
        for block in article.blocks:
            piece = text_of(text, block)
            assert piece == piece.strip() and piece, block
            assert "\n" not in piece


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_furniture_in_body(name):
    text = PAGES[name]
    for article in ARTICLES[name]:
        for piece in roles(text, article, "body"):
            lowered = piece.casefold()
            assert not any(ext in lowered for ext in (".jpg", ".jpeg", ".png", ".gif")), piece
            assert "newsletter" not in lowered and "sign up" not in lowered, piece
            assert "published in" not in lowered and "image courtesy" not in lowered, piece
            assert not lowered.startswith(("author", "screenshot", "photo")), piece


def test_three_repeated_articles_are_grouped_and_nothing_else():
    pairs = [(name, a) for name in sorted(ARTICLES) for a in ARTICLES[name]]
    groups = group_copies(pairs)
    assert sum(len(g) for g in groups) == len(pairs)
    copies = sorted(sorted((doc, a.author) for doc, a in g) for g in groups if len(g) > 1)
    mongolia = "Chimguundari Navaan-Yunden and Tuvshinzaya Gantulga"
    assert copies == [
        [("000", mongolia), ("001", mongolia), ("002", mongolia)],
        [("000", "Robert M. Cutler"), ("002", "Robert M. Cutler")],
        [("000", "Syed Fazl-e-Haider"), ("001", "Syed Fazl-e-Haider")],
    ]
    # The copies differ in line breaks (001 has no blank lines) and NBSP, yet share the fingerprint.
    for group in groups:
        assert len({a.fingerprint for _, a in group}) == 1


def test_two_articles_by_the_same_author_are_not_copies():
    avdaliani = [a for name in ("001", "002") for a in ARTICLES[name] if a.author == "Emil Avdaliani"]
    assert len(avdaliani) == 2 and not same_article(*avdaliani)


def test_seed_furniture_roles():
    text = PAGES["000"]
    jamal, fazl, mongolia, cutler, starr = ARTICLES["000"]
    assert roles(text, jamal, "caption") == [
        "Shanghai Cooperation Organization member states Summit gets underway in Samarkand 02",
        "The 2022 Meeting of the Shanghai Cooperation Council in Samarqand, Uzbekistan. "
        "Image Courtesy of Wikimedia Commons.",
    ]
    assert roles(text, fazl, "furniture") == ["65df71e7-33f9-44e2-8bf9-038f0450f298"]
    assert roles(text, mongolia, "furniture") == ["47997318397 4ec42424f5 c"]
    assert roles(text, cutler, "caption") == ["AZB flag"]
    assert [p[:14] for p in roles(text, cutler, "bio")] == ["AUTHOR’S BIO:\u00a0"]
    assert roles(text, starr, "dateline") == ["Tuesday, 18 March 2025 19:37", "March 20, 2025"]
    assert len(roles(text, starr, "furniture")) == 2   # the PDF link and the screenshot name
    # The page footer after "Visit also" is in no article.
    footer = text.index("The Central Asia-Caucasus Analyst is")
    assert all(not a.start <= footer < a.end for a in ARTICLES["000"])


def test_seed_sections():
    text = PAGES["000"]
    jamal = ARTICLES["000"][0]
    assert [name for _, _, name in jamal.sections] == ["BACKGROUND", "IMPLICATIONS", "CONCLUSIONS"]
    start, end, _ = jamal.sections[0]
    assert text[start:].startswith("BACKGROUND:")
    assert end < jamal.sections[1][0] and text[end:jamal.sections[1][0]].strip() == ""
    # The last section stops before the bio.
    assert text[jamal.sections[-1][1]:jamal.end].strip().startswith("AUTHOR'S BIO:")
    paper = ARTICLES["004"][0]
    assert [name for _, _, name in paper.sections] == [
        "Introduction", "Expanding strategic influence through the SCO and CICA",
        "Strengthening relations with Central Asia and the Organization of Turkic States", "Conclusion",
    ]
    assert ARTICLES["002"][2].sections[-1][2] == "CONCLUSION"


def test_seed_pull_quotes():
    text = PAGES["004"]
    paper = ARTICLES["004"][0]
    quotes = roles(text, paper, "quote")
    assert len(quotes) == 5
    assert any("from 1993 until 2020" in q for q in quotes)
    # Of two identical paragraphs, the one breaking "have tried to / maintain" is the quote.
    caspian = [b for b in paper.blocks if text_of(text, b).startswith("The Caspian region's significance")]
    assert [b.role for b in caspian] == ["body", "quote"]
    # The paragraph split by a page break stays body on both sides.
    tried = next(b for b in paper.blocks if text_of(text, b).endswith("have tried to"))
    assert tried.role == "body"
    # The footnote bios near the top are bios, and the article goes on after them.
    assert len(roles(text, paper, "bio")) == 2 and paper.blocks[-1].role == "body"


def test_claimable_on_seeds():
    text = PAGES["000"]
    jamal = ARTICLES["000"][0]
    assert is_claimable(jamal, text.index("June 25 meeting"))
    assert not is_claimable(jamal, text.index("The 2022 Meeting"))
    assert not is_claimable(jamal, text.index("Umair Jamal is a Ph.D."))
    assert not is_claimable(jamal, text.index("For 15 years"))        # outside the article
    cutler = ARTICLES["000"][3]
    assert is_claimable(cutler, text.index("05 June 2025"))           # datelines are claims
    paper = ARTICLES["004"][0]
    quote = [b for b in paper.blocks if b.role == "quote"][0]
    assert is_claimable(paper, quote.start)                           # quotes are claims, marked as quotes


# ---- synthetic pages ---------------------------------------------------------------------

LONG_A = ("Trade between the two countries reached nearly US$ 3.74 billion in 2024, the ministry said on Monday. "
          "Officials expect the figure to grow further as new rail links open across the region next year.")
LONG_B = ("The port handled 15 million tons of cargo last year, and plans call for 25 million tons by 2030. "
          "Engineers said the expansion would take about three years to complete in full.")
LONG_C = ("The two governments signed 14 agreements during the visit, covering energy, transport and culture. "
          "Observers called it the most productive summit between them in more than a decade of talks.")

LONG_D = ("Freight volumes on the corridor rose by 15% in the first nine months of 2024, the operator reported. "
          "Most of the growth came from container traffic bound for European markets.")


def test_two_articles_with_bylines():
    text = (f"Trade Hits Record\n\nBy Jane Doe\n\n{LONG_A}\n\n{LONG_B}\n\n"
            f"Ports Expand Quickly\nBy John Roe and Ann Poe\n{LONG_C}\nPublished in News\n")
    first, second = segment(text)
    assert (first.title, first.author) == ("Trade Hits Record", "Jane Doe")
    assert (second.title, second.author) == ("Ports Expand Quickly", "John Roe and Ann Poe")
    assert text[first.start:first.end].endswith(LONG_B)
    assert text[second.start:second.end].startswith("Ports Expand Quickly")
    assert text[second.start:second.end].endswith(LONG_C)          # the category line is outside
    assert [b.role for b in second.blocks] == ["title", "byline", "body"]


def test_teaser_list_gives_one_article_per_title():
    text = f"First Title Here\nBy Jane Doe\nSecond Title Here\nBy John Roe\n{LONG_A}\n"
    first, second = segment(text)
    assert (first.title, first.author, first.fingerprint) == ("First Title Here", "Jane Doe", "")
    assert (second.title, second.author) == ("Second Title Here", "John Roe")
    assert not same_article(first, second)


def test_caption_between_paragraphs():
    text = (f"By Jane Doe\n\n{LONG_A}\n\nPresident Aliyev and President Xi in Beijing on April 23\n\n"
            f"Photo: AZERTAC\n\n{LONG_B}\n\nThe port of Alat at night. Photo: Reuters\n\n{LONG_C}\n\n"
            f"alat-port-2024.jpg\n\nCranes at the new terminal\n\n{LONG_D}\n")
    (article,) = segment(text)
    assert roles(text, article, "caption") == [
        "President Aliyev and President Xi in Beijing on April 23", "Photo: AZERTAC",
        "The port of Alat at night. Photo: Reuters", "Cranes at the new terminal",
    ]
    assert roles(text, article, "furniture") == ["alat-port-2024.jpg"]
    assert len(roles(text, article, "body")) == 4
    caption_at = text.index("April 23")
    assert not is_claimable(article, caption_at) and is_claimable(article, text.index("US$ 3.74"))


def test_pull_quote_repeating_a_sentence():
    sentence = "Officials expect the figure to grow further as new rail links open across the region next year."
    text = f"By Jane Doe\n\n{LONG_A}\n\n{sentence}\n\n{LONG_B}\n\n{LONG_C}\n"
    (article,) = segment(text)
    assert roles(text, article, "quote") == [sentence]
    assert roles(text, article, "body") == [LONG_A, LONG_B, LONG_C]


def test_pull_quote_breaking_a_paragraph():
    quote = "Engineers said the expansion would take about three years to complete in full."
    text = (f"By Jane Doe\n\n{LONG_B}\n\nThe first berth opened in 2018 and the second one\n\n"
            f"{quote}\n\nfollowed in 2021 after long delays. {LONG_C}\n")
    (article,) = segment(text)
    assert roles(text, article, "quote") == [quote]
    assert roles(text, article, "heading") == []


def test_page_without_head_and_headings():
    text = (f"Our Privacy Policy | Cookies\n\nA Corridor Takes Shape\n\n{LONG_A}\n\nBackground\n\n{LONG_B}\n\n"
            f"Outlook\n\n{LONG_C}\n\nSubscribe to our newsletter\n\nThe site has brought analysis for 15 years.\n")
    (article,) = segment(text)
    assert article.title == "A Corridor Takes Shape" and article.author is None
    assert [name for _, _, name in article.sections] == ["Background", "Outlook"]
    assert text[article.start:article.end].endswith(LONG_C)


def test_bio_sentence_only_for_the_author():
    text = (f"By Jane Doe\n\n{LONG_A}\n\nKazakhstan is a key partner for the port and its operators.\n\n"
            f"{LONG_B}\n\nJane Doe is a senior fellow at the Example Institute.\n")
    (article,) = segment(text)
    assert roles(text, article, "bio") == ["Jane Doe is a senior fellow at the Example Institute."]


def test_the_authors_of_a_byline_are_split_where_the_layout_file_says(tmp_path):
    """A bio sentence of the second author of "By John Roe and Ann Poe" is a bio; with a layout whose
    `author_separator` is `und`, the byline names one author, Poe, and John Roe's sentence is body."""
    shipped = cached_layout().path.read_text(encoding="utf-8")
    assert r"author_separator: ',|\band\b|&'" in shipped
    path = write_layout(tmp_path, shipped.replace(r"',|\band\b|&'", r"',|\bund\b|&'"))
    bio = "John Roe is a senior fellow at the Example Institute."
    text = f"By John Roe and Ann Poe\n\n{LONG_A}\n\n{bio}\n"
    (article,) = segment(text)
    (copied,) = segment(text, load_layout(path))
    assert (roles(text, article, "bio"), roles(text, copied, "bio")) == ([bio], [])


def test_nbsp_and_crlf_keep_offsets():
    text = f"By\u00a0 Jane\u00a0Doe\r\n\r\n{LONG_A.replace(' ', chr(0xa0), 3)}\r\n\u00a0 \r\n{LONG_B}\r\n"
    (article,) = segment(text)
    assert article.author == "Jane Doe"
    assert text[article.blocks[0].start:article.blocks[0].end] == "By\u00a0 Jane\u00a0Doe"
    assert all("\r" not in text[b.start:b.end] for b in article.blocks)


def test_same_article_despite_small_differences():
    base = f"By Jane Doe\n\n{LONG_A}\n\n{LONG_B}\n\n{LONG_C}\n"
    varied = (f"By Jane Doe\n{LONG_A.replace(' ', chr(0xa0), 5).replace('US$', 'US$')}\n"
              f"Cranes at the port. Photo: Reuters\n{LONG_B.replace('  ', ' ')}\n")   # caption added, paragraph dropped
    other = f"By Jane Doe\n\n{LONG_C.replace('14', '12')} A new sentence here.\n\nAnd more text. Quite different.\n"
    (a,), (b,), (c,) = segment(base), segment(varied), segment(other)
    assert same_article(a, b) and not same_article(a, c)
    assert [len(g) for g in group_copies([("x", a), ("y", b), ("z", c)])] == [2, 1]


def test_text_for_comparing_copies_folds_case_quotes_dashes_and_spaces():
    assert normalize_text("India\u2019s  \u201cthree\u00a0evils\u201d \u2013 Foo") == "india's \"three evils\" - foo"


def test_empty_and_furniture_only_pages():
    assert segment("") == []
    assert segment("Newsletter\n\nSubscribe\n\nComments are closed.\n") == []


# ---- the cue file ------------------------------------------------------------------------


def _cue_examples():
    for cue in LAYOUT.cues:
        for i, ex in enumerate(cue.examples):
            yield pytest.param(cue, ex, id=f"{cue.id}:{ex.line or i}")


def _cue_counter_examples():
    for cue in LAYOUT.cues:
        for i, text in enumerate(cue.counter_examples):
            yield pytest.param(cue, text, id=f"{cue.id}:counter{i}")


@pytest.mark.parametrize(("cue", "example"), list(_cue_examples()))
def test_cue_example(cue, example):
    found = LAYOUT.classify(example.text)
    assert found is not None, f"{cue.id}: no cue matches {example.text!r}"
    got, match = found
    assert got.id == cue.id, f"{example.text!r} is classified by {got.id}, not {cue.id}"
    for group in ("author", "name"):
        expected = getattr(example, group)
        if expected is not None:
            assert " ".join(match.group(group).replace("*", "").split()) == expected
    if example.date is not None:
        from facts.text.segment import _iso
        assert _iso(match) == example.date


@pytest.mark.parametrize(("cue", "text"), list(_cue_counter_examples()))
def test_cue_counter_example(cue, text):
    assert cue.compiled.search(text) is None, f"{cue.id} matches {text!r}"


def write_layout(tmp_path, body: str) -> Path:
    path = tmp_path / "layout.yaml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(("body", "line", "reason"), [
    ("cues:\n  - id: a\n    what: furniture\n    pattern: 'x'\n    colour: red\n", 2, "unknown key"),
    ("cues:\n  - id: a\n    what: furniture\n    pattern: 'x'\n  - id: b\n    what: nonsense\n    pattern: 'y'\n",
     5, "cues.1.what"),
    ("cues:\n  - id: a\n    what: furniture\n    pattern: 'x('\n", 2, "broken pattern"),
    ("cues:\n  - id: a\n    what: furniture\n    pattern: 'x?'\n", 2, "matches the empty string"),
    ("cues:\n  - id: a\n    what: furniture\n    pattern: 'x'\n  - id: a\n    what: caption\n    pattern: 'y'\n",
     5, "duplicate cue id"),
    ("cues:\n  - id: a\n    what: furniture\n    pattern: '{nowhere}'\n", 2, "unknown sub-pattern"),
    ("cues:\n  - id: a\n    what: byline\n    pattern: 'By'\n", 2, "group named 'author'"),
    ("cues:\n  - id: a\n\t  what: furniture\n", 3, "not valid YAML"),
])
def test_loader_errors_name_file_and_line(tmp_path, body, line, reason):
    path = write_layout(tmp_path, body)
    with pytest.raises(RuleError) as info:
        load_layout(path)
    assert info.value.path == str(path) and info.value.line == line
    assert reason in str(info.value) and str(info.value).startswith(f"{path}:{line}: ")


def test_a_line_longer_than_a_cues_max_chars_is_left_to_the_next_cues(tmp_path):
    layout = load_layout(write_layout(tmp_path, (
        "cues:\n  - id: credit\n    what: caption\n    max_chars: 12\n    pattern: '^Photo'\n"
        "  - id: any\n    what: furniture\n    pattern: '^Photo'\n")))
    assert [layout.classify(line)[0].id for line in ("Photo: AFP", "Photo: AFP/Reuters")] == ["credit", "any"]
    with pytest.raises(RuleError, match="max_chars"):
        load_layout(write_layout(tmp_path, "cues:\n  - id: a\n    what: caption\n    max_chars: 0\n    pattern: 'x'\n"))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=40).map(lambda t: t.strip(_MARGIN)).filter(bool), min_size=1, max_size=4))
def test_lines_normalised_one_by_one_give_the_sentences_of_their_joined_text(lines):
    """The fingerprint normalises each line once and cuts sentences without normalising them again:
    the same sentences as normalising the joined lines, and each sentence, from scratch."""
    whole = normalize_text(" ".join(lines))
    spaced = " ".join(_normal_case(line) for line in lines)
    # Cut as `_SENTENCE_END` did with a lookbehind: after a mark, before a capital or digit.
    cut = regex.split(r"(?<=[.!?][\"')\]]?)\s+(?=[\"'(\[]?[\p{Lu}\d])", spaced)
    assert spaced.casefold() == whole
    assert _sentences(spaced) == [n for s in cut if len(n := normalize_text(s)) >= 3]


def test_layout_file_is_not_read_as_a_rule_file():
    from facts.engine.rules import cached_rules
    assert all("layout" not in rule.path for rule in cached_rules().rules.values())


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "By Jane Doe", "March 20, 2025", "Newsletter", "Photo: AZERTAC", "BACKGROUND: Trade grew by 5%.",
    "A Short Title", "Robert M. Cutler", "img_01.jpg", "AUTHOR'S BIO: Jane Doe is a fellow.", LONG_A, LONG_B,
    "Published in News", "", "\u00a0 ", "and a line that starts in lower case",
]), max_size=25), st.sampled_from(["\n", "\n\n", "\r\n"]))
def test_any_page_gives_exact_disjoint_spans(parts, newline):
    text = newline.join(parts)
    articles = segment(text)
    end = 0
    for article in articles:
        assert end <= article.start < article.end <= len(text)
        end = article.end
        for block in article.blocks:
            assert article.start <= block.start < block.end <= article.end
            assert text[block.start:block.end].strip() == text[block.start:block.end]


def test_layout_cues_read_every_seed_line_as_regex_reads_them():
    """Cues run on the standard engine where it can (`fast_compile`); on every line of the seed pages, each
    cue finds what `regex` finds, with the same groups."""
    cues = [(cue, regex.compile(cue.compiled.pattern, RULE_FLAGS)) for cue in cached_layout().cues]
    pages = sorted((Path(__file__).parents[1] / "corpus" / "seeds").glob("*.txt"))
    lines = {ln.strip() for p in pages for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()}
    assert len(lines) > 200
    for line in lines:
        for cue, slow in cues:
            fast_match, slow_match = cue.compiled.search(line), slow.search(line)
            assert (fast_match is None) == (slow_match is None), (cue.id, line)
            if fast_match is not None:
                assert (fast_match.span(), fast_match.groupdict()) == (slow_match.span(), slow_match.groupdict())


def test_headless_page_starts_at_a_short_wire_lead():
    lead = "TASHKENT, Uzbekistan, January 21. Uzbekistan's foreign trade turnover amounted to $65.9 billion."
    text = f"{lead}\n\n{LONG_A}\n"
    (article,) = segment(text)
    assert article.start == 0 and is_claimable(article, text.index("$65.9"))


def test_headless_page_hard_wrapped_into_short_lines():
    text = ("MOSCOW, May 23 (Reuters) - Kazakhstan will likely exceed\nits original oil output plans for 2024 "
            "of 96.2 million tons due\nto expansion at the Tengiz field, Energy\nMinister Erlan Akkenzhenov was "
            "quoted as saying, defying\npressure from its partners.\n")
    (article,) = segment(text)
    assert article.start == 0 and is_claimable(article, text.index("96.2"))


def test_the_words_that_do_not_end_a_sentence_are_the_lexicons():
    from facts.engine.lexicon import Lexicon
    from facts.engine.rulefiles import LexiconTable
    from facts.engine.rules import cached_rules
    from facts.text.sentences import split_sentences

    text = "Trade grew 5% said Amb. Aliyev on Monday. It fell in May."
    shipped = [text[s:e] for s, e in split_sentences(text, lexicon=cached_rules().lexicon)]
    assert shipped == ["Trade grew 5% said Amb. Aliyev on Monday.", "It fell in May."]
    lexicon = Lexicon()
    lexicon.add("abbreviation", LexiconTable(entries={"dr": 1}))
    assert [text[s:e] for s, e in split_sentences(text, lexicon=lexicon)][0] == "Trade grew 5% said Amb."
