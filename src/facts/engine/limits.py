"""`facts rules check`: patterns that can backtrack catastrophically (nested unbounded quantifiers),
found before a rule runs, with file and line."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import regex

from .rulefiles import PatternsFile, key_lines, read_yaml, validated
from .rules import RULE_FLAGS, expand, load_rules, pattern_pieces

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
    shared = validated(PatternsFile, read_yaml(patterns_path), patterns_path)
    for name, body in shared.patterns.items():
        report(patterns_path, lines.get(name, shared.line), f"sub-pattern {{{name}}}", body)
    for rule in ruleset.rules.values():
        report(rule.path, rule.line, f"rule {rule.id}", rule.pattern)
    return problems
