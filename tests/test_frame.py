"""The article's frame and the steps that use it: article dates, periods in force, comparison bases,
names a text defines, descriptions, lists, outlooks, wrapped text and run-on sentences."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from facts import Document, extract, process_document
from facts.attribution import attribute
from facts.resolve import article_date

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev" / "docs"


def claim(text: str, written: str, **kwargs):
    """The claim of the mention spanning `written` (the first one)."""
    mentions = extract(text, **kwargs)
    claims = attribute(text, mentions, **kwargs)
    found = [c for c in claims if c.mention.text == written]
    assert found, f"no mention {written!r} in {[c.mention.text for c in claims]}"
    assert text[found[0].mention.start:found[0].mention.end] == written
    return found[0]


@pytest.mark.parametrize(("text", "expected", "source"), [
    (" date 2024-11-25 25 Nov. 20:50\n\nOil output fell.", "2024-11-25", "metadata"),
    ("BAKU, Azerbaijan, May 26. Gas supplies reached 2.9 bcm in March 2023.", "2023-05-26", "dateline"),
    ("DUSHANBE, January 4, 2014, Asia-Plus -- Remittances rose.", "2014-01-04", "dateline"),
    ("MOSCOW, May 23 (Reuters) - Kazakhstan will exceed its plans for 2024.", "2024-05-23", "dateline"),
    ("Islamabad, May 6 (PTI) At least seven soldiers were killed, the army said of the 2025 attack.", "2025-05-06",
     "dateline"),
    ("Quetta, Pakistan, May 6 (AFP) Two soldiers were killed in 2025.", "2025-05-06", "dateline"),
])
def test_the_article_date_is_read_from_metadata_and_datelines(text, expected, source):
    found = article_date(text, extract(text))
    assert found is not None and (found[0].isoformat(), found[1]) == (expected, source)


def test_a_date_in_running_text_is_no_dateline():
    text = "The ambassador told Trend on May 26, 2023, that the pipeline is ready."
    assert article_date(text, extract(text)) is None
    text = "Kazakhstan, May 6 (Monday) was calm."
    assert article_date(text, extract(text)) is None


def test_a_dateline_dates_the_article_and_no_event_of_its_lead():
    text = " date 2025-05-06 Islamabad, May 6 (PTI) At least seven soldiers were killed in an attack in Balochistan."
    dateline = claim(text, "May 6")
    assert dateline.mention.resolved == "2025-05-06" and dateline.event is None


def test_the_stored_date_line_is_no_mention_but_anchors_relative_dates():
    text = " date 2018-04-17 2.536 billion U.S. dollars were sent to Tajikistan last year."
    mentions = extract(text)
    assert [m.text for m in mentions] == ["2.536 billion U.S. dollars", "last year"]
    assert mentions[1].resolved == "2017"
    assert claim(text, "2.536 billion U.S. dollars").period == "2017"


@pytest.mark.parametrize(("text", "span", "value", "resolved"), [
    ("Over the first nine months of this year, $3 billion was sent.", "first nine months of this year",
     "XXXX-01/XXXX-09", "2013-01/2013-09"),
    ("Over 10 months of this year, it amounted to 73.5 million tons.", "10 months of this year",
     "XXXX-01/XXXX-10", "2013-01/2013-10"),
    ("from January through February this year it amounted to $9.89 billion", "from January through February this year",
     "XXXX-01/XXXX-02", "2013-01/2013-02"),
    ("In January this year, supplies decreased.", "January this year", "XXXX-01", "2013-01"),
    ("In 4M22, the inflow reached $3.1bn.", "4M22", "2022-01/2022-04", None),
])
def test_partial_years_are_one_period_resolved_from_the_article_date(text, span, value, resolved):
    (m,) = [m for m in extract(text, reference_date="2013-11-04") if m.text == span]
    assert (m.kind, m.value, m.resolved) == ("period" if "/" in value else "date", value, resolved)


def test_a_period_stated_once_holds_for_the_paragraph():
    text = ("Uzbekistan's foreign trade reached $62.6 billion in 2023. Exports came to $24.4 billion, "
            "while imports amounted to $38.2 billion.")
    c = claim(text, "$24.4 billion")
    assert (c.period, c.why["period"]) == ("2023", "paragraph")


def test_the_headline_period_holds_for_a_report():
    text = ("Kazakhstan's Oil Output Plans for 2025\n\n"
            "The Energy Ministry said output will reach 90 million tonnes, up from 88 million tonnes.")
    c = claim(text, "90 million tonnes")
    assert (c.period, c.why["period"]) == ("2025", "headline")


def test_a_figure_takes_the_article_date_year_as_its_last_scope():
    text = " date 2024-04-26 Kazakhstan has lost nearly 20 thousand tons of oil production since the floods."
    c = claim(text, "20 thousand tons")
    assert (c.period, c.why["period"]) == ("2024", "article date")


def test_several_periods_in_an_earlier_sentence_fix_none():
    text = ("Exports of horse meat grew from $2.9 million in 2017 to $8.3 million in 2022. "
            "Trade with Kazakhstan has reached $150 million annually.")
    assert claim(text, "$150 million").period is None


def test_a_length_or_capacity_takes_no_period_from_around_it():
    text = "Gas exports reached 2.9 bcm in March 2023. The pipeline has a total capacity of 55 billion cubic meters."
    assert claim(text, "55 billion cubic meters").period is None


@pytest.mark.parametrize(("text", "written", "period"), [
    ("Oil production rose 6.9 percent higher than in 2022.", "6.9 percent", None),
    ("In 2024, exports grew 20.8 percent over the same period last year (2.4 billion cubic meters).",
     "20.8 percent", "2024"),
    ("In 2024, exports grew 20.8 percent over the same period last year (2.4 billion cubic meters).",
     "2.4 billion cubic meters", "2023"),
    ("In 2024 the turnover rose by 3.7 percent year-on-year ($63.5 billion in 2023).", "3.7 percent", "2024"),
    ("In 2024 the turnover rose by 3.7 percent year-on-year ($63.5 billion in 2023).", "$63.5 billion", "2023"),
])
def test_a_comparison_base_is_not_the_figures_period(text, written, period):
    assert claim(text, written, reference_date="2024-06-01").period == period


def test_an_acronym_the_text_defines_is_an_entity_of_its_own():
    text = ("The Caspian Pipeline Consortium (CPC) is poised to transport 61 million tons of oil. "
            "In May, CPC shipped 29.5 million tons.")
    assert claim(text, "61 million tons").subject == ["CPC"]
    assert claim(text, "29.5 million tons").subject == ["CPC"]


def test_a_name_with_a_telling_head_is_not_split_into_its_countries():
    text = "The Turkmenistan-Afghanistan-Pakistan-India (TAPI) gas pipeline will cost $8 billion."
    assert claim(text, "$8 billion").subject == ["TAPI"]


def test_a_name_and_what_it_is_also_known_as_are_one_entity():
    text = ("The Trans-Caspian International Transport Route, also known as the Middle Corridor, carried 4.5 "
            "million tons in 2024. Cargo on the Middle Corridor rose 60 percent.")
    assert claim(text, "4.5 million tons").subject == ["Trans-Caspian International Transport Route"]
    assert claim(text, "60 percent").subject == ["Trans-Caspian International Transport Route"]


def test_a_description_stands_for_the_country_the_article_is_about():
    text = ("Tajikistan depends on money sent home. Last year, remittances were $3.8 billion, or 47 percent "
            "of the GDP of the poor Central Asian country.")
    assert claim(text, "47 percent").subject == ["Tajikistan"]


def test_figures_listed_after_their_names_are_theirs():
    text = ("Uzbekistan's foreign trade grew. The largest volume of trade was recorded with China (21.5 percent "
            "or $2.13 billion) and Russia (17.8 percent or $1.76 billion).")
    assert claim(text, "$2.13 billion").subject == ["China", "Uzbekistan"]
    assert claim(text, "17.8 percent").subject == ["Russia", "Uzbekistan"]


@pytest.mark.parametrize(("text", "written", "metric", "outlook"), [
    ("Kazakhstan plans to produce 90 million tonnes of oil in 2025.", "90 million tonnes", "production plan", "plan"),
    ("This falls short of the annual oil production target of 88.4 million tons.", "88.4 million tons",
     "production target", "target"),
    ("CPC is poised to transport 61 million tons in 2023.", "61 million tons", "transport volume forecast", "forecast"),
    ("Kazakhstan produced 90 million tons of oil in 2023.", "90 million tons", "production", None),
])
def test_plans_and_forecasts_are_kept_apart_from_outturns(text, written, metric, outlook):
    c = claim(text, written)
    assert (c.metric, c.outlook) == (metric, outlook)


def test_a_change_is_named_by_what_changed():
    text = "Uzbekistan's exports came to $24.4 billion in 2023, a year-on-year increase of 23.8%."
    assert claim(text, "23.8%").metric == "exports growth"
    assert claim(text, "$24.4 billion").metric == "exports"


def test_every_claim_says_why():
    c = claim("Trade between Azerbaijan and China reached US$ 3.74 billion in 2024.", "US$ 3.74 billion")
    assert c.why == {"subject": "structure", "metric": "cue", "period": "clause"}


def _claims(text: str) -> list[tuple]:
    processed = process_document(Document(doc="a.txt", path="a.txt", text=text, encoding="utf-8"))
    return [(c.mention.kind, str(c.mention.value), tuple(c.subject), c.metric, c.period) for c in processed.attributed]


@pytest.mark.parametrize("folder", [ROOT / "corpus" / "seeds", DEV], ids=["seeds", "dev"])
def test_hard_wrapped_pages_keep_their_claims(folder):
    """`fold -s -w 72` changes at least 97% of no claim's value, subject, metric or period."""
    if not folder.is_dir():
        pytest.skip(f"{folder} is not here")
    kept = total = 0
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        folded = subprocess.run(["fold", "-s", "-w", "72"], input=text, capture_output=True, text=True,
                                check=True).stdout
        before, after = _claims(text), _claims(folded)
        total += len(before)
        kept += sum(min(before.count(c), after.count(c)) for c in set(before))
    assert kept >= 0.97 * total, f"{kept} of {total} claims kept"


def test_a_run_on_sentence_keeps_every_claim_inside_it():
    unit = "Kazakhstan's exports to China rose 5% to $3.5 billion in 2023, and imports grew by 12 percent, "
    text = unit * 100 + "all told."
    claims = attribute(text, extract(text))
    assert len(claims) == 400
    assert all(c.sentence_start <= c.mention.start < c.mention.end <= c.sentence_end for c in claims)
    assert all(c.sentence_end - c.sentence_start <= 1300 for c in claims)


def test_a_figure_with_no_measure_takes_the_one_in_force():
    text = ("Kazakhstan reported a decrease in oil production. Over 10 months of this year, it amounted to "
            "73.5 million tons.")
    c = claim(text, "73.5 million tons", reference_date="2024-11-25")
    assert (c.metric, c.why["metric"], c.period) == ("production", "sentence before", "2024-01/2024-10")


def test_a_figure_with_no_measure_takes_the_figure_before_it():
    text = "Uzbekistan's exports reached $24.4 billion in 2023. The year before, they came to $19.3 billion."
    c = claim(text, "$19.3 billion")
    assert (c.metric, c.why["metric"]) == ("exports", "previous figure")


def test_the_same_period_last_year_is_last_years_months():
    text = ("Turkmenistan supplied 2.9 bcm of gas to China in March 2023. Exports were 20.8 percent more than "
            "in the same period last year (2.4 billion cubic meters).")
    assert claim(text, "2.4 billion cubic meters", reference_date="2023-05-26").period == "2022-03"
    assert claim(text, "20.8 percent", reference_date="2023-05-26").period == "2023-03"


@pytest.mark.parametrize(("text", "written", "period"), [
    # a week or a day dates an announcement, not the figures after it
    (" date 2024-06-10 As announced last week, cargo between Kazakhstan and China grew by 22% in 2023 compared to"
     " 2022.\n\nThe total included 12.6 million tons of exports.", "12.6 million tons", "2023"),
    # a run of months written to the day is a period in force
    ("Between 1 January and 30 June 2024, trade grew fast.\n\nExports reached $5 billion, officials said.",
     "$5 billion", "2024-01-01/2024-06-30"),
])
def test_only_a_day_a_week_or_a_few_days_date_an_event_rather_than_the_figures_after(text, written, period):
    assert claim(text, written).period == period



def test_a_figure_counted_since_a_time_is_for_the_run_to_the_articles_date():
    text = " date 2023-01-06 Since 2009, Turkmenistan has supplied China with 350 billion cubic meters of gas."
    assert claim(text, "350 billion cubic meters").period == "2009/2023-01-06"
