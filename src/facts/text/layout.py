"""The layout cues (`rules/<language>/layout/layout.yaml`): line patterns that say what a line of a page is
(a byline, a dateline, a caption, furniture), loaded, checked and compiled; `segment` applies them."""
from __future__ import annotations

import math
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import regex
from pydantic import Field, PrivateAttr, field_validator

from ..engine.compiled import compile_regex
from ..engine.rulefiles import RuleError, RuleFileModel, load_data_file, without_line_key
from ..engine.rules import RULE_FLAGS, Pattern, compile_checked, default_rules_dir, expand, fast_compile

What = Literal["byline", "dateline", "name_line", "editor_note", "section", "furniture", "caption", "bio",
               "bio_sentence"]


class CueExample(RuleFileModel):
    text: str
    author: str | None = None
    date: str | None = None
    name: str | None = None


class Cue(RuleFileModel):
    id: str
    what: What
    pattern: str
    ends: Literal["before", "after"] | None = None
    # The longest line the cue can be (a caption, a date, a name line), tested with len()
    # before the pattern: most of a page's characters are in paragraphs no short-line cue fits.
    max_chars: int | None = Field(default=None, gt=0)
    doc: str | None = None
    examples: list[CueExample] = []
    counter_examples: list[str] = []
    _compiled: Any = PrivateAttr(default=None)

    @property
    def compiled(self) -> Pattern:
        return self._compiled


class LayoutFile(RuleFileModel):
    doc: str | None = None
    patterns: dict[str, str] = {}
    # Between the names of a byline with several authors ("By A, B and C"); none: a byline names one.
    author_separator: str | None = None
    cues: list[Cue]

    _patterns = field_validator("patterns", mode="before")(without_line_key)


@dataclass


class Layout:
    """The cues of a layout file, compiled, in the order they are tried."""

    path: Path
    cues: list[Cue] = field(default_factory=list)
    author_separator: Pattern | None = None

    def __post_init__(self) -> None:
        # Every line of every page is tried against the cues, so each cue's search is held here, not
        # read through pydantic's private-attribute lookup per line.
        # One list of cues per distinct `max_chars` (ascending, then no limit), with the cues a line
        # of up to that length can be: a line's list is one bisect away, a paragraph's is short.
        self._limits = [*sorted({c.max_chars for c in self.cues if c.max_chars is not None}), math.inf]
        self._searches = [[(cue, cue.compiled.search) for cue in self.cues
                           if cue.max_chars is None or cue.max_chars >= limit] for limit in self._limits]

    def classify(self, line: str) -> tuple[Cue, re.Match | regex.Match] | None:
        """The first cue that matches the line (stripped of its margins), with its match; a cue with
        `max_chars` is not tried on a longer line."""
        for cue, search in self._searches[bisect_left(self._limits, len(line))]:
            m = search(line)
            if m is not None:
                return cue, m
        return None


def default_layout_path() -> Path:
    return default_rules_dir() / "layout" / "layout.yaml"


def load_layout(path: Path | str | None = None) -> Layout:
    """Read, validate and compile a layout cue file; every mistake names the file and line."""
    path = Path(path) if path is not None else default_layout_path()
    parsed = load_data_file(LayoutFile, path)
    seen: dict[str, int] = {}
    for name, body in parsed.patterns.items():
        try:
            compile_regex(expand(body, parsed.patterns, (path, parsed.line)), RULE_FLAGS)
        except regex.error as exc:
            raise RuleError(path, parsed.line, f"sub-pattern {{{name}}}: broken pattern: {exc}") from None
    for cue in parsed.cues:
        if cue.id in seen:
            raise RuleError(path, cue.line, f"duplicate cue id {cue.id!r} (first at line {seen[cue.id]})")
        seen[cue.id] = cue.line
        body = expand(cue.pattern, parsed.patterns, (path, cue.line))
        compiled = compile_checked(body, (path, cue.line), f"cue {cue.id}")
        needed = {"byline": "author", "editor_note": "author", "bio_sentence": "author", "section": "name"}
        group = needed.get(cue.what)
        if group and group not in compiled.groupindex:
            raise RuleError(path, cue.line, f"cue {cue.id}: a {cue.what} cue needs a group named {group!r}")
        if cue.what == "dateline" and not {"day", "month", "year"} <= set(compiled.groupindex):
            raise RuleError(path, cue.line, f"cue {cue.id}: a dateline cue needs groups 'day', 'month', 'year'")
        # Every line of every page is tried against the cues: on the faster engine where it reads them alike.
        cue._compiled = fast_compile(body, RULE_FLAGS)
    return Layout(path=path, cues=parsed.cues, author_separator=_author_separator(parsed, path))


def _author_separator(parsed: LayoutFile, path: Path) -> Pattern | None:
    if parsed.author_separator is None:
        return None
    body = expand(parsed.author_separator, parsed.patterns, (path, parsed.line))
    compile_checked(body, (path, parsed.line), "author_separator")
    return fast_compile(body, RULE_FLAGS)


@lru_cache(maxsize=4)
def cached_layout(path: str | None = None) -> Layout:
    return load_layout(path)


@lru_cache(maxsize=4)
def layout_of(rules_root: Path) -> Layout:
    """The layout of a rules folder (`layout/layout.yaml` in it), so that a language's folder segments its
    pages by its own cues; the package's where the folder has none."""
    path = rules_root / "layout" / "layout.yaml"
    return cached_layout(str(path) if path.is_file() and path != default_layout_path() else None)
