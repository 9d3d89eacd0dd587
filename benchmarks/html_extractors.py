"""inscriptis (the whole page as text) against trafilatura (the main content) on the seeds' HTML forms
(issue 16, item 16), each seed in two layouts.

    python benchmarks/html_extractors.py

The seeds are scraped text, so each one is put back into the shape of a news page: its lines as
paragraphs of an <article>, under a site header and navigation, beside a "related" box and above a
footer, all with figures of their own (`FURNITURE`), and with the page's canonical URL, title, byline and
date in <head>. Each extractor's text then goes through the whole pipeline, and the script counts:

- seed claims kept: the claims of the seed's text whose (kind, text, value) come out of the HTML too;
- furniture claims: claims whose figure stands only in the page's furniture (navigation, related
  links, footer): each is a wrong claim;
- milliseconds per page for the extraction alone.
"""
from __future__ import annotations

import html
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SEEDS = ROOT / "corpus" / "seeds"
FURNITURE = {
    "nav": ["Home", "World", "Markets", "Energy", "Subscribe for $1 a month", "Podcast: 30 minutes on the Caspian"],
    "related": ["Oil prices hit $95 a barrel in 2023", "Kazakhstan's wheat harvest rose 18 percent",
                "5 things to know about the Middle Corridor", "Turkmenistan signs $2.5 billion gas deal"],
    "footer": ["© 2026 The Caspian Review. 1,200 employees in 14 countries.",
               "Call +1 202 555 0199 between 9 and 17 hours, Monday to Friday."],
}


def html_form(seed: Path, layout: str = "semantic") -> str:
    """The seed's text as a news page would carry it: in `semantic` markup (<article>, <aside>,
    <footer>) or as `divs` (every block a <div> with a class name, as many sites' templates are)."""
    lines = [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    title = next((line for line in lines if not line.startswith("By ")), lines[0])[:80]
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)
    nav = " ".join(f'<a href="/s/{i}">{html.escape(t)}</a>' for i, t in enumerate(FURNITURE["nav"]))
    related = "".join(f'<li><a href="/r/{i}">{html.escape(t)}</a></li>' for i, t in enumerate(FURNITURE["related"]))
    footer = "".join(f"<p>{html.escape(t)}</p>" for t in FURNITURE["footer"])
    url = f"https://news.example.org/analysis/{seed.stem}"
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | The Caspian Review</title>
<link rel="canonical" href="{url}">
<meta property="og:url" content="{url}?ref=og">
<meta property="og:title" content="{html.escape(title)}">
<meta name="author" content="Staff Writer">
<meta property="article:published_time" content="2025-07-02T08:00:00+00:00">
</head><body>
<header><div class="logo">The Caspian Review</div><nav>{nav}</nav></header>
<main><article><h1>{html.escape(title)}</h1>
{body}
</article>
<aside class="related"><h2>Related</h2><ul>{related}</ul></aside></main>
<footer>{footer}</footer>
</body></html>"""
    if layout == "divs":
        for tag, name in (("header", "top"), ("nav", "menu"), ("main", "wrap"), ("article", "story-body"),
                          ("aside", "sidebar"), ("footer", "bottom"), ("h1", "headline"), ("h2", "box-title")):
            page = page.replace(f"<{tag}>", f'<div class="{name}">').replace(f"<{tag} ", f'<div data-x="{name}" ')
            page = page.replace(f"</{tag}>", "</div>")
        page = page.replace("<p>", '<div class="para">').replace("</p>", "</div>")
    return page


def claims_of(text: str, doc: str):
    from facts.pipeline import process_document
    from facts.text.documents import Document

    processed = process_document(Document(doc=doc, path=doc, text=text, encoding="utf-8"), reference_date="2026-01-01")
    return processed.claims


def key(claim) -> tuple:
    return claim.kind, claim.text, str(claim.value)


def furniture_figures() -> set[str]:
    from facts.pipeline import extract

    return {m.text for part in FURNITURE.values() for line in part for m in extract(line)}


def main() -> None:
    import inscriptis

    from facts.text.documents import main_text

    extractors = {
        "inscriptis (whole page)": lambda page: inscriptis.get_text(page),
        "trafilatura (main content, as facts reads HTML)": lambda page: main_text(page)[0],
    }
    furniture = furniture_figures()
    totals: dict[str, Counter] = {name: Counter() for name in extractors}
    for seed, layout in ((seed, layout) for seed in sorted(SEEDS.glob("*.txt")) for layout in ("semantic", "divs")):
        page = html_form(seed, layout)
        want = Counter(key(c) for c in claims_of(seed.read_text(encoding="utf-8"), seed.name))
        for name, run in extractors.items():
            started = time.perf_counter()
            text = run(page)
            totals[name]["ms"] += (time.perf_counter() - started) * 1000
            got = claims_of(text, seed.name)
            found = Counter(key(c) for c in got)
            totals[name]["seed claims"] += sum(want.values())
            totals[name]["seed claims kept"] += sum((want & found).values())
            totals[name]["furniture claims"] += sum(1 for c in got if c.text in furniture and key(c) not in want)
            totals[name]["pages"] += 1
            totals[name][f"furniture claims ({layout})"] += sum(1 for c in got if c.text in furniture
                                                                and key(c) not in want)
            totals[name][f"seed claims kept ({layout})"] += sum((want & found).values())
    from importlib.metadata import version

    print(f"trafilatura {version('trafilatura')}, inscriptis {version('inscriptis')}")
    for name, t in totals.items():
        print(json.dumps({"extractor": name, "pages": t["pages"], "seed_claims": t["seed claims"],
                          "seed_claims_kept": t["seed claims kept"], "furniture_claims": t["furniture claims"],
                          "by_layout": {k: v for k, v in t.items() if "(" in k},
                          "ms_per_page": round(t["ms"] / t["pages"], 1)}))


if __name__ == "__main__":
    main()
