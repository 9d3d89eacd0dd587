"""facts.extract as an API: the shape of what it returns, exact spans on any text, dates anchored."""
from __future__ import annotations

import gc
import random
import shutil
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facts import Document, Mention, extract, process_document
from facts.engine.rules import cached_rules, default_rules_dir, load_rules
from facts.pipeline import match_mentions

RULES = cached_rules()
SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"
SEED_TEXT = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))

# Whitespace and characters outside the Basic Multilingual Plane before and between figures:
# each astral character is one code point, so offsets must count it once.
MIXED = ("🚀 Exports rose 12%\u00a0to US$ 4.5 billion\tin 2023;\r\n"
         "𝟚 ships carried 15 million tons 🚀 by June 25.\r\n")


def assert_valid(text: str, mentions) -> None:
    """Every mention is a Mention whose span is exact; sorted by start; no two overlap."""
    assert isinstance(mentions, list)
    previous_end = 0
    for m in mentions:
        assert isinstance(m, Mention)
        assert 0 <= m.start < m.end <= len(text), (m.start, m.end, len(text))
        assert text[m.start:m.end] == m.text
        assert m.start >= previous_end, f"{m.text!r} at {m.start} overlaps the mention ending at {previous_end}"
        previous_end = m.end


def found(mentions) -> list[tuple]:
    return [(m.start, m.end, m.text, m.kind) for m in mentions]


# --- shape -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "\r\n", "No figures in this sentence at all.", "🚀𝟚"[:1]])
def test_nothing_found_is_an_empty_list_not_none(text):
    assert extract(text) == []


def test_returns_mentions_sorted_with_typed_values():
    text = "Trade reached nearly US$ 3.74 billion in 2024, up 12% on 2023."

    mentions = extract(text)

    assert_valid(text, mentions)
    money = next(m for m in mentions if m.kind == "money")
    assert (money.text, money.value, money.unit, money.qualifier) == ("US$ 3.74 billion", Decimal("3740000000"), "USD",
                                                                      "nearly")
    assert isinstance(money.value, Decimal)
    assert ("12%", "percent") in [(m.text, m.kind) for m in mentions]
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)


def test_doc_is_carried_into_every_mention():
    mentions = extract("Up 5% in 2024.", doc="a/b.txt")

    assert mentions and {m.doc for m in mentions} == {"a/b.txt"}


def test_mixed_whitespace_and_astral_characters_keep_offsets_exact():
    mentions = extract(MIXED)

    assert_valid(MIXED, mentions)
    spans = {m.text: (m.start, m.end, m.kind) for m in mentions}
    assert spans["12%"] == (15, 18, "percent")  # the rocket before it is one code point
    assert spans["US$ 4.5 billion"] == (22, 37, "money")
    assert spans["15 million tons"][2] == "quantity"
    assert MIXED[spans["June 25"][0]:spans["June 25"][1]] == "June 25"


@pytest.mark.parametrize("prefix", ["🚀\n", "𝟚𝟘𝟚𝟜 🚀\u00a0\t\r\n", "\u00a0\t \r\n\r\n", "😀" * 50 + "\n"])
def test_a_prefix_shifts_every_offset_by_its_length_in_code_points(prefix):
    base = extract(MIXED)

    shifted = extract(prefix + MIXED)

    assert_valid(prefix + MIXED, shifted)
    assert [(m.start - len(prefix), m.end - len(prefix), m.text, m.kind, m.value) for m in shifted[-len(base):]] == [
        (m.start, m.end, m.text, m.kind, m.value) for m in base]


def test_crlf_and_nbsp_inside_figures_stay_in_the_span():
    text = "It cost\u00a0US$\u00a04.5\u00a0billion,\r\nabout 40\u00a0per cent more.\r\n"

    mentions = extract(text)

    assert_valid(text, mentions)
    assert [(m.text, m.kind) for m in mentions] == [("US$\u00a04.5\u00a0billion", "money"),
                                                     ("40\u00a0per cent", "percent")]


# --- values ------------------------------------------------------------------------------------


def test_more_than_28_significant_digits_are_not_rounded():
    text = "It holds $1234567890123456789012345678901 and $1234567890123456789.0123456789012 billion."

    values = [m.value for m in extract(text)]

    assert values == [Decimal("1234567890123456789012345678901"), Decimal("1234567890123456789012345678.9012")]


def test_non_ascii_digits_are_left_out_never_misread():
    mentions = extract("Trade reached ٣٫٧٤ billion dollars in 2024; ٢٠٢٣ saw ٥ deals.")

    assert [(m.text, m.value) for m in mentions] == [("2024", "2024")]


def test_invisible_characters_inside_numbers_are_dropped_and_spans_stay_exact():
    text = "Builders put up 3\ufeff000 homes, 4\u200b500 roads and 12\u00ad000 schools by 2024."

    mentions = extract(text)

    assert_valid(text, mentions)
    assert [(m.text, m.value) for m in mentions] == [
        ("3\ufeff000", Decimal(3000)), ("4\u200b500", Decimal(4500)), ("12\u00ad000", Decimal(12000)),
        ("2024", "2024")]


# --- any text ----------------------------------------------------------------------------------

# Astral characters (emoji, mathematical digits) and the odd spaces are where offset bugs hide.
ANY_CHAR = st.characters(exclude_categories=("Cs",))
PIECES = st.sampled_from([
    "5", "12", "1,000", "3.74", "2024", "2015–2019", "June 25", "May", "7", "$", "US$", "€", "%", " percent",
    " billion", " million", " tons", " km", "-", "–", "about ", "over ", "nearly ", "three", " times", "fold",
    " ", "\u00a0", "\u202f", "\t", "\r\n", "\n", ",", ".", "🚀", "𝟚", "٣", "½", "Published ", "last year",
    "\ufeff", "\u200b", "\u00ad",
])


@settings(deadline=None, max_examples=300)
@given(st.text(ANY_CHAR, max_size=2000))
def test_any_text_gives_valid_spans(text):
    assert_valid(text, extract(text))


@settings(deadline=None, max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.text(ANY_CHAR, max_size=3)), max_size=60).map("".join))
def test_figure_like_text_gives_valid_spans(text):
    assert_valid(text, extract(text))


@settings(deadline=None, max_examples=100)
@given(st.text(ANY_CHAR, max_size=300), st.text(ANY_CHAR, max_size=300))
def test_any_text_around_the_seed_corpus(before, after):
    text = before + SEED_TEXT[:3000] + after
    assert_valid(text, extract(text))


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.text(ANY_CHAR, max_size=3)), max_size=40).map("".join),
       st.integers(0, 2500), st.lists(st.one_of(PIECES, st.text(ANY_CHAR, max_size=3)), max_size=40).map("".join))
def test_the_whole_pipeline_gives_claims_starting_in_their_sentences_sorted_and_deterministic(before, cut, after):
    """Not only extract: segmenting, attribution and claim assembly on any text around a real page."""
    text = before + SEED_TEXT[cut:cut + 3000] + after
    document = Document(doc="any.txt", path="any.txt", text=text, encoding="utf-8")

    claims = process_document(document).claims

    assert [c.model_dump() for c in claims] == [c.model_dump() for c in process_document(document).claims]
    assert [c.start for c in claims] == sorted(c.start for c in claims)
    for c in claims:
        assert text[c.start:c.end] == c.text
        assert c.sentence is not None and c.sentence_start is not None
        assert text[c.sentence_start:c.sentence_start + len(c.sentence)] == c.sentence
        assert c.sentence_start <= c.start < c.sentence_start + len(c.sentence)  # its end: see below


# Found by the fuzz run in docs/reliability.md, shrunk: the sentence ends at the line break
# inside the quantity `12\n k`, so the claim runs one line past its sentence.
RUNS_PAST_ITS_SENTENCE = (
    "r a deepening Sino-Azerbaijani partnership had been firmly established. The signing of a joint declaration "
    "on strategic partnership at the Shanghai Coo percent\U000d99f1\U000e2bcc-\U0007c1fe\uf471\U000b6011nearly "
    "\U000caacf\U0008f2eb\U000c1b83\U000fadc5\U000826f0\U0004f54f\U00031302\U000ea724\U0007bfe8\U00017a93"
    "\U00047c7athree km\U0001daa8\U0003ca4512\n k")


def test_a_claim_ends_inside_its_sentence():
    document = Document(doc="any.txt", path="any.txt", text=RUNS_PAST_ITS_SENTENCE, encoding="utf-8")

    claims = process_document(document).claims

    assert claims and all(c.end <= c.sentence_start + len(c.sentence) for c in claims)


def _big_cases() -> list:
    rng = random.Random(20250601)
    astral = ["🚀", "𝟚", "😀", "\U0010fffd", "\U0001d7d8"]
    spiced = "".join(c + (rng.choice(astral) if rng.random() < 0.02 else "") for c in SEED_TEXT)
    noise = "".join(chr(rng.choice([rng.randrange(0x20, 0xD800), rng.randrange(0xE000, 0x110000)]))
                    for _ in range(100_000))
    return [
        pytest.param((SEED_TEXT * 2)[:100_000], id="seed-corpus-100k"),
        pytest.param(spiced[:100_000], id="seed-corpus-with-astral-chars"),
        pytest.param(SEED_TEXT.replace("\n", "\r\n").replace(" ", "\u00a0")[:100_000], id="crlf-nbsp"),
        pytest.param(noise, id="random-code-points-100k"),
        pytest.param("1" * 5_000, id="one-long-number"),
        pytest.param("5\u00a0" * 10_000, id="nbsp-separated-digits"),
        pytest.param("$5 " * 10_000, id="many-small-amounts"),
        pytest.param("\n" * 100_000, id="newlines"),
    ]


@pytest.mark.parametrize("text", _big_cases())
def test_big_texts_give_valid_spans(text):
    assert_valid(text, extract(text))


# Hostile runs of one token must not make matching quadratic (each rule attempt is bounded): twice the
# text takes about twice the CPU time, where a quadratic engine would take four times. Measured as a ratio
# in one process, best of three, so a loaded machine does not decide it.
SLOW_RUNS = [
    pytest.param("1", 60_000, id="digits"),
    pytest.param("one two three ", 150, id="number-words"),
    pytest.param("May ", 2_500, id="month-names"),
    pytest.param("between 2010 and ", 500, id="open-ranges"),
    pytest.param("12, ", 1_000, id="a-list-of-numbers"),
    pytest.param("12, 14 and ", 300, id="lists-of-coordinated-numbers"),
]


def _cpu_seconds(text: str) -> tuple[float, list[Mention]]:
    best, mentions = float("inf"), []
    for _ in range(3):
        started = time.process_time()
        mentions = match_mentions(text, rules=RULES)
        best = min(best, time.process_time() - started)
    return best, mentions


@pytest.mark.parametrize(("token", "times"), SLOW_RUNS)
def test_long_runs_of_one_token_take_linear_time(token, times):
    once, mentions = _cpu_seconds(token * times)
    twice, _ = _cpu_seconds(token * 2 * times)

    assert_valid(token * times, mentions)
    assert twice < 3 * once + 0.01, f"{len(token) * times} chars took {once:.3f} CPU-s, twice as many {twice:.3f}"


# --- reference dates and datelines -------------------------------------------------------------


@pytest.mark.parametrize("reference", ["2025-06-01", date(2025, 6, 1), "2025-06-01T09:30:00Z"])
def test_reference_date_resolves_a_date_with_no_year(reference):
    (m,) = [m for m in extract("They met on May 7.", reference_date=reference) if m.kind == "date"]

    assert (m.text, m.value, m.resolved) == ("May 7", "XXXX-05-07", "2025-05-07")


def test_without_reference_nothing_is_guessed():
    (m,) = extract("They met on May 7.")

    assert (m.value, m.resolved) == ("XXXX-05-07", None)


def test_full_dates_need_no_resolving():
    (m,) = extract("They met on 7 May 2024.", reference_date="2025-06-01")

    assert (m.value, m.resolved) == ("2024-05-07", None)


@pytest.mark.parametrize("bad", ["2025-13-01", "yesterday", "07/05/2025", "", "2025-02-30"])
def test_bad_reference_date_raises_a_clear_value_error(bad):
    with pytest.raises(ValueError) as caught:
        extract("They met on May 7.", reference_date=bad)

    message = str(caught.value)
    assert repr(bad) in message and "YYYY-MM-DD" in message


def test_dateline_anchors_the_dates_after_it_not_those_before():
    # (told in the future: in the past, a May after the dateline's March is the year before's)
    text = "On May 7 they met.\nPublished 12 March 2024\nLater, on May 9, talks will resume."

    mentions = {m.text: m for m in extract(text, reference_date="2025-06-01")}

    assert mentions["12 March 2024"].value == "2024-03-12"
    assert mentions["May 7"].resolved == "2025-05-07"  # before the dateline: the reference
    assert mentions["May 9"].resolved == "2024-05-09"  # after it: the dateline's year


def test_dateline_anchors_without_any_reference():
    text = "Published 12 March 2024\n\nThe minister will arrive on May 7."

    (m,) = [m for m in extract(text) if m.text == "May 7"]

    assert m.resolved == "2024-05-07"


def test_date_in_running_text_is_no_dateline():
    text = "The deal of 12 March 2024 was signed.\nThe minister arrived on May 7."

    (m,) = [m for m in extract(text) if m.text == "May 7"]

    assert m.resolved is None


def test_explicit_rules_give_the_same_result_as_the_default():
    assert extract(MIXED, rules=RULES) == extract(MIXED)


@pytest.mark.parametrize("text, units", [
    ("Pakistan raised petrol prices by Rs 7.45 to Rs 259.10 a litre.", ["PKR", "PKR/l"]),
    ("India's budget gave Rs 5 lakh crore to defence.", ["INR"]),
    ("Nepal's budget of Rs 1.8 trillion was passed. The budget of Nepal grew.", ["NPR"]),
    ("The Turkmen budget is 100 billion manat. Turkmenistan plans growth.", ["TMT"]),
    ("Azerbaijan's budget reached 35 billion manats.", ["AZN"]),
    ("Pakistan paid 500 Indian rupees.", ["INR"]),
    ("The ticket cost Rs 500.", ["INR"]),
])
def test_a_currency_written_alike_in_several_countries_is_the_one_of_the_country_named(text, units):
    from facts.pipeline import process_document
    from facts.text.documents import Document
    processed = process_document(Document(doc="d", path="d", text=text, encoding="utf-8"))
    assert [r["unit"] for r in processed.rows() if r["kind"] == "money"] == units


def test_extract_and_the_pipeline_give_the_same_units_and_values():
    """`facts.extract` and a document through the pipeline resolve a figure in one step (`resolve.py`): the
    same text gives the same spans, units and values either way (`Rs` is PKR beside Pakistan in both)."""
    text = "Pakistan spent Rs 5 billion on roads. Exports rose 10-15% to $2.9 billion in the first half of 2024."
    processed = process_document(Document(doc="d", path="d", text=text, encoding="utf-8"))
    fields = ("start", "end", "kind", "value", "unit", "low", "high", "resolved")
    assert [tuple(getattr(m, f) for f in fields) for m in extract(text)] == [
        tuple(r[f] for f in fields) for r in processed.rows()]
    assert [m.unit for m in extract(text) if m.kind == "money"] == ["PKR", "USD"]


def test_the_collector_is_paused_while_a_document_is_read_and_restored_after(monkeypatch):
    from facts import Document, pipeline

    seen = []
    real_segment = pipeline.segment

    def segment(text, layout):
        seen.append(gc.isenabled())
        return real_segment(text, layout)

    monkeypatch.setattr(pipeline, "segment", segment)
    document = Document(doc="d", path="d", text="Trade grew 5% in 2024.", encoding="utf-8")
    assert gc.isenabled()
    pipeline.process_document(document)
    assert seen == [False] and gc.isenabled()

    def broken(text, layout):
        raise RuntimeError("broken")

    monkeypatch.setattr(pipeline, "segment", broken)
    with pytest.raises(RuntimeError):
        pipeline.process_document(document)
    assert gc.isenabled()
    gc.disable()
    try:
        monkeypatch.setattr(pipeline, "segment", real_segment)
        pipeline.process_document(document)
        assert not gc.isenabled()  # a caller's choice stays
    finally:
        gc.enable()


def test_an_article_is_dated_by_its_wire_dateline_in_the_first_line():
    text = ("TASHKENT, Uzbekistan, January 21, 2025. Uzbekistan's foreign trade turnover amounted to "
            "$65.9 billion in 2024, the statistics agency said on Tuesday.\n")
    (article,) = process_document(Document(doc="a.txt", path="a.txt", text=text, encoding="utf-8")).articles
    assert article.date == "2025-01-21"


def test_a_dateline_without_a_year_takes_the_stored_pages_year():
    text = (" date 2024-07-02 ASTANA, Kazakhstan, July 2. Kazakhstan produced 90 million tons of oil in 2023, "
            "the ministry said.\n")
    (article,) = process_document(Document(doc="a.txt", path="a.txt", text=text, encoding="utf-8")).articles
    assert article.date == "2024-07-02"


def test_a_dateline_after_the_stored_day_is_of_the_year_before():
    text = " date 2025-01-03 MOSCOW, Dec. 30 (Reuters) - Russia's oil exports fell 5% in 2024, traders said.\n"
    (article,) = process_document(Document(doc="a.txt", path="a.txt", text=text, encoding="utf-8")).articles
    assert article.date == "2024-12-30"


def test_an_article_without_a_dateline_stays_undated():
    text = "Uzbekistan's foreign trade turnover amounted to $65.9 billion in 2024, the statistics agency said.\n"
    (article,) = process_document(Document(doc="a.txt", path="a.txt", text=text, encoding="utf-8")).articles
    assert article.date is None


def test_documents_read_in_workers_give_what_one_process_gives(tmp_path):
    from facts import Ledger, process_paths

    def run(jobs: int) -> list:
        with Ledger(tmp_path / f"ledger{jobs}.db") as ledger:
            return [(p.document.doc, p.stories, [c.model_dump() for c in p.claims])
                    for p in process_paths([str(SEEDS)], ledger=ledger, jobs=jobs)]

    alone, pooled = run(1), run(2)
    assert pooled == alone
    # The seeds hold copies of one story on three pages: the workers never saw each other's pages.
    stories = [s for _, page_stories, _ in alone for s in page_stories]
    assert len(stories) > len(set(stories))


def test_a_rules_folder_segments_pages_by_its_own_layout(tmp_path):
    """`process_document` with another rules folder reads that folder's `layout/layout.yaml`. With an
    `author_separator` of `und`, "By John Roe and Ann Poe" names one author, so John Roe's bio sentence
    is body: its figure a claim, which the shipped layout leaves out as a bio."""
    root = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), root)
    layout = root / "layout" / "layout.yaml"
    shipped = layout.read_text(encoding="utf-8")
    assert r"author_separator: ',|\band\b|&'" in shipped
    layout.write_text(shipped.replace(r"',|\band\b|&'", r"',|\bund\b|&'"), encoding="utf-8")
    body = ("The two governments signed 14 agreements during the visit, covering energy, transport and "
            "culture. Observers called it the most productive summit between them in a decade of talks.")
    bio = "John Roe is a senior fellow who has written 12 books."
    text = f"By John Roe and Ann Poe\n\n{body}\n\n{bio}\n"

    def bio_roles(rules=None) -> list[str]:
        (article,) = process_document(Document(doc="a.txt", path="a.txt", text=text, encoding="utf-8"), rules=rules).articles
        return [b.role for b in article.blocks if text[b.start:b.end] == bio]

    assert (bio_roles(), bio_roles(load_rules(root))) == (["bio"], ["body"])
