"""The engine: rules tried only near anchors find exactly what trying them everywhere finds."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facts.engine.matching import Candidate, _span, scan, select
from facts.engine.rules import NEGATIVE, cached_rules

RULES = cached_rules()
SEEDS = sorted(Path(__file__).resolve().parents[1].joinpath("corpus", "seeds").glob("*.txt"))


def _selected(candidates, vetoes):
    return [(c.start, c.end, c.rule.id) for c in select(candidates, vetoes)]


def _everywhere(text: str):
    """The reference: every kind's pattern tried at every position of the text, negatives everywhere."""
    candidates, vetoes = [], []
    for kind, pattern in RULES.combined.items():
        if kind == NEGATIVE:
            vetoes.extend(m.span() for m in pattern.finditer(text))
            continue
        for position in range(len(text)):
            m = pattern.match(text, position)
            if m is not None:
                rule_id = next(rid for marker, rid in RULES.markers[kind] if m.group(marker) is not None)
                start, end = _span(m)
                if end > start:
                    candidates.append(Candidate(start, end, RULES.rules[rule_id], m))
    return _selected(candidates, vetoes)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_anchored_starts_find_what_trying_everywhere_finds(path):
    text = path.read_text(encoding="utf-8")[:12_000]
    assert _selected(*scan(text, RULES)) == _everywhere(text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 ,.-–$%€abdefilmnorstuvwyJMAD\n\u00a0")), max_size=300)
       | st.text(max_size=300))
def test_anchored_starts_agree_on_arbitrary_text(text):
    assert _selected(*scan(text, RULES)) == _everywhere(text)


def test_of_overlapping_matches_the_longest_then_the_higher_priority_is_kept():
    text = "Trade between 2010 and 2014 reached nearly US$ 3.74 billion."
    candidates, vetoes = scan(text, RULES)
    chosen = select(candidates, vetoes)
    spans = [(c.start, c.end) for c in chosen]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert [text[s:e] for s, e in spans] == ["between 2010 and 2014", "US$ 3.74 billion"]


@pytest.mark.parametrize("written", ["two", "Two", "TWO"])
def test_anchor_words_are_found_as_running_text_writes_them(written):
    text = f"{written} countries signed"
    candidates, vetoes = scan(text, RULES)
    assert [(c.start, c.end, c.kind) for c in select(candidates, vetoes)] == [(0, 3, "count")]
