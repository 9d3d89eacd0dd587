"""Read written numbers, in digits or in words, as exact Decimals."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import regex

from ..engine.lexicon import Lexicon, fold

_DIGITS = regex.compile(r"[+\-\u2212]?(?:\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|\d+)(?:\.\d+)?|[+\-\u2212]?\.\d+")
# A comma before one or two digits is a decimal comma (`1,8 million`): thousands are grouped by three.
_DECIMAL_COMMA = regex.compile(r"[+\-\u2212]?\d{1,3},\d{1,2}")
_DIGIT_FRACTION = regex.compile(
    r"(?P<sign>[+\-\u2212])?(?:(?P<whole>\d+)[\s\u00a0]*)??(?:(?P<num>\d+)/(?P<den>\d+)|(?P<vulgar>\D))")
_POWER = regex.compile(r"(?P<mantissa>.+?)[\s\u00a0]*[x×][\s\u00a0]*(?P<base>\d+)\^(?P<exponent>[+\-\u2212]?\d+)")
_WORD_SPLIT = regex.compile(r"[\s\u00a0\-\u2010\u2011\u2013]+")


def parse_number(text: str | None, lexicon: Lexicon) -> Decimal | None:
    """`7,200` -> 7200, `10 1/2` -> 10.5, `1.2 x 10^6` -> 1200000, `twenty-five` -> 25,
    `4 thousand 3 hundred and 21` -> 4321."""
    if text is None:
        return None
    text = text.strip()
    if _DIGITS.fullmatch(text):
        return _parse_digits(text)
    if _DECIMAL_COMMA.fullmatch(text):
        return _parse_digits(text.replace(",", "."))
    fraction = _DIGIT_FRACTION.fullmatch(text)
    if fraction:
        return _parse_digit_fraction(fraction, lexicon)
    power = _POWER.fullmatch(text)
    if power and _DIGITS.fullmatch(power.group("mantissa")):
        exponent = int(power.group("exponent").replace("\u2212", "-"))
        return _parse_digits(power.group("mantissa")) * Decimal(power.group("base")) ** exponent
    return parse_words(text, lexicon)


_NOT_DIGITS = str.maketrans({",": None, "\u00a0": None, "\u202f": None, " ": None, "\u2212": "-"})


def _parse_digits(text: str) -> Decimal | None:
    cleaned = text.translate(_NOT_DIGITS)
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def _parse_digit_fraction(m: regex.Match, lexicon: Lexicon) -> Decimal | None:
    """`1/4`, `2 1/4`, `-4/5`, `½`, `2½`: the whole part and the fraction share the sign."""
    if m.group("vulgar"):
        part = as_decimal(lexicon.lookup("vulgar_fraction", m.group("vulgar")))
    else:
        den = Decimal(m.group("den"))
        part = Decimal(m.group("num")) / den if den else None
    if part is None:
        return None
    value = (Decimal(m.group("whole")) if m.group("whole") else Decimal(0)) + part
    return -value if m.group("sign") in ("-", "\u2212") else value


def parse_words(text: str, lexicon: Lexicon) -> Decimal | None:
    """Numbers in words, possibly mixed with digits: the usual add-and-multiply reading.

    A `number_joint` (`and`) marks where a fraction's numerator starts (`one hundred and three quarters`
    is 100.75, `twenty-three fifths` 4.6); a `number_article` (`a`) counts only where a number starts;
    a `decimal_point_word` (`point`) reads the words after it as decimal digits (`two point zero three`).
    """
    total, current, seen = Decimal(0), Decimal(0), False
    sign = Decimal(1)
    mark = (Decimal(0), Decimal(0))
    last_scale: Decimal | None = None
    decimals: str | None = None
    after_and = tens = False
    last_small: Decimal | None = None
    for token in _WORD_SPLIT.split(fold(text)):
        if not token:
            continue
        if lexicon.has("number_joint", token):
            mark, after_and, last_small = (total, current), True, None
            continue
        starts = not seen or after_and
        after_and = False
        if decimals is not None:
            digit = as_decimal(lexicon.lookup("number_word", token))
            if digit is None and token.isdigit():
                digit = Decimal(token)
            if digit is None:
                return None
            if decimals.endswith("0") and tens and digit < 10:
                decimals = decimals[:-1]  # `point seventy-one` is .71
            decimals += str(int(digit))
            tens = digit >= 20
            continue
        if lexicon.has("decimal_point_word", token) and seen:
            decimals = ""
            continue
        if lexicon.has("negative_word", token) and not seen:
            sign = Decimal(-1)
            continue
        article = lexicon.lookup("number_article", token)
        if article is not None:
            if starts:
                current, seen = current + as_decimal(article), True
            continue
        digits = _parse_digits(token) if _DIGITS.fullmatch(token) else None
        small = digits if digits is not None else as_decimal(lexicon.lookup("number_word", token))
        if small is not None:
            if last_small is not None and not (last_small % 10 == 0 and 20 <= last_small <= 90 and 0 < small < 10):
                return None  # only tens take a unit (`twenty-five`); `eight-nine` is two numbers, not 17
            current += small
            seen, last_scale, last_small = True, None, small
            continue
        last_small = None
        denominator = as_decimal(lexicon.lookup("fraction_denominator", token))
        if denominator is not None:
            numerator = (total + current) - sum(mark) or Decimal(1)
            total, current = mark[0], mark[1] + numerator / denominator
            seen, last_scale = True, None
            continue
        big = as_decimal(lexicon.lookup("number_scale_word", token))
        if big is None:
            return None
        if current == 0 and last_scale is not None and big > last_scale:
            total *= big  # `lakh crore`, `thousand million`
        elif big == 100:
            current = (current or Decimal(1)) * big
        else:
            total += (current or Decimal(1)) * big
            current = Decimal(0)
        seen, last_scale = True, big
    if not seen:
        return None
    value = total + current
    if decimals:
        value += Decimal("0." + decimals)
    return sign * value


def as_decimal(value) -> Decimal | None:
    """A lexicon's number as a Decimal; a quotient written `"1/3"` is divided exactly (to Decimal precision)."""
    if value is None:
        return None
    if isinstance(value, str) and "/" in value:
        numerator, denominator = value.split("/")
        return Decimal(numerator) / Decimal(denominator)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def scale_of(text: str | None, lexicon: Lexicon) -> Decimal:
    """The factor of a scale word or letter (`bn`, `M` -> 1e6); 1 when there is none."""
    if text is None:
        return Decimal(1)
    return as_decimal(lexicon.lookup("scale", text, lexicon.lookup("scale_letter", text))) or Decimal(1)
