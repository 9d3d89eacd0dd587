"""Write mentions (and later claims) as JSON Lines, JSON or CSV, safely.

Files are written to a temporary file beside the target and moved into place,
so a crash never leaves a half-written output (and the next run removes the
temporary file a killed run left). Text that a spreadsheet would run as a
formula is written as text.
"""
from __future__ import annotations

import csv
import errno
import fcntl
import glob
import io
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_row(item: BaseModel | dict) -> dict[str, Any]:
    return item.model_dump(mode="json") if isinstance(item, BaseModel) else item


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would take this text for a formula (or a DDE call) if typed in."""
    return text.startswith(_FORMULA_START)


def spreadsheet_safe(value: Any) -> Any:
    """A cell that starts like a formula is prefixed with a quote so it stays text."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def write_rows(rows: Iterable[BaseModel | dict], out: IO[str], fmt: str) -> int:
    """Write rows to an open text stream; returns how many were written."""
    if fmt == "jsonl":
        n = 0
        for n, row in enumerate(rows, 1):
            out.write(json.dumps(as_row(row), ensure_ascii=False) + "\n")
        return n
    data = [as_row(r) for r in rows]
    if fmt == "json":
        json.dump(data, out, ensure_ascii=False, indent=1)
        out.write("\n")
    elif fmt == "csv":
        columns = list(dict.fromkeys(k for row in data for k in row))
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in data:
            writer.writerow({k: spreadsheet_safe(_cell(v)) for k, v in row.items()})
    else:
        raise ValueError(f"{fmt} is not written to a stream")
    return len(data)


def write_parquet(rows: Iterable[BaseModel | dict], path: str | Path) -> int:
    """Rows as Parquet (pyarrow): one file, or a folder partitioned by kind when `path` is a folder or
    ends with a slash, the interchange format for corpora too large for JSONL and spreadsheets. Amounts
    are kept as exact decimal text, lists as lists, mappings as JSON text. Written whole or not at all."""
    import pandas as pd

    data = [as_row(r) for r in rows]
    frame = pd.DataFrame(data)
    for column in frame.columns:
        values = [v for v in frame[column] if v is not None]
        if any(isinstance(v, dict) for v in values):
            frame[column] = [None if v is None else json.dumps(v, ensure_ascii=False) for v in frame[column]]
        elif len({type(v) for v in values if not isinstance(v, list)} - {bool}) > 1 or column in _EXACT_TEXT:
            frame[column] = [None if v is None else str(v) for v in frame[column]]
    target = Path(path)
    if str(path).endswith(("/", os.sep)) or target.is_dir():
        _replace_folder(target, lambda folder: frame.to_parquet(folder, partition_cols=["kind"], index=False)
                        if len(frame) else None)
    else:
        with atomic_open(target, "wb") as out:
            frame.to_parquet(out, index=False)
    return len(data)


# Amounts a float would round (`value` holds TIMEX text for dates too): kept as written, exact.
_EXACT_TEXT = frozenset({"value", "low", "high", "si_value", "interval_low", "interval_high"})


def _replace_folder(target: Path, write) -> None:
    """Write a folder beside `target` and swap it in, so a reader never sees half of one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        write(fresh)
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            os.rename(target, old)
            os.rename(fresh, target)
            _remove_tree(old)
        else:
            os.rename(fresh, target)
    except BaseException:
        _remove_tree(fresh)
        raise


def _remove_tree(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_open(path: str | Path, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside `path`; it replaces `path` only if the block succeeds.

    `-` is standard output; a device or FIFO is written to as it is (replacing it would
    turn /dev/null into a file); a symlink's target is replaced, never the link. An OS
    error in writing (a full disk) names `path`, so the CLI can say it on one line.
    """
    try:
        with _open_to_replace(path, mode) as fh:
            yield fh
    except OSError as exc:
        if exc.filename is not None or exc.errno is None:
            raise
        raise type(exc)(exc.errno, exc.strerror, str(path)) from None


@contextmanager
def _open_to_replace(path: str | Path, mode: str) -> Iterator[IO]:
    encoding = None if "b" in mode else "utf-8"
    newline = None if "b" in mode else ""
    if str(path) == "-":
        yield _stdout(mode)
        return
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if info is not None and not stat.S_ISREG(info.st_mode):
        with open(path, mode, encoding=encoding, newline=newline) as fh:
            yield fh
        return
    path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # Held until the file is closed or the process dies: a rerun tells a live writer's file from a leftover.
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with io.open(fd, mode, encoding=encoding, newline=newline) as fh:
            yield fh
            fh.flush()
            # mkstemp makes the file private; give it the permissions a plain open() would.
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _stdout(mode: str) -> IO:
    """Standard output, left open: binary output (a workbook) goes to its buffer."""
    sys.stdout.flush()
    return sys.stdout.buffer if "b" in mode else sys.stdout


def _remove_leftovers(path: Path) -> None:
    """Remove the temporary files of killed runs beside `path`: those no live writer holds locked."""
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            fd = os.open(leftover, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            leftover.unlink(missing_ok=True)
        except OSError:
            pass  # a run writing it now
        finally:
            os.close(fd)


_MAX_COLUMN_WIDTH = 60


def write_xlsx(path: str | Path, rows: Iterable[BaseModel | dict], columns: Sequence[str], sheet: str) -> int:
    """Write rows as one sheet a checker can filter: bold frozen header, autofilter, widths
    that fit the text. Text a spreadsheet would run as a formula or read as an error code
    is stored as a string cell (quote-prefixed, so it stays text when edited)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    table = [list(columns)] + [[_cell(as_row(r).get(c)) for c in columns] for r in rows]
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    for i, values in enumerate(zip(*table), 1):
        width = max(len(str(v)) for v in values if v is not None)
        ws.column_dimensions[get_column_letter(i)].width = min(width + 2, _MAX_COLUMN_WIDTH)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(table)}"
    for n, values in enumerate(table):
        ws.append([sheet_cell(ws, v, font=Font(bold=True)) if n == 0 else sheet_cell(ws, v) for v in values])
    with atomic_open(path, "wb") as out:
        book.save(out)
    return len(table) - 1


def sheet_cell(ws: Any, value: Any, **style: Any) -> Any:
    """A value to append to a write-only sheet; text a spreadsheet could run as a formula
    (or read as an error code) is stored as a string cell with a quote prefix, so it stays
    text when edited, and characters a workbook cannot hold are dropped."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
    from openpyxl.cell.rich_text import CellRichText

    risky = False
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        risky = formula_like(value) or value in ERROR_CODES
    elif isinstance(value, CellRichText):  # stored as text, but a formula once its cell is edited
        risky = formula_like(str(value))
    if not (style or risky):
        return value
    cell = WriteOnlyCell(ws, value)
    # A named style (`style="Hyperlink"`) replaces the cell's whole format, so it goes first.
    for name, setting in sorted(style.items(), key=lambda item: item[0] != "style"):
        setattr(cell, name, setting)
    if risky:
        if isinstance(value, str):
            cell.data_type = "s"
        cell.quotePrefix = True
    return cell


_WEB_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f<>\"'`]+", re.IGNORECASE)


def web_url(url: str | None) -> str | None:
    """`url` if it is a plain web address (http or https, no spaces, quotes or control characters),
    for a link; else None. A page's canonical URL is the page's say, so `javascript:`, `data:` and
    `file:` ones are never made links, in the workbook or the report."""
    if not url or _WEB_URL.fullmatch(url.strip()) is None:
        return None
    return url.strip()
