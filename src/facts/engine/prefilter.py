"""The characters a pattern can start with, as a fast-scan guard.

The regex engine skips quickly through text when a pattern begins with a
character class, but not when it begins with an alternation of rules (each
rule starting with a lexicon word, a digit or a symbol). Prefixing the
combined pattern of a kind with a lookahead on the union of its rules' first
characters gives it that fast scan back. The
guard only ever narrows where matching is tried; where a first set cannot be
worked out, there is no guard and nothing changes.

The first sets are read off CPython's own pattern parser (`re._parser`), which is
private: on a Python where it is missing or has changed shape, there are no guards,
and matching is as right as before, only slower. `tests/test_matching.py` checks
that the guards work on the Python that runs the tests (the lowest supported, 3.11,
in CI).
"""
from __future__ import annotations

import re
from typing import NamedTuple

import regex

from .compiled import remembered
from .pattern_text import group_end, pattern_pieces
from .tokens import FIRST_MARKS as _FIRST_MARKS

try:
    import re._constants as sre
    import re._parser as sre_parse
except ImportError:  # not this CPython's private modules: no guards
    sre = sre_parse = None

_DIGIT = "\\d"
# The markers of number tokens (engine/tokens.py), counted as one member like `\d`: a set of many.
_MARKER = "".join(f"\\u{ord(c):04X}" for c in sorted(_FIRST_MARKS))
_MAX_CHARS = 120
_MAX_NEEDED = 8
_MIN_RUN = 4
_GROUP_NAME = regex.compile(r"\(\?P<([^>]+)>|\(\?\(([A-Za-z_]\w*)\)|\(\?P=([A-Za-z_]\w*)\)")
_UNBOUNDED = None


def _misread(pattern: str) -> bool:
    """Whether a set uses the `regex` module's own syntax, which CPython's parser reads as members: a set
    inside a set or a set operation (`[\\w--\\d]`, `[[a-z]&&[^x]]`, `||`, `~~`)."""
    previous = ""
    for piece, inside in pattern_pieces(pattern):
        if inside and (piece == "[" or previous + piece in ("--", "&&", "||", "~~")):
            return True
        previous = piece if inside else ""
    return False


def first_chars(pattern: str, flags: int = re.VERBOSE) -> frozenset[str] | None:
    """The set of first characters of `pattern` (`\\d` for any digit), or None when unbounded."""
    if sre_parse is None or _misread(pattern):
        return _UNBOUNDED
    try:
        parsed = sre_parse.parse(_unique_group_names(pattern), flags)
        chars, nullable = _sequence(list(parsed), bool(flags & re.IGNORECASE))
    except (re.error, RecursionError, OverflowError):
        return _UNBOUNDED
    except (AttributeError, TypeError, ValueError):  # a parser of another shape than this module reads
        return _UNBOUNDED
    if chars is _UNBOUNDED or nullable or len(chars) > _MAX_CHARS:
        return _UNBOUNDED
    return frozenset(chars)


class NeededBefore(NamedTuple):
    """What must stand just before a match: one of `chars`, or the text's start where `or_start`."""

    chars: frozenset[str]
    or_start: bool


def needed_before(pattern: str, flags: int = re.VERBOSE) -> NeededBefore | None:
    """What a match of `pattern` needs just before its start, where the pattern opens with a look-behind
    on one character of a few (`(?<==)`), or a negative one on all but a few (`(?<![^\\n])`, which
    the text's start passes too); else None."""
    if sre_parse is None or _misread(pattern):
        return None
    try:
        op, (direction, inner) = list(sre_parse.parse(_unique_group_names(pattern), flags))[0]
        (inner_op, inner_av), = list(inner)
        if direction != -1 or op not in (sre.ASSERT, sre.ASSERT_NOT):
            return None
        if inner_op in (sre.LITERAL, sre.NOT_LITERAL):
            members, negated = [(sre.LITERAL, inner_av)], inner_op is sre.NOT_LITERAL
        else:
            members = list(inner_av) if inner_op is sre.IN else []
            negated = bool(members) and members[0][0] is sre.NEGATE
            members = members[1:] if negated else members
    except (re.error, RecursionError, OverflowError, AttributeError, TypeError, ValueError, IndexError):
        return None
    chars = frozenset(chr(av) for member, av in members if member is sre.LITERAL)
    if not members or len(chars) < len(members) or len(chars) > _MAX_NEEDED or negated is (op is sre.ASSERT):
        return None
    if any(c.lower() != c.upper() for c in chars):  # a letter the engine may read in either case
        return None
    return NeededBefore(chars, op is sre.ASSERT_NOT)


class NeededRun(NamedTuple):
    """A run every match consumes: `length` characters in a row of `chars` (`\\d` for any digit)."""

    chars: frozenset[str]
    length: int


def needed_run(pattern: str, flags: int = re.VERBOSE) -> NeededRun | None:
    """The longest run of characters of one set that every match of `pattern` consumes (`[0-9a-f]{7,}`),
    where it is at least _MIN_RUN long; else None."""
    if sre_parse is None or _misread(pattern):
        return None
    try:
        parsed = sre_parse.parse(_unique_group_names(pattern), flags)
        run = _run(list(parsed), bool(parsed.state.flags & re.IGNORECASE))
    except (re.error, RecursionError, OverflowError, AttributeError, TypeError, ValueError, IndexError):
        return None
    return run if run is not None and run.length >= _MIN_RUN and _MARKER not in run.chars else None


def _run(items: list, ignore_case: bool) -> NeededRun | None:
    best = None
    for op, av in items:
        found = None
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            sub = list(av[2])
            if len(sub) == 1 and sub[0][0] is sre.IN:
                chars = _charset(sub[0][1], ignore_case)
                found = None if chars is _UNBOUNDED else NeededRun(frozenset(chars), av[0])
            else:
                found = _run(sub, ignore_case)
        elif op is sre.SUBPATTERN:
            _group, added, removed, sub = av
            found = _run(list(sub), (ignore_case or bool(added & re.IGNORECASE)) and not removed & re.IGNORECASE)
        elif op is sre.ATOMIC_GROUP:
            found = _run(list(av), ignore_case)
        elif op is sre.BRANCH:
            runs = [_run(list(branch), ignore_case) for branch in av[1]]
            if all(runs):
                found = NeededRun(frozenset().union(*(r.chars for r in runs)), min(r.length for r in runs))
        if found is not None and (best is None or found.length > best.length):
            best = found
    return best


def finite_strings(pattern: str, flags: int = re.VERBOSE) -> set[str] | None:
    """Every string `pattern` matches, where it is plain (characters, sets of a few, alternations, groups
    that capture nothing and set no flag) and they are few (`H[12]`: H1, H2); else None."""
    if sre_parse is None:
        return None
    try:
        parsed = sre_parse.parse(pattern, flags)
        if parsed.state.flags & re.IGNORECASE:
            return None
        return _strings(list(parsed))
    except (re.error, RecursionError, OverflowError, AttributeError, TypeError, ValueError):
        return None


def _strings(items: list) -> set[str] | None:
    found = {""}
    for op, av in items:
        if op is sre.LITERAL:
            options = {chr(av)}
        elif op is sre.IN:
            options = _charset(av, False)
            if options is None or _DIGIT in options or _MARKER in options:
                return None
        elif op is sre.BRANCH:
            options = set()
            for branch in av[1]:
                strings = _strings(list(branch))
                if strings is None:
                    return None
                options |= strings
        elif op is sre.SUBPATTERN and av[0] is None and not av[1] and not av[2]:
            options = _strings(list(av[3]))
            if options is None:
                return None
        else:
            return None
        found = {start + option for start in found for option in options}
        if len(found) > _MAX_CHARS:
            return None
    return found


def _union(patterns: list[str], flags: int = re.VERBOSE) -> set[str] | None:
    """The first characters of any of the patterns; worked out once and kept (`compiled.remembered`):
    parsing the rules again for them costs a start as much as compiling them."""
    found = remembered(__file__, f"{flags}\0" + "\0".join(patterns), lambda: _worked_out_union(patterns, flags))
    return _UNBOUNDED if found is None else set(found)


def _worked_out_union(patterns: list[str], flags: int) -> list[str] | None:
    union: set[str] = set()
    for pattern in patterns:
        chars = _first_chars_kept(pattern, flags)
        if chars is _UNBOUNDED:
            return _UNBOUNDED
        union |= set(chars)
    return sorted(union) if union and len(union) <= _MAX_CHARS else _UNBOUNDED


def _first_chars_kept(pattern: str, flags: int) -> list[str] | None:
    """`first_chars`, kept per pattern: a kind's rules are asked for together and, for the split of the
    kind by where they start, one by one and in groups; each is parsed once."""
    def work_out() -> list[str] | None:
        chars = first_chars(pattern, flags)
        return None if chars is _UNBOUNDED else sorted(chars)
    return remembered(__file__, f"one\0{flags}\0{pattern}", work_out)


class StartingChars:
    """The characters the patterns can start with; `ch in it` answers like the guard would."""

    __slots__ = ("chars", "digits", "markers")

    def __init__(self, chars: set[str]):
        self.chars = frozenset(chars - {_DIGIT, _MARKER}) | (_FIRST_MARKS if _MARKER in chars else frozenset())
        self.digits = _DIGIT in chars

    def __contains__(self, ch: str) -> bool:
        return ch in self.chars or (self.digits and ch.isdecimal())


def starting_chars(patterns: list[str]) -> StartingChars | None:
    """What any of the patterns can start with; None when that is unbounded."""
    union = _union(patterns)
    return None if union is _UNBOUNDED else StartingChars(union)


def _unique_group_names(pattern: str) -> str:
    """`regex` allows a group name twice, the standard parser does not: number them, and point
    conditionals and back references at the first group of the name."""
    first: dict[str, str] = {}

    def rename(m: regex.Match) -> str:
        if m.group(1):
            new = f"g{len(first)}_{len(m.string)}_{m.start()}"
            first.setdefault(m.group(1), new)
            return f"(?P<{new}>"
        name = m.group(2) or m.group(3)
        target = first.get(name, name)
        return f"(?({target})" if m.group(2) else f"(?P={target})"

    return _GROUP_NAME.sub(rename, pattern)


def guard(patterns: list[str], flags: int = re.VERBOSE) -> str:
    """A lookahead on the union of the patterns' first characters, or '' when there is none."""
    union = _union(patterns, flags)
    if union is _UNBOUNDED:
        return ""
    return f"(?={char_set(union)})"


def char_set(chars: set[str] | frozenset[str]) -> str:
    """A set of the characters (`\\d` for any digit, the markers of number tokens) as a pattern."""
    body = "".join(c if c in (_DIGIT, _MARKER) else regex.escape(c, special_only=False, literal_spaces=True)
                   for c in sorted(chars))
    return f"[{body}]"


def finds_own_start(pattern: str, flags: int = 0) -> bool:
    """Whether the standard engine skips by itself to where `pattern` can start: it opens with a character,
    a set, or an alternation whose every branch opens with a character. A guard before such a pattern
    hides what the engine reads off it, and the pattern is then tried at every character the guard lets
    through instead. False where it cannot tell."""
    def work_out() -> bool:
        if sre_parse is None:
            return False
        try:
            items = list(sre_parse.parse(pattern, flags))
            ignore_case = bool(flags & re.IGNORECASE)
            while items and items[0][0] is sre.SUBPATTERN:
                _, added, removed, inner = items[0][1]
                ignore_case = (ignore_case or bool(added & re.IGNORECASE)) and not removed & re.IGNORECASE
                items = list(inner)
            if not items:
                return False

            def uncased_literal(op, av) -> bool:  # the engine reads no start off a letter of either case
                return op is sre.LITERAL and not (ignore_case and chr(av).lower() != chr(av).upper())
            op, av = items[0]
            return uncased_literal(op, av) or op is sre.IN and not ignore_case or op is sre.BRANCH and all(
                branch and uncased_literal(*list(branch)[0]) for branch in av[1])
        except (re.error, RecursionError, OverflowError, AttributeError, TypeError, ValueError, IndexError):
            return False
    return remembered(__file__, f"own\0{flags}\0{pattern}", work_out)


# A group that captures nothing and sets no flag for the rest of the pattern: `(?:`, a look-around, an
# atomic group, flags scoped to the group (`(?i:`).
_PLAIN_GROUP = regex.compile(r"\?(?:[:=!>]|<[=!]|[a-zA-Z]*(?:-[a-zA-Z]+)?:)")


def ahead_of_exclusion(pattern: str) -> str:
    """`\\b(?!X)Y` as `\\b(?=Y)(?!X)Y`, the same matches: where an exclusion is a long alternation of words
    and what follows it fails at most starts (`negative.designator`), the engine tries the exclusion at
    every start; the look-ahead fails first. Only where Y is a plain sequence (no `|` outside its groups,
    no group that captures or is referred to, no comment), so that matching it twice changes nothing."""
    body = pattern[2:] if pattern.startswith("\\b") else pattern
    if not body.startswith("(?!"):
        return pattern
    end = group_end(body, 0)
    if end is None:
        return pattern
    rest = list(pattern_pieces(body[end:]))
    depth = 0
    for i, (piece, inside) in enumerate(rest):
        if inside:
            continue
        opens_group = piece == "(" and not _PLAIN_GROUP.match("".join(p for p, _ in rest[i + 1:i + 12]))
        refers = piece.startswith("\\") and len(piece) == 2 and (piece[1].isdigit() or piece[1] == "g")
        if opens_group or refers or piece == "#" or (piece == "|" and depth == 0):
            return pattern
        depth += {"(": 1, ")": -1}.get(piece, 0)
    follows = "".join(p for p, _ in rest)
    if not follows or depth:
        return pattern
    return pattern[:len(pattern) - len(body)] + f"(?={follows})" + body


def _with_case(chars: set[str], ignore_case: bool) -> set[str]:
    if not ignore_case:
        return chars
    return chars | {c.upper() for c in chars if len(c) == 1} | {c.lower() for c in chars if len(c) == 1}


def _sequence(items: list, ignore_case: bool) -> tuple[set[str] | None, bool]:
    """First characters of a sequence, and whether the whole sequence can match nothing."""
    chars: set[str] = set()
    for op, av in items:
        first, nullable = _item(op, av, ignore_case)
        if first is _UNBOUNDED:
            return _UNBOUNDED, False
        chars |= first
        if not nullable:
            return chars, False
    return chars, True


def _item(op, av, ignore_case: bool) -> tuple[set[str] | None, bool]:
    if op is sre.LITERAL:
        return _with_case({chr(av)}, ignore_case), False
    if op is sre.IN:
        return _charset(av, ignore_case), False
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return set(), True
    if op is sre.BRANCH:
        chars: set[str] = set()
        any_nullable = False
        for branch in av[1]:
            first, nullable = _sequence(list(branch), ignore_case)
            if first is _UNBOUNDED:
                return _UNBOUNDED, False
            chars |= first
            any_nullable |= nullable
        return chars, any_nullable
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        case = (ignore_case or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE
        return _sequence(list(sub), case)
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(av), ignore_case)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, sub = av
        first, nullable = _sequence(list(sub), ignore_case)
        return first, nullable or low == 0
    return _UNBOUNDED, False


def _charset(items: list, ignore_case: bool) -> set[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(_MARKER if chr(av) in _FIRST_MARKS else chr(av))
        elif op is sre.RANGE:
            low, high = av
            if chr(low) in _FIRST_MARKS and chr(high) in _FIRST_MARKS:
                chars.add(_MARKER)
            elif high - low > _MAX_CHARS:
                return _UNBOUNDED
            else:
                chars.update(chr(c) for c in range(low, high + 1))
        elif op is sre.CATEGORY and av in (sre.CATEGORY_DIGIT, sre.CATEGORY_UNI_DIGIT):
            chars.add(_DIGIT)
        else:
            return _UNBOUNDED
    return _with_case(chars, ignore_case)
