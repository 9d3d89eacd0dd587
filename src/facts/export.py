"""Write mentions (and later claims) as JSON Lines, JSON or CSV, safely.

Files are written to a temporary file beside the target and moved into place,
so a crash never leaves a half-written output. Text that a spreadsheet would
run as a formula is written as text.
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

FORMATS = ("jsonl", "json", "csv")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_row(item: BaseModel | dict) -> dict[str, Any]:
    return item.model_dump(mode="json") if isinstance(item, BaseModel) else item


def spreadsheet_safe(value: Any) -> Any:
    """A cell that starts like a formula is prefixed with a quote so it stays text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
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
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return len(data)


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value


@contextmanager
def atomic_open(path: str | Path, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside `path`; it replaces `path` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        encoding = None if "b" in mode else "utf-8"
        newline = None if "b" in mode else ""
        with io.open(fd, mode, encoding=encoding, newline=newline) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
