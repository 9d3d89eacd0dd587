"""The reading report: each article with its claims highlighted, and the conflicts beside it.

One self-contained HTML file (inline CSS and script, nothing fetched), so it can
be mailed or opened offline. All article text is escaped. Every claim is a
focusable element described by a hidden note (aria-describedby), which the
script also shows as a tooltip on hover and focus; conflict links scroll to,
focus and light up both sides.
"""
from __future__ import annotations

import html
import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..attribution.claim import explain
from ..ledger import Ledger
from ..models import AMOUNT_KINDS, KINDS, Flag, FlagSide, Verdict
from ..review import Review, ReviewedClaim, ReviewedStory, build_review
from .fact_chart import charts
from .tables import atomic_open, web_url

KIND_COLOURS = {  # Okabe-Ito hues (safe for colour-blind readers) as tint and edge; text stays near black
    "money": ("#bfe8dc", "#009e73"), "percent": ("#fbe3b0", "#e69f00"), "quantity": ("#cfe9f8", "#56b4e9"),
    "count": ("#bcd7ee", "#0072b2"), "multiplier": ("#f6cdb0", "#d55e00"), "date": ("#f1d3e4", "#cc79a7"),
    "period": ("#f9f3b5", "#b8a800"), "duration": ("#e0e0e0", "#777777")}
_EDGE_STYLE = {"date": "dashed", "period": "dashed", "duration": "dotted"}

_CSS = """
:root { --ink: #1b1b1b; --muted: #555; --line: #d6d6d6; --focus: #1a4fd6; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); background: #fafafa; }
a { color: #1a4fd6; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
header { padding: 1rem 1.5rem .5rem; border-bottom: 1px solid var(--line); background: #fff; }
header h1 { margin: 0 0 .25rem; font-size: 1.4rem; }
header p { margin: 0 0 .5rem; color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: .4rem .9rem; list-style: none; margin: 0; padding: 0; }
.layout { display: grid; grid-template-columns: minmax(16rem, 24rem) minmax(0, 1fr); }
nav { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto; padding: 1rem 1.25rem;
      border-right: 1px solid var(--line); background: #fff; font-size: .92rem; }
nav h2 { font-size: 1rem; margin: 1rem 0 .4rem; }
nav ol { margin: 0; padding-left: 1.2rem; }
nav li { margin-bottom: .35rem; }
.count { color: var(--muted); white-space: nowrap; }
.flag { list-style: none; margin: 0 0 .7rem -1.2rem; padding: .5rem .6rem; border: 1px solid var(--line);
        border-left-width: 5px; border-radius: 4px; background: #fff; }
.flag.high { border-left-color: #b00020; } .flag.medium { border-left-color: #c77700; }
.flag.low { border-left-color: #6b8e23; }
.flag .sev { font-weight: 600; text-transform: uppercase; font-size: .75rem; letter-spacing: .04em; }
.flag p { margin: .2rem 0 .35rem; }
.flag a { display: block; margin-top: .15rem; }
main { padding: 1rem 2rem 40vh; }
article { max-width: 46rem; margin: 0 auto 2.5rem; background: #fff; border: 1px solid var(--line);
          border-radius: 6px; padding: 1.25rem 1.75rem; }
article h2 { margin: 0 0 .25rem; font-size: 1.3rem; }
.meta { color: var(--muted); margin: 0 0 1rem; font-size: .92rem; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.claim, .swatch { color: inherit; border-radius: 3px; padding: 0 .1em; border-bottom: 2px solid; }
.claim { cursor: help; }
.claim:focus-visible, .claim:focus { outline: 3px solid var(--focus); outline-offset: 2px; }
.conflict { box-shadow: inset 0 -0.35em 0 rgba(176, 0, 32, .18); }
.conflict::after { content: "\\2691"; color: #b00020; font-size: .75em; vertical-align: super; }
.claim.flash { outline: 3px solid #b00020; outline-offset: 3px; animation: flash 1.2s ease-out 2; }
@keyframes flash { from { box-shadow: 0 0 0 8px rgba(255, 196, 0, .9); }
                   to { box-shadow: 0 0 0 0 rgba(255, 196, 0, 0); } }
.elsewhere { border-top: 1px solid var(--line); margin-top: 1rem; font-size: .95rem; }
.elsewhere h3 { font-size: 1rem; }
#tip { position: fixed; z-index: 10; max-width: 26rem; padding: .5rem .7rem; background: #1b1b1b; color: #fff;
       border-radius: 5px; font-size: .88rem; line-height: 1.4; pointer-events: none; }
#tip b { color: #ffd866; }
@media (max-width: 60rem) { .layout { grid-template-columns: 1fr; }
  nav { position: static; max-height: none; border-right: 0; border-bottom: 1px solid var(--line); } }
"""

_SCRIPT = """
(() => {
  const tip = document.getElementById("tip");
  let current = null;
  const place = () => {
    const box = current.getBoundingClientRect();
    const below = box.bottom + 8 + tip.offsetHeight < window.innerHeight;
    tip.style.left = Math.max(8, Math.min(box.left, window.innerWidth - tip.offsetWidth - 8)) + "px";
    tip.style.top = (below ? box.bottom + 8 : box.top - tip.offsetHeight - 8) + "px";
  };
  const show = (el) => {
    const note = document.getElementById(el.getAttribute("aria-describedby"));
    if (!note) return;
    current = el;
    tip.replaceChildren(...Array.from(note.childNodes, (n) => n.cloneNode(true)));
    tip.hidden = false;
    place();
  };
  const hide = () => { tip.hidden = true; current = null; };
  for (const el of document.querySelectorAll(".claim")) {
    el.addEventListener("mouseenter", () => show(el));
    el.addEventListener("focus", () => show(el));
    el.addEventListener("mouseleave", () => { if (document.activeElement === el) show(el); else hide(); });
    el.addEventListener("blur", hide);
  }
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") hide(); });
  document.addEventListener("scroll", () => { if (current) place(); }, { passive: true });
  const jump = (id, flag) => {
    const el = document.getElementById(id);
    if (!el) return false;
    for (const lit of document.querySelectorAll(".claim.flash")) lit.classList.remove("flash");
    const sides = flag ? flag.dataset.sides.split(" ") : [id];
    for (const side of sides) document.getElementById(side)?.classList.add("flash");
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
    history.replaceState(null, "", "#" + id);
    return true;
  };
  for (const link of document.querySelectorAll("a.jump")) {
    link.addEventListener("click", (e) => {
      if (jump(link.hash.slice(1), link.closest(".flag"))) e.preventDefault();
    });
  }
  if (location.hash.startsWith("#c-")) jump(location.hash.slice(1), null);
})();
"""


def to_html(ledger: Ledger, path: str | Path, *, flags: list[Flag], corroboration: dict[str, int]) -> None:
    """Write the report to `path`, atomically."""
    review = build_review(ledger, flags=flags, corroboration=corroboration)
    with atomic_open(path) as out:
        out.write(render(review))


def render(review: Review) -> str:
    e = html.escape
    claims = review.claims
    legend = "".join(f'<li><span class="swatch k-{k}">{k}</span></li>' for k in KINDS) + \
        '<li><span class="swatch conflict">in conflict</span></li>'
    toc = "".join(f'<li><a href="#{_anchor("a", s.story)}">{e(s.title)}</a> '
                  f'<span class="count">{_count(s.claims, "claim")}'
                  f'{f", {s.conflicts} in conflict" if s.conflicts else ""}</span></li>'
                  for s in review.stories)
    titles = {c.claim.id: c.title for c in claims}
    panel = _conflicts_panel(review, titles)
    by_story: dict[str, list[ReviewedClaim]] = defaultdict(list)
    for c in claims:
        by_story[c.claim.story].append(c)
    articles = "".join(_article(s, by_story[s.story], review) for s in review.stories)
    kinds = "".join(f".k-{k} {{ background: {tint}; border-bottom-color: {edge};"
                    f" border-bottom-style: {_EDGE_STYLE.get(k, 'solid')}; }}\n"
                    for k, (tint, edge) in KIND_COLOURS.items())
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Claims in their articles</title>
<style>{_CSS}{_PANEL_CSS}{kinds}</style>
</head>
<body>
<a class="skip" href="#articles">Skip to the articles</a>
<header>
<h1>Claims in their articles</h1>
<p>{_count(len(claims), "claim")} in {_count(len(review.stories), "article")};
{_count(len(review.flags), "conflict")}.
Ledger {e(review.ledger_id)}, made {e(review.made)}. Hover over or tab to a claim for its value.</p>
<ul class="legend" aria-label="Claim kinds">{legend}</ul>
</header>
{panel}
<div class="layout">
<nav aria-label="Articles">
<h2>Articles</h2>
<ol>{toc}</ol>
</nav>
<main id="articles" tabindex="-1">
{articles}
</main>
</div>
<div id="tip" role="tooltip" hidden></div>
<script>{_SCRIPT}{_PANEL_SCRIPT}</script>
</body>
</html>
"""


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _anchor(prefix: str, key: str) -> str:
    return f"{prefix}-{re.sub(r'[^A-Za-z0-9_-]', '_', key)}"


def _flag(flag: Flag, review: Review, titles: dict[str, str], chart: str = "") -> str:
    e = html.escape
    ids = [review.claim_of(side) for side in (flag.a, flag.b)]
    sides = " ".join(_anchor("c", i) for i in ids if i)
    links = "".join(_side_link(label, side, claim_id, side.title or titles.get(claim_id),
                               review.url_of(side.doc))
                    for label, side, claim_id in zip("AB", (flag.a, flag.b), ids))
    return (f'<li class="flag {e(flag.severity)}" id="{_anchor("f", flag.id)}" data-sides="{sides}"'
            f'{_flag_filter_data(flag, review, ids)}>'
            f'<span class="sev">{e(flag.severity)}</span> · {e(flag.kind)} · {flag.confidence:.0%} sure'
            f'<p>{e(flag.why)}</p>{links}{chart}</li>')


def _side_link(label: str, side: FlagSide, claim_id: str | None, title: str | None,
               side_url: str | None = None) -> str:
    e = html.escape
    where = f" in {e(title)}" if title else f" on {e(side.doc)}"
    text = f"{label}: “{e(side.text)}”{where}"
    link = f'<a class="jump" href="#{_anchor("c", claim_id)}">{text}</a>' if claim_id else f"<span>{text}</span>"
    return link + _source_link(side_url)


def _article(story: ReviewedStory, claims: list[ReviewedClaim], review: Review) -> str:
    """One copy of the story with its claims (`claims`, the story's) marked; claims found only in its
    other copies follow."""
    e = html.escape
    here = [c for c in claims if (c.claim.doc, c.claim.article) == (story.doc, story.article)]
    elsewhere = [c for c in claims if (c.claim.doc, c.claim.article) != (story.doc, story.article)]
    text = review.texts[story.doc]
    meta = " · ".join(filter(None, (f"By {e(story.author)}" if story.author else None, e(story.date or ""),
                                    "Pages: " + ", ".join(e(p) for p in story.pages))))
    meta += _source_link(review.url_of(story.doc), label="Source")
    body = _marked(text[story.start:story.end], story.start, here, review)
    others = ""
    if elsewhere:
        items = "".join(f"<li>{_in_sentence(c, review)} ({e(c.claim.doc)})</li>" for c in elsewhere)
        others = f'<section class="elsewhere"><h3>Only in other copies</h3><ul>{items}</ul></section>'
    anchor = _anchor("a", story.story)
    return (f'<article id="{anchor}" aria-labelledby="h-{anchor}"><h2 id="h-{anchor}">{e(story.title)}</h2>'
            f'<p class="meta">{meta}</p><div class="text">{body}</div>{others}</article>\n')


def _in_sentence(reviewed: ReviewedClaim, review: Review) -> str:
    """One claim marked in its sentence, or alone when its sentence is not known."""
    c = reviewed.claim
    if c.sentence and c.sentence_start is not None:
        return _marked(c.sentence, c.sentence_start, [reviewed], review)
    return _marked(c.text, c.start, [reviewed], review)


def _marked(text: str, offset: int, claims: list[ReviewedClaim], review: Review) -> str:
    """`text` (which starts at `offset` in its document) escaped, with each claim wrapped in its mark."""
    e = html.escape
    out, at = [], 0
    for reviewed in sorted(claims, key=lambda r: r.claim.start):
        c = reviewed.claim
        start, end = c.start - offset, c.end - offset
        if start < at or end > len(text):
            continue
        anchor = _anchor("c", c.id)
        conflict = " conflict" if reviewed.conflicts else ""
        out.append(e(text[at:start]))
        out.append(f'<mark class="claim k-{e(c.kind)}{conflict}" id="{anchor}" tabindex="0" '
                   f'aria-describedby="d-{anchor}">{e(text[start:end])}</mark>'
                   f'<span class="desc" id="d-{anchor}" hidden>{_note(reviewed, review.url_of(c.doc))}</span>')
        at = end
    out.append(e(text[at:]))
    return "".join(out)


def _note(reviewed: ReviewedClaim, url: str | None) -> str:
    """What the tooltip says: the normalised value and what the claim is about."""
    e = html.escape
    c = reviewed.claim
    lines = [f"<b>{e(c.kind)}</b> {e(_value(c.kind, c.resolved or c.value, c.unit))}"
             + (f" ({e(c.qualifier)})" if c.qualifier else "")]
    if c.interval_low != c.interval_high:
        low, high = (_value(c.kind, v, c.unit) if v is not None else "…" for v in (c.interval_low, c.interval_high))
        lines.append(f"between {e(low)} and {e(high)}")
    lines += [f"{label}: {e(value)}" for label, value in (
        ("subject", ", ".join(c.subject)), ("metric", c.metric), ("period", c.period), ("why", explain(c.why)),
        ("rule", c.rule),
        ("sources", str(reviewed.sources) if reviewed.sources else None),
        ("page", url),
        ("in conflict", ", ".join(reviewed.conflicts)), ("verdict", _verdict(reviewed.verdict))) if value]
    return "<br>".join(lines)


def _verdict(verdict: Verdict | None) -> str | None:
    if verdict is None:
        return None
    by = f" by {verdict.checker}" if verdict.checker else ""
    return f"{verdict.verdict}{by}" + (" (changed since checked)" if verdict.changed else "")


def _value(kind: str, value: Decimal | str | None, unit: str | None) -> str:
    """A value as a reader writes it: `USD 3,740,000,000`, `18%`, `3×`, `2025-04`."""
    if value is None or kind not in AMOUNT_KINDS:
        return value or ""
    try:
        number = format(Decimal(value).normalize(), ",f")
    except (InvalidOperation, ValueError):
        return value
    if kind == "money":
        return f"{unit} {number}" if unit else number
    if kind == "percent":
        return f"{number}%"
    if kind == "multiplier":
        return f"{number}×"
    return f"{number} {unit}" if unit else number


# ---- The conflicts panel: at the top, with search and filters (issue 16, item 15) -------------------------

_PANEL_CSS = """
.panel { padding: .75rem 1.5rem 1rem; border-bottom: 1px solid var(--line); background: #fff; }
.panel h2 { margin: 0 0 .5rem; font-size: 1.1rem; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin: 0 0 .6rem; }
.filters label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); }
.filters input, .filters select { font: inherit; font-size: .92rem; padding: .2rem .35rem; min-width: 9rem;
                                  max-width: 16rem; }
.filters input[type=search] { min-width: 16rem; }
.filters output { font-size: .9rem; color: var(--muted); padding-bottom: .25rem; }
.flags { display: grid; grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr)); gap: .6rem;
         list-style: none; margin: 0; padding: 0; max-height: 45vh; overflow-y: auto; }
.flags .flag { margin: 0; }
.flags .none { color: var(--muted); }
a.source { display: inline; margin-left: .4em; font-size: .85em; }
"""

_PANEL_SCRIPT = """
(() => {
  const panel = document.getElementById("conflicts-panel");
  if (!panel) return;
  const search = panel.querySelector("input[type=search]");
  const selects = Array.from(panel.querySelectorAll("select[data-filter]"));
  const flags = Array.from(panel.querySelectorAll(".flag"));
  const shown = panel.querySelector("output");
  const none = panel.querySelector(".none");
  const filter = () => {
    const words = search.value.toLowerCase().split(/\\s+/).filter(Boolean);
    let n = 0;
    for (const flag of flags) {
      const text = flag.textContent.toLowerCase();
      const ok = words.every((w) => text.includes(w)) && selects.every((s) =>
        !s.value || (flag.dataset[s.dataset.filter] || "").split("\\n").includes(s.value));
      flag.hidden = !ok;
      if (ok) n += 1;
    }
    shown.value = `${n} of ${flags.length} shown`;
    if (none) none.hidden = n > 0;
  };
  search.addEventListener("input", filter);
  for (const s of selects) s.addEventListener("change", filter);
  filter();
})();
"""
# Between the values of one data attribute: no kind, subject, metric or verdict holds a line break.
_SEP = "\n"


def _conflicts_panel(review: Review, titles: dict[str, str]) -> str:
    """The conflicts, first thing under the header: a search box (words of the conflict, its sides and
    their articles) and a filter each by kind, subject, metric and verdict (of either side's claim)."""
    e = html.escape
    flags = review.flags
    drawn = charts(flags)
    items = "".join(_flag(f, review, titles, drawn.get(f.id, "")) for f in flags)
    values = {name: set() for name in ("kind", "subjects", "metrics", "verdicts")}
    for flag in flags:
        for name, found in _flag_filter_values(flag, review, [review.claim_of(s) for s in (flag.a, flag.b)]).items():
            values[name].update(found)
    selects = "".join(
        f'<label>{label}<select data-filter="{name}" aria-controls="flag-list">'
        f'<option value="">all</option>'
        + "".join(f'<option value="{e(v)}">{e(v)}</option>' for v in sorted(values[name]))
        + "</select></label>"
        for name, label in (("kind", "Kind"), ("subjects", "Subject"), ("metrics", "Metric"), ("verdicts", "Verdict")))
    empty = "No conflicts found." if not flags else "No conflict matches the search and filters."
    return f"""<section class="panel" id="conflicts-panel" aria-labelledby="conflicts">
<h2 id="conflicts">Conflicts ({len(flags)})</h2>
<form class="filters" role="search" aria-label="Filter the conflicts" onsubmit="return false">
<label>Search<input type="search" id="flag-search" placeholder="words, figures, articles" aria-controls="flag-list"></label>
{selects}
<output for="flag-search" aria-live="polite">{len(flags)} of {len(flags)} shown</output>
</form>
<ol class="flags" id="flag-list" aria-labelledby="conflicts">{items}</ol>
<p class="none"{"" if not flags else " hidden"}>{empty}</p>
</section>"""


def _flag_filter_values(flag: Flag, review: Review, ids: list[str | None]) -> dict[str, set[str]]:
    """What a conflict is filtered by: its kind, and the subjects, metrics and verdicts of its sides' claims."""
    sides = [c for c in map(review.claim, ids) if c is not None]
    return {"kind": {flag.kind},
            "subjects": {s for c in sides for s in c.claim.subject},
            "metrics": {c.claim.metric for c in sides if c.claim.metric},
            "verdicts": {c.verdict.verdict if c.verdict else "unchecked" for c in sides} or {"unchecked"}}


def _flag_filter_data(flag: Flag, review: Review, ids: list[str | None]) -> str:
    """A conflict's filter values as data attributes (`data-kind`, `data-subjects`, ...)."""
    e = html.escape
    return "".join(f' data-{name}="{e(_SEP.join(sorted(found)))}"'
                   for name, found in _flag_filter_values(flag, review, ids).items())


# ---- Where a claim came from: its page's URL (issue 16, item 16) ---------------------------------------------

def _source_link(url: str | None, label: str = "source") -> str:
    """A link to the page a claim was read from, when the page gave a web address; a page's own
    `javascript:` or `file:` URL is never made a link (`export.web_url`)."""
    link = web_url(url)
    if link is None:
        return ""
    e = html.escape
    return (f' · <a class="source" href="{e(link)}" rel="noopener noreferrer nofollow" target="_blank"'
            f' title="{e(link)}">{e(label)}</a>') if label == "Source" else \
        (f' <a class="source" href="{e(link)}" rel="noopener noreferrer nofollow" target="_blank"'
         f' title="{e(link)}">({e(label)})</a>')
