"""The fact-checker's workbook: every claim once, in its sentence, with a verdict to fill in.

openpyxl's write-only mode streams rows to disk, so a ledger of 100,000 claims is
written in seconds and little memory; the price is that widths, freeze panes,
filters, validation and conditional formats are declared beside the rows, never
looked up afterwards. The ledger id sits in a very hidden sheet, so verdicts are
only ever read back into the ledger the workbook was made from.
"""
from __future__ import annotations

import math
import re
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import zip_longest
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.properties import PageSetupProperties

from ..attribution.claim import explain
from ..ledger import VERDICTS, Ledger, checked_value
from ..models import AMOUNT_KINDS, ClaimRecord, Flag, FlagSide
from ..review import Review, build_review
from .tables import atomic_open, sheet_cell, web_url

META_SHEET = "facts"
CHANGED = "changed since checked"

# What a checker works with comes first, then the details; the printed part runs through Period.
CLAIM_COLUMNS = (
    ("ID", 17), ("Article", 28), ("Kind", 9), ("As written", 16), ("Value", 18), ("Unit", 7), ("Sentence", 70),
    ("Verdict", 12), ("Checker", 12), ("Notes", 28), ("Status", 26), ("Conflicts", 18), ("Sources", 9),
    ("Qualifier", 10), ("Low", 18), ("High", 18), ("Subject", 24), ("Metric", 16), ("Period", 12), ("Why", 30),
    ("Pages", 28), ("Source", 36),
    ("Author", 20), ("Article date", 12), ("Location", 30), ("Rule", 22))
_SIDE_COLUMNS = (("claim", 18), ("article", 30), ("location", 30), ("as written", 18), ("value", 18),
                 ("period", 11), ("quote", 60))
CONFLICT_COLUMNS = (("Conflict", 18), ("Severity", 10), ("Check", 18), ("Confidence", 11), ("Why", 50),
                    *((f"{side} {name}", width) for side in "AB" for name, width in _SIDE_COLUMNS))
ARTICLE_COLUMNS = (("Article", 50), ("Author", 28), ("Date", 12), ("Pages", 60), ("Copies", 8), ("Claims", 8),
                   ("Conflicts", 10))

FONT = "Calibri"  # named in every font: without a name LibreOffice falls back to a serif face
_HEADER = {"font": Font(name=FONT, bold=True, color="FFFFFF"), "fill": PatternFill("solid", fgColor="1F3864"),
           "alignment": Alignment(vertical="center")}
_WRAP = Alignment(wrap_text=True)
_MARK = InlineFont(rFont=FONT, sz=11, b=True, color="C00000")
_SEVERITY_FILLS = {"high": PatternFill("solid", fgColor="F4B6B6"), "medium": PatternFill("solid", fgColor="FCE4B6"),
                   "low": PatternFill("solid", fgColor="E2EFDA")}
_VERDICT_STYLES = {"correct": ("E2EFDA", "375623"), "incorrect": ("F4B6B6", "9C0006"),
                   "misleading": ("FCE4B6", "7F4F00"), "unverifiable": ("E7E6E6", "3A3838")}
_CONFLICT_FILL = PatternFill("solid", fgColor="FDE9E7")
_CHANGED_STYLE = {"font": Font(name=FONT, bold=True, color="9C0006"), "fill": PatternFill("solid", fgColor="FFEB9C")}
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")


class WorkbookError(ValueError):
    """A workbook that cannot be read back into this ledger; the message says why."""


def to_xlsx(ledger: Ledger, path: str | Path, *, flags: list[Flag], corroboration: dict[str, int]) -> None:
    """Write the checker's workbook to `path`, atomically: Claims, Conflicts, Articles, Summary."""
    review = build_review(ledger, flags=flags, corroboration=corroboration)
    rows = {c.claim.id: n for n, c in enumerate(review.claims, 2)}
    wb = Workbook(write_only=True)
    _claims_sheet(wb, review)
    _conflicts_sheet(wb, review, rows)
    _articles_sheet(wb, review, rows)
    _summary_sheet(wb, review)
    meta = wb.create_sheet(META_SHEET)
    meta.sheet_state = "veryHidden"
    for key, value in (("ledger_id", review.ledger_id), ("ledger", str(ledger.path)), ("made", review.made)):
        _append(meta, [key, value])
    with atomic_open(path, "wb") as out:
        wb.save(out)


def _append(ws, values: Iterable[Any]) -> None:
    ws.append([v if isinstance(v, Cell) else sheet_cell(ws, v) for v in values])


def _table(wb: Workbook, title: str, columns: tuple[tuple[str, float], ...], n_rows: int, freeze: str,
           printed: int | None = None):
    """A sheet with its header row written: widths, frozen header, autofilter over the rows to
    come, and printed landscape (the first `printed` columns, default all), the header on every page."""
    ws = wb.create_sheet(title)
    for i, (_, width) in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = freeze
    _print_wide(ws, sum(width for _, width in columns[:printed]))
    if printed is not None:
        ws.print_area = f"A1:{get_column_letter(printed)}{max(n_rows + 1, 2)}"
    ws.print_title_rows = "1:1"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n_rows + 1}"
    ws.row_dimensions[1].height = 20
    _append(ws, [sheet_cell(ws, name, **_HEADER) for name, _ in columns])
    return ws


# Column-width units a landscape A4 or Letter page holds at 100%, and the smallest scale still
# readable: a sheet is printed as many pages wide as keep it at that scale or above.
PAGE_WIDTH = 140
MIN_PRINT_SCALE = 0.7


def _print_wide(ws, width: float) -> None:
    """Landscape, the printed columns (`width` units in all) fitted to the fewest pages wide that
    keep the text readable; as many pages down as the rows need."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = max(1, math.ceil(width * MIN_PRINT_SCALE / PAGE_WIDTH))
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _height(*texts: tuple[str | None, float]) -> float:
    """Row height in points for wrapped text, since write-only rows are not measured by openpyxl
    and spreadsheets do not grow them on opening: about 1.2 characters of 11-point Calibri per
    unit of column width, 15 points a line."""
    lines = max(math.ceil(len(text or "") / (width * 1.2)) for text, width in texts)
    return min(409, 15 * max(1, lines))


def _letter(columns: tuple[tuple[str, float], ...], name: str) -> str:
    return get_column_letter([c for c, _ in columns].index(name) + 1)


def _claims_sheet(wb: Workbook, review: Review) -> None:
    claims = review.claims
    last = max(len(claims) + 1, 2)
    ws = _table(wb, "Claims", CLAIM_COLUMNS, len(claims), "B2",
                printed=[name for name, _ in CLAIM_COLUMNS].index("Period") + 1)
    end = get_column_letter(len(CLAIM_COLUMNS))
    verdict = _letter(CLAIM_COLUMNS, "Verdict")
    validation = DataValidation(type="list", formula1='"' + ",".join(VERDICTS) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="Verdict",
                                error="Choose one of: " + ", ".join(VERDICTS),
                                showInputMessage=True, promptTitle="Verdict", prompt="Pick from the list")
    validation.add(f"{verdict}2:{verdict}{last}")
    ws.data_validations.append(validation)
    conflicts = _letter(CLAIM_COLUMNS, "Conflicts")
    ws.conditional_formatting.add(f"A2:{end}{last}",
                                  FormulaRule(formula=[f'LEN(${conflicts}2)>0'], fill=_CONFLICT_FILL))
    for name, (fill, font) in _VERDICT_STYLES.items():
        ws.conditional_formatting.add(f"{verdict}2:{verdict}{last}", CellIsRule(
            operator="equal", formula=[f'"{name}"'], fill=PatternFill("solid", fgColor=fill), font=Font(color=font)))
    sentence_width = dict(CLAIM_COLUMNS)["Sentence"]
    for n, reviewed in enumerate(claims, 2):
        c, verdict = reviewed.claim, reviewed.verdict
        ws.row_dimensions[n].height = _height((c.sentence, sentence_width))
        changed = verdict is not None and verdict.changed
        status = None if verdict is None else \
            f"{CHANGED}: was {verdict.checked_value}, now {checked_value(c.value, c.unit, c.qualifier)}" \
            if changed else f"checked {verdict.updated[:10]}"
        _append(ws, [
            c.id, reviewed.title, c.kind, c.text, _amount(ws, c.kind, c.resolved or c.value, c.unit), c.unit,
            sheet_cell(ws, _sentence(c), alignment=_WRAP), verdict.verdict if verdict else "unchecked",
            verdict and verdict.checker, verdict and verdict.notes,
            sheet_cell(ws, status, **_CHANGED_STYLE) if changed else status, " ".join(reviewed.conflicts),
            reviewed.sources, c.qualifier, _amount(ws, c.kind, c.interval_low, c.unit),
            _amount(ws, c.kind, c.interval_high, c.unit), ", ".join(c.subject), c.metric, c.period, explain(c.why),
            ", ".join(reviewed.pages), _source_cell(ws, review.url_of(c.doc)), reviewed.author,
            reviewed.article_date, f"{c.doc}:{c.start}-{c.end}", c.rule])


def _source_cell(ws, url: str | None) -> Any:
    """The page a claim was read from, linked where its URL is a web address (http or https: a page's
    own `file:` or `javascript:` URL is shown, never linked)."""
    if not url:
        return None
    link = web_url(url)
    if link is None:
        return sheet_cell(ws, url)
    return sheet_cell(ws, url, hyperlink=Hyperlink(ref="", target=link), style="Hyperlink")


def _amount(ws, kind: str, value: Decimal | str | None, unit: str | None) -> Any:
    """A value as Excel should hold it: a number with its format, a full date, or the TIMEX text as is."""
    number, fmt = _number(kind, value, unit)
    return value if fmt is None else sheet_cell(ws, number, number_format=fmt)


def _number(kind: str, value: Decimal | str | None, unit: str | None) -> tuple[Any, str | None]:
    if value is None:
        return None, None
    if kind == "date" and _FULL_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value), "yyyy-mm-dd"
        except ValueError:
            return value, None
    if kind not in AMOUNT_KINDS:
        return value, None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value, None
    integral = number == number.to_integral_value()
    if kind == "percent":
        return float(number / 100), "0%" if integral else "0.0##%"
    digits = "#,##0" if integral else "#,##0.0##"
    number = int(number) if integral else float(number)
    if kind == "money" and unit and _CURRENCY.fullmatch(unit):
        return number, f'"{unit} "{digits}'
    return number, digits + '"×"' if kind == "multiplier" else digits


def _sentence(c: ClaimRecord) -> CellRichText | str | None:
    """The claim's sentence with the claim's own words in bold red (found by their text where
    the ledger has no sentence offset)."""
    if not c.sentence:
        return None
    clean = ILLEGAL_CHARACTERS_RE.sub
    if c.sentence_start is not None:
        a, b = c.start - c.sentence_start, c.end - c.sentence_start
    else:
        a = c.sentence.find(c.text)
        b = a + len(c.text)
    if a < 0:
        return c.sentence
    before, words, after = (clean("", part) for part in (c.sentence[:a], c.sentence[a:b], c.sentence[b:]))
    return CellRichText(*filter(None, (before, TextBlock(_MARK, words), after)))


def _conflicts_sheet(wb: Workbook, review: Review, rows: dict[str, int]) -> None:
    ws = _table(wb, "Conflicts", CONFLICT_COLUMNS, len(review.flags), "F2")
    titles = {c.claim.id: c.title for c in review.claims}
    widths = dict(CONFLICT_COLUMNS)
    for n, flag in enumerate(review.flags, 2):
        ws.row_dimensions[n].height = _height((flag.why, widths["Why"]), (flag.a.quote, widths["A quote"]),
                                              (flag.b.quote, widths["B quote"]))
        _append(ws, [flag.id, sheet_cell(ws, flag.severity, fill=_SEVERITY_FILLS[flag.severity]), flag.kind,
                     flag.confidence, sheet_cell(ws, flag.why, alignment=_WRAP),
                     *_side(ws, flag.a, review, rows, titles), *_side(ws, flag.b, review, rows, titles)])


def _side(ws, side: FlagSide, review: Review, rows: dict[str, int], titles: dict[str, str]) -> list[Any]:
    claim_id = review.claim_of(side)
    link = sheet_cell(ws, claim_id, hyperlink=Hyperlink(ref="", location=f"Claims!A{rows[claim_id]}"),
                 style="Hyperlink") if claim_id in rows else claim_id
    value = " ".join(filter(None, (side.value, side.unit)))
    return [link, side.title or titles.get(claim_id), f"{side.doc}:{side.start}-{side.end}", side.text, value,
            side.period, sheet_cell(ws, side.quote, alignment=_WRAP)]


def _articles_sheet(wb: Workbook, review: Review, rows: dict[str, int]) -> None:
    ws = _table(wb, "Articles", ARTICLE_COLUMNS, len(review.stories), "B2")
    first: dict[str, str] = {}
    for c in review.claims:
        first.setdefault(c.claim.story, c.claim.id)
    for s in review.stories:
        title = sheet_cell(ws, s.title, hyperlink=Hyperlink(ref="", location=f"Claims!A{rows[first[s.story]]}"),
                      style="Hyperlink") if s.story in first else s.title
        _append(ws, [title, s.author, s.date, ", ".join(s.pages), len(s.pages), s.claims, s.conflicts])


def _summary_sheet(wb: Workbook, review: Review) -> None:
    """Count tables side by side: claims by kind, metric and subject; conflicts and verdicts."""
    ws = wb.create_sheet("Summary")
    claims = review.claims
    blocks = [
        ("Claims by kind", Counter(c.claim.kind for c in claims).most_common()),
        ("Conflicts by severity", [(s, n) for s in ("high", "medium", "low")
                                   if (n := sum(f.severity == s for f in review.flags))]),
        ("Verdicts", Counter(c.verdict.verdict if c.verdict else "unchecked" for c in claims).most_common()
         + [(CHANGED, sum(bool(c.verdict and c.verdict.changed) for c in claims))]),
        ("Claims by metric", Counter("(none)" if c.claim.metric is None else c.claim.metric
                                     for c in claims).most_common()),
        ("Claims by subject", Counter(s for c in claims for s in c.claim.subject).most_common()),
    ]
    for i, _ in enumerate(blocks):
        ws.column_dimensions[get_column_letter(3 * i + 1)].width = 24
        ws.column_dimensions[get_column_letter(3 * i + 2)].width = 9
        ws.column_dimensions[get_column_letter(3 * i + 3)].width = 3
    _print_wide(ws, (24 + 9 + 3) * len(blocks))
    title = f"{len(claims)} claims in {len(review.stories)} articles, {len(review.flags)} conflicts"
    _append(ws, [sheet_cell(ws, title, font=Font(name=FONT, bold=True, size=13))])
    _append(ws, [f"ledger {review.ledger_id}, made {review.made}"])
    _append(ws, [])
    _append(ws, [v for title, _ in blocks for v in (sheet_cell(ws, title, **_HEADER), sheet_cell(ws, "n", **_HEADER), None)])
    for line in zip_longest(*(counts for _, counts in blocks), fillvalue=(None, None)):
        _append(ws, [v for pair in line for v in (*pair, None)])


@dataclass
class ImportResult:
    """What an import did: verdicts stored, rows that matched the ledger already, and rows skipped."""

    stored: int = 0
    unchanged: int = 0
    unknown: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [f"{self.stored} verdicts stored", f"{self.unchanged} unchanged"]
        if self.unknown:
            parts.append(f"{len(self.unknown)} rows for claims no longer in the ledger skipped")
        if self.invalid:
            parts.append(f"{len(self.invalid)} rows with an unknown verdict or a formula skipped "
                         f"({'; '.join(self.invalid[:5])})")
        return "; ".join(parts)


def import_verdicts(path: str | Path, ledger: Ledger) -> ImportResult:
    """Read Verdict, Checker and Notes back by claim id and store them with what each claim says now.

    Rows may be deleted or reordered; a blank verdict is `unchecked`. A row that says
    what the ledger holds is left alone, so a claim changed since it was checked keeps
    its mark until the checker edits its row or clears its Status. A row with a formula
    in Verdict, Checker or Notes is refused: its value may be stored nowhere in the file
    (it would read as blank and overwrite the verdict held), and text is what was meant.
    """
    try:
        wb = load_workbook(path, read_only=True)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError) as exc:
        raise WorkbookError(f"{path}: cannot read it as an .xlsx workbook ({exc})") from None
    try:
        if META_SHEET not in wb.sheetnames or "Claims" not in wb.sheetnames:
            raise WorkbookError(f"{path}: not a facts workbook (no Claims and {META_SHEET} sheets)")
        meta = {row[0]: row[1] for row in wb[META_SHEET].iter_rows(values_only=True) if row and row[0]}
        if meta.get("ledger_id") != ledger.ledger_id:
            raise WorkbookError(
                f"{path} was made from another ledger ({meta.get('ledger', '?')}, id {meta.get('ledger_id')}), not"
                f" from {ledger.path} (id {ledger.ledger_id}); refusing to import its verdicts. Make a workbook"
                f" from this ledger with `facts report --ledger {ledger.path} -o FILE.xlsx`")
        rows = wb["Claims"].iter_rows()
        header = [str(h.value) if h.value is not None else "" for h in next(rows, ())]
        missing = {"ID", "Verdict", "Checker", "Notes"} - set(header)
        if missing:
            raise WorkbookError(f"{path}: the Claims sheet has lost its {', '.join(sorted(missing))} column(s)")
        index = {name: header.index(name) for name in ("ID", "Verdict", "Checker", "Notes", "Status")
                 if name in header}
        result, updates = ImportResult(), []
        now, held = ledger.checked_values(), ledger.verdicts()
        for n, row in enumerate(rows, 2):
            cells = {name: _text(row[i].value) if i < len(row) else None for name, i in index.items()}
            claim_id = cells["ID"]
            if claim_id is None:
                continue
            formulas = [name for name in ("Verdict", "Checker", "Notes")
                        if index[name] < len(row) and row[index[name]].data_type == "f"]
            if formulas:
                result.invalid.append(f"row {n}: a formula in {', '.join(formulas)}, not read")
                continue
            verdict = (cells["Verdict"] or "unchecked").lower()
            if verdict not in VERDICTS:
                result.invalid.append(f"row {n}: {cells['Verdict']!r}")
                continue
            if claim_id not in now:
                result.unknown.append(claim_id)
                continue
            said = (verdict, cells["Checker"], cells["Notes"])
            old = held.get(claim_id)
            marked = "Status" not in index or CHANGED in (cells["Status"] or "")
            if (old is None and said == ("unchecked", None, None)) or \
                    (old is not None and said == (old.verdict, old.checker, old.notes)
                     and (marked or not old.changed)):
                result.unchanged += 1
                continue
            updates.append({"claim_id": claim_id, "verdict": verdict, "checker": cells["Checker"],
                            "notes": cells["Notes"], "checked_value": now[claim_id]})
        result.stored = ledger.set_verdicts(updates)
        return result
    finally:
        wb.close()


def _text(value: Any) -> str | None:
    """A cell as trimmed text, None when blank; numbers a checker typed stay readable."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None
