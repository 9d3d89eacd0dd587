"""Writers: every output of every command, chosen from one registry.

Rows (mentions, claims, flags, changes) go out in a format named by `--format`: `ROW_FORMATS`, each
written to standard output or atomically to a file. A review of a ledger (the checker's workbook, the
reading report) goes out by the output's suffix: `REVIEW_WRITERS`. The writers are imported when used,
so openpyxl and pyarrow load only for the outputs that need them.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RowFormat:
    """How rows are written in one format: to a text stream, or only to a file or folder."""

    name: str
    streams: bool


ROW_FORMATS = {f.name: f for f in (
    RowFormat("jsonl", streams=True),
    RowFormat("json", streams=True),
    RowFormat("csv", streams=True),
    RowFormat("parquet", streams=False),
    RowFormat("xlsx", streams=False),
)}
FORMATS = tuple(ROW_FORMATS)
# By the output's suffix: (module, function), each called as function(ledger, path, flags=..., corroboration=...).
REVIEW_WRITERS = {".xlsx": ("facts.export.workbook", "to_xlsx"), ".html": ("facts.export.report", "to_html")}


def write(rows: Iterable[Any], fmt: str, output: str | None = None, *, columns: Sequence[str] | None = None,
          sheet: str = "Rows") -> int:
    """`rows` in the format named, to `output` (written whole or not at all) or, with None or `-`, to
    standard output; how many rows were written. A spreadsheet takes `columns` in order (else every
    key of the rows) on one sheet named `sheet`."""
    from .tables import as_row, atomic_open, write_parquet, write_rows, write_xlsx

    form = ROW_FORMATS.get(fmt)
    if form is None:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    to_stdout = output in (None, "-")
    if to_stdout and not form.streams:
        raise ValueError(f"{fmt} is written to a file, not a stream: give -o FILE.{fmt}"
                         + (" or -o FOLDER/" if fmt == "parquet" else ""))
    if fmt == "parquet":
        return write_parquet(rows, output)
    if fmt == "xlsx":
        data = [as_row(r) for r in rows]
        return write_xlsx(output, data, columns or list(dict.fromkeys(k for row in data for k in row)), sheet)
    if to_stdout:
        n = write_rows(rows, sys.stdout, fmt)
        sys.stdout.flush()
        return n
    with atomic_open(output) as out:
        return write_rows(rows, out, fmt)


def review_writer(output: str) -> Callable[..., Any]:
    """The writer of a review for `output`, by its suffix; a clear error for any other suffix."""
    where = REVIEW_WRITERS.get(Path(output).suffix.lower())
    if where is None:
        raise ValueError(f"report: -o {output}: must end in {' or '.join(REVIEW_WRITERS)}")
    return getattr(import_module(where[0]), where[1])
