"""The report's conflicts panel (issue 16, item 15): first thing under the header, with a search box and
filters by kind, subject, metric and verdict, driven in a real browser as tests/test_report.py does."""
from __future__ import annotations

import re
import shutil

import pytest
from conftest import side_of
from test_report import browser, open_page

from facts import Ledger
from facts.export.report import to_html
from facts.models import Flag


@pytest.fixture(scope="module")
def panel_report(seed_ledger, tmp_path_factory):
    """Three conflicts of two kinds between seed claims; the first one's A side checked `incorrect`."""
    folder = tmp_path_factory.mktemp("panel")
    ledger_path = folder / "ledger.db"
    shutil.copy(seed_ledger, ledger_path)
    with Ledger(ledger_path) as ledger:
        claims = ledger.claims().drop_duplicates("id")
        claims = claims.astype(object).where(claims.notna(), None)
        money = claims[(claims["kind"] == "money") & claims["metric"].notna()
                       & claims["subject"].map(lambda s: bool(s))]
        dates = claims[claims["kind"] == "date"]
        pairs = [(money.iloc[0], money.iloc[1], "value_conflict"), (money.iloc[2], money.iloc[3], "value_conflict"),
                 (dates.iloc[0], dates.iloc[1], "event_date_conflict")]
        flags = [Flag(id=f"p{i}", a=side_of(a), b=side_of(b), kind=kind, check=kind, severity="high",
                      why=f"{a.text} against {b.text}") for i, (a, b, kind) in enumerate(pairs)]
        ledger.set_verdicts([{"claim_id": pairs[0][0].id, "verdict": "incorrect"}])
        path = folder / "report.html"
        to_html(ledger, path, flags=flags, corroboration={})
    return path, flags, pairs


def test_the_conflicts_panel_comes_first_with_search_and_filters(panel_report):
    path, flags, pairs = panel_report
    html = path.read_text(encoding="utf-8")
    panel = html.index('<section class="panel" id="conflicts-panel"')
    assert html.index("</header>") < panel < html.index('<main id="articles"')
    for name in ("kind", "subjects", "metrics", "verdicts"):
        assert f'<select data-filter="{name}"' in html
    assert '<input type="search" id="flag-search"' in html
    kinds = re.search(r'<select data-filter="kind".*?</select>', html).group()
    assert re.findall(r'<option value="([^"]*)"', kinds) == ["", "event_date_conflict", "value_conflict"]
    verdicts = re.search(r'<select data-filter="verdicts".*?</select>', html).group()
    assert re.findall(r'<option value="([^"]*)"', verdicts) == ["", "incorrect", "unchecked"]
    a, b, _ = pairs[0]
    item = re.search(r'<li class="flag[^>]* id="f-p0"[^>]*>', html).group()
    assert f'data-metrics="{a.metric}' in item or f'data-metrics="{b.metric}' in item
    assert 'data-subjects="' in item and a.subject[0] in item


def test_the_conflicts_panel_filters_in_a_browser(panel_report):
    path, flags, pairs = panel_report
    with browser() as p:
        chromium, page, errors = open_page(p, path)

        panel = page.locator("#conflicts-panel").bounding_box()
        assert panel["y"] < 768 and panel["y"] < page.locator("article").first.bounding_box()["y"], \
            "the panel is on screen, above the articles"
        visible = lambda: [f.get_attribute("id") for f in page.locator(".flag").all() if f.is_visible()]  # noqa: E731
        shown = lambda: page.locator("#conflicts-panel output").text_content()  # noqa: E731
        assert visible() == ["f-p0", "f-p1", "f-p2"] and shown() == "3 of 3 shown"

        page.select_option('select[data-filter="kind"]', "event_date_conflict")
        assert visible() == ["f-p2"] and shown() == "1 of 3 shown"
        page.select_option('select[data-filter="kind"]', "")
        page.select_option('select[data-filter="verdicts"]', "incorrect")
        assert visible() == ["f-p0"]
        page.select_option('select[data-filter="verdicts"]', "")
        subject = pairs[1][0].subject[0]
        page.select_option('select[data-filter="subjects"]', subject)
        assert "f-p1" in visible() and "f-p2" not in visible()
        page.select_option('select[data-filter="subjects"]', "")
        metric = pairs[0][0].metric
        page.select_option('select[data-filter="metrics"]', metric)
        assert "f-p0" in visible() and "f-p2" not in visible()
        page.select_option('select[data-filter="metrics"]', "")

        page.fill("#flag-search", pairs[1][1].text)  # the words of one side's figure
        assert "f-p1" in visible() and "f-p2" not in visible()
        page.fill("#flag-search", "no conflict says this")
        assert visible() == [] and page.locator("#conflicts-panel .none").is_visible() and shown() == "0 of 3 shown"
        page.fill("#flag-search", "")
        assert len(visible()) == 3

        # A side's link still lands on its claim from the panel at the top.
        flag, (_, b, _) = flags[2], pairs[2]
        page.locator(f'#f-{flag.id} a.jump[href="#c-{b.id}"]').click()
        assert page.evaluate("document.activeElement.id") == f"c-{b.id}"
        box = page.locator(f"#c-{b.id}").bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= 768
        chromium.close()
    assert errors == []
