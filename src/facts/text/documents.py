"""Read input files as text, byte for byte.

Mention offsets index the decoded text, so nothing here normalises it: files are
read in binary and decoded by hand, which keeps CRLF, tabs and U+00A0 as they are.
"""
from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

import charset_normalizer
import inscriptis
from pydantic import BaseModel, ConfigDict

# The pipeline holds about 23 MB per MB of text on top of 133 MB (a 16 MiB file of articles peaked at 505 MB,
# benchmarks/bench_size.py), so 14 MiB keeps any admitted file under 500 MB; `--max-size` raises it.
DEFAULT_MAX_BYTES = 14 * 1024 * 1024
# An HTML page also holds its parsed trees (a 16 MiB page peaked at 780 MB against 505 MB for its text), so it
# counts this many times its size against the limit.
HTML_SIZE_FACTOR = 2
_RAISE_LIMIT = "--max-size MB raises it"
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})

# Checked in this order: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0/C1 control characters other than the whitespace ones (tab to CR) that real text contains.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_SHARE = 0.05
# UTF-16 of Latin text has a NUL in every pair; a quarter is still Cyrillic or Greek with spaces and digits.
_UTF16_NUL_SHARE = 0.25
# More bad sequences than this in UTF-8-looking bytes is an other encoding, not a stray byte.
_MAX_STRAY_BYTES = 16
# Western European text often scores the same in cp1252 and cp1250 (say German with
# no letters that tell them apart); cp1252 is by far the likelier one then.
_TIE_PREFERENCE = "cp1252"
_BINARY = "binary file (not text), skipped"


class InputError(Exception):
    """A file that cannot be read as text, with a one-line message a CLI can print as is."""

    def __init__(self, path: str, reason: str, line: int | None = None):
        self.path = str(path)
        self.reason = reason
        self.line = line
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {reason}")

    def __reduce__(self):
        return type(self), (self.path, self.reason, self.line)


class Document(BaseModel):
    """One input text; `doc` is the name output shows, `path` where it was read from."""

    model_config = ConfigDict(frozen=True)

    doc: str
    path: str
    text: str
    encoding: str
    warnings: list[str] = []
    format: Literal["text", "html"] = "text"
    # Where the text came from, read from an HTML page's <head> (`html_provenance`); None when not given.
    url: str | None = None
    title: str | None = None
    byline: str | None = None
    published: str | None = None  # YYYY-MM-DD


def _codec_name(encoding: str) -> str:
    """charset_normalizer reports Python codec names ('latin_1'); show the usual spelling."""
    return encoding.replace("_", "-")


def _looks_binary(text: str) -> bool:
    return len(_CONTROLS.findall(text)) > len(text) * _MAX_CONTROL_SHARE


def _detect(data: bytes) -> tuple[str, str] | None:
    """Decode with the encoding charset_normalizer finds likeliest, or None if it finds none."""
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    tied = [match for match in matches if not best < match]
    chosen = next((m for m in tied if m.encoding == _TIE_PREFERENCE), best)
    try:
        return data.decode(chosen.encoding), _codec_name(chosen.encoding)
    except (UnicodeDecodeError, LookupError):
        # The detector judges from samples of large inputs, so it can be wrong about the rest.
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when NULs sit at odd or even positions only, as the
    high bytes of Latin, digits and punctuation do, and the bytes decode as such."""
    if len(data) % 2 or b"\x00" not in data:
        return None
    pairs = len(data) // 2
    nul_even, nul_odd = data[0::2].count(0), data[1::2].count(0)
    for codec, nuls, other in (("utf-16-le", nul_odd, nul_even), ("utf-16-be", nul_even, nul_odd)):
        if nuls >= pairs * _UTF16_NUL_SHARE and other <= pairs * _MAX_CONTROL_SHARE:
            try:
                data.decode(codec)
            except UnicodeDecodeError:
                return None
            return codec
    return None


def _utf8_with_stray_bytes(data: bytes) -> tuple[str, list[int]] | None:
    """UTF-8 text with a few stray bytes, each replaced by U+FFFD, and their byte offsets;
    None when the bad bytes are many or outnumber the valid non-ASCII characters: that is
    a legacy encoding (one in which 'café' is one bad byte and no valid one), for detection."""
    parts, offsets, at = [], [], 0
    while True:
        try:
            parts.append(data[at:].decode("utf-8"))
            break
        except UnicodeDecodeError as err:
            if len(offsets) == _MAX_STRAY_BYTES:
                return None
            parts.append(data[at:at + err.start].decode("utf-8") + "\ufffd")
            offsets.append(at + err.start)
            at += err.end
    text = "".join(parts)
    non_ascii = sum(1 for ch in text if ord(ch) > 127) - len(offsets)
    return (text, offsets) if non_ascii > len(offsets) else None


def _fallback(data: bytes) -> tuple[str, str]:
    """Decode as cp1252, or latin-1 where cp1252 leaves a byte undefined (latin-1 never fails)."""
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _decode(data: bytes, path: str) -> tuple[str, str, list[str]]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as err:
                raise InputError(path, f"not valid {codec} despite its byte order mark ({err.reason})") from None
            warnings = [] if codec == "utf-8-sig" else [f"decoded as {codec} (byte order mark), not UTF-8"]
            return text, codec, warnings
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return data.decode(utf16), utf16, [f"decoded as {utf16} (no byte order mark; detected by its NUL bytes)"]
    if data.count(b"\x00") > len(data) * _MAX_CONTROL_SHARE:
        raise InputError(path, _BINARY)
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    stray = _utf8_with_stray_bytes(data)
    if stray is not None:
        text, offsets = stray
        shown = ", ".join(map(str, offsets[:5])) + (", ..." if len(offsets) > 5 else "")
        return text, "utf-8", [f"not valid UTF-8 at byte offset {shown}: decoded as UTF-8, "
                               f"{len(offsets)} bad byte sequence(s) replaced with U+FFFD"]
    detected = _detect(data)
    if detected is not None:
        text, encoding = detected
        return text, encoding, [f"decoded as {encoding} (detected; not valid UTF-8)"]
    text, encoding = _fallback(data)
    return text, encoding, [f"decoded as {encoding} (fallback; not valid UTF-8 and no encoding detected)"]


def decode_bytes(data: bytes, path: str) -> tuple[str, str, list[str]]:
    """Turn a file's bytes into (text, encoding, warnings), refusing what is not text."""
    if not data:
        raise InputError(path, "empty file")
    text, encoding, warnings = _decode(data, path)
    if _looks_binary(text):
        raise InputError(path, _BINARY)
    if not text.strip():
        raise InputError(path, "empty file")
    return text, encoding, warnings


def _os_reason(err: OSError) -> str:
    return err.strerror or str(err)


def load_document(path: str | Path, doc: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read and decode one file; every failure becomes an InputError naming the file."""
    name = str(path)
    try:
        info = os.stat(path)
    except OSError as err:
        raise InputError(name, _os_reason(err)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(name, os.strerror(errno.EISDIR))
    # Checked before opening: opening a FIFO or device could block or never end.
    if not stat.S_ISREG(info.st_mode):
        raise InputError(name, "not a regular file")
    markup = Path(path).suffix.lower() in HTML_SUFFIXES
    if markup and info.st_size * HTML_SIZE_FACTOR > max_bytes:
        raise InputError(name, f"file too large ({info.st_size} bytes > {max_bytes // HTML_SIZE_FACTOR} limit for "
                               f"HTML, 1/{HTML_SIZE_FACTOR} of the {max_bytes} for text; {_RAISE_LIMIT})")
    if info.st_size > max_bytes:
        raise InputError(name, f"file too large ({info.st_size} bytes > {max_bytes} limit; {_RAISE_LIMIT})")
    try:
        with open(path, "rb") as handle:
            # One byte over the limit is enough to notice a file that grew since stat.
            data = handle.read(max_bytes + 1)
    except OSError as err:
        raise InputError(name, _os_reason(err)) from None
    if len(data) > max_bytes:
        raise InputError(name, f"file too large (it grew past the {max_bytes} bytes limit; {_RAISE_LIMIT})")
    text, encoding, warnings = decode_bytes(data, name)
    provenance: dict[str, str | None] = {}
    if markup:
        provenance = html_provenance(text)
        text, extractor = main_text(text)
        if extractor != "trafilatura":
            warnings = [*warnings, "no main content found in the HTML: the whole page read as text"]
    return Document(
        doc=Path(path).name if doc is None else doc,
        path=name,
        text=text,
        encoding=encoding,
        warnings=warnings,
        format="html" if markup else "text",
        **provenance,
    )


def html_to_text(html: str) -> str:
    """The page as a reader sees it: its main content (`main_text`). Offsets of mentions index this
    text, which the ledger stores."""
    return main_text(html)[0]


def main_text(html: str) -> tuple[str, str]:
    """The article of a page without its navigation, related links, comments and footer, and the
    extractor that gave it: trafilatura's main content (paragraphs, headings, list items and table rows a
    line each), else, on a page where it finds none, the whole page as inscriptis lays it out (block
    layout kept, scripts and styles dropped). On the seeds' HTML forms inscriptis let every figure of the
    navigation and footer through as claims; trafilatura none (benchmarks/html_extractors.py)."""
    import trafilatura

    try:
        # Precision: on a short page the recall settings fall back to a baseline that puts every inline
        # element (<b>, <a>) on a line of its own, cutting sentences; on the seeds both keep every claim.
        text = trafilatura.extract(html, output_format="txt", include_comments=False, include_tables=True,
                                   include_images=False, deduplicate=False, favor_precision=True)
    except Exception:  # lxml cannot parse every page; the whole page is still text  # noqa: BLE001
        text = None
    if text and text.strip():
        return text, "trafilatura"
    return inscriptis.get_text(html), "inscriptis"


def html_provenance(html: str) -> dict[str, str | None]:
    """Where a page says it comes from: `url` (<link rel=canonical>, else og:url), `title` (og:title,
    else <title>), `byline` (the author meta or byline trafilatura finds) and `published` (the
    publication date htmldate finds in the markup, YYYY-MM-DD). Absent ones are None."""
    import lxml.html
    from trafilatura import extract_metadata

    found: dict[str, str | None] = {"url": None, "title": None, "byline": None, "published": None}
    try:
        tree = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return found

    def first(*paths: str) -> str | None:
        for xpath in paths:
            for value in tree.xpath(xpath):
                value = " ".join(str(value).split())
                if value:
                    return value
        return None

    found["url"] = first('//link[contains(concat(" ", normalize-space(@rel), " "), " canonical ")]/@href',
                         '//meta[@property="og:url"]/@content')
    found["title"] = first('//meta[@property="og:title"]/@content', "//title/text()")
    try:
        # Not `extensive`: a date is the one the markup gives, never a year guessed from the text.
        meta = extract_metadata(tree, extensive=False)
    except Exception:  # noqa: BLE001 - metadata is a bonus; the page is still read
        meta = None
    if meta is not None:
        found["byline"] = meta.author or None
        found["published"] = meta.date or None
        found["title"] = found["title"] or meta.title or None
        found["url"] = found["url"] or meta.url or None
    return found


def _walk(root: Path, skip: frozenset[str]) -> list[tuple[Path, str] | InputError]:
    """The files below `root`, sorted, then an error for each subfolder that cannot be listed
    (one unreadable subfolder must not cost the rest); files whose real path is in `skip` are left out."""
    errors: list[InputError] = []

    def report(err: OSError) -> None:
        errors.append(InputError(err.filename or str(root), _os_reason(err)))

    found = []
    for folder, dirs, files in os.walk(root, onerror=report):
        # Pruning in place keeps os.walk out of .git and the like.
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for file in files:
            path = Path(folder, file)
            if not file.startswith(".") and os.path.realpath(path) not in skip:
                found.append((path, path.relative_to(root).as_posix()))
    # Sorting by components lists a folder's contents together, whatever characters the names hold.
    found.sort(key=lambda item: item[1].split("/"))
    return [*found, *errors]


def iter_paths(paths: Iterable[str | Path], skip: Iterable[str | Path] = ()) -> Iterator[tuple[Path, str] | InputError]:
    """Expand the command-line paths into (file, name to show); names of files in a folder are relative to it.
    A folder's subfolders that cannot be listed come as errors in place; files in `skip` (the run's own
    outputs) are left out of folders."""
    skipped = frozenset(os.path.realpath(p) for p in skip)
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, skipped)
        elif path.exists():
            yield path, path.name
        else:
            raise InputError(str(given), "no such file or directory")


def load_documents(paths: Iterable[str | Path], skip: Iterable[str | Path] = (),
                   max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document | InputError]:
    """Load every file, handing back failures in place so one bad file does not stop a batch;
    files in `skip` (the run's own outputs) are not read from folders."""
    skip = list(skip)
    for given in paths:
        try:
            for found in iter_paths([given], skip):
                if isinstance(found, InputError):
                    yield found
                    continue
                try:
                    yield load_document(*found, max_bytes=max_bytes)
                except InputError as err:
                    yield err
        except InputError as err:
            yield err
