"""Resolution of dates with no year, relative dates and anaphoric periods."""
from __future__ import annotations

import pytest

from facts import extract


def _one(text: str, span: str, reference: str | None = None):
    found = [m for m in extract(text, reference_date=reference) if m.text == span]
    assert found, [(m.text, m.kind) for m in extract(text, reference_date=reference)]
    return found[0]


def test_no_anchor_no_guess():
    assert _one("They met on May 7.", "May 7").resolved is None
    assert _one("Last year, it grew.", "Last year").resolved is None


def test_dateline_beats_reference():
    text = "Thursday, 05 June 2025 16:13\nLast year trade fell."
    assert _one(text, "Last year", reference="2010-01-01").resolved == "2024"


@pytest.mark.parametrize(("text", "span", "reference", "resolved"), [
    ("They met on May 7.", "May 7", "2025-06-05", "2025-05-07"),
    ("next week", "next week", "2018-11-28", "2018-12-03/2018-12-09"),
    ("last quarter", "last quarter", "2019-01-28", "2018-10/2018-12"),
    ("I'll be out last sept", "last sept", "2016-11-07", "2016-09"),
    ("I'll be out next june", "next june", "2016-11-07", "2017-06"),
    ("two months ago", "two months ago", "2018-10-17", "2018-08-17"),
])
def test_resolves_against_reference(text, span, reference, resolved):
    assert _one(text, span, reference).resolved == resolved


def test_story_relative_stays_unresolved():
    assert _one("A year earlier, nothing.", "A year earlier", "2025-06-05").resolved is None


def test_impossible_day_is_not_resolved():
    assert _one("feb 30", "feb 30", "2019-01-30").resolved is None


def test_same_period_takes_the_months_before_it():
    text = "In the first nine months of 2024, traffic rose compared to the same period in 2023."
    assert _one(text, "same period in 2023").value == "2023-01/2023-09"
