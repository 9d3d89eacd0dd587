"""Lexicon tables: phrases for patterns (`{table}`, compiled as tries) and for normalisation (`lookup`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import regex

from .compiled import remembered
from .rulefiles import LexiconTable, strip_lines

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")


def single_spaced(text: str) -> str:
    """`" ".join(text.split())`: runs of whitespace as one space, none at the ends. A text whose only
    whitespace is single spaces (every other whitespace character is unprintable) is not split into
    words for it: most lines of a page are such."""
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
        self.tables[name] = {fold(k): strip_lines(v) for k, v in entries.items()}
        phrases = {p.casefold() if table.case == "insensitive" else p for p in entries}
        body = trie_pattern(phrases)
        body = f"(?i:{body})" if table.case == "insensitive" else f"(?:{body})"
        self.patterns[name] = _first_char_guard(phrases, table.case == "insensitive") + body
        if table.case == "insensitive":
            # As running text writes them, and as the entry does ("GDP per capita" is none of the others).
            phrases = {v for p in phrases for v in (p, p.capitalize(), p.title(), p.upper())} | set(entries)
            self.written[name] = _first_char_guard(phrases, False) + "(?:" + trie_pattern(phrases) + ")"
        else:
            # The same pattern: no second trie of a long table (the `entity` table).
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
    start the table's phrases."""
    first = {p[0] for p in phrases if p}
    if fold_case:
        first |= {c.upper() for c in first} | {c.lower() for c in first}
    if not first or any(c.isspace() or c in "-\u2010\u2011\u2013" for c in first):
        return ""
    return "(?=[" + "".join(regex.escape(c, special_only=False) for c in sorted(first)) + "])"


def trie_pattern(phrases: set[str], after_first: str = "") -> str:
    """An alternation of phrases as a trie: the regex engine then rejects most
    positions on the first character instead of trying every phrase of a long
    lexicon. `after_first` stands after the first atom of every phrase. Built once and kept
    (`compiled.remembered`): a start would otherwise spend a fifth of its time building tries."""
    ordered = sorted(phrases)
    return remembered(__file__, after_first + "\0\0" + "\0".join(ordered), lambda: _built_trie(ordered, after_first))


def trie_rests(phrases: set[str]) -> dict[str, str] | None:
    """`trie_pattern(phrases)` by first character: for each character a phrase starts with, the pattern of
    the rests of those phrases; None where a phrase starts with a space or a dash (atoms of more than
    one character). Kept like `trie_pattern`."""
    ordered = sorted(phrases)
    return remembered(__file__, "rests\0\0" + "\0".join(ordered), lambda: _built_rests(ordered))


def _built_rests(phrases: list[str]) -> dict[str, str] | None:
    trie = _trie(phrases)
    if _END in trie or any(atom in _ATOM_PATTERN for atom in trie):
        return None
    return {atom: _emit(sub, "", False) for atom, sub in sorted(trie.items())}


def _built_trie(phrases: list[str], after_first: str) -> str:
    return _emit(_trie(phrases), after_first, True)


def _trie(phrases: list[str]) -> dict:
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for atom in _atoms(phrase):
            node = node.setdefault(atom, {})
        node[_END] = {}
    return trie


def _emit(node: dict, after_first: str, first: bool) -> str:
    branches = [(_ATOM_PATTERN.get(atom) or regex.escape(atom, special_only=False, literal_spaces=False))
                + (after_first if first else "") + _emit(sub, after_first, False)
                for atom, sub in sorted(node.items()) if atom != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # Greedy optional: the longer phrase is tried first, the shorter one still matches. Written as an
    # alternation with the empty string, not `(?:...)?`: the same matches, but `regex` pays every call
    # into a pattern a little for each repeat it holds, and a rule with a few tables holds a thousand.
    return f"(?:{body}|)" if _END in node else body
