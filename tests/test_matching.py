"""The engine: windows around anchors find exactly what a scan of the whole text finds."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facts.matching import scan, select
from facts.rules import NEGATIVE, cached_rules

RULES = cached_rules()
SEEDS = sorted(Path(__file__).resolve().parents[1].joinpath("corpus", "seeds").glob("*.txt"))


def _full_scan(text: str):
    """The reference: every kind's pattern over the whole text, no windows."""
    found, vetoes = set(), set()
    for kind, pattern in RULES.combined.items():
        for m in pattern.finditer(text):
            (vetoes if kind == NEGATIVE else found).add(m.span())
    return found, vetoes


def _windowed(text: str):
    candidates, vetoes = scan(text, RULES)
    return {c.match.span() for c in candidates}, set(vetoes)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_windows_find_what_a_full_scan_finds(path):
    text = path.read_text(encoding="utf-8")
    assert _windowed(text) == _full_scan(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 ,.-–$%€abdefilmnorstuvwyJMAD\n\u00a0")), max_size=400)
       | st.text(max_size=400))
def test_windows_agree_on_arbitrary_text(text):
    assert _windowed(text) == _full_scan(text)


def test_select_keeps_longest_then_priority_and_never_overlaps():
    text = "Trade between 2010 and 2014 reached nearly US$ 3.74 billion."
    candidates, vetoes = scan(text, RULES)
    chosen = select(candidates, vetoes)
    spans = [(c.start, c.end) for c in chosen]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert [text[s:e] for s, e in spans] == ["between 2010 and 2014", "US$ 3.74 billion"]
