"""Where a claim came from (issue 16, item 16): an HTML page's URL, title, byline and date are kept with
the document, its navigation and furniture never reach extraction, and the workbook and the report link
each claim to its page."""
from __future__ import annotations

import sqlite3

import pytest
from openpyxl import load_workbook

from facts import Ledger, process_paths
from facts.export.report import to_html
from facts.export.workbook import CLAIM_COLUMNS, to_xlsx
from facts.text.documents import html_provenance, load_document, main_text

URL = "https://news.example.org/2025/07/caspian-trade"
ARTICLE = [
    "Trade between Azerbaijan and Georgia reached $3.74 billion in 2024, up 12 percent from a year earlier, "
    "the State Customs Committee said on Monday.",
    "Exports of oil products rose to 1.2 million tonnes in the first half of 2025, officials in Baku said, "
    "pointing to the new rail link that opened in October.",
    "The two governments expect the figure to double by 2030, Economy Minister Mikayil Jabbarov told reporters "
    "after the meeting of the intergovernmental commission in Tbilisi.",
]
FURNITURE = ["Subscribe for $1 a month", "Oil hits $95 a barrel in 2023", "1,200 employees in 14 countries"]


def page(head: str = "", article: list[str] = ARTICLE) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in article)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Caspian trade up | The Caspian Review</title>{head}</head><body>
<header><nav><a href="/">Home</a> <a href="/s">{FURNITURE[0]}</a></nav></header>
<main><article><h1>Caspian trade up</h1>{paragraphs}</article>
<aside><h2>Related</h2><ul><li><a href="/r">{FURNITURE[1]}</a></li></ul></aside></main>
<footer><p>© The Caspian Review. {FURNITURE[2]}.</p></footer></body></html>"""


HEAD = f"""<link rel="canonical" href="{URL}">
<meta property="og:url" content="{URL}?utm_source=og">
<meta property="og:title" content="Caspian trade up 12 percent">
<meta name="author" content="Aida Mammadova">
<meta property="article:published_time" content="2025-07-02T08:00:00+00:00">"""


@pytest.fixture
def html_page(tmp_path):
    path = tmp_path / "caspian-trade.html"
    path.write_text(page(HEAD), encoding="utf-8")
    return path


def test_an_html_page_keeps_its_url_title_byline_and_date_and_its_furniture_stays_out(html_page):
    document = load_document(html_page)
    assert (document.url, document.title, document.byline, document.published) == (
        URL, "Caspian trade up 12 percent", "Aida Mammadova", "2025-07-02")
    assert all(p in document.text for p in ARTICLE)
    assert not any(f in document.text for f in FURNITURE) and "Related" not in document.text
    assert document.warnings == []


def test_og_url_stands_in_for_a_missing_canonical_link_and_a_text_page_says_nothing():
    head = f'<meta property="og:url" content="{URL}"><meta property="og:title" content="Up">'
    assert html_provenance(page(head))["url"] == URL
    assert html_provenance(page(head))["title"] == "Up"
    assert html_provenance(page())["url"] is None and html_provenance("")["url"] is None


def test_a_page_with_no_main_content_is_read_whole_with_a_warning(tmp_path):
    path = tmp_path / "list.html"
    path.write_text("<html><body><ul><li><a href='/a'>2024</a></li></ul></body></html>", encoding="utf-8")
    assert main_text(path.read_text())[1] == "inscriptis"
    document = load_document(path)
    assert document.text.strip() == "* 2024" and document.warnings == [
        "no main content found in the HTML: the whole page read as text"]


@pytest.fixture
def html_ledger(html_page, tmp_path):
    path = tmp_path / "ledger.db"
    with Ledger(path) as ledger:
        for _ in process_paths([str(html_page)], ledger=ledger, reference_date="2025-07-02"):
            pass
    return path


def test_the_ledger_keeps_where_each_document_came_from(html_ledger):
    with Ledger(html_ledger, read_only=True) as ledger:
        assert ledger.sources() == {"caspian-trade.html": {
            "url": URL, "title": "Caspian trade up 12 percent", "byline": "Aida Mammadova", "published": "2025-07-02"}}
        claims = ledger.claims()
    assert len(claims) and set(claims["source_url"]) == {URL}
    text = ledger_text(html_ledger)
    assert all(text[c.start:c.end] == c.text for c in claims.itertuples())


def ledger_text(path) -> str:
    with Ledger(path, read_only=True) as ledger:
        return ledger.text_of("caspian-trade.html")


def test_a_ledger_made_before_provenance_gains_its_columns(html_ledger):
    db = sqlite3.connect(html_ledger)
    for column in ("url", "page_title", "byline", "published"):
        db.execute(f"ALTER TABLE documents DROP COLUMN {column}")
    db.commit()
    db.close()
    with Ledger(html_ledger) as ledger:
        assert ledger.sources() == {"caspian-trade.html": dict.fromkeys(("url", "title", "byline", "published"))}


def test_the_workbook_links_each_claim_to_its_source_url(html_ledger, tmp_path):
    out = tmp_path / "claims.xlsx"
    with Ledger(html_ledger) as ledger:
        to_xlsx(ledger, out, flags=[], corroboration={})
    ws = load_workbook(out)["Claims"]
    column = [name for name, _ in CLAIM_COLUMNS].index("Source") + 1
    cells = [ws.cell(row=r, column=column) for r in range(2, ws.max_row + 1)]
    assert cells and all(c.value == URL and c.hyperlink.target == URL for c in cells)


def test_only_web_addresses_become_links(tmp_path):
    path = tmp_path / "evil.html"
    path.write_text(page('<link rel="canonical" href="javascript:alert(1)">'), encoding="utf-8")
    ledger_path = tmp_path / "evil.db"
    with Ledger(ledger_path) as ledger:
        for _ in process_paths([str(path)], ledger=ledger):
            pass
        to_xlsx(ledger, tmp_path / "evil.xlsx", flags=[], corroboration={})
        to_html(ledger, tmp_path / "evil.html.out", flags=[], corroboration={})
    ws = load_workbook(tmp_path / "evil.xlsx")["Claims"]
    column = [name for name, _ in CLAIM_COLUMNS].index("Source") + 1
    assert {ws.cell(row=r, column=column).hyperlink for r in range(2, ws.max_row + 1)} == {None}
    assert 'href="javascript' not in (tmp_path / "evil.html.out").read_text(encoding="utf-8")


def test_the_report_links_each_article_and_conflict_side_to_its_source_url(html_ledger, tmp_path):
    out = tmp_path / "report.html"
    with Ledger(html_ledger) as ledger:
        to_html(ledger, out, flags=[], corroboration={})
    html = out.read_text(encoding="utf-8")
    assert f'<a class="source" href="{URL}" rel="noopener noreferrer nofollow" target="_blank"' in html
    assert html.count(f"page: {URL}") == html.count('<mark class="claim ')


def test_an_html_page_counts_double_against_the_size_limit(tmp_path):
    from facts.text.documents import HTML_SIZE_FACTOR, InputError

    path = tmp_path / "big.html"
    path.write_text(page(HEAD), encoding="utf-8")
    size = path.stat().st_size
    with pytest.raises(InputError) as refused:
        load_document(path, max_bytes=size * HTML_SIZE_FACTOR - 1)
    assert str(refused.value) == (f"{path}: file too large ({size} bytes > {(size * HTML_SIZE_FACTOR - 1) // 2} limit "
                                  f"for HTML, 1/2 of the {size * HTML_SIZE_FACTOR - 1} for text; --max-size MB raises it)")
    assert load_document(path, max_bytes=size * HTML_SIZE_FACTOR).url == URL
    text = tmp_path / "big.txt"
    text.write_text(page(HEAD), encoding="utf-8")
    assert load_document(text, max_bytes=size).format == "text"
