"""What each source says about one fact, drawn: a row per article with its figure, the interval its
rounding and qualifier allow, and the article's date, so a disagreement is seen before it is read.

Flags that share a claim are one fact; each fact gets one chart. Plain inline SVG: no script, no
library, nothing fetched, so the report still opens offline and prints.
"""
from __future__ import annotations

import html
from decimal import Decimal, InvalidOperation

from ..models import Flag, FlagSide

_WIDTH, _ROW, _LABEL, _PAD = 560, 22, 230, 12


def fact_groups(flags: list[Flag]) -> list[list[Flag]]:
    """Flags joined where they share a claim, in the order of each group's first flag."""
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        while parent.get(i, i) != i:
            i = parent[i]
        return i

    first_of: dict[str, int] = {}
    for i, flag in enumerate(flags):
        parent.setdefault(i, i)
        for side in (flag.a, flag.b):
            key = side.claim_id or f"{side.doc}:{side.start}"
            if key in first_of:
                parent[root(i)] = root(first_of[key])
            else:
                first_of[key] = i
    groups: dict[int, list[Flag]] = {}
    for i, flag in enumerate(flags):
        groups.setdefault(root(i), []).append(flag)
    return list(groups.values())


def charts(flags: list[Flag]) -> dict[str, str]:
    """An SVG chart by the id of the first flag of each fact, where its figures can be drawn."""
    out = {}
    for group in fact_groups(flags):
        svg = chart([side for flag in group for side in (flag.a, flag.b)])
        if svg:
            out[group[0].id] = svg
    return out


def _number(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text is not None else None
    except InvalidOperation:
        return None


def chart(sides: list[FlagSide]) -> str | None:
    """One row per claim (copies and repeats once), on one axis; None where the figures are no amounts
    of one unit (dates, or a multiplier against money)."""
    rows, seen = [], set()
    for side in sides:
        key = side.claim_id or (side.doc, side.start)
        value = _number(side.compared_value)
        if key in seen or value is None:
            continue
        seen.add(key)
        rows.append((side, value, _number(side.low), _number(side.high)))
    if len(rows) < 2 or len({side.compared_in for side, *_ in rows}) != 1:
        return None
    # Shown in the unit the first figure is written in, when all are amounts of one dimension.
    first, first_value = rows[0][0], rows[0][1]
    written = _number(first.value)
    scale = written / first_value if written is not None and first_value else Decimal(1)
    unit = first.unit if scale != 1 or all(s.unit == first.unit for s, *_ in rows) else first.compared_in
    points = [v for _, value, low, high in rows for v in (value, low, high) if v is not None]
    lo, hi = min(points), max(points)
    span = (hi - lo) or abs(hi) or Decimal(1)
    lo, hi = lo - span / 10, hi + span / 10

    def x(v: Decimal) -> float:
        return round(float(_LABEL + (v - lo) / (hi - lo) * (_WIDTH - _LABEL - _PAD)), 1)

    e = html.escape
    height = _ROW * len(rows) + 28
    parts = [f'<svg class="fact-chart" role="img" width="{_WIDTH}" height="{height}" viewBox="0 0 {_WIDTH} {height}"'
             f' xmlns="http://www.w3.org/2000/svg"><title>What each article says, in {e(unit or "")}</title>']
    for n, (side, value, low, high) in enumerate(rows):
        y = 14 + n * _ROW
        label = f"{side.title or side.doc}"[:34] + (f" · {side.date}" if side.date else "")
        left = x(low) if low is not None else _LABEL
        right = x(high) if high is not None else _WIDTH - _PAD
        shown = _show(value * scale)
        parts.append(f'<text x="0" y="{y + 4}" font-size="11">{e(label)}</text>'
                     f'<line x1="{left}" x2="{right}" y1="{y}" y2="{y}" stroke="#8a6d3b" stroke-width="6" '
                     f'stroke-opacity="0.35"><title>{e(side.text)}: {e(_show_interval(low, high, scale))}</title></line>'
                     f'<circle cx="{x(value)}" cy="{y}" r="4" fill="#8a3b3b"><title>{e(side.text)} = {shown} '
                     f'{e(unit or "")}</title></circle>')
    axis_y = 14 + len(rows) * _ROW - 8
    parts.append(f'<line x1="{_LABEL}" x2="{_WIDTH - _PAD}" y1="{axis_y}" y2="{axis_y}" stroke="#999"/>'
                 f'<text x="{_LABEL}" y="{axis_y + 14}" font-size="10">{_show(lo * scale)}</text>'
                 f'<text x="{_WIDTH - _PAD}" y="{axis_y + 14}" font-size="10" text-anchor="end">'
                 f'{_show(hi * scale)} {e(unit or "")}</text></svg>')
    return "".join(parts)


def _show(v: Decimal) -> str:
    for step, word in ((Decimal(10) ** 12, " trillion"), (Decimal(10) ** 9, " billion"), (Decimal(10) ** 6, " million")):
        if abs(v) >= step:
            return f"{(v / step):.4g}{word}"
    return f"{v:.4g}"


def _show_interval(low: Decimal | None, high: Decimal | None, scale: Decimal) -> str:
    return f"{'…' if low is None else _show(low * scale)} to {'…' if high is None else _show(high * scale)}"
