"""Attribution: subject, metric, period and event of synthetic sentences, sentence splitting, file errors."""
from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from facts import extract
from facts.attribution import attribute, claim_rows, load_attribution, split_sentences
from facts.attribution.rulebook import _as_list, _cached_attribution, _compile, _compile_fast, _has_top_alternative
from facts.attribution.text import _Text
from facts.engine.prefilter import finds_own_start
from facts.engine.rulefiles import RuleError
from facts.engine.rules import _every_character, cached_rules, default_rules_dir, fast_compile, load_rules


def claim_of(text: str, span: str):
    mentions = extract(text)
    claims = attribute(text, mentions)
    found = [c for c in claims if c.mention.text == span]
    assert found, f"no mention {span!r} in {[m.text for m in mentions]}"
    return found[0]


@pytest.mark.parametrize("text, span, subject, metric, period", [
    ("Trade between Azerbaijan and China reached US$ 3.74 billion in 2024.",
     "US$ 3.74 billion", ["Azerbaijan", "China"], "trade", "2024"),
    ("Kazakhstan's exports to Mongolia rose to $93 million in 2022.",
     "$93 million", ["Kazakhstan", "Mongolia"], "exports", "2022"),
    ("In 2016, India signed a $8.8 billion deal with France.",
     "$8.8 billion", ["France", "India"], "deal value", "2016"),
    ("The attack killed 26 tourists in April 2025 in Pakistan.",
     "26", ["Pakistan"], "deaths", "2025-04"),
    ("Uzbekistan has a combined population of about 36 million.",
     "36 million", ["Uzbekistan"], "population", None),
    ("The two countries' trade in 2024 was over 20 percent above its 2023 level.",
     "20 percent", [], "trade", "2024"),
    ("The 454-kilometre line is expected to cost $4.7 billion by 2030.",
     "454-kilometre", [], "length", "2030"),
])
def test_a_figure_is_about_its_subject_metric_and_period(text, span, subject, metric, period):
    claim = claim_of(text, span)
    if subject:
        assert claim.subject == subject
    assert claim.metric == metric
    assert claim.period == period
    assert claim.event is None


def test_sentence_without_entity_takes_the_pair_of_the_article():
    text = ("Azerbaijan and China signed a partnership. Relations between Baku and Beijing deepened.\n\n"
            "Bilateral trade reached $3 billion in 2024.")
    claim = claim_of(text, "$3 billion")
    assert claim.subject == ["Azerbaijan", "China"]
    assert claim.metric == "trade"
    assert claim.period == "2024"


def test_count_metric_is_the_counted_noun():
    claim = claim_of("India bought 36 Rafale jets from France in 2016.", "36")
    assert claim.metric == "rafale jets"
    assert claim.period == "2016"


def test_date_of_an_event():
    claim = claim_of("The first visit of the Azerbaijani President to Beijing in 1994 laid the foundation.", "1994")
    assert claim.event is not None and claim.event.type == "visit"
    assert claim.subject == ["Azerbaijan", "China"]
    assert claim.metric == "visit"
    assert claim.period == "1994"


def test_dates_of_a_change_span_the_from_and_to():
    claim = claim_of("Mongolia's trade with Kyrgyzstan doubled from about $2 million in 2017 to $5 million by 2022.",
                     "doubled")
    assert claim.period == "2017/2022"
    assert claim.subject == ["Kyrgyzstan", "Mongolia"]


def test_the_same_period_points_to_the_dates_before():
    text = ("Mongolian exports grew from $2.9 million in 2017 to $8.3 million in 2022. "
            "Kazakhstan's exports to Mongolia increased from $72.9 million to $93 million during the same period.")
    assert claim_of(text, "$72.9 million").period == "2017"
    assert claim_of(text, "$93 million").period == "2022"


def test_claim_rows_carry_mention_and_claim_fields():
    text = "Trade between Azerbaijan and China reached US$ 3.74 billion in 2024."
    rows = claim_rows("a.txt", text, extract(text))
    money = next(r for r in rows if r["kind"] == "money")
    assert money["doc"] == "a.txt"
    assert text[money["start"]:money["end"]] == money["text"]
    assert money["value"] == 3740000000
    assert (money["subject"], money["metric"], money["period"], money["event"]) == (
        ["Azerbaijan", "China"], "trade", "2024", None)


@pytest.mark.parametrize("text, sentences", [
    ("The U.S. President met Dr. Smith. They agreed.", ["The U.S. President met Dr. Smith.", "They agreed."]),
    ("Trade reached US$ 3.74 billion. It grew.", ["Trade reached US$ 3.74 billion.", "It grew."]),
    ("Some goods, e.g. grain, moved. Others did not.", ["Some goods, e.g. grain, moved.", "Others did not."]),
    ("It ended.\u00a0Then peace came.", ["It ended.", "Then peace came."]),
    ("He said “it is over.” Then he left.", ["He said “it is over.”", "Then he left."]),
    ("A title without a period\n\nThe body starts here.", ["A title without a period", "The body starts here."]),
    ("A line that runs on,\nand ends here. Next.", ["A line that runs on,\nand ends here.", "Next."]),
    ("A heading\nThe body.", ["A heading", "The body."]),
    ("It cost approx. 5 million. Others paid less.", ["It cost approx. 5 million.", "Others paid less."]),
    ("It fell to approx. Then it rose.", ["It fell to approx. Then it rose."]),
    ("x approx. Next", ["x approx. Next"]),
    ("The price rose 5%. Next", ["The price rose 5%.", "Next"]),
    ("The parties met at dawn. The talks ended.", ["The parties met at dawn.", "The talks ended."]),
    ("See file_name. The rest follows.", ["See file_name.", "The rest follows."]),
])
def test_sentences_end_at_their_stop_not_at_an_abbreviation(text, sentences):
    assert [text[s:e] for s, e in split_sentences(text)] == sentences


_SENTENCE_PIECES = ["approx", "U.S", "e.g", "Dr", "mr", "a", "B", "word", "longerword", "_", "x_y", "½", ".", ". ",
                    " ", "  ", "\n", "Next", "7", "(", "\"", "é", "%", "³"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_SENTENCE_PIECES), max_size=40))
def test_a_period_is_known_to_follow_no_abbreviation_as_the_full_rule_finds(pieces):
    """The shortcut (a digit or sign before the period, or more word characters than any abbreviation
    has) cuts where reading the word would."""
    from facts.text import sentences

    text = "".join(pieces)
    fast = split_sentences(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sentences, "_plainly_no_abbreviation", lambda text, at, longest: False)  # every word is read
        assert split_sentences(text) == fast


def test_claims_are_frozen():
    claim = claim_of("Trade between Azerbaijan and China reached US$ 3.74 billion in 2024.", "US$ 3.74 billion")
    with pytest.raises(Exception):
        claim.metric = "exports"


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), root)
    return root


def test_attribution_file_error_names_file_and_line(rules_copy: Path):
    path = rules_copy / "attribution" / "attribution.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("structures:\n", "structures:\n  - id: broken\n    pattern: '(unclosed'\n", 1),
                    encoding="utf-8")
    line = path.read_text(encoding="utf-8").splitlines().index("  - id: broken") + 1
    with pytest.raises(RuleError) as err:
        load_attribution(load_rules(rules_copy))
    assert err.value.path == str(path) and err.value.line == line


def test_attribution_file_rejects_unknown_keys(rules_copy: Path):
    path = rules_copy / "attribution" / "attribution.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    with pytest.raises(RuleError, match="colour: unknown key"):
        load_attribution(load_rules(rules_copy))


def test_lexicon_error_names_file_and_line(rules_copy: Path):
    path = rules_copy / "lexicon" / "entities.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  entity_type:\n", "  entity_type:\n    colour: red\n"),
                    encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_rules(rules_copy)
    assert err.value.path == str(path) and err.value.line is not None


def test_default_rules_load_attribution():
    assert load_attribution(cached_rules()).structures


_ALIASES = ("Amber Caspian Holding", "Silk Steppe Logistics 12", "Golden Meridian Bank")


@pytest.fixture(scope="module")
def rules_with_aliases(tmp_path_factory):
    """The shipped rules with a few more names in the `entity` table."""
    root = tmp_path_factory.mktemp("aliases") / "rules"
    shutil.copytree(default_rules_dir(), root)
    path = root / "lexicon" / "entities.yaml"
    text = path.read_text(encoding="utf-8")
    added = "".join(f"      {name}: {name}\n" for name in _ALIASES)
    path.write_text(text.replace("      Azerbaijan: Azerbaijan\n", added + "      Azerbaijan: Azerbaijan\n", 1),
                    encoding="utf-8")
    return load_rules(root)


def test_structure_patterns_do_not_grow_with_the_entity_table(rules_with_aliases):
    """A structure matches names as the entity scan marks them, so no structure pattern holds the entity
    table: compiling each copy of it made a lexicon of 5,000 more aliases take 40 s to start."""
    sizes = [len(s.pattern.pattern) for s in load_attribution(cached_rules()).structures]
    assert [len(s.pattern.pattern) for s in load_attribution(rules_with_aliases).structures] == sizes


def test_a_name_added_to_the_entity_table_is_a_party_of_a_structure(rules_with_aliases):
    text = "Amber Caspian  Holding's exports to Golden Meridian Bank reached $3 billion in 2024."
    claims = attribute(text, extract(text, rules=rules_with_aliases), rules=rules_with_aliases)
    claim = next(c for c in claims if c.mention.text == "$3 billion")
    assert claim.subject == ["Amber Caspian Holding", "Golden Meridian Bank"]
    assert claim.why["subject"] == "structure"


def event_of(text: str, span: str):
    claim = claim_of(text, span)
    assert claim.event is not None
    return claim


@pytest.mark.parametrize("text, span, subject", [
    # a leader's name stands for the country
    ("President Tokayev's 2019 visit to Tajikistan opened a new road.", "2019", ["Kazakhstan", "Tajikistan"]),
    # a named conflict stands for its parties
    ("The roads were rebuilt after the Karabakh War of 2020.", "2020", ["Armenia", "Azerbaijan"]),
])
def test_event_parties_from_names_and_lexicon(text, span, subject):
    assert event_of(text, span).subject == subject


def test_each_date_of_a_coordination_takes_its_own_conjunct():
    text = "President Japarov made official visits to Armenia in 2015 and Georgia in 2016."
    assert event_of(text, "2015").subject == ["Armenia", "Kyrgyzstan"]
    assert event_of(text, "2016").subject == ["Georgia", "Kyrgyzstan"]


def test_relative_pronoun_stands_for_the_noun_before_it():
    text = "Turkmenistan, which was granted observer status with the OTS on May 3, 2021, has grown closer."
    assert event_of(text, "May 3, 2021").subject == ["OTS", "Turkmenistan"]


def test_parties_end_at_the_word_that_opens_the_event_phrase():
    text = "Egypt blamed its neighbour for the March 3 attack on a hotel in Cairo."
    claim = event_of(text, "March 3")
    assert claim.event.type == "attack"
    assert claim.subject == ["Egypt"]
    assert claim.event.actor == []


def test_an_event_named_again_keeps_its_parties():
    text = ("The brief military confrontation between Thai and Cambodian troops drew attention. "
            "Markets fell after the border clash on July 24.")
    claim = event_of(text, "July 24")
    assert claim.subject == ["Cambodia", "Thailand"]


def test_a_figure_of_an_event_takes_the_event_date():
    text = ("President Tokayev's visit to Georgia in 2023 was a success. "
            "The visit yielded 9 agreements.")
    assert claim_of(text, "9").period == "2023"


def test_coordinated_figures_take_their_own_partner():
    text = "For Laos, with $15 billion GDP and over 60% of exports going to Thailand, this matters."
    gdp = claim_of(text, "$15 billion")
    assert (gdp.subject, gdp.metric) == (["Laos"], "gdp")
    share = claim_of(text, "60%")
    assert share.metric == "exports share"
    assert share.subject == ["Laos", "Thailand"]


def test_possessive_pronoun_names_whose_measure_it_is():
    text = "Kazakhstan and Uzbekistan, with their combined population of about 56 million, attract Mongolia."
    assert claim_of(text, "56 million").subject == ["Kazakhstan", "Uzbekistan"]


def test_a_figure_in_a_relative_clause_is_about_the_noun_it_stands_for():
    text = "Laos, which ordered 12 tractors last year, is now negotiating with Thailand."
    assert claim_of(text, "12").subject == ["Laos"]


def test_the_other_party_of_a_bilateral_measure_may_be_an_anaphor():
    text = ("Arms flows to Central Asia fell sharply. During this period, Iran accounted for 20 percent of the arms"
            " supply, further strengthening its position in the region's defense sector.")
    assert claim_of(text, "20 percent").subject == ["Central Asia", "Iran"]


@pytest.mark.parametrize("text, span, subject", [
    ("Shipping slowed after the Houthis' rise to power in 2014.", "2014", ["Houthis", "Yemen"]),
    # "the movement" points back to the Taliban, who take power in Afghanistan
    ("The Taliban courted Moscow for years. Trade grew after the movement's return to power in 2021.", "2021",
     ["Afghanistan", "Taliban"]),
])
def test_a_takeover_is_also_about_the_country_taken(text, span, subject):
    claim = event_of(text, span)
    assert claim.event.type == "takeover"
    assert claim.subject == subject


@pytest.mark.parametrize("text, span, subject", [
    ("The Thai–Cambodian clash, marked by heavy shelling, ended on July 28 following a ceasefire brokered by"
     " Malaysia.", "July 28", ["Cambodia", "Malaysia", "Thailand"]),
    ("The war between Israel and Hamas began in 2023. The January 2025 truce that halted the fighting, brokered"
     " by Qatar, held for weeks.", "January 2025", ["Hamas", "Israel", "Qatar"]),
])
def test_a_ceasefire_takes_the_parties_of_the_conflict_it_ends(text, span, subject):
    claim = event_of(text, span)
    assert claim.event.type == "ceasefire"
    assert claim.subject == subject


def test_an_event_at_the_occasion_of_another_is_the_one_dated():
    text = "The signing of a trade treaty at the ASEAN summit in May 2024 pleased investors."
    assert event_of(text, "May 2024").event.type == "signing"


PARAGRAPH = ("Trade between Azerbaijan and China reached US$ 3.74 billion in 2024, up from 2023. Baku and Beijing"
             " signed a strategic partnership in July. The U.S. President Joe Biden met Kazakhstan's Tokayev"
             " in New York. Mongolia's exports to Kyrgyzstan doubled. Astana hosted the SCO summit in July 2024.")

LONG_LINE = ("Trade between Azerbaijan and China, the two largest economies on the Middle Corridor, reached US$ 3.74"
             " billion in 2024.")


@pytest.mark.parametrize("width", range(60, 80))
def test_reflowed_lines_keep_their_sentences(width):
    wrapped = textwrap.fill(PARAGRAPH, width)
    assert [" ".join(wrapped[s:e].split()) for s, e in split_sentences(wrapped)] == [
        PARAGRAPH[s:e] for s, e in split_sentences(PARAGRAPH)]


@pytest.mark.parametrize("text, sentences", [
    # a short line before a paragraph written as one line, and a block of short lines, end where they end
    ("By Jane Doe\n" + LONG_LINE, ["By Jane Doe", LONG_LINE]),
    ("Published in Analysis\nMonday, 05 May 2025 10:00", ["Published in Analysis", "Monday, 05 May 2025 10:00"]),
    ("A heading\r\nThe body.", ["A heading", "The body."]),
])
def test_lines_that_end_on_purpose_end_their_sentence(text, sentences):
    assert [text[s:e] for s, e in split_sentences(text)] == sentences


def test_a_sentence_a_page_broke_in_two_at_a_blank_line_is_one_sentence():
    text = "Transit traffic with member\n\nand observer states rose by 15% in 2024.\n\nA new paragraph starts here."
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Transit traffic with member\n\nand observer states rose by 15% in 2024.", "A new paragraph starts here."]


# --- the fast paths find what their plain definitions find --------------------------------------------

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parents[1] / "corpus" / "seeds").glob("*.txt"))]
_PIECES = ["China", "Russia", "Kazakh", "Sino-", "US", "US$", "Asian Development Bank", "Bank", "trade", "Trade",
           "TRADE", "arms exports", "exports", "exporters", "visit", "state visit", "signed", "agreement", "deal",
           "'s", "’s", " and ", ", ", " to ", " of ", " between ", "-", "–", " ", "\n", "\n\n", ". ", "; ", "x", "5"]


@st.composite
def _texts(draw) -> str:
    return "".join(draw(st.lists(st.sampled_from(_PIECES), max_size=60)))


def _plain_hits(text: str, table: str, pattern: str, att) -> list[tuple[int, int, str]]:
    found = []
    for m in regex.finditer(pattern, text, regex.VERSION1):
        found += [(m.start(), m.end(), v) for v in _as_list(att.rules.lexicon.lookup(table, m.group()))]
    return found


@settings(max_examples=300, deadline=None)
@given(_texts())
def test_word_scans_find_what_a_lookbehind_search_finds(text):
    """`_WordScan` consumes the character before a word; a plain search looking behind for it finds the same."""
    att = _cached_attribution(cached_rules())
    lex, written = att.rules.lexicon.patterns, att.rules.lexicon.written
    padded = "\n" + text
    for scan, table, pattern in (
            (att.entity, "entity", rf"(?<!\w){lex['entity']}(?![\w$])"),
            (att.metric_cue, "metric_cue", rf"(?<![\w-]){written['metric_cue']}(?![\w-])"),
            (att.event_cue, "event_cue", rf"(?<![\w-]){written['event_cue']}(?![\w-])")):
        assert [tuple(h) for h in scan.hits(padded)] == _plain_hits(text, table, pattern, att)


def _sentence_hits(text: str) -> None:
    t = _Text(text, extract(text), _cached_attribution(cached_rules()), cached_rules().lexicon)
    padded = "\n" + text
    # Metric cues inside a name ("Aviation Industry Corporation") are left out.
    named = [(h.start, h.end) for h in t.entities]
    whole = {"metric": [h for h in t.att.metric_cue.hits(padded)
                        if not any(s <= h.start and h.end <= e for s, e in named)],
             "event": t.att.event_cue.hits(padded)}
    figured = [t.spans[i] for i in sorted({t.sentence_index(m.start) for m in extract(text)})]
    for kind, found in (("metric", t.metrics), ("event", t.events)):
        assert found == [h for s, e in figured for h in t.within(whole[kind], s, e)], kind
    for s, _ in t.spans:
        lo, hi = max(0, s - 300), s + 200
        assert t.all_events.within(lo, hi) == t.within(whole["event"], lo, hi)


@pytest.mark.parametrize("index", range(len(SEED_TEXTS)))
def test_cues_are_scanned_in_the_sentences_that_need_them(index):
    """A figure's cues come from a scan of its sentence alone, other events from scans of the sentences
    asked for: they are the hits a scan of the whole text finds there."""
    _sentence_hits(SEED_TEXTS[index])


@settings(max_examples=200, deadline=None)
@given(_texts())
def test_cues_are_scanned_in_the_sentences_that_need_them_in_any_text(text):
    _sentence_hits(text)


def _hits_in_order(text: str) -> None:
    """`_Text.within` cuts a span's hits from the back of their run: the lists it reads are sorted by
    start and by end alike (no hit holds another)."""
    t = _Text(text, extract(text), _cached_attribution(cached_rules()), cached_rules().lexicon)
    for hits in (t.entities, t.metrics, t.events):
        assert all(a.start <= b.start and a.end <= b.end for a, b in zip(hits, hits[1:]))


@pytest.mark.parametrize("index", range(len(SEED_TEXTS)))
def test_names_and_cues_end_in_the_order_they_start(index):
    _hits_in_order(SEED_TEXTS[index])


@settings(max_examples=200, deadline=None)
@given(_texts())
def test_names_and_cues_end_in_the_order_they_start_in_any_text(text):
    _hits_in_order(text)


def _matches(matches) -> list[tuple]:
    """In the order given: `_structure` takes the first that fits, structure by structure."""
    return [(m.span(), m.span("cue"), m.span("a")) for m in matches]


def _check_structures(text: str) -> None:
    t = _Text(text, extract(text), _cached_attribution(cached_rules()), cached_rules().lexicon)
    for s, _ in t.spans:
        for segment in t.sentence(s)[1].segments:
            cues = [h for hits in (t.metrics, t.events) for h in t.within(hits, *segment)]
            last = max((h.end for h in cues), default=segment[0])
            for hits in (t.metrics, t.events):
                assert t.last_end(hits, *segment) == max((h.end for h in t.within(hits, *segment)), default=segment[0])
            plain = [m for st in t.att.structures for m in st.pattern.finditer(t.structure_text, *segment, overlapped=True)]
            # Asked about the farthest cue, then about each cue alone (as a date asks about its nearest).
            for before in (last, *(h.end for h in cues)):
                assert _matches(t.structures_in(segment, before)) == _matches(m for m in plain if m.start() < before)


@pytest.mark.parametrize("index", range(len(SEED_TEXTS)))
def test_structures_are_tried_where_an_overlapped_search_would_find_them(index):
    """`structures_in` tries a structure only where a cue or entity of the scans opens it; the
    matches opening before the end of a cue are those an overlapped search of every structure finds."""
    _check_structures(SEED_TEXTS[index])


def test_a_structure_may_open_inside_a_cue_the_scan_found():
    """The scan finds "bilateral trade"; "trade volume of Russia" opens inside it."""
    _check_structures("The bilateral trade volume of Russia reached $5 billion in 2024.")


@settings(max_examples=200, deadline=None)
@given(_texts())
def test_structures_are_tried_where_an_overlapped_search_would_find_them_in_any_text(text):
    _check_structures(text)


def test_the_starting_character_guard_stands_before_every_alternative():
    """Else only the first alternative is guarded and the others are tried at every character (the union of
    the anaphors searched 13 times slower than each of them)."""
    compiled = _compile(r"the\s+region|bilateral", Path("attribution.yaml"), 1, "anaphors", {})

    assert compiled.pattern == r"(?=[bt])(?:the\s+region|bilateral)"
    assert compiled.search("a bilateral deal").group() == "bilateral"


def test_a_pattern_the_standard_engine_finds_the_start_of_goes_unguarded():
    """A guard before it would hide the first characters the engine reads off it (docs/benchmarks.md,
    "Pipeline"); one it cannot find the start of keeps the guard, and so does one opening with a letter
    read in either case, off which the engine reads no start."""
    assert finds_own_start(r"(?:the|The|its)\s+country") and finds_own_start(r"also\s+known|dubbed")
    assert not finds_own_start(r"(?:also\s+)?known") and not finds_own_start(r"(?i:\bthe\s+region)")
    assert not finds_own_start(r"(?i:the)\s+region") and finds_own_start(r"(?i:,)\s+region")
    assert _compile_fast(r"(?:the|its)\s+country", Path("attribution.yaml"), 1, "anaphors", {}).pattern == (
        r"(?:the|its)\s+country")
    assert _compile_fast(r"\bthe\s+region", Path("attribution.yaml"), 1, "anaphors", {}).pattern.startswith("(?=[t])")


def test_a_set_written_for_regex_version1_is_not_run_by_the_standard_engine():
    assert isinstance(fast_compile(r"\d+"), re.Pattern)
    assert not isinstance(fast_compile(r"[[a-z]--[aeiou]]"), re.Pattern)
    assert fast_compile(r"[[a-z]--[aeiou]]").fullmatch("e") is None
    assert not isinstance(fast_compile(r"(?r)\d"), re.Pattern)


@pytest.mark.parametrize("pattern", [r"\p{Lu}", r"\P{Lu}", r"[\p{Lu}0-9]", r"[\p{Ll}\p{Lu}'\-]", r"\p{L}\]", r"[\]\p{N}]",
                                     r"[(\[]\p{Lu}", r"[]a]\p{Lu}", r"[^]a]\p{Lu}"])
def test_a_unicode_property_is_spelled_out_for_the_standard_engine(pattern):
    """The standard engine runs it, and it matches every character `regex` matches, and no other."""
    fast = fast_compile(pattern)
    assert isinstance(fast, re.Pattern)
    every = _every_character()
    assert fast.findall(every) == regex.findall(pattern, every, regex.VERSION1)


def test_a_negated_property_inside_a_set_stays_with_regex():
    assert not isinstance(fast_compile(r"[\P{Lu}x]"), re.Pattern)
    assert fast_compile(r"[\P{Lu}x]").match("A") is None


@pytest.mark.parametrize("pattern, answer", [
    ("a|b", True), ("(a|b)", False), ("[|]", False), (r"[\[]|x", True), (r"(?:\[)a", False), ("[]|]", False),
    ("[^]|]", False), (r"\(|a", True), ("[a", True), ("(a", True)])
def test_a_top_alternative_is_told_from_one_in_a_group_or_a_set(pattern, answer):
    assert _has_top_alternative(pattern) is answer


def test_a_page_is_freed_when_done_without_the_cyclic_collector():
    """Nothing of a page's attribution points back at it (a cycle would keep its hits, sentences and
    structure matches alive until the collector ran, and attribution runs with the collector paused)."""
    import gc
    import weakref

    text = SEED_TEXTS[0]
    t = _Text(text, extract(text), _cached_attribution(cached_rules()), cached_rules().lexicon)
    for s, _ in t.spans:  # fill the page's caches: sentences, cue hits, structure matches
        index, sentence = t.sentence(s)
        t.all_events.sentence(index)
        for segment in sentence.segments:
            t.structures_in(segment, segment[1])
    gone = weakref.ref(t)
    enabled = gc.isenabled()
    gc.disable()
    try:
        del t
        assert gone() is None
    finally:
        if enabled:
            gc.enable()


def _attribution_examples():
    from facts.attribution.rulebook import AttributionFile
    from facts.engine.rulefiles import load_data_file
    spec = load_data_file(AttributionFile, default_rules_dir() / "attribution" / "attribution.yaml")
    return [pytest.param(ex, id=f"{ex.rule}-{i}") for i, ex in enumerate(spec.examples)]


@pytest.mark.parametrize("example", _attribution_examples())
def test_attribution_example(example):
    """Every example of the attribution file: the fields it gives are what its figure is about."""
    claim = claim_of(example.text, example.span)
    assert example.text[claim.mention.start:claim.mention.end] == example.span
    for name in ("subject", "metric", "period", "outlook"):
        if name in example.model_fields_set:
            assert getattr(claim, name) == getattr(example, name), (name, claim.why)


def test_a_reference_mark_ends_its_sentence():
    text = "Work began in 2013.[4] Originally valued at $5 billion, it is worth $8 billion.[5][6] It is large."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Work began in 2013.[4]", "Originally valued at $5 billion, it is worth $8 billion.[5][6]", "It is large."]


def test_a_sentence_is_joined_where_a_figure_runs_across_its_end():
    from facts.text.sentences import joined_across
    assert joined_across([(0, 10), (11, 20), (21, 30)], [(8, 13)]) == [(0, 20), (21, 30)]
    assert joined_across([(0, 10), (11, 20)], [(2, 5)]) == [(0, 10), (11, 20)]


@pytest.fixture(scope="module")
def rules_with_von(tmp_path_factory):
    """The shipped rules with the word before a figure a change came from made `von`: a language's
    words are its folder's."""
    root = tmp_path_factory.mktemp("von") / "rules"
    shutil.copytree(default_rules_dir(), root)
    path = root / "attribution" / "attribution.yaml"
    text = path.read_text(encoding="utf-8")
    assert r"from_figure: '(?i:\b(?:from|" in text
    path.write_text(text.replace(r"from_figure: '(?i:\b(?:from|", r"from_figure: '(?i:\b(?:von|", 1), encoding="utf-8")
    return load_rules(root)


@pytest.mark.parametrize("word, shipped, copied", [("from", None, "2022"), ("von", "2022", None)])
def test_the_word_before_a_figure_a_change_came_from_is_the_rule_sets(rules_with_von, word, shipped, copied):
    """In "fell to $6.1 billion from $7.5 billion in 2022" the year is the earlier figure's, not the later's:
    the shipped rules read so after `from`, the copy after `von`."""
    text = f"Kazakhstan's exports fell to $6.1 billion {word} $7.5 billion in 2022."

    def period(rules):
        return [c.period for c in attribute(text, extract(text, rules=rules), rules=rules)
                if c.mention.text == "$6.1 billion"]

    assert (period(cached_rules()), period(rules_with_von)) == ([shipped], [copied])
