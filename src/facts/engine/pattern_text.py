"""A pattern's text read piece by piece: where its escapes, sets and groups are, without compiling it."""
from __future__ import annotations

import re
from collections.abc import Iterator

# A Unicode property (`\\p{Lu}`, `\\P{L}`) written as one escape.
PROPERTY = re.compile(r"\\([pP])\{(\w+)\}")


def pattern_pieces(pattern: str) -> Iterator[tuple[str, bool]]:
    """A pattern's pieces (an escape like `\\p{Lu}` or `\\[` whole, else one character), each with whether
    it stands inside a set, then an empty piece for the end. A `]` right after a set's `[` or `[^` is a
    member, not its end; a set inside a set (`regex` VERSION1) is counted so its `]` does not end the
    outer one."""
    sets = first = i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            prop = PROPERTY.match(pattern, i)
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


def top_level_alternatives(pattern: str) -> list[str] | None:
    """The alternatives of a pattern written as one group `(?:a|b|...)`, or None when it is not."""
    if not pattern.startswith("(?:"):
        return None
    pieces = list(pattern_pieces(pattern))[3:]
    alternatives: list[str] = []
    current: list[str] = []
    depth = 1
    for i, (piece, inside) in enumerate(pieces):
        if not inside and piece == "#":  # a comment (verbose) may hold anything
            return None
        if not inside and piece == "(":
            depth += 1
        elif not inside and piece == ")":
            depth -= 1
            if depth == 0:
                if any(rest for rest, _ in pieces[i + 1:]):
                    return None
                return alternatives + ["".join(current)]
        elif not inside and piece == "|" and depth == 1:
            alternatives.append("".join(current))
            current = []
            continue
        current.append(piece)
    return None


def group_end(pattern: str, start: int) -> int | None:
    """Where the group that opens at `start` ends (just after its `)`), or None when it is not closed."""
    depth, at = 0, start
    for piece, inside in pattern_pieces(pattern[start:]):
        at += len(piece)
        if inside:
            continue
        if piece == "(":
            depth += 1
        elif piece == ")":
            depth -= 1
            if depth == 0:
                return at
    return None
