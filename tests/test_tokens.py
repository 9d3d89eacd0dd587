"""The number pass (engine/tokens.py): numbers found once, masked with offsets kept, classes told."""
from __future__ import annotations

from facts.engine.matching import starts, token_views
from facts.engine.rules import cached_rules
from facts.engine.tokens import FILL, FIRST_MARKS

RULES = cached_rules()


def _tokens(text: str):
    _, positions = starts(text, RULES)
    return RULES.number_pass.tokens(text, positions)


def test_every_number_is_one_token_with_its_classes():
    text = "Trade rose 5% to $3.74 billion in 2024, two thousand and eighteen tons, -300 mm."
    found = {t.text: t.classes for t in _tokens(text)}
    assert set(found) == {"5", "3.74 billion", "2024", "two thousand and eighteen", "-300"}
    assert {"digits"} <= found["5"] and "year" in found["2024"] and "scaled" in found["3.74 billion"]
    assert "decimal" not in found["2024"] and "minus" in found["-300"]


def test_the_masked_text_keeps_every_offset_and_the_rest_of_the_text():
    text = "between $2 and $3 billion, half a million people; km^3 of gas"
    masked, _ = token_views(text, starts(text, RULES)[1], RULES)[0]
    assert len(masked) == len(text)
    tokens = _tokens(text)
    for t in tokens:
        assert masked[t.start] in FIRST_MARKS and set(masked[t.start + 1:t.end - 1]) <= {FILL}
    kept = [i for i in range(len(text)) if not any(t.start <= i < t.end for t in tokens)]
    assert all(masked[i] == text[i] for i in kept)
    assert "km^3" in masked  # the power of a unit is the unit's


def test_characters_of_the_text_that_look_like_markers_are_not_read_as_numbers():
    text = "\ua000\ue000 5 tons"
    masked, _ = token_views(text, starts(text, RULES)[1], RULES)[0]
    assert masked[0] not in FIRST_MARKS and masked[1] not in FIRST_MARKS and masked[3] in FIRST_MARKS


def test_a_class_read_in_the_text_sees_around_the_number_and_must_end_where_it_ends():
    # date_year is `{year}` read in the text: not a year run on into a word or a full date, nor the start of
    # a longer number (whose shorter reading is a view of its own, `NumberPass.prefix_views`)
    text = "in 2010, the 2010s, 2010–03–20 and 2010 million"
    found = {text[t.start:t.end + 1]: "date_year" in t.classes for t in _tokens(text)}
    assert found == {"2010,": True, "2010s": False, "2010–": False, "03–": False, "20 ": False,
                     "2010 million": False}


def test_a_kind_whose_rules_read_tokens_and_text_is_scanned_in_two_parts():
    on_tokens = {rule.on_tokens for rule in RULES.by_kind("date")}
    assert on_tokens == {False, True} and "date" in RULES.token_kinds
    assert set(RULES.parts["date"]) == {False, True}
    assert set(RULES.parts["money"]) == {True} and set(RULES.parts["negative"]) == {False}
