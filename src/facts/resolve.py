"""The resolve step: what a value means where it stands, decided once for `extract` and the pipeline alike.

Dates that lack a year are anchored to the article they stand in; qualifiers (`nearly`, `or more`) are
read beside an amount; a currency written alike in several countries (`Rs`) takes the country the figure
is about.

Like HeidelTime, rules emit underspecified values (`XXXX-05-07`, relative
`last year`) and this pass fills `resolved` from the nearest dateline before
the mention, or from the reference date the caller gives. Without an anchor
nothing is guessed. An anaphoric period (`same period in 2023`) takes its
months from the period it refers back to, which needs no anchor.
"""
from __future__ import annotations

import calendar
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from .engine.compiled import compile_regex
from .engine.lexicon import Lexicon, fold
from .engine.rules import RuleSet
from .models import TIME_KINDS, Mention
from .text.tense import tense_at
from .values.numbers import parse_number

if TYPE_CHECKING:
    from .attribution import Claim

_LINE_NOISE = regex.compile(r"[\s\u00a0,.|:\-\u2013\u2014()]+|\d{1,2}:\d{2}(?::\d{2})?")
_SAME_YEAR_MONTHS = regex.compile(r"(\d{4})-(\d\d)/\1-(\d\d)")
_UNDERSPECIFIED_MONTHS = regex.compile(r"(\d{4})-XX/\1-XX")


def parse_reference(value: str | date | None) -> date | None:
    """`2025-06-05` (or a longer ISO timestamp) as a date; a clear error otherwise."""
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"reference date {value!r} is not an ISO date (YYYY-MM-DD)") from None


def find_datelines(text: str, mentions: list[Mention], lex: Lexicon) -> list[tuple[int, date]]:
    """Full dates that stand alone on their line (weekday, time and 'Published' aside)."""
    lines = []
    for m in mentions:
        if m.kind != "date" or len(m.value) != 10 or "X" in m.value:
            continue
        line_start = text.rfind("\n", 0, m.start) + 1
        line_end = text.find("\n", m.end)
        line_end = len(text) if line_end < 0 else line_end
        rest = text[line_start:m.start] + " " + text[m.end:line_end]
        words = [w for w in _LINE_NOISE.split(rest) if w]
        if all(lex.has("dateline_word", w) for w in words):
            lines.append((m.start, date.fromisoformat(m.value)))
    return lines


# A stored page's metadata line (` date 2024-11-25`), first in the text.
_METADATA_DATE = regex.compile(r"\A\s*date[\x20\t]+(\d{4}-\d\d-\d\d)(?![\w-])")
# A wire dateline before its date: a place in capitals at the start of a line (or after a stored page's
# metadata date), then maybe a country or region ("BAKU, Azerbaijan, May 26.", "DUSHANBE, January 4, 2014,
# Asia-Plus --", "MOSCOW, May 23 (Reuters)"); a place of one to three words in title case only before the
# agency in brackets ("Islamabad, May 6 (PTI)"), not a weekday ("Kazakhstan, May 6 (Monday)").
_LINE_START = r"(?:\A|\n)[^\S\n]*(?:date[\x20\t]+\d{4}-\d\d-\d\d[\x20\t]+)?"
_REGION = r"(?:,[^\S\n]*\p{Lu}[\w\x20.'’-]{1,30}){0,2}"
_WIRE_PLACE = regex.compile(_LINE_START + r"\p{Lu}[\p{Lu}\x20.'’-]{2,30}" + _REGION + r"[^\S\n]*[,(]?[^\S\n]*\Z")
_TITLED_WORDS = r"\p{Lu}[\p{L}.'’-]{1,20}(?:\x20\p{Lu}[\p{L}.'’-]{1,20}){0,2}"
_TITLED_PLACE = regex.compile(_LINE_START + _TITLED_WORDS + r"(?:,[^\S\n]*" + _TITLED_WORDS + r")?[^\S\n]*,[^\S\n]*\Z")
# What follows a wire dateline's date: a full stop, a comma and the agency, a bracket or a dash.
_WIRE_AFTER = regex.compile(r"[^\S\n]*(?:[.,(]|[—–-]{1,2}\s)")
_AGENCY_AFTER = regex.compile(r"[^\S\n]*\((?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b)\p{Lu}[\p{L}\x20-]{1,20}\)")
_YEAR = regex.compile(r"\A\d{4}")


def stored_date(text: str) -> date | None:
    """The date of a stored page's metadata line, or None."""
    found = _METADATA_DATE.match(text)
    try:
        return date.fromisoformat(found.group(1)) if found else None
    except ValueError:
        return None


def is_dateline(text: str, m: Mention) -> bool:
    """Whether a full date is a wire dateline's: it dates the article, not what the article says."""
    if m.kind != "date" or len(m.value) != 10:
        return False
    lo = max(0, m.start - 80)
    if _WIRE_PLACE.search(text, lo, m.start) is not None and _WIRE_AFTER.match(text, m.end) is not None:
        return True
    return _TITLED_PLACE.search(text, lo, m.start) is not None and _AGENCY_AFTER.match(text, m.end) is not None


def article_date(text: str, mentions: list[Mention], stored: date | None = None) -> tuple[date, str] | None:
    """The date an article is written on, and where it was read: its stored page's metadata line, else a
    wire dateline at the start of a line. A dateline without a year takes it from the date its page was
    stored (`stored`, for an article further down a page), else the first year the article states after it,
    as a lead reports the period it is written in."""
    own = stored_date(text)
    if own:
        return own, "metadata"
    return dateline_date(text, mentions, stored)


def dateline_date(text: str, mentions: list[Mention], stored: date | None = None) -> tuple[date, str] | None:
    """The date of the first wire dateline among `mentions` (offsets into `text`), its year, where it gives
    none, the stored page's date's (the year before, for a day after it), else the first year stated after it."""
    for i, m in enumerate(mentions):
        if not is_dateline(text, m):
            continue
        year = m.value[:4]
        if year == "XXXX" and stored is not None:
            # A page stored on 3 January dated `Dec. 30` was written the year before.
            year = f"{stored.year - (m.value[5:] > stored.isoformat()[5:]):04d}"
        if year == "XXXX":
            year = next((str(n.value)[:4] for n in mentions[i + 1:] if n.kind in TIME_KINDS
                         and _YEAR.match(str(n.value))), None)
        if year is None:
            return None
        try:
            return date.fromisoformat(year + m.value[4:]), "dateline"
        except ValueError:
            return None
    return None


def resolve(text: str, mentions: list[Mention], lex: Lexicon, reference: date | None) -> list[Mention]:
    """Fill `resolved` for dates with no year and relative dates, from the nearest anchor: a dateline
    before the mention, else the article's date, else the reference date."""
    datelines = find_datelines(text, mentions, lex)
    starts = [s for s, _ in datelines]
    written = article_date(text, mentions)
    default = written[0] if written else reference
    out: list[Mention] = []
    story: tuple[date, str] | None = None
    for m in mentions:
        if m.kind == "period" and _UNDERSPECIFIED_MONTHS.fullmatch(str(m.value)):
            m = m.model_copy(update={"value": _refer_back(str(m.value), out)})
        if m.kind not in TIME_KINDS or not (m.relative or "XXXX" in str(m.value)):
            story = _story_time(m, m.value) or story
            out.append(m)
            continue
        i = bisect_right(starts, m.start)
        anchor = datelines[i - 1][1] if i else default
        resolved = resolve_value(m, anchor, lex, text, story or (anchor and (anchor, "D"))) if anchor else None
        story = _story_time(m, resolved) or story
        out.append(m.model_copy(update={"resolved": resolved}) if resolved else m)
    return out


_CALENDAR = regex.compile(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?")


def _story_time(m: Mention, value: object) -> tuple[date, str] | None:
    """A date the story has come to (`in 2012`, `on 5 May`), for what counts from it (`a year earlier`),
    with its precision (Y, M, D)."""
    found = _CALENDAR.fullmatch(str(value)) if m.kind == "date" and value else None
    if not found:
        return None
    year, month, day = found.group(1, 2, 3)
    try:
        return date(int(year), int(month or 1), int(day or 1)), "D" if day else "M" if month else "Y"
    except ValueError:
        return None


def _refer_back(value: str, before: list[Mention]) -> str:
    """`2023-XX/2023-XX` takes the months of the nearest earlier period within one year; else the whole year."""
    year = value[:4]
    for m in reversed(before):
        found = _SAME_YEAR_MONTHS.fullmatch(str(m.value)) if m.kind == "period" else None
        if found:
            return f"{year}-{found.group(2)}/{year}-{found.group(3)}"
    return f"{year}/{year}"


def resolve_value(m: Mention, anchor: date, lex: Lexicon, text: str | None = None,
                  story: tuple[date, str] | None = None) -> str | None:
    """A date or period with no year, or a relative one, at the anchor; None where it cannot be said.
    Given the text the mention stands in, a date without a year, a weekday or a season is read in the
    direction its sentence's tense gives (`in August` told in the past is the August before the anchor).
    Given the time the story has come to (a date and its precision), `a year earlier` counts from it."""
    value = str(m.value)

    def tense() -> int:
        return tense_at(text, m.start, m.end, lex) if text is not None else 0

    special = _timeml_form(m, value, anchor, lex, tense)
    if special is not None:
        return special or None
    if not m.relative:
        resolved = value.replace("XXXX", f"{_year_by_tense(value, anchor, tense):04d}")
        return resolved if all(_valid(part) for part in resolved.split("/")) else None
    if value.startswith("XXXX-"):
        # "January this year", "the first nine months of last year": the year the phrase names.
        shift = _year_shift(m.text, lex)
        if shift is not None:
            year = anchor.year + shift
            if shift == 0 and _mostly_to_come(value, year, anchor) and tense() < 0:
                # Told as over although most of it is still to come (`the first nine months of this year
                # have been sent`, dated 4 January): the year just ended, which a stale date line calls this one.
                year -= 1
            resolved = value.replace("XXXX", f"{year:04d}")
            return resolved if all(_valid(part) for part in resolved.split("/")) else None
        return _month_from_anchor(m.text, int(value[5:7]), anchor, lex)
    shift = lex.lookup("relative_date", m.text) or lex.lookup("relative_period", m.text)
    if shift and shift.get("story") and story is not None:
        # "the following year", "the next day": from the time the story has come to, if it is as precise.
        return _shift(story[0], shift) if "YMWD".index(story[1]) >= "YMWD".index(shift["unit"][0].upper()) \
            or shift["unit"] in ("decade", "quarter") else None
    if shift:
        return _shift(anchor, shift)
    counted = _counted(m.text, anchor, lex, story)
    if counted is not None:
        return counted
    # "the end of the year", "early next year": the unit named after the part.
    for table in ("relative_date", "current_unit"):
        found = regex.search(lex.patterns[table], m.text)
        if found:
            return _shift(anchor, lex.lookup(table, found.group()))
    return None


def is_vague_time(m: Mention) -> bool:
    """A weekday, a range of weekdays or a vague reference (`now`, `recently`): TimeML's forms beyond the
    gold (FORMAT.md, "Time words the gold leaves out"); such a time is a claim only where it dates an event."""
    value = str(m.value)
    if m.kind == "period":
        return _WEEKDAY_RANGE.fullmatch(value) is not None
    return m.kind == "date" and (value in REFERENCES or _WEEKDAY.fullmatch(value) is not None)


_WEEKDAY = regex.compile(r"XXXX-WXX-([1-7]|WE)")
_WEEKDAY_RANGE = regex.compile(r"XXXX-WXX-([1-7])/XXXX-WXX-([1-7])")
_SEASON = regex.compile(r"XXXX-(SP|SU|FA|WI)")
REFERENCES = frozenset({"PRESENT_REF", "PAST_REF", "FUTURE_REF"})


def _timeml_form(m: Mention, value: str, anchor: date, lex: Lexicon, tense: Callable[[], int]) -> str | None:
    """The forms TimeML has beyond calendar dates: vague references, weekdays, seasons, fiscal years.
    None where the value is none of them, "" where it is one that does not resolve."""
    if value in REFERENCES:
        found = lex.lookup("vague_reference", m.text)
        return anchor.isoformat() if found and found.get("day") else ""
    days = _WEEKDAY_RANGE.fullmatch(value)
    if days:
        return _weekday_range(m.text, int(days.group(1)), int(days.group(2)), anchor, lex, tense)
    weekday = _WEEKDAY.fullmatch(value)
    if weekday and weekday.group(1) == "WE":
        return _weekend(m.text, anchor, lex, tense)
    if weekday:
        return _weekday(m.text, int(weekday.group(1)), anchor, lex, tense)
    season = _SEASON.fullmatch(value)
    if season:
        first = next(s["first"] for s in lex.tables["season"].values() if s["code"] == season.group(1))
        return _season(m.text if m.relative else "", season.group(1), first, anchor, lex, tense)
    if value == "FYXXXX":
        offset = _offset_word(m.text, "fiscal", lex)
        return "" if offset is None else f"FY{anchor.year + offset:04d}"
    return None


def _offset_word(text: str, before: str, lex: Lexicon) -> int | None:
    """How far the word before `before` moves from the anchor (`next week`: 1, `last fiscal year`: -1)."""
    words = fold(text).split()
    at = next((i for i, w in enumerate(words) if w.startswith(before)), None)
    if not at:
        return None
    shift = lex.lookup("relative_month", words[at - 1])
    return None if shift is None else int(shift["offset"])


def _weekday(text: str, day: int, anchor: date, lex: Lexicon, tense: Callable[[], int]) -> str | None:
    """`Tuesday of next week`: that day of the week named; `last Friday` the latest before the anchor,
    `next Monday` the first after; else the nearest in the tense's direction, the anchor day itself
    included (`on Friday` told in the past is the Friday before, after `will` the one after)."""
    week = _offset_word(text, "week", lex)
    if week is not None:
        monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=week)
        return (monday + timedelta(days=day - 1)).isoformat()
    words = fold(text).split()
    shift = lex.lookup("relative_weekday", words[0]) if len(words) > 1 else None
    diff = day - anchor.isoweekday()
    if shift is not None and int(shift["offset"]) < 0:
        diff = diff if diff < 0 else diff - 7
    elif shift is not None and int(shift["offset"]) > 0:
        diff = diff if diff > 0 else diff + 7
    elif shift is not None or tense() > 0:
        diff = diff if diff >= 0 else diff + 7
    else:
        diff = diff if diff <= 0 else diff - 7
    return (anchor + timedelta(days=diff)).isoformat()


def _weekday_range(text: str, first: int, last: int, anchor: date, lex: Lexicon, tense: Callable[[], int]) -> str:
    """`from Monday to Friday`: the first end as a weekday alone would be (`this Friday`, `next week
    from ...`), the second the first such day after it, or the one its own word names (`until next
    Sunday`) where that falls after the first end."""
    names = list(regex.finditer(lex.patterns["weekday_full"], text))
    week = _offset_word(text, "week", lex)

    def one(name: regex.Match, day: int) -> date:
        before = text[:name.start()].split()
        said = before[-1] if before and lex.lookup("relative_weekday", before[-1]) is not None else ""
        return date.fromisoformat(_weekday(text if week is not None else f"{said} {name.group()}".strip(),
                                           day, anchor, lex, tense))

    start = one(names[0], first)
    end = start + timedelta(days=(last - first) % 7 or 7)
    if week is None and len(names) > 1:
        named = one(names[-1], last)
        said = text[:names[-1].start()].split()
        if said and lex.lookup("relative_weekday", said[-1]) is not None and named > start:
            end = named
    return f"{start.isoformat()}/{end.isoformat()}"


def _weekend(text: str, anchor: date, lex: Lexicon, tense: Callable[[], int]) -> str:
    """`last weekend`: the one before the anchor day; `next weekend` the one of the week after; `this
    weekend` the anchor's week's; `the weekend` the one before, or the coming one where the tense says so
    (the anchor's own where it falls on one)."""
    words = fold(text).split()
    shift = lex.lookup("relative_weekday", words[0])
    offset = int(shift["offset"]) if shift is not None else (0 if anchor.isoweekday() >= 6 or tense() > 0 else -1)
    if shift is not None and offset < 0 and anchor.isoweekday() == 7:
        offset = -1
    year, week, _ = (anchor + timedelta(weeks=offset)).isocalendar()
    return f"{year:04d}-W{week:02d}-WE"


def _season(text: str, code: str, first: int, anchor: date, lex: Lexicon, tense: Callable[[], int]) -> str:
    """`last summer`: the latest summer over before the anchor; `next fall` the first to begin after
    it; `this spring` the anchor's year's; with no such word, the one the anchor is in, else the
    nearest in the tense's direction. A winter is named by the year of its December."""
    now = anchor.year * 12 + anchor.month - 1
    begins = lambda year: year * 12 + first - 1  # noqa: E731
    words = fold(text).split()
    shift = lex.lookup("relative_month", words[0]) if len(words) > 1 else None
    offset = None if shift is None else int(shift["offset"])
    if offset is None or offset == 0:
        year = anchor.year - (1 if first == 12 and anchor.month < 3 else 0)
        if offset == 0 or begins(year) <= now <= begins(year) + 2 or (offset := tense()) == 0:
            return f"{year:04d}-{code}"
    year = anchor.year + 1
    if offset < 0:
        while begins(year) + 2 >= now:
            year -= 1
    else:
        year = anchor.year - 1
        while begins(year) <= now:
            year += 1
    return f"{year:04d}-{code}"


def _year_by_tense(value: str, anchor: date, tense: Callable[[], int]) -> int:
    """The year of a month or day written without one: the anchor's, or the year before where the
    story is told in the past and the month is still to come (`in August`, dated March), the year
    after where it is told in the future and the month is over."""
    parts = value.split("/")[0].split("-")
    if len(parts) < 2 or not parts[1].isdigit() or (told := tense()) == 0:
        return anchor.year
    day = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None
    written = (int(parts[1]), day or 0)
    now = (anchor.month, anchor.day if day else 0)
    if told < 0 and written > now:
        return anchor.year - 1
    if told > 0 and written < now:
        return anchor.year + 1
    return anchor.year


def _year_shift(text: str, lex: Lexicon) -> int | None:
    """The years a relative phrase inside a date moves from the anchor's (`this year` 0, `last year` -1)."""
    found = regex.search(lex.patterns["relative_date"], text)
    shift = lex.lookup("relative_date", found.group()) if found else None
    return int(shift.get("offset", 0)) if shift and shift["unit"] == "year" else None


def _mostly_to_come(value: str, year: int, anchor: date) -> bool:
    """A period of months (`XXXX-01/XXXX-09`) in `year` of which more than half lies after the anchor."""
    parts = value.split("/")
    if len(parts) != 2 or not all(_MONTH_OF_YEAR.fullmatch(p) for p in parts):
        return False
    first, last = int(parts[0][5:7]), int(parts[1][5:7])
    if not 1 <= first <= last <= 12:
        return False
    begins = date(year, first, 1)
    ends = date(year, last, calendar.monthrange(year, last)[1])
    return (ends - anchor).days * 2 > (ends - begins).days + 1


_MONTH_OF_YEAR = regex.compile(r"XXXX-\d\d")


def _valid(part: str) -> bool:
    """`2020-02-30` is no day: a date that cannot be resolved stays unresolved."""
    if len(part) != 10:
        return True
    try:
        date.fromisoformat(part)
    except ValueError:
        return False
    return True


def _month_from_anchor(text: str, month: int, anchor: date, lex: Lexicon) -> str | None:
    """`last September`: the latest September before the anchor month; `next June` the first after; `this` the anchor's year."""
    shift = lex.lookup("relative_month", text.split()[0])
    if shift is None:
        return None
    offset = int(shift["offset"])
    year = anchor.year
    if offset < 0 and month >= anchor.month:
        year -= 1
    elif offset > 0 and month <= anchor.month:
        year += 1
    return f"{year:04d}-{month:02d}"


def _shift(anchor: date, shift: dict) -> str | None:
    """Move the anchor by whole calendar units and give it at the precision of the unit."""
    unit, offset = shift["unit"], int(shift.get("offset", 0))
    if unit == "decade":
        return f"{anchor.year // 10 + offset:03d}"
    if unit == "year":
        return f"{anchor.year + offset:04d}"
    if unit == "quarter":
        quarter = anchor.year * 4 + (anchor.month - 1) // 3 + offset
        year, first = quarter // 4, quarter % 4 * 3 + 1
        return f"{year:04d}-{first:02d}/{year:04d}-{first + 2:02d}"
    if unit == "month":
        months = anchor.year * 12 + anchor.month - 1 + offset
        return f"{months // 12:04d}-{months % 12 + 1:02d}"
    if unit == "week":
        monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=offset)
        return f"{monday.isoformat()}/{(monday + timedelta(days=6)).isoformat()}"
    if unit == "day":
        return (anchor + timedelta(days=offset)).isoformat()
    return None


def _counted(text: str, anchor: date, lex: Lexicon, story: tuple[date, str] | None = None) -> str | None:
    """`2 years 1 month 21 days ago`, `3 days from today`: the anchor moved by each count, given at the
    precision of the smallest unit counted, as TimeML does (`three years ago` is a year, `two months
    ago` a month, `ten days ago` and `two weeks ago` a day).

    `earlier`/`later` count from the time the story has come to (`story`: in 2012, `a year earlier` is
    2011); without one they stay unresolved, as where that time is coarser than the count.
    """
    units = list(regex.finditer(r"(?<![^\W\d_])(?:" + lex.patterns["duration_unit"] + r")\b", text))
    if not units:
        return None
    direction = lex.lookup("relative_direction", text[units[-1].end():])
    if not direction or "sign" not in direction:
        return None
    coarsest = "D"
    if direction.get("story"):
        if story is None:
            return None
        anchor, coarsest = story
    sign = int(direction["sign"])
    day = anchor + timedelta(days=int(direction.get("base", 0)))
    months = days = 0
    start = 0
    finest = "Y"
    joints = rf"^(?:\W|(?:{lex.patterns['number_joint']})\b)+"
    for u in units:
        count_text = regex.sub(joints, "", fold(text[start:u.start()])).strip()
        article = lex.lookup("number_article", count_text)
        count = article if article is not None else parse_number(count_text, lex)
        info = lex.lookup("duration_unit", u.group())
        if count is None or info is None or count != int(count):
            return None
        n = int(count) * int(info.get("factor", 1))
        symbol = info["symbol"]
        finest = symbol if "YMWD".find(symbol) > "YMWD".index(finest) else finest
        if symbol == "Y":
            months += 12 * n
        elif symbol == "M":
            months += n
        elif symbol == "W":
            days += 7 * n
        elif symbol == "D":
            days += n
        else:
            return None
        start = u.end()
    if "YMD".index(coarsest) < "YMD".index(finest if finest != "W" else "D"):
        return None
    moved = _add_months(day, sign * months) + timedelta(days=sign * days)
    if finest == "Y" and not direction.get("base"):
        return f"{moved.year:04d}"
    if finest == "M" and not direction.get("base"):
        return f"{moved.year:04d}-{moved.month:02d}"
    return moved.isoformat()


def _add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    year, month = total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=8)
def _qualifier_patterns(rules: RuleSet) -> tuple[regex.Pattern, regex.Pattern]:
    """Qualifier words stand right before a figure (`nearly $10 million`) or right after it (`or more`)."""
    before = compile_regex(r"(?<![\w$])(?P<q>" + rules.lexicon.patterns["qualifier_before"] + r")[\s\u00a0]+\Z")
    after = compile_regex(r"\A[\s\u00a0,]+(?P<q>" + rules.lexicon.patterns["qualifier_after"] + r")(?!\w)")
    return before, after


def qualifier(text: str, start: int, end: int, rules: RuleSet) -> str | None:
    """The qualifier of the amount at `start`-`end` (`nearly`, `or more`), as the lexicon names it."""
    before, after = _qualifier_patterns(rules)
    m = before.search(text, max(0, start - 40), start)
    table = "qualifier_before"
    if m is None:
        m = after.match(text, end, min(len(text), end + 40))
        table = "qualifier_after"
    return rules.lexicon.lookup(table, m.group("q")) if m else None


@lru_cache(maxsize=8)
def _currency_words(rules: RuleSet) -> regex.Pattern:
    """Currency names and signs as the money rules read them, longest first (`Indian rupees` before `rupees`)."""
    tables = ("currency_prefix", "currency_suffix", "currency_after_scale")
    return compile_regex("|".join(f"(?:{rules.lexicon.patterns[t]})" for t in tables))


def local_currencies(claims: list[Claim], starts: list[int], rules: RuleSet) -> list[Claim]:
    """A currency written alike in several countries (`Rs`, `rupees`, `manat`: lexicon `shared_currency`)
    is the one of a country the figure is about, else of the country its article's claims name most;
    else the lexicon's first reading stays."""
    lex = rules.lexicon
    shared = {i: codes for i, c in enumerate(claims) if c.mention.kind == "money"
              for codes in [_shared_codes(c.mention.text, rules)] if codes}
    if not shared:
        return claims
    named: dict[int, Counter] = {}
    for c in claims:
        named.setdefault(bisect_right(starts, c.mention.start), Counter()).update(c.subject)
    out = list(claims)
    for i, codes in shared.items():
        c = claims[i]
        article = named.get(bisect_right(starts, c.mention.start), Counter())
        countries = [*c.subject, *(n for n, _ in article.most_common())]
        code = next((code for n in countries for code in [lex.lookup("country_currency", n)] if code in codes), None)
        currency, _, rate = (c.mention.unit or "").partition("/")
        if code and code != currency:
            # A rate keeps what it is per ("Rs 50 per litre" is PKR/l).
            out[i] = replace(c, mention=c.mention.model_copy(update={"unit": f"{code}/{rate}" if rate else code}))
    return out


def _shared_codes(text: str, rules: RuleSet) -> list[str] | None:
    """The readings of a shared currency a money mention is written in, or None."""
    words = [m.group() for m in _currency_words(rules).finditer(text)]
    return next((codes for w in words for codes in [rules.lexicon.lookup("shared_currency", w)] if codes), None)
