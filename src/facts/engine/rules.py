"""Load the rule files (`rules/` inside the package), check them, and compile them: one combined pattern per
kind, the anchor and lead scans, and the sub-patterns rules share.

Rules are data: a YAML file per kind, shared named sub-patterns in `patterns.yaml` and lexicons in
`lexicon/`. Everything a rule author can get wrong (an unknown key, a pattern that does not compile or
matches the empty string, an unknown `{name}`, a duplicate id) is reported with file and line.
"""
from __future__ import annotations

import array
import hashlib
import os
import re
import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache, partial
from importlib.resources import files
from pathlib import Path
from typing import Any

import regex
import yaml

from ..models import KINDS
from .anchor_words import factored_anchor
from .compiled import compile_re, compile_regex, pattern_cache
from .lexicon import Lexicon
from .pattern_text import PROPERTY, pattern_pieces, top_level_alternatives
from .prefilter import StartingChars, ahead_of_exclusion, guard, starting_chars
from .rulefiles import (
    NEGATIVE,
    LexiconFile,
    LexiconTable,
    PatternsFile,
    Rule,
    RuleError,
    RuleFile,
    TokenInText,
    _construct_mapping,
    _LineLoader,
    key_lines,
    read_yaml,
    validated,
)
from .tokens import AT_START, COVERS, FIRST_MARKS, IN_TEXT, NumberPass, TokenClass, token_subpatterns
from .tokens import MAX_CLASSES as MAX_TOKEN_CLASSES

# Files beside the kind files that are not rules of a kind: sub-patterns, and the checks (facts.checks).
NOT_KIND_FILES = frozenset({"patterns.yaml", "checks.yaml"})
RULE_FLAGS = regex.VERBOSE | regex.VERSION1
# A compiled pattern of either engine (`fast_compile`).
Pattern = re.Pattern | regex.Pattern
# No mention starts inside a word: checked once, before any rule is tried, not by every rule.
_NOT_IN_A_WORD = r"(?<![^\W\d_])"
# The characters the standard library's engine reads as word characters and `regex` does not.
_READ_APART = regex.compile(r"\p{No}")
_NAME = regex.compile(r"\{([a-z_][a-z0-9_]*)\}")
# One side of a kind's part (`_part`): its pattern and its rules' markers as (index among the kind's markers,
# marker).
Side = tuple[regex.Pattern, list[tuple[int, str]]]


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# YAML 1.1 reads `on`, `no`, `yes`, `off` as booleans; in lexicons they are words (YAML 1.2 agrees).
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver("tag:yaml.org,2002:bool", regex.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                  list("tTfF"))


@dataclass(eq=False)
class RuleSet:
    """Every rule, compiled: one combined pattern per kind."""

    root: Path
    rules: dict[str, Rule]
    lexicon: Lexicon
    subpatterns: dict[str, str]
    anchor: re.Pattern | regex.Pattern | None = None
    lead: re.Pattern | regex.Pattern | None = None
    # The two as written, compiled by `regex` for a text that the engines read apart (`start_scans`).
    anchor_written: str = ""
    lead_written: str = ""
    _exact_scans: tuple[regex.Pattern, regex.Pattern] | None = None
    combined: KindPatterns = field(default_factory=lambda: KindPatterns())
    first_chars: dict[str, StartingChars | None] = field(default_factory=dict)
    anchored_kinds: set[str] = field(default_factory=set)
    fingerprint: str = ""
    markers: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # The number pass, and the kinds with rules that run over the text with its numbers masked (`on_tokens`).
    number_pass: NumberPass | None = None
    token_kinds: set[str] = field(default_factory=set)
    # Per kind, its parts by whether they read the number tokens (`Rule.on_tokens`), each split by where its
    # rules start: a pattern of those that can start at a number (a digit or a number token's marker, True)
    # and one of those that can start elsewhere (False), or one tried everywhere (None) (`_part`).
    parts: dict[str, dict[bool, dict[bool | None, Side | None]]] = field(default_factory=dict)

    def by_kind(self, kind: str) -> list[Rule]:
        return [r for r in self.rules.values() if r.kind == kind]

    def bodies(self, kind: str) -> list[str]:
        """The kind's patterns as compiled, higher priority first (the order of its `markers`)."""
        return [ahead_of_exclusion(expand(r.pattern, self.subpatterns, (Path(r.path), r.line)))
                for r in sorted(self.by_kind(kind), key=lambda r: -r.priority)]

    def start_scans(self, text: str) -> tuple[Pattern, Pattern]:
        """The anchor and lead scans for `text`. The standard library's engine reads `\\w` otherwise than
        `regex`, which runs the rules, on other numbers (`²`, `½`): `x²Q1` has no word boundary before `Q`
        for it. Where the text holds one, the scans are `regex`'s, so no mention the rules find is missed."""
        if isinstance(self.anchor, regex.Pattern) or _READ_APART.search(text) is None:
            return self.anchor, self.lead
        if self._exact_scans is None:
            self._exact_scans = (compile_regex(self.anchor_written, RULE_FLAGS),
                                 compile_regex(self.lead_written, RULE_FLAGS))
        return self._exact_scans


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
    the standard library's engine, which runs most patterns faster, where it reads the pattern the
    same way; else by `regex`: a pattern the standard engine cannot compile (`(?r)`, `\\P{Lu}` in a set),
    or reads otherwise (it warns of a set written as `regex` VERSION1 reads it, `[[a-z]--[aeiou]]`), or a
    flag it lacks. A Unicode property is written out for it (`_spelled_out`)."""
    shared = flags & ~regex.VERSION1
    if not shared & ~_SHARED_FLAGS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", FutureWarning)
                return compile_re(_spelled_out(pattern), shared)
        except (re.error, FutureWarning):
            pass
    return compile_regex(pattern, flags | regex.VERSION1)


# Flags both engines read alike (same values in both).
_SHARED_FLAGS = regex.IGNORECASE | regex.MULTILINE | regex.DOTALL | regex.VERBOSE


def _spelled_out(pattern: str) -> str:
    """`\\p{Lu}` and the like as the sets of characters `regex` reads them as, which the standard engine
    reads the same way: `[A-Z...]` alone, its ranges inside a set. A negated property inside a set is left
    (the engine then refuses the pattern)."""
    if "\\p{" not in pattern and "\\P{" not in pattern:
        return pattern
    out = []
    for piece, inside in pattern_pieces(pattern):
        prop = PROPERTY.fullmatch(piece) if piece.startswith("\\") else None
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
    """Every code point once, surrogates too (built from bytes, not by joining a million `chr`s)."""
    codec = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
    return array.array("I", range(sys.maxunicode + 1)).tobytes().decode(codec, "surrogatepass")


def compile_checked(pattern: str, where: tuple[Path, int], what: str, flags: int = RULE_FLAGS) -> regex.Pattern:
    """A pattern of a rule file compiled by `regex`; one that is broken or matches the empty string is a
    RuleError naming the file, the line and `what`."""
    try:
        compiled = compile_regex(pattern, flags)
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
    return Path(str(files("facts") / "rules" / "en"))


def load_rules(root: Path | str | None = None) -> RuleSet:
    """Read, validate and compile every rule file below `root`."""
    root = Path(root) if root is not None else default_rules_dir()
    if not (root / "patterns.yaml").is_file():
        raise RuleError(root, None, "no patterns.yaml here: not a rules folder")
    lexicon = _load_lexicon(root / "lexicon")

    patterns_path = root / "patterns.yaml"
    shared = validated(PatternsFile, read_yaml(patterns_path), patterns_path)
    subpatterns = dict(lexicon.patterns)
    for name in shared.patterns:
        if name in subpatterns:
            raise RuleError(patterns_path, shared.line, f"sub-pattern {{{name}}} is also a lexicon table")
    subpatterns.update(shared.patterns)
    token_spec = dict(shared.tokens)
    class_names = [name for name in token_spec if name != "number"]
    generated = token_subpatterns(class_names)
    for name in generated:
        if name in subpatterns:
            raise RuleError(patterns_path, shared.line, f"sub-pattern {{{name}}} is the number pass's (tokens:)")
    subpatterns.update(generated)

    rules: dict[str, Rule] = {}
    anchored: set[str] = set()
    on_tokens: set[str] = set()
    for path in sorted(root.glob("*.yaml")):
        if path.name in NOT_KIND_FILES:
            continue
        rule_file = validated(RuleFile, read_yaml(path), path)
        for rule in rule_file.rules:
            if rule.id in rules:
                other = rules[rule.id]
                raise RuleError(path, rule.line, f"duplicate rule id {rule.id!r} (first at {other.path}:{other.line})")
            rule.kind, rule.path = rule_file.kind, str(path)
            if rule.on_tokens is None:
                rule.on_tokens = rule_file.on_tokens
            if rule.on_tokens:
                on_tokens.add(rule_file.kind)
            rules[rule.id] = rule
        if rule_file.starts_at_anchor:
            anchored.add(rule_file.kind)
    for needed in ("anchor", "lead"):
        if needed not in shared.patterns:
            raise RuleError(patterns_path, shared.line, f"no `{needed}` sub-pattern (see docs/rules.md)")
    written = subpatterns | lexicon.written
    anchor = expand("{anchor}", written, (patterns_path, shared.line))
    expanded = partial(expand, subpatterns=written, where=(patterns_path, shared.line))
    lead = _NOT_IN_A_WORD + "(?:" + expand("{lead}", written, (patterns_path, shared.line)) + ")"
    ruleset = RuleSet(root=root, rules=rules, lexicon=lexicon, subpatterns=subpatterns, fingerprint=_fingerprint(root),
                      anchor=_compile_anchor(factored_anchor(shared.patterns["anchor"], lexicon, expanded) or anchor),
                      lead=_compile_anchor(lead),
                      anchor_written=anchor, lead_written=lead,
                      anchored_kinds=anchored, token_kinds=on_tokens,
                      number_pass=_number_pass(token_spec, class_names, subpatterns, patterns_path, shared.line))
    if on_tokens and ruleset.number_pass is None:
        raise RuleError(patterns_path, shared.line, "kinds say `on_tokens` but `tokens:` has no `number`")
    _compile_kinds(ruleset)
    return ruleset


def _number_pass(spec: dict[str, str | TokenInText], class_names: list[str], subpatterns: dict[str, str],
                 path: Path, line: int) -> NumberPass | None:
    """The number pattern and the token classes of `tokens:` in patterns.yaml, compiled."""
    if "number" not in spec:
        return None
    if len(class_names) > MAX_TOKEN_CLASSES:
        raise RuleError(path, line, f"tokens: at most {MAX_TOKEN_CLASSES} classes")
    lines = key_lines(path, "tokens")
    written = {name: body.in_text if isinstance(body, TokenInText) else body for name, body in spec.items()}

    def compiled(name: str, may_be_empty: bool = False) -> regex.Pattern:
        where = (path, lines.get(name, line))
        body = expand(written[name], subpatterns, where)
        if not may_be_empty:
            return compile_checked(body, where, f"tokens: {name}")
        try:
            return compile_regex(body, RULE_FLAGS)
        except regex.error as exc:
            raise RuleError(where[0], where[1], f"tokens: {name}: broken pattern: {exc}") from None

    classes = []
    for bit, name in enumerate(class_names):
        # A look-ahead is tried at the token's start and may look past its end; one `in_text` reads the text
        # from the token's start to its end; else it covers the token.
        if isinstance(spec[name], TokenInText):
            how = IN_TEXT
        else:
            how = AT_START if written[name].lstrip().startswith(("(?=", "(?!")) else COVERS
        pattern = compiled(name, may_be_empty=how == AT_START)
        classes.append(TokenClass(name, bit, pattern.fullmatch if how == COVERS else pattern.match, how))
    number = compiled("number")
    return NumberPass(number.match, number.fullmatch, classes)


def _load_lexicon(folder: Path) -> Lexicon:
    """Every table of every lexicon file; a table with a `base` holds that table's entries under its own."""
    tables: dict[str, tuple[Path, LexiconTable]] = {}
    for path in sorted(folder.glob("*.yaml")):
        lex = validated(LexiconFile, read_yaml(path), path)
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
    """The standard library's engine, which scans a plain alternation faster; `regex` if it needs more."""
    try:
        return compile_re(_guarded_word_starts(pattern), re.VERBOSE)
    except re.error:
        return compile_regex(pattern, RULE_FLAGS)


def _guarded_word_starts(pattern: str) -> str:
    """The anchor with a look-ahead on its first characters after each alternative's leading `\\b`.

    The standard engine tries every alternative at every word boundary, the ends of words too; the
    word alternative is itself an alternation of lexicon tables, each behind its own look-ahead, so at
    a boundary before a space or a word no table starts with, one look-ahead now fails for all of them.
    The look-ahead is what the alternative needs anyway: the positions found are the same."""
    alternatives = top_level_alternatives(pattern)
    if alternatives is None:
        return pattern
    guarded = []
    for alternative in alternatives:
        if alternative.startswith("\\b") and (ahead := guard([alternative[2:]])):
            alternative = "\\b" + ahead + alternative[2:]
        guarded.append(alternative)
    return "(?:" + "|".join(guarded) + ")"


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
    combined pattern fails to compile or matches the empty string. A kind's rules that read the number
    tokens and those that read the text as written (`Rule.on_tokens`) are scanned as two parts, over
    the masked views and over the text; each part split by where its rules start (`_by_start`) is
    matched by its sides' patterns only. The kind's whole pattern is compiled here when it is the
    pattern scanned, else only when something asks for it (`KindPatterns`).
    """
    for kind in KINDS + (NEGATIVE,):
        rules = sorted(ruleset.by_kind(kind), key=lambda r: -r.priority)
        if not rules:
            continue
        bodies = ruleset.bodies(kind)
        markers = [(f"_r{i}", rule.id) for i, rule in enumerate(rules)]
        ruleset.markers[kind] = markers
        ruleset.first_chars[kind] = starting_chars(bodies)
        whole = _alternation(bodies, markers)
        groups = {flag: [i for i, rule in enumerate(rules) if bool(rule.on_tokens) is flag] for flag in (False, True)}
        parts = {flag: _part(bodies, markers, chosen, kind != NEGATIVE)
                 for flag, chosen in groups.items() if chosen}
        if all(parts.values()):
            only = next(iter(parts.values())) if len(parts) == 1 else None
            if only is not None and None in only:
                ruleset.combined[kind] = only[None][0]  # the kind's one pattern, tried everywhere
            else:
                ruleset.combined.later(kind, lambda whole=whole: compile_regex(whole, RULE_FLAGS))
            ruleset.parts[kind] = parts
            continue
        try:
            combined = compile_regex(whole, RULE_FLAGS)
        except regex.error:
            combined = None
        empty = combined.fullmatch("") if combined is not None else None
        if combined is None or empty is not None:
            _blame(ruleset, rules, bodies)
            raise RuleError(ruleset.root, None, f"the {kind} rules do not compile together")
        if len(parts) > 1:
            raise RuleError(ruleset.root, None, f"the {kind} rules on tokens and on the text do not compile apart")
        ruleset.combined[kind] = combined  # one part that does not compile split: the kind as one pattern
        ruleset.parts[kind] = {flag: {None: (combined, [(i, name) for i, (name, _) in enumerate(markers)])}
                               for flag in parts}


def _part(bodies: list[str], markers: list[tuple[str, str]], chosen: list[int],
          split: bool) -> dict[bool | None, Side | None] | None:
    """The rules `chosen` of a kind (by index) compiled for the scan: split by where they start
    (`_by_start`) into the side that starts at a number (True) and the other (False), each None where no
    rule is on it; else one pattern tried everywhere (None). None when a pattern does not compile or
    matches the empty string (the kind's pattern then names the culprit)."""
    sides_of = _by_start([bodies[i] for i in chosen]) if split else None
    sides_of = {None: list(range(len(chosen)))} if sides_of is None else sides_of
    found: dict[bool | None, Side | None] = {}
    for side, local in sides_of.items():
        if local is None:
            found[side] = None
            continue
        indices = [chosen[i] for i in local]
        try:
            pattern = compile_regex(_alternation([bodies[i] for i in indices], [markers[i] for i in indices]),
                                    RULE_FLAGS)
        except regex.error:
            return None
        if pattern.fullmatch("") is not None:
            return None
        found[side] = (pattern, [(i, markers[i][0]) for i in indices])
    return found


def _alternation(bodies: list[str], markers: list[tuple[str, str]]) -> str:
    """The rules' bodies as one pattern, each marked, behind their start guard."""
    branches = "|".join(f"(?:{body})(?P<{marker}>)" for body, (marker, _) in zip(bodies, markers))
    return guard(bodies) + _NOT_IN_A_WORD + "(?:" + branches + ")"


class KindPatterns(Mapping):
    """Each kind's combined pattern, in the order the kinds were added. One added `later` is compiled
    when first asked for: the scan of a split kind needs only its parts' patterns (`RuleSet.parts`),
    and compiling its whole pattern too would make a start with a cold cache compile its rules twice."""

    def __init__(self):
        self._patterns: dict[str, regex.Pattern | None] = {}
        self._later: dict[str, Any] = {}

    def __setitem__(self, kind: str, pattern: regex.Pattern) -> None:
        self._patterns[kind] = pattern
        self._later.pop(kind, None)

    def later(self, kind: str, make) -> None:
        self._patterns[kind] = None
        self._later[kind] = make

    def __getitem__(self, kind: str) -> regex.Pattern:
        pattern = self._patterns[kind]
        if pattern is None:
            pattern = self._patterns[kind] = self._later[kind]()
        return pattern

    def __iter__(self):
        return iter(self._patterns)

    def __len__(self) -> int:
        return len(self._patterns)


def at_number(ch: str) -> bool:
    """Whether a position whose character is `ch` starts a number: a digit or a number token's marker."""
    return ch.isdecimal() or ch in FIRST_MARKS


def _by_start(bodies: list[str]) -> dict[bool, list[int] | None] | None:
    """The kind's rules split by where they can start, at a number (`at_number`) or elsewhere: each
    side's rules by index, in the kind's order (None for a side of no rule). Each side's pattern holds
    its rules in the same order behind the same guard, so at a position either side gives the match of
    the first rule that matches there, as the kind's pattern does: a rule that cannot start with the
    position's character cannot match there. The engine enters every rule's branch at every position it
    is tried at (most rules start with a look-behind or an optional word), so the rules of the other
    side cost it work at each. None where a rule's first characters are unbounded or no side leaves a
    rule out."""
    firsts = [starting_chars([body]) for body in bodies]
    if any(first is None for first in firsts):
        return None
    number = [first.digits or any(at_number(c) for c in first.chars) for first in firsts]
    other = [any(not at_number(c) for c in first.chars) for first in firsts]
    if all(number) and all(other):
        return None
    return {side: [i for i, kept in enumerate(keep) if kept] or None for side, keep in ((True, number), (False, other))}


def _blame(ruleset: RuleSet, rules: list[Rule], bodies: list[str]) -> None:
    """Raise the error of the first broken sub-pattern or rule, with its file and line."""
    lines = key_lines(ruleset.root / "patterns.yaml", "patterns")
    for name in lines:
        _check_subpattern(name, ruleset.subpatterns[name], ruleset.subpatterns, ruleset.root / "patterns.yaml",
                          lines[name])
    for rule, body in zip(rules, bodies):
        compile_checked(body, (Path(rule.path), rule.line), f"rule {rule.id}")


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
    ruleset = load_rules(root)
    pattern_cache().save()  # now, not only at exit: a run killed later leaves the next start quick
    return ruleset
