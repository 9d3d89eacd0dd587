"""Read written numbers, in digits or in words, as exact Decimals."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import regex

from .rules import Lexicon, fold

_DIGITS = regex.compile(r"[+\-\u2212]?(?:\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|\d+)(?:\.\d+)?|[+\-\u2212]?\.\d+")
_WORD_SPLIT = regex.compile(r"[\s\u00a0\-\u2010\u2011\u2013]+")


def parse_number(text: str | None, lexicon: Lexicon) -> Decimal | None:
    """`7,200` -> 7200, `1.525` -> 1.525, `twenty-five` -> 25, `4 thousand 3 hundred and 21` -> 4321."""
    if text is None:
        return None
    text = text.strip()
    if _DIGITS.fullmatch(text):
        return _parse_digits(text)
    return parse_words(text, lexicon)


def _parse_digits(text: str) -> Decimal | None:
    cleaned = regex.sub(r"[,\u00a0\u202f ]", "", text).replace("\u2212", "-")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def parse_words(text: str, lexicon: Lexicon) -> Decimal | None:
    """Numbers in words, possibly mixed with digits: the usual add-and-multiply reading."""
    total, current, seen = Decimal(0), Decimal(0), False
    sign = Decimal(1)
    for token in _WORD_SPLIT.split(fold(text)):
        if not token or token == "and":
            continue
        if lexicon.has("negative_word", token) and not seen:
            sign = Decimal(-1)
            continue
        if token in ("a", "an") and not seen:
            current, seen = Decimal(1), True
            continue
        digits = _parse_digits(token) if _DIGITS.fullmatch(token) else None
        small = digits if digits is not None else _decimal(lexicon.lookup("number_word", token))
        if small is not None:
            current += small
            seen = True
            continue
        big = _decimal(lexicon.lookup("number_scale_word", token))
        if big is None:
            return None
        if big == 100:
            current = (current or Decimal(1)) * big
        else:
            total += (current or Decimal(1)) * big
            current = Decimal(0)
        seen = True
    return sign * (total + current) if seen else None


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def scale_of(text: str | None, lexicon: Lexicon) -> Decimal:
    """The factor of a scale word (`bn` -> 1e9); 1 when there is none."""
    if text is None:
        return Decimal(1)
    return _decimal(lexicon.lookup("scale", text)) or Decimal(1)
