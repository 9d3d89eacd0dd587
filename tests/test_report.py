"""The HTML report: self-contained, escaped, one highlight per claim, conflict links that land, in a real browser."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import SEEDS, run_cli

from facts import Ledger
from facts.export.report import to_html

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]


def write(ledger_path, path, flags=()) -> str:
    with Ledger(ledger_path) as ledger:
        to_html(ledger, path, flags=list(flags), corroboration={})
    return Path(path).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_report(seed_ledger, seed_flags, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    write(seed_ledger, path, seed_flags)
    return path


def test_article_text_is_escaped_and_nothing_is_fetched(hostile_ledger, tmp_path):
    page = write(hostile_ledger, tmp_path / "hostile.html")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script") == 1
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert '=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)' in page


def test_one_mark_per_claim_with_a_description(seed_report, seed_ledger):
    page = seed_report.read_text(encoding="utf-8")
    with Ledger(seed_ledger) as ledger:
        claim_ids = set(ledger.claims()["id"])
    marks = re.findall(r'<mark class="claim k-\w+[^"]*" id="c-(\w+)" tabindex="0" aria-describedby="d-c-\1">', page)
    assert sorted(marks) == sorted(claim_ids)
    assert all(f'<span class="desc" id="d-c-{i}" hidden>' in page for i in claim_ids)


def test_conflicts_panel_links_both_sides(seed_report, seed_flags):
    page = seed_report.read_text(encoding="utf-8")
    for flag in seed_flags:
        assert f'data-sides="c-{flag.a.claim_id} c-{flag.b.claim_id}"' in page
        assert f'href="#c-{flag.a.claim_id}"' in page and f'href="#c-{flag.b.claim_id}"' in page


def browser():
    """Chromium driven by Playwright, or a skip that says what is missing."""
    playwright = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    return playwright.sync_playwright()


def open_page(p, path: Path):
    """Chromium on the report at `path`, a laptop's viewport, with every console error and page error kept."""
    chromium = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
    page = chromium.new_page(viewport={"width": 1366, "height": 768})
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri())
    return chromium, page, errors


def test_in_a_browser(seed_report, seed_flags, seed_ledger, tmp_path):
    with Ledger(seed_ledger) as ledger:
        n_claims = ledger.claims()["id"].nunique()
    with browser() as p:
        chromium, page, errors = open_page(p, seed_report)

        assert page.locator(".claim").count() == n_claims
        flag = seed_flags[0]
        page.locator(f'#f-{flag.id} a.jump[href="#c-{flag.b.claim_id}"]').click()
        target = page.locator(f"#c-{flag.b.claim_id}")
        assert page.evaluate("document.activeElement.id") == f"c-{flag.b.claim_id}"
        box, height = target.bounding_box(), page.viewport_size["height"]
        assert 0 <= box["y"] and box["y"] + box["height"] <= height, "the claim is scrolled into view"
        for side in (flag.a, flag.b):
            assert "flash" in page.locator(f"#c-{side.claim_id}").get_attribute("class")
        assert page.locator("#tip").is_visible(), "focus shows the claim's value"

        page.locator(f'#f-{flag.id} a.jump[href="#c-{flag.a.claim_id}"]').focus()
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == f"c-{flag.a.claim_id}"
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.getAttribute('aria-describedby')")
        assert focused and page.locator("#tip").text_content() == page.locator(f"#{focused}").text_content()
        page.keyboard.press("Escape")
        assert not page.locator("#tip").is_visible()

        chart = page.locator(f"#f-{flag.id} svg.fact-chart")
        assert chart.is_visible() and chart.locator("circle").count() == 2, "the fact in conflict is drawn"
        assert chart.bounding_box()["width"] > 200
        page.screenshot(path=tmp_path / "report.png")
        chromium.close()
    assert errors == []


def test_report_command_writes_html(tmp_path):
    seed = next(SEEDS.glob("003_*.txt"))
    run = run_cli("report", str(seed), "-o", str(tmp_path / "r.html"))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "r.html").read_text(encoding="utf-8").count('class="claim ') > 0


def test_the_tooltip_says_why_a_claim_was_read_so(seed_report):
    html = seed_report.read_text(encoding="utf-8")
    assert re.search(r"why: subject: [a-z ]+; metric: [a-z, ]+; period: [a-z ]+", html)


def test_a_fact_in_conflict_is_drawn_one_row_per_article(seed_report, seed_flags):
    from facts.export.fact_chart import chart

    flag = seed_flags[0]
    svg = chart([flag.a, flag.b])
    assert svg and svg.count("<circle") == 2 and svg.count("<line") == 3  # two intervals and the axis
    assert f"{flag.a.text} = " in svg and f"{flag.b.text} = " in svg
    assert svg in seed_report.read_text(encoding="utf-8")


def test_no_chart_where_the_figures_are_not_of_one_unit(seed_flags):
    from facts.export.fact_chart import chart

    flag = seed_flags[1]  # two dates
    assert chart([flag.a, flag.b]) is None
