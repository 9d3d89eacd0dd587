"""Load the rule files in `rules/` (inside the package: `src/facts/rules/`), check them, and compile them.

Rules are data: a YAML file per kind, shared named sub-patterns in
`patterns.yaml` and lexicons in `lexicon/`. Everything a rule author can get
wrong (an unknown key, a pattern that does not compile or matches the empty
string, an unknown `{name}`, a duplicate id) is reported with file and line,
because a rule that fails silently is worse than no rule.
"""
from __future__ import annotations

import array
import hashlib
import os
import re
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .models import KINDS
from .prefilter import StartingChars, guard, starting_chars

NEGATIVE = "negative"
# Files beside the kind files that are not rules of a kind: sub-patterns, and the checks (facts.checks).
NOT_KIND_FILES = frozenset({"patterns.yaml", "checks.yaml"})
RULE_FLAGS = regex.VERBOSE | regex.VERSION1
# A compiled pattern of either engine (`fast_compile`).
Pattern = re.Pattern | regex.Pattern
# No mention starts inside a word: checked once, before any rule is tried (6x fewer attempts).
_NOT_IN_A_WORD = r"(?<![^\W\d_])"
_NAME = regex.compile(r"\{([a-z_][a-z0-9_]*)\}")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")


class RuleError(Exception):
    """A rule file that cannot be used; the message names the file and line."""

    def __init__(self, path: Path | str, line: int | None, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {reason}")


def without_line_key(value: Any) -> Any:
    """Mappings of names carry the loader's `__line__` key; it is no name."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k != "__line__"}
    return value


class Example(BaseModel):
    """Text a rule must find, with what it must find there; `span` defaults to the whole text."""

    model_config = ConfigDict(extra="forbid")

    text: str
    span: str | None = None
    value: Any = None
    unit: str | None = None
    qualifier: str | None = None
    low: Any = None
    high: Any = None
    mod: str | None = None
    relative: bool | None = None
    resolved: str | None = None
    reference: str | None = None
    line: int = Field(default=0, alias="__line__")


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    pattern: str
    priority: int = 0
    doc: str | None = None
    examples: list[Example] = []
    counter_examples: list[str] = []
    line: int = Field(default=0, alias="__line__")
    kind: str = ""
    path: str = ""

    @field_validator("counter_examples", mode="before")
    @classmethod
    def _plain_strings(cls, value: Any) -> Any:
        return [c["text"] if isinstance(c, dict) and "text" in c else c for c in value or []]


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str
    doc: str | None = None
    # Every rule of the kind starts its match at an anchor: it is tried at anchors only (faster).
    starts_at_anchor: bool = False
    rules: list[Rule]
    line: int = Field(default=0, alias="__line__")

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in KINDS and kind != NEGATIVE:
            raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS + (NEGATIVE,))}")
        return kind


class LexiconTable(BaseModel):
    """Phrases and what they mean; the table's name is also a `{name}` for patterns."""

    model_config = ConfigDict(extra="forbid")

    case: Literal["insensitive", "exact"] = "insensitive"
    doc: str | None = None
    # A table (a generated one, `units_registry.yaml`) whose entries this one starts from; its own entries win.
    base: str | None = None
    entries: dict[str, Any]
    line: int = Field(default=0, alias="__line__")

    _entries = field_validator("entries", mode="before")(without_line_key)


class LexiconFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc: str | None = None
    tables: dict[str, LexiconTable]
    line: int = Field(default=0, alias="__line__")

    _tables = field_validator("tables", mode="before")(without_line_key)


class PatternsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc: str | None = None
    patterns: dict[str, str]
    line: int = Field(default=0, alias="__line__")

    _patterns = field_validator("patterns", mode="before")(without_line_key)


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when present: 5x faster
    """Records the line of every mapping as `__line__`, so errors can point at it."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# YAML 1.1 reads `on`, `no`, `yes`, `off` as booleans; in lexicons they are words (YAML 1.2 agrees).
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver("tag:yaml.org,2002:bool", regex.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                  list("tTfF"))


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def read_yaml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RuleError(path, mark.line + 1 if mark else None, f"not valid YAML: {exc.problem}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(path, None, f"cannot read: {exc}") from None
    if not isinstance(data, dict):
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        line = node.start_mark.line + 1 if node is not None else 1
        raise RuleError(path, line, "expected a mapping at the top of the file")
    return data


def key_lines(path: Path, section: str) -> dict[str, int]:
    """Line of each key of a top-level mapping (`patterns:`), for errors about one entry."""
    node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    for key, value in node.value if isinstance(node, yaml.MappingNode) else ():
        if key.value == section and isinstance(value, yaml.MappingNode):
            return {k.value: k.start_mark.line + 1 for k, _ in value.value}
    return {}


def _validated(model: type[BaseModel], data: dict, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        node: Any = data
        line = data.get("__line__")
        for key in err["loc"]:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(node, dict) and "__line__" in node:
                line = node["__line__"]
        where = ".".join(str(k) for k in err["loc"])
        reason = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        raise RuleError(path, line, f"{where}: {reason}") from None


def load_data_file(model: type[BaseModel], path: Path | str) -> Any:
    """Read and validate a YAML data file (checks, layout cues, attribution), errors with file and line."""
    path = Path(path)
    return _validated(model, read_yaml(path), path)


def single_spaced(text: str) -> str:
    """`" ".join(text.split())`: runs of whitespace as one space, none at the ends. A text whose only
    whitespace is single spaces (every other whitespace character is unprintable) is not split into
    words for it (3x faster on a page's lines)."""
    if text.isprintable() and "  " not in text:
        return text.strip(" ")
    return " ".join(text.split())


def fold(text: str) -> str:
    """The lookup key of a phrase: case, dashes, odd spaces and accents do not matter."""
    return single_spaced(text.translate(_DASHES).replace("\u00a0", " ").casefold())


@dataclass
class Lexicon:
    """All lexicon tables, for patterns (`{table}`) and for normalisation (`lookup`)."""

    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    patterns: dict[str, str] = field(default_factory=dict)
    # The same tables as written in running text (lower case, Capitalised, Title Case, UPPER CASE), with
    # no case folding: for the anchor, lead and cue scans, which the standard engine runs faster so.
    written: dict[str, str] = field(default_factory=dict)
    # Those phrases themselves, for scans that build their own pattern of them.
    written_phrases: dict[str, frozenset[str]] = field(default_factory=dict)

    def add(self, name: str, table: LexiconTable, entries: dict[str, Any] | None = None) -> None:
        """A table, with `entries` in place of its own where given (its base's under its own)."""
        entries = table.entries if entries is None else entries
        self.tables[name] = {fold(k): _strip_lines(v) for k, v in entries.items()}
        phrases = {p.casefold() if table.case == "insensitive" else p for p in entries}
        body = trie_pattern(phrases)
        body = f"(?i:{body})" if table.case == "insensitive" else f"(?:{body})"
        self.patterns[name] = _first_char_guard(phrases, table.case == "insensitive") + body
        if table.case == "insensitive":
            # As running text writes them, and as the entry does ("GDP per capita" is none of the others).
            phrases = {v for p in phrases for v in (p, p.capitalize(), p.title(), p.upper())} | set(entries)
            self.written[name] = _first_char_guard(phrases, False) + "(?:" + trie_pattern(phrases) + ")"
        else:
            # The same pattern: building a long table's trie twice cost seconds (the `entity` table).
            self.written[name] = self.patterns[name]
        self.written_phrases[name] = frozenset(phrases)

    def lookup(self, table: str, phrase: str | None, default: Any = None) -> Any:
        if phrase is None:
            return default
        return self.tables[table].get(fold(phrase), default)

    def has(self, table: str, phrase: str | None) -> bool:
        return phrase is not None and fold(phrase) in self.tables[table]


_SPACE, _DASH, _END = "\x00space", "\x00dash", ""
_ATOM_PATTERN = {_SPACE: r"[\s\u00a0]+", _DASH: "[-\u2010\u2011\u2013]"}


def _atoms(phrase: str) -> list[str]:
    """A phrase as pattern atoms: spaces match any run of spaces, hyphens any dash."""
    atoms: list[str] = []
    for ch in " ".join(phrase.split()):
        if ch == " ":
            atoms.append(_SPACE)
        elif ch in "-\u2010\u2011\u2013":
            atoms.append(_DASH)
        else:
            atoms.append(ch)
    return atoms


def _first_char_guard(phrases: set[str], fold_case: bool) -> str:
    """A lookahead on the characters a phrase can start with: the regex engine
    turns a leading character class into a fast scan, skipping text that cannot
    start the table's phrases (5x faster on month names)."""
    first = {p[0] for p in phrases if p}
    if fold_case:
        first |= {c.upper() for c in first} | {c.lower() for c in first}
    if not first or any(c.isspace() or c in "-\u2010\u2011\u2013" for c in first):
        return ""
    return "(?=[" + "".join(regex.escape(c, special_only=False) for c in sorted(first)) + "])"


def trie_pattern(phrases: set[str], after_first: str = "") -> str:
    """An alternation of phrases as a trie: the regex engine then rejects most
    positions on the first character instead of trying every phrase (10x faster
    on a long lexicon). `after_first` stands after the first atom of every phrase."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for atom in _atoms(phrase):
            node = node.setdefault(atom, {})
        node[_END] = {}

    def emit(node: dict, first: bool = True) -> str:
        branches = [(_ATOM_PATTERN.get(atom) or regex.escape(atom, special_only=False, literal_spaces=False))
                    + (after_first if first else "") + emit(sub, False)
                    for atom, sub in sorted(node.items()) if atom != _END]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy optional: the longer phrase is tried first, the shorter one still matches.
        return f"(?:{body})?" if _END in node else body

    return emit(trie)


@dataclass(eq=False)
class RuleSet:
    """Every rule, compiled: one combined pattern per kind."""

    root: Path
    rules: dict[str, Rule]
    lexicon: Lexicon
    subpatterns: dict[str, str]
    anchor: re.Pattern | regex.Pattern | None = None
    lead: re.Pattern | regex.Pattern | None = None
    combined: dict[str, regex.Pattern] = field(default_factory=dict)
    first_chars: dict[str, StartingChars | None] = field(default_factory=dict)
    anchored_kinds: set[str] = field(default_factory=set)
    fingerprint: str = ""
    markers: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def by_kind(self, kind: str) -> list[Rule]:
        return [r for r in self.rules.values() if r.kind == kind]


def expand(pattern: str, subpatterns: dict[str, str], where: tuple[Path, int], seen: tuple[str, ...] = ()) -> str:
    """Replace every `{name}` by its sub-pattern, recursively."""

    def replace(m: regex.Match) -> str:
        name = m.group(1)
        if name in seen:
            raise RuleError(where[0], where[1], f"sub-pattern {{{name}}} refers to itself")
        if name not in subpatterns:
            raise RuleError(where[0], where[1], f"unknown sub-pattern {{{name}}}")
        return "(?:" + expand(subpatterns[name], subpatterns, where, seen + (name,)) + ")"

    return _NAME.sub(replace, pattern)


def fast_compile(pattern: str, flags: int = 0) -> Pattern:
    """A pattern, compiled as `regex` VERSION1 reads it with `flags`, for searching and matching only: by
    the standard library's engine, which runs most patterns 1.5-2.5x faster, where it reads the pattern the
    same way; else by `regex`: a pattern the standard engine cannot compile (`(?r)`, `\\P{Lu}` in a set),
    or reads otherwise (it warns of a set written as `regex` VERSION1 reads it, `[[a-z]--[aeiou]]`), or a
    flag it lacks. A Unicode property is written out for it (`_spelled_out`)."""
    shared = flags & ~regex.VERSION1
    if not shared & ~_SHARED_FLAGS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", FutureWarning)
                return re.compile(_spelled_out(pattern), shared)
        except (re.error, FutureWarning):
            pass
    return regex.compile(pattern, flags | regex.VERSION1)


# Flags both engines read alike (same values in both).
_SHARED_FLAGS = regex.IGNORECASE | regex.MULTILINE | regex.DOTALL | regex.VERBOSE
_PROPERTY = re.compile(r"\\([pP])\{(\w+)\}")


def pattern_pieces(pattern: str) -> Iterator[tuple[str, bool]]:
    """A pattern's pieces (an escape like `\\p{Lu}` or `\\[` whole, else one character), each with whether
    it stands inside a set, then an empty piece for the end. A `]` right after a set's `[` or `[^` is a
    member, not its end; a set inside a set (`regex` VERSION1) is counted so its `]` does not end the
    outer one."""
    sets = first = i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            prop = _PROPERTY.match(pattern, i)
            piece = prop.group() if prop else pattern[i:i + 2]
        else:
            piece = ch
        yield piece, bool(sets)
        if ch == "[" and not sets:
            sets, first = 1, i + 1
        elif ch == "[":
            sets += 1
        elif ch == "]" and sets and not (i == first or (i == first + 1 and pattern[first] == "^")):
            sets -= 1
        i += len(piece)
    yield "", bool(sets)  # the end: inside a set if one is left open


def _spelled_out(pattern: str) -> str:
    """`\\p{Lu}` and the like as the sets of characters `regex` reads them as, which the standard engine
    reads the same way: `[A-Z...]` alone, its ranges inside a set. A negated property inside a set is left
    (the engine then refuses the pattern)."""
    if "\\p{" not in pattern and "\\P{" not in pattern:
        return pattern
    out = []
    for piece, inside in pattern_pieces(pattern):
        prop = _PROPERTY.fullmatch(piece) if piece.startswith("\\") else None
        if prop is None or (inside and prop.group(1) == "P"):
            out.append(piece)
            continue
        ranges = _property_ranges(prop.group(2))
        out.append(ranges if inside else f"[{'^' if prop.group(1) == 'P' else ''}{ranges}]")
    return "".join(out)


@lru_cache(maxsize=None)
def _property_ranges(name: str) -> str:
    """The characters of a Unicode property as `regex` has them, as ranges inside a set (`A-Z...`)."""
    try:
        found = [ord(c) for c in regex.findall(rf"\p{{{name}}}", _every_character())]
    except regex.error:
        raise re.error(f"unknown property {name}") from None
    ranges: list[list[int]] = []
    for c in found:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return "".join(re.escape(chr(a)) + ("" if a == b else "-" + re.escape(chr(b))) for a, b in ranges)


@lru_cache(maxsize=1)
def _every_character() -> str:
    """Every code point once, surrogates too (built from bytes: 4x faster than joining `chr`s)."""
    codec = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
    return array.array("I", range(sys.maxunicode + 1)).tobytes().decode(codec, "surrogatepass")


def _compile(pattern: str, where: tuple[Path, int], what: str) -> regex.Pattern:
    try:
        compiled = regex.compile(pattern, RULE_FLAGS)
    except regex.error as exc:
        raise RuleError(where[0], where[1], f"{what}: broken pattern: {exc}") from None
    if compiled.fullmatch("") is not None:
        raise RuleError(where[0], where[1], f"{what}: pattern matches the empty string")
    return compiled


def default_rules_dir() -> Path:
    """`$FACTS_RULES`, else the rules shipped inside the package (package data, so a
    plain `pip install` or a wheel has them, whatever folder it runs from)."""
    env = os.environ.get("FACTS_RULES")
    if env:
        return Path(env)
    return Path(str(files(__package__) / "rules"))


def load_rules(root: Path | str | None = None) -> RuleSet:
    """Read, validate and compile every rule file below `root`."""
    root = Path(root) if root is not None else default_rules_dir()
    if not (root / "patterns.yaml").is_file():
        raise RuleError(root, None, "no patterns.yaml here: not a rules folder")
    lexicon = _load_lexicon(root / "lexicon")

    patterns_path = root / "patterns.yaml"
    shared = _validated(PatternsFile, read_yaml(patterns_path), patterns_path)
    subpatterns = dict(lexicon.patterns)
    for name in shared.patterns:
        if name in subpatterns:
            raise RuleError(patterns_path, shared.line, f"sub-pattern {{{name}}} is also a lexicon table")
    subpatterns.update(shared.patterns)

    rules: dict[str, Rule] = {}
    anchored: set[str] = set()
    for path in sorted(root.glob("*.yaml")):
        if path.name in NOT_KIND_FILES:
            continue
        rule_file = _validated(RuleFile, read_yaml(path), path)
        for rule in rule_file.rules:
            if rule.id in rules:
                other = rules[rule.id]
                raise RuleError(path, rule.line, f"duplicate rule id {rule.id!r} (first at {other.path}:{other.line})")
            rule.kind, rule.path = rule_file.kind, str(path)
            rules[rule.id] = rule
        if rule_file.starts_at_anchor:
            anchored.add(rule_file.kind)
    for needed in ("anchor", "lead"):
        if needed not in shared.patterns:
            raise RuleError(patterns_path, shared.line, f"no `{needed}` sub-pattern (see docs/rules.md)")
    written = subpatterns | lexicon.written
    ruleset = RuleSet(root=root, rules=rules, lexicon=lexicon, subpatterns=subpatterns, fingerprint=_fingerprint(root),
                      anchor=_compile_anchor(expand("{anchor}", written, (patterns_path, shared.line))),
                      lead=_compile_anchor(_NOT_IN_A_WORD + "(?:" + expand("{lead}", written,
                                                                          (patterns_path, shared.line)) + ")"),
                      anchored_kinds=anchored)
    _compile_kinds(ruleset)
    return ruleset


def _load_lexicon(folder: Path) -> Lexicon:
    """Every table of every lexicon file; a table with a `base` holds that table's entries under its own."""
    tables: dict[str, tuple[Path, LexiconTable]] = {}
    for path in sorted(folder.glob("*.yaml")):
        lex = _validated(LexiconFile, read_yaml(path), path)
        for name, table in lex.tables.items():
            if name in tables:
                raise RuleError(path, table.line, f"lexicon table {name!r} is also defined in {tables[name][0]}")
            tables[name] = (path, table)
    merged: dict[str, dict[str, Any]] = {}

    def entries(name: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
        if name not in merged:
            path, table = tables[name]
            base = tables.get(table.base, (None, None))[1] if table.base else None
            if table.base and (base is None or table.base in seen or base.case != table.case):
                raise RuleError(path, table.line, f"base {table.base!r}: no table of that name and case, "
                                                  "or one that is based on this one")
            merged[name] = (entries(table.base, seen + (name,)) if base else {}) | table.entries
        return merged[name]

    lexicon = Lexicon()
    for name, (_, table) in tables.items():
        lexicon.add(name, table, entries(name))
    return lexicon


def _fingerprint(root: Path) -> str:
    """A hash of every rule and lexicon file: claims read with other rules are read again."""
    digest = hashlib.blake2b(digest_size=12)
    for path in sorted(root.rglob("*.yaml")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _compile_anchor(pattern: str) -> re.Pattern | regex.Pattern:
    """The standard library's engine scans a plain alternation twice as fast; `regex` if it needs more."""
    try:
        return re.compile(pattern, re.VERBOSE)
    except re.error:
        return regex.compile(pattern, RULE_FLAGS)


def _check_subpattern(name: str, body: str, subpatterns: dict[str, str], path: Path, line: int) -> None:
    """Compile a sub-pattern alone, so an error names its own line; a reference to a group
    that the rules using it define (`(?(between)...)`) is checked with those rules."""
    try:
        regex.compile(expand(body, subpatterns, (path, line)), RULE_FLAGS)
    except regex.error as exc:
        if "unknown group" not in str(exc):
            raise RuleError(path, line, f"sub-pattern {{{name}}}: broken pattern: {exc}") from None


def _compile_kinds(ruleset: RuleSet) -> None:
    """One alternation per kind, higher priority first; a marker group tells which rule matched.

    Compiling a combined pattern costs a second and compiling every rule alone as
    much again, so rules are compiled one by one only to name the culprit when the
    combined pattern fails to compile or matches the empty string.
    """
    for kind in KINDS + (NEGATIVE,):
        rules = sorted(ruleset.by_kind(kind), key=lambda r: -r.priority)
        if not rules:
            continue
        bodies = [expand(r.pattern, ruleset.subpatterns, (Path(r.path), r.line)) for r in rules]
        markers = [(f"_r{i}", rule.id) for i, rule in enumerate(rules)]
        branches = "|".join(f"(?:{body})(?P<{marker}>)" for body, (marker, _) in zip(bodies, markers))
        try:
            combined = regex.compile(guard(bodies) + _NOT_IN_A_WORD + "(?:" + branches + ")", RULE_FLAGS)
        except regex.error:
            combined = None
        empty = combined.fullmatch("") if combined is not None else None
        if combined is None or empty is not None:
            _blame(ruleset, rules, bodies)
            raise RuleError(ruleset.root, None, f"the {kind} rules do not compile together")
        ruleset.combined[kind] = combined
        ruleset.markers[kind] = markers
        ruleset.first_chars[kind] = starting_chars(bodies)


def _blame(ruleset: RuleSet, rules: list[Rule], bodies: list[str]) -> None:
    """Raise the error of the first broken sub-pattern or rule, with its file and line."""
    lines = key_lines(ruleset.root / "patterns.yaml", "patterns")
    for name in lines:
        _check_subpattern(name, ruleset.subpatterns[name], ruleset.subpatterns, ruleset.root / "patterns.yaml",
                          lines[name])
    for rule, body in zip(rules, bodies):
        _compile(body, (Path(rule.path), rule.line), f"rule {rule.id}")


@dataclass(eq=False)
class CheckRules:
    """What checking claims already read needs of a rules folder: its lexicon (the qualifiers'
    intervals) and where its checks are, with no pattern compiled: `check --ledger` starts in a
    fraction of the time and memory of a command that extracts."""

    root: Path
    lexicon: Lexicon


def load_check_rules(root: Path | str | None = None) -> CheckRules:
    root = Path(root) if root is not None else default_rules_dir()
    if not (root / "checks.yaml").is_file():
        raise RuleError(root, None, "no checks.yaml here: not a rules folder")
    return CheckRules(root, _load_lexicon(root / "lexicon"))


def cached_rules(root: str | Path | None = None) -> RuleSet:
    """The rules of a folder, compiled once per process however they are asked for (`cached_rules()`,
    `cached_rules(None)` and the default folder's path are one)."""
    return _compiled(str(Path(root).resolve()) if root else str(default_rules_dir().resolve()))


@lru_cache(maxsize=4)
def _compiled(root: str) -> RuleSet:
    return load_rules(root)


# `facts rules check`: patterns that can backtrack catastrophically.
_QUANTIFIER = regex.compile(r"[*+?]|\{\d*(?:,\d*)?\}")


@dataclass(frozen=True)
class Nesting:
    """An unbounded quantifier applied to a group that holds one: `(?:\\d+\\s?)+`."""

    offset: int
    fragment: str


def _significant(pattern: str, verbose: bool) -> list[tuple[int, str, bool]]:
    """(offset, piece, inside a set) of the pieces that count: in verbose mode, no whitespace or
    comments outside sets."""
    out, offset, comment = [], 0, False
    for piece, inside in pattern_pieces(pattern):
        at, offset = offset, offset + len(piece)
        if not piece:
            break
        if verbose and not inside:
            if comment:
                comment = piece != "\n"
                continue
            if piece == "#":
                comment = True
                continue
            if piece.isspace():
                continue
        out.append((at, piece, inside))
    return out


def nested_quantifiers(pattern: str, verbose: bool = True) -> list[Nesting]:
    """Where an unbounded quantifier (`*`, `+`, `{n,}`) repeats a group that holds an unbounded
    quantifier itself, unless the group is atomic (`(?>...)`) or the outer quantifier possessive (`++`):
    such a pattern can try exponentially many ways to split a text before it fails."""
    pieces = _significant(pattern, verbose)
    found: list[Nesting] = []
    # Per open group: (offset of its `(`, holds an unbounded quantifier, atomic, index of its first piece).
    stack: list[list] = [[0, False, False, 0]]
    closed: list | None = None  # the group that ended just before, for a quantifier after it
    i = 0
    while i < len(pieces):
        at, piece, inside = pieces[i]
        if inside or piece in ("[", "]") and inside:
            closed = None
            i += 1
            continue
        if piece == "(":
            following = "".join(p for _, p, _ in pieces[i + 1:i + 3])
            stack.append([at, False, following.startswith("?>"), i + 1])
            closed = None
            i += 1
            continue
        if piece == ")" and len(stack) > 1:
            closed = stack.pop()
            stack[-1][1] = stack[-1][1] or closed[1]
            i += 1
            continue
        rest = "".join(p for _, p, _ in pieces[i:i + 12])
        quantifier = _QUANTIFIER.match(rest) if not piece.startswith("\\") else None
        if quantifier and piece in "*+?{" and (piece != "{" or quantifier.group() != "{"):
            text = quantifier.group()
            width = len(text)
            unbounded = text in ("*", "+") or (text.startswith("{") and text.rstrip("}").endswith(","))
            possessive = "".join(p for _, p, _ in pieces[i + width:i + width + 1]) == "+"
            if (unbounded and closed is not None and closed[1] and not closed[2] and not possessive
                    and not _splits_one_way(pieces, closed[3], i - 1)):
                end = pieces[i + width - 1][0] + 1
                found.append(Nesting(closed[0], pattern[closed[0]:end]))
            if unbounded:
                stack[-1][1] = True
            # `x*?` (lazy) and `x*+` (possessive): the mark is part of the quantifier.
            i += width + (1 if i + width < len(pieces) and pieces[i + width][1] in "?+" else 0)
            closed = None
            continue
        closed = None
        i += 1
    return found


# The characters an atom's set is probed with: Latin, the spaces and dashes the rules name.
_PROBE = "".join(map(chr, range(0x250))) + "\u2009\u200a\u202f\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u3000"


def _atom_chars(atom: str) -> frozenset[str] | None:
    """The probe characters one atom (`\\d`, `[.,]`, `x`) matches, either case; None if it is no atom."""
    try:
        compiled = regex.compile(atom, regex.VERSION1 | regex.IGNORECASE)
    except regex.error:
        return None
    return frozenset(c for c in _PROBE if compiled.fullmatch(c))


def _splits_one_way(pieces: list[tuple[int, str, bool]], first: int, last: int) -> bool:
    """Whether a repeated group's text splits into its repeats one way only, so nesting is harmless:
    every repeat takes a delimiter no inner repeat can (`_has_delimiter`), or its
    body (pieces `first`..`last`) is a plain sequence of atoms, each at least once, every atom's characters
    apart from the next one's and the last one's from the first one's (`(?:[.,]\\d+)*`, `(?:[A-Z]+\\d+)*`)."""
    body = [p for p in pieces[first:last]]
    if body and body[0][1] == "?" and len(body) > 1 and body[1][1] == ":":
        body = body[2:]
    if _has_delimiter(body):
        return True
    atoms: list[frozenset[str]] = []
    i = 0
    while i < len(body):
        _, piece, inside = body[i]
        if not inside and piece in "()|" and piece:
            return False
        if not inside and piece in "*?":
            return False  # the atom before may be absent
        if not inside and piece == "{":
            close = next((j for j in range(i, len(body)) if body[j][1] == "}"), None)
            if close is None or "".join(p for _, p, _ in body[i + 1:close]).startswith(("0", ",")):
                return False
            i = close + 1
            continue
        if not inside and piece == "+":
            i += 1
            continue
        if piece == "[" and not inside:
            j = i + 1
            while j < len(body) and body[j][2]:
                j += 1
            text = "".join(p for _, p, _ in body[i:j])  # the closing `]` is the last piece inside
            i = j
        else:
            text = piece
            i += 1
        chars = _atom_chars(text)
        if chars is None or not chars:
            return False
        atoms.append(chars)
    return bool(atoms) and all(not (a & b) for a, b in zip(atoms, atoms[1:] + atoms[:1])) and len(atoms) > 1


def _items(body: list[tuple[int, str, bool]]) -> list[tuple[int, int, str]] | None:
    """The top-level items of a group's body: (first piece, end of the item before its quantifier,
    quantifier text); None where the body has a top-level alternative."""
    items: list[tuple[int, int, str]] = []
    i = 0
    while i < len(body):
        _, piece, inside = body[i]
        if not inside and piece == "|":
            return None
        start = i
        if not inside and piece == "(":
            depth = 0
            while i < len(body):
                if not body[i][2] and body[i][1] == "(":
                    depth += 1
                elif not body[i][2] and body[i][1] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                i += 1
            i += 1
        elif not inside and piece == "[":
            i += 1
            while i < len(body) and body[i][2]:
                i += 1
        else:
            i += 1
        rest = "".join(p for _, p, _ in body[i:i + 12])
        q = _QUANTIFIER.match(rest) if i < len(body) and not body[i][2] and body[i][1] in "*+?{" else None
        quantifier, atom_end = q.group() if q else "", i
        i += len(quantifier)
        if quantifier and i < len(body) and body[i][1] in "?+":
            i += 1
        items.append((start, atom_end, quantifier))
    return items


def _repeated_chars(body: list[tuple[int, str, bool]], under: bool = False) -> frozenset[str] | None:
    """The characters any unbounded repeat in `body` can take (atoms in lookarounds left out); None if
    an atom there cannot be read alone."""
    found: set[str] = set()
    alternatives, depth, start = [], 0, 0
    for k, (_, piece, inside) in enumerate(body):
        depth += {"(": 1, ")": -1}.get(piece, 0) if not inside else 0
        if piece == "|" and not inside and depth == 0:
            alternatives.append(body[start:k])
            start = k + 1
    if alternatives:
        alternatives.append(body[start:])
        for alternative in alternatives:
            chars = _repeated_chars(alternative, under)
            if chars is None:
                return None
            found |= chars
        return frozenset(found)
    for start, end, quantifier in _items(body) or []:
        unbounded = under or quantifier in ("*", "+") or quantifier.rstrip("}").endswith(",") and quantifier != ""
        piece = body[start][1]
        if piece == "(" and not body[start][2]:
            inner = body[start + 1:end - 1]
            text = "".join(p for _, p, _ in inner[:3])
            if text.startswith(("?=", "?!", "?<=", "?<!")):
                continue
            if text.startswith(("?:", "?>", "?P")) or (text.startswith("?") and ":" in text):
                skip = next((k + 1 for k, (_, p, _) in enumerate(inner) if p in ":>"), 0)
                if text.startswith("?P"):
                    skip = next((k + 1 for k, (_, p, _) in enumerate(inner) if p == ">"), 0)
                inner = inner[skip:]
            chars = _repeated_chars(inner, unbounded)
            if chars is None:
                return None
            found |= chars
        elif unbounded:
            atom = _atom_chars("".join(p for _, p, _ in body[start:end]))
            if atom is None:
                return None
            found |= atom
    return frozenset(found)


def _first_chars(text: str) -> frozenset[str] | None:
    """The probe characters a match of `text` (a pattern) can start with."""
    try:
        compiled = regex.compile(text, RULE_FLAGS | regex.IGNORECASE)
    except regex.error:
        return None
    return frozenset(c for c in _PROBE if compiled.fullmatch(c, partial=True) is not None)


def _has_delimiter(body: list[tuple[int, str, bool]]) -> bool:
    """Whether every repeat of the body must take a piece (a comma, a unit word) whose first character no
    unbounded repeat inside can take: repeats are then told apart by it, however the rest splits."""
    items = _items(body)
    repeated = _repeated_chars(body) if items is not None else None
    if items is None or repeated is None:
        return False
    for start, end, quantifier in items:
        if quantifier in ("*", "?", "*?", "??", "*+", "?+") or quantifier.startswith(("{0", "{,")):
            continue
        text = "".join(p for _, p, _ in body[start:end])
        first = _first_chars(text)
        if first and not first & repeated:
            return True
    return False


@dataclass(frozen=True)
class RuleProblem:
    path: str
    line: int
    what: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}: {self.reason}"


def check_rules(root: Path | str | None = None) -> list[RuleProblem]:
    """Every rule and sub-pattern whose pattern nests unbounded quantifiers, with file and line; a
    rules folder that does not load raises RuleError as `load_rules` does. Patterns are checked with
    their `{name}`s expanded; a nesting is reported once, where it is first found (sub-patterns first, so
    a rule using a bad `{name}` is not blamed again)."""
    ruleset = load_rules(root)
    problems: list[RuleProblem] = []

    seen: set[str] = set()

    def report(path: Path | str, line: int, what: str, pattern: str) -> None:
        for nesting in nested_quantifiers(expand(pattern, ruleset.subpatterns, (Path(path), line))):
            if nesting.fragment in seen:
                continue  # a sub-pattern's, reported where it is written
            seen.add(nesting.fragment)
            fragment = nesting.fragment
            if len(fragment) > 120:  # a sub-pattern written out is long; its ends say where it is
                fragment = fragment[:70] + " ... " + fragment[-40:]
            problems.append(RuleProblem(str(path), line, what,
                                        f"nested unbounded quantifiers in {fragment!r} (can backtrack "
                                        "catastrophically: bound the inner or outer repeat, or make it atomic "
                                        "(?>...) or possessive ++)"))

    patterns_path = ruleset.root / "patterns.yaml"
    lines = key_lines(patterns_path, "patterns")
    shared = _validated(PatternsFile, read_yaml(patterns_path), patterns_path)
    for name, body in shared.patterns.items():
        report(patterns_path, lines.get(name, shared.line), f"sub-pattern {{{name}}}", body)
    for rule in ruleset.rules.values():
        report(rule.path, rule.line, f"rule {rule.id}", rule.pattern)
    return problems
