"""The checker's workbook: its sheets as a checker sees them, text that never runs, and verdicts back."""
from __future__ import annotations

import re
import shutil
from datetime import datetime

import pytest
from conftest import HOSTILE, SEEDS, run_cli
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.utils import column_index_from_string as column_index
from openpyxl.utils import get_column_letter

from facts import Ledger, process_paths
from facts.export.tables import spreadsheet_safe
from facts.export.workbook import (
    CHANGED,
    CLAIM_COLUMNS,
    META_SHEET,
    MIN_PRINT_SCALE,
    PAGE_WIDTH,
    WorkbookError,
    import_verdicts,
    to_xlsx,
)
from facts.ledger import VERDICTS

COLUMN = {name: i for i, (name, _) in enumerate(CLAIM_COLUMNS)}


def letter(name: str) -> str:
    return get_column_letter(COLUMN[name] + 1)


def write(ledger_path, path, flags=(), corroboration=None):
    with Ledger(ledger_path) as ledger:
        to_xlsx(ledger, path, flags=list(flags), corroboration=corroboration or {})
    return path


def rows_by_id(ws) -> dict[str, tuple]:
    return {row[0].value: row for row in ws.iter_rows(min_row=2) if row[0].value}


@pytest.fixture(scope="module")
def seed_book(seed_ledger, seed_flags, tmp_path_factory):
    path = write(seed_ledger, tmp_path_factory.mktemp("book") / "claims.xlsx", seed_flags,
                 {seed_flags[0].a.claim_id: 2})
    return load_workbook(path, rich_text=True)


def test_sheets_frozen_filtered_and_tied_to_the_ledger(seed_book, seed_ledger):
    assert seed_book.sheetnames == ["Claims", "Conflicts", "Articles", "Summary", META_SHEET]
    meta = seed_book[META_SHEET]
    assert meta.sheet_state == "veryHidden"
    with Ledger(seed_ledger) as ledger:
        assert dict(meta.iter_rows(values_only=True))["ledger_id"] == ledger.ledger_id
        claim_ids = set(ledger.claims()["id"])
    claims = seed_book["Claims"]
    assert [c.value for c in claims[1]] == [name for name, _ in CLAIM_COLUMNS]
    assert set(rows_by_id(claims)) == claim_ids
    assert claims.freeze_panes == "B2"
    assert claims.auto_filter.ref == f"A1:{get_column_letter(len(CLAIM_COLUMNS))}{claims.max_row}"
    assert claims.column_dimensions[letter("Sentence")].width == 70
    for name in ("Conflicts", "Articles"):
        assert seed_book[name].freeze_panes and seed_book[name].auto_filter.ref.startswith("A1:")
    assert claims.conditional_formatting, "claims in conflict are marked"


def test_verdict_drop_down_covers_every_row(seed_book):
    claims = seed_book["Claims"]
    (validation,) = claims.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"' + ",".join(VERDICTS) + '"'
    assert str(validation.sqref) == f"{letter('Verdict')}2:{letter('Verdict')}{claims.max_row}"
    assert {row[COLUMN["Verdict"]].value for row in claims.iter_rows(min_row=2)} == {"unchecked"}


def test_values_are_numbers_and_dates_with_formats(seed_book):
    rows = list(seed_book["Claims"].iter_rows(min_row=2))
    money = next(r for r in rows if r[COLUMN["Kind"]].value == "money" and r[COLUMN["Unit"]].value == "USD")
    assert isinstance(money[COLUMN["Value"]].value, (int, float))
    assert '"USD "' in money[COLUMN["Value"]].number_format
    percent = next(r for r in rows if r[COLUMN["Kind"]].value == "percent")
    assert percent[COLUMN["Value"]].value < 1 and percent[COLUMN["Value"]].number_format.endswith("%")
    full = next(r for r in rows if r[COLUMN["Kind"]].value == "date" and re.search(r"\d{4}", r[COLUMN["As written"]].value)
                and re.fullmatch(r"\d{4}-\d\d-\d\d", str(r[COLUMN["Period"]].value)))
    assert isinstance(full[COLUMN["Value"]].value, datetime)
    year = next(r for r in rows if r[COLUMN["Kind"]].value == "date" and r[COLUMN["Period"]].value == "2024")
    assert year[COLUMN["Value"]].value == "2024"


def test_sentence_marks_the_claims_own_words(seed_book):
    for row in seed_book["Claims"].iter_rows(min_row=2):
        sentence = row[COLUMN["Sentence"]].value
        assert isinstance(sentence, CellRichText)
        (marked,) = [block for block in sentence if isinstance(block, TextBlock)]
        assert marked.text == row[COLUMN["As written"]].value
        assert marked.font.b


def test_copies_list_every_page(seed_book):
    pages = [row[COLUMN["Pages"]].value.split(", ") for row in seed_book["Claims"].iter_rows(min_row=2)]
    assert max(len(p) for p in pages) >= 2
    copies = {row[0]: row[3] for row in seed_book["Articles"].iter_rows(min_row=2, values_only=True)}
    assert any(len(p.split(", ")) >= 2 for p in copies.values())


def test_conflict_sides_link_to_their_rows(seed_book, seed_flags):
    claims, conflicts = seed_book["Claims"], seed_book["Conflicts"]
    rows = list(conflicts.iter_rows(min_row=2))
    assert [r[0].value for r in rows] == [f.id for f in seed_flags]
    header = [c.value for c in conflicts[1]]
    for row, flag in zip(rows, seed_flags):
        assert row[header.index("Severity")].value == flag.severity
        assert row[header.index("Why")].value == flag.why
        for side, column in ((flag.a, "A claim"), (flag.b, "B claim")):
            cell = row[header.index(column)]
            sheet, target = cell.hyperlink.location.split("!")
            assert sheet == "Claims" and claims[target].value == side.claim_id == cell.value
        assert row[header.index("A quote")].value == flag.a.quote
    flagged = rows_by_id(claims)[seed_flags[0].a.claim_id]
    assert flagged[COLUMN["Conflicts"]].value == seed_flags[0].id
    assert flagged[COLUMN["Sources"]].value == 2


def test_summary_counts(seed_book, seed_flags):
    cells = [v for row in seed_book["Summary"].iter_rows(values_only=True) for v in row if v is not None]
    for title in ("Claims by kind", "Conflicts by severity", "Verdicts", "Claims by metric", "Claims by subject"):
        assert title in cells
    assert cells[cells.index("high") + 1] == sum(f.severity == "high" for f in seed_flags)


def test_text_that_looks_like_a_formula_stays_text(hostile_ledger, tmp_path):
    with Ledger(hostile_ledger) as ledger:
        ledger.set_verdicts([{"claim_id": "hostile0", "verdict": "correct", "checker": "-me",
                              "notes": '=HYPERLINK("http://x","y")', "checked_value": "x"}])
    book = load_workbook(write(hostile_ledger, tmp_path / "hostile.xlsx"), rich_text=True)
    rows = list(book["Claims"].iter_rows(min_row=2))
    assert len(rows) == len(HOSTILE)
    for row, (sentence, *_) in zip(rows, HOSTILE):
        assert str(row[COLUMN["Sentence"]].value) == sentence
        for name in ("Article", "Author", "Article date", "Pages", "Subject", "Metric", "Sentence", "Location"):
            assert row[COLUMN[name]].data_type == "s", (name, row[COLUMN[name]].value)
    assert rows[0][COLUMN["Notes"]].value == '=HYPERLINK("http://x","y")'
    assert rows[0][COLUMN["Notes"]].data_type == rows[0][COLUMN["Checker"]].data_type == "s"
    assert rows[3][COLUMN["As written"]].value == "-2" and rows[3][COLUMN["As written"]].data_type == "s"
    plain = load_workbook(tmp_path / "hostile.xlsx")["Claims"]
    assert all(c.data_type != "f" for row in plain.iter_rows() for c in row)


def test_rich_text_sentences_and_article_titles_that_start_like_formulas_keep_the_quote_prefix(hostile_ledger,
                                                                                                tmp_path):
    book = load_workbook(write(hostile_ledger, tmp_path / "hostile.xlsx"))
    claims = list(book["Claims"].iter_rows(min_row=2))
    (title,) = [row[0] for row in book["Articles"].iter_rows(min_row=2)]

    assert claims[0][COLUMN["Sentence"]].value.startswith("=HYPERLINK")
    assert [row[COLUMN["Sentence"]].quotePrefix for row in claims[:3]] == [True, True, True]
    assert (title.value, title.quotePrefix, title.hyperlink.location) == ("=1+2", True, "Claims!A2")


def test_the_claims_print_through_period_and_no_sheet_prints_unreadably_small(seed_book):
    def last_printed(ws) -> str:
        return re.search(r":\$?([A-Z]+)", ws.print_area)[1] if ws.print_area else get_column_letter(ws.max_column)

    assert last_printed(seed_book["Claims"]) == letter("Period")
    for ws in seed_book.worksheets[:4]:
        columns = range(1, column_index(last_printed(ws)) + 1)
        width = sum(ws.column_dimensions[get_column_letter(i)].width for i in columns)
        pages = ws.page_setup.fitToWidth
        assert ws.page_setup.orientation == "landscape" and pages * PAGE_WIDTH / width >= MIN_PRINT_SCALE, ws.title


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_cells_that_look_like_formulas_are_quoted(text):
    assert spreadsheet_safe(text) == "'" + text


def fill(path, verdicts: dict[str, tuple[str | None, str | None, str | None]], *, clear_status=()):
    """What a checker does: set Verdict, Checker and Notes; delete the other rows; reverse the order."""
    book = load_workbook(path)
    ws = book["Claims"]
    kept = [[c.value for c in row] for row in ws.iter_rows(min_row=2) if row[0].value in verdicts]
    ws.delete_rows(2, ws.max_row)
    for values in reversed(kept):
        values[COLUMN["Verdict"]], values[COLUMN["Checker"]], values[COLUMN["Notes"]] = verdicts[values[0]]
        if values[0] in clear_status:
            values[COLUMN["Status"]] = None
        ws.append(values)
    book.save(path)


def test_verdicts_survive_re_extraction_and_a_changed_figure_is_marked(tmp_path):
    seed = next(SEEDS.glob("003_*.txt"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    copy = corpus / seed.name
    shutil.copy(seed, copy)
    ledger_path, book = tmp_path / "ledger.db", tmp_path / "claims.xlsx"
    with Ledger(ledger_path) as ledger:
        list(process_paths([str(corpus)], ledger=ledger))
        claims = ledger.claims()
    text = copy.read_text(encoding="utf-8")
    edited = next(c for c in claims.itertuples()
                  if c.kind != "date" and re.search(r"\d", c.text) and text.count(c.text) == 1)
    others = claims[(claims["id"] != edited.id) & (claims["kind"] != "date")]["id"].tolist()[:2]
    verdicts = {edited.id: ("correct", "Ana", "matches the ministry"), others[0]: ("incorrect", "Ben", None),
                others[1]: (None, None, "looked at it")}
    write(ledger_path, book)
    fill(book, verdicts)

    with Ledger(ledger_path) as ledger:
        result = import_verdicts(book, ledger)
        assert (result.stored, result.unchanged, result.unknown, result.invalid) == (3, 0, [], [])
        held = ledger.verdicts()
    assert {i: (v.verdict, v.checker, v.notes) for i, v in held.items()} == \
        {i: (v or "unchecked", c, n) for i, (v, c, n) in verdicts.items()}
    assert not any(v.changed for v in held.values())

    figure = re.sub(r"\d", lambda m: "8" if m[0] == "9" else "9", edited.text, count=1)
    copy.write_text(text.replace(edited.text, figure), encoding="utf-8")
    with Ledger(ledger_path) as ledger:
        list(process_paths([str(corpus)], ledger=ledger))
        assert ledger.documents()["version"].max() == 2
        held = ledger.verdicts()
    assert set(held) == set(verdicts)
    assert held[edited.id].changed and held[edited.id].verdict == "correct"
    assert not held[others[0]].changed and held[others[0]].verdict == "incorrect"

    write(ledger_path, book)
    rows = rows_by_id(load_workbook(book)["Claims"])
    status = rows[edited.id][COLUMN["Status"]].value
    assert status.startswith(CHANGED) and rows[edited.id][COLUMN["Verdict"]].value == "correct"
    assert rows[edited.id][COLUMN["Status"]].font.b
    assert rows[others[0]][COLUMN["Status"]].value.startswith("checked ")

    with Ledger(ledger_path) as ledger:
        assert import_verdicts(book, ledger).stored == 0, "an untouched workbook keeps the mark"
        assert ledger.verdicts()[edited.id].changed
    fill(book, verdicts, clear_status={edited.id})
    with Ledger(ledger_path) as ledger:
        assert import_verdicts(book, ledger).stored == 1, "clearing Status says: checked again"
        assert not ledger.verdicts()[edited.id].changed


def test_unknown_verdicts_are_reported_not_stored(hostile_ledger, tmp_path):
    book = write(hostile_ledger, tmp_path / "claims.xlsx")
    wb = load_workbook(book)
    wb["Claims"].cell(2, COLUMN["Verdict"] + 1, "probably")
    wb["Claims"].cell(3, COLUMN["Verdict"] + 1, " Correct ")
    wb.save(book)
    with Ledger(hostile_ledger) as ledger:
        result = import_verdicts(book, ledger)
        assert result.stored == 1 and result.invalid == ["row 2: 'probably'"]
        assert {i: v.verdict for i, v in ledger.verdicts().items()} == {"hostile1": "correct"}


def test_a_formula_in_a_verdict_checker_or_notes_cell_is_refused_not_stored_as_blank(hostile_ledger, tmp_path):
    book = write(hostile_ledger, tmp_path / "claims.xlsx")
    fill(book, {"hostile1": ("correct", "Ana", "seen"), "hostile2": ("incorrect", "Ben", None)})
    with Ledger(hostile_ledger) as ledger:
        assert import_verdicts(book, ledger).stored == 2
    wb = load_workbook(book)
    ws = wb["Claims"]
    by_id = {row[0].value: row[0].row for row in ws.iter_rows(min_row=2)}
    ws.cell(by_id["hostile1"], COLUMN["Verdict"] + 1, '=IF(1,"incorrect","")')  # no value is stored with it
    ws.cell(by_id["hostile2"], COLUMN["Notes"] + 1, "=A1")
    wb.save(book)

    with Ledger(hostile_ledger) as ledger:
        result = import_verdicts(book, ledger)
        held = {i: (v.verdict, v.checker, v.notes) for i, v in ledger.verdicts().items()}

    assert result.stored == 0
    assert sorted(result.invalid) == sorted([f"row {by_id['hostile1']}: a formula in Verdict, not read",
                                             f"row {by_id['hostile2']}: a formula in Notes, not read"])
    assert held == {"hostile1": ("correct", "Ana", "seen"), "hostile2": ("incorrect", "Ben", None)}


def test_a_workbook_from_another_ledger_is_refused(seed_ledger, tmp_path):
    book = write(seed_ledger, tmp_path / "claims.xlsx")
    with Ledger(tmp_path / "other.db") as other, pytest.raises(WorkbookError, match="another ledger"):
        import_verdicts(book, other)
    run = run_cli("verdicts", "import", str(book), "--ledger", str(tmp_path / "other.db"))
    assert run.returncode == 2
    assert "made from another ledger" in run.stderr and "refusing" in run.stderr


def test_report_command_writes_a_workbook_from_paths(tmp_path):
    seed = next(SEEDS.glob("003_*.txt"))
    ledger, book = tmp_path / "ledger.db", tmp_path / "out.xlsx"
    run = run_cli("report", str(seed), "--ledger", str(ledger), "-o", str(book))
    assert run.returncode == 0, run.stderr
    with Ledger(ledger) as held:
        assert import_verdicts(book, held).stored == 0


def test_every_claim_says_why_it_was_read_so(seed_book):
    rows = list(seed_book["Claims"].iter_rows(min_row=2, values_only=True))
    why = [r[COLUMN["Why"]] for r in rows]
    assert all(w and w.startswith("subject: ") and "; metric: " in w and "; period: " in w for w in why)
