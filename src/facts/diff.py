"""Claim-level diff: what one version of an article says that another does not.

A text diff of two versions of a page drowns the one corrected figure in moved
paragraphs, reflowed lines and changed spacing. Claims are aligned here without
their offsets, by kind and by what they say (the sentence they stand in, their
text, value, subject, metric and period), so only changes in the claims remain:
a claim `added`, `removed`, or `changed` in its value, unit, qualifier, period,
subject or metric.
"""
from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, process

from .engine.rules import RuleSet
from .ledger import Ledger, LedgerError
from .models import AMOUNT_KINDS, ClaimRecord, KindName
from .run import process_paths
from .text.documents import InputError
from .text.segment import normalize_text

__all__ = ["CHANGE_COLUMNS", "FIELDS", "Change", "ClaimSide", "changed_fields", "diff_article", "diff_claims",
           "diff_ledgers", "diff_paths", "format_changes", "plain", "show_amount"]

FIELDS = ("value", "unit", "qualifier", "period", "subject", "metric")
CHANGE_COLUMNS = ("status", "kind", "fields") + tuple(
    f"{side} {name}" for side in ("old", "new") for name in ("location", "text", *FIELDS, "quote"))
Status = Literal["added", "removed", "changed"]

# Claims are compared in their context: their text and this much of their sentence on each side.
_CONTEXT_CHARS = 60
# Contexts less alike than this (rapidfuzz ratio, 0-100) never hold the same claim.
_MIN_CONTEXT_SCORE = 65
# What else two claims share adds to their contexts' likeness when several could pair.
_SAME_TEXT, _SAME_VALUE, _SAME_CONTEXT = 20, 10, 5
_QUOTE_CHARS = 160
_SCALES = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))


class ClaimSide(BaseModel):
    """One side of a change: where the claim stands and what it says (values as plain strings)."""

    model_config = ConfigDict(frozen=True)

    id: str | None = None
    location: str
    text: str
    kind: KindName
    value: str | None
    low: str | None = None
    high: str | None = None
    mod: str | None = None
    unit: str | None = None
    qualifier: str | None = None
    subject: list[str] = []
    metric: str | None = None
    period: str | None = None
    quote: str | None = None

    @classmethod
    def of(cls, claim: ClaimRecord) -> ClaimSide:
        return cls(id=claim.id or None, location=f"{claim.doc}:{claim.start}-{claim.end}", text=claim.text,
                   kind=claim.kind, value=plain(claim.value), low=plain(claim.low), high=plain(claim.high),
                   mod=claim.mod, unit=claim.unit, qualifier=claim.qualifier, subject=claim.subject,
                   metric=claim.metric, period=claim.period, quote=" ".join((claim.sentence or claim.text).split()))

    def shown(self, field: str) -> str | None:
        """A field as a reader would say it: `94.8 billion USD`, `2024 (START)`, `Azerbaijan, China`."""
        value = getattr(self, field)
        if field == "value" and value is not None:
            if self.kind in AMOUNT_KINDS:
                return show_amount(value, self.low, self.high, self.unit)
            return value + (f" ({self.mod})" if self.mod else "")
        if isinstance(value, list):
            return ", ".join(value) or None
        return value


class Change(BaseModel):
    """A claim added, removed or changed between two versions; `fields` names what changed."""

    model_config = ConfigDict(frozen=True)

    status: Status
    kind: KindName
    fields: list[str] = []
    old: ClaimSide | None = None
    new: ClaimSide | None = None

    @property
    def side(self) -> ClaimSide:
        """The side a reader looks at: the new claim, or the old one when it was removed."""
        return self.new or self.old  # type: ignore[return-value]

    def describe(self) -> str:
        """One line: `changed value: 94.8 billion USD -> 66.2 billion USD in '...sentence...'`."""
        side = self.side
        if self.old is not None and self.new is not None:
            what = "; ".join(f"changed {f}: {self.old.shown(f) or '-'} -> {self.new.shown(f) or '-'}"
                             for f in self.fields)
        else:
            what = f"{self.status} {self.kind} {side.text!r} ({side.shown('value') or '-'})"
        return f"{what} in '{_quote(side)}'"

    def row(self) -> dict:
        """A flat row for a sheet (see CHANGE_COLUMNS): each field as a reader says it, per side."""
        row: dict = {"status": self.status, "kind": self.kind, "fields": ", ".join(self.fields)}
        for name, side in (("old", self.old), ("new", self.new)):
            if side is not None:
                row |= {f"{name} location": side.location, f"{name} text": side.text, f"{name} quote": side.quote}
                row |= {f"{name} {field}": side.shown(field) for field in FIELDS}
        return row


def plain(value: Decimal | str | None) -> str | None:
    """A Decimal without exponent or trailing zeros (`3740000000.00` -> `3740000000`); TIMEX as is."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def _scaled(text: str) -> str:
    amount = Decimal(text)
    for size, word in _SCALES:
        if abs(amount) >= size:
            return f"{format((amount / size).normalize(), 'f')} {word}"
    return format(amount.normalize(), ",f")


def show_amount(value: str, low: str | None = None, high: str | None = None, unit: str | None = None) -> str:
    """`94.8 billion USD`, `3 million-5 million USD`, `20 %`: an amount as a reader says it."""
    shown = f"{_scaled(low)}-{_scaled(high)}" if low is not None and high is not None else _scaled(value)
    return shown + (f" {unit}" if unit else "")


def _quote(side: ClaimSide) -> str:
    """The sentence, cut to a window around the claim when it is long."""
    quote = side.quote or side.text
    if len(quote) <= _QUOTE_CHARS:
        return quote
    at = max(0, quote.find(" ".join(side.text.split())))
    start = max(0, min(at - _QUOTE_CHARS // 2, len(quote) - _QUOTE_CHARS))
    end = start + _QUOTE_CHARS
    return ("..." if start else "") + quote[start:end] + ("..." if end < len(quote) else "")


# ---- alignment ---------------------------------------------------------------------


@dataclass
class _Item:
    claim: ClaimRecord
    order: int
    sentence: str
    text: str
    context: str
    rank: int          # its place among claims of its kind in sentences of the same text

    @property
    def exact_key(self) -> tuple:
        return self.claim.kind, self.sentence, self.text, self.rank


def _context(claim: ClaimRecord) -> str:
    """The claim with up to _CONTEXT_CHARS of its sentence on each side: what stays alike when
    an edit elsewhere in the sentence, or a line break taken for a sentence end, changes the rest."""
    sentence = claim.sentence or claim.text
    at = -1 if claim.sentence_start is None else claim.start - claim.sentence_start
    if not (at >= 0 and sentence.startswith(claim.text, at)):
        at = max(sentence.find(claim.text), 0)
    return sentence[max(0, at - _CONTEXT_CHARS):at + len(claim.text) + _CONTEXT_CHARS]


def _items(claims: Sequence[ClaimRecord]) -> list[_Item]:
    norms: dict[str, str] = {}

    def norm(text: str) -> str:
        if text not in norms:
            norms[text] = normalize_text(text)
        return norms[text]

    ranks: dict[tuple, int] = defaultdict(int)
    items = []
    for order, claim in enumerate(sorted(claims, key=lambda c: (c.doc or "", c.start))):
        sentence = norm(claim.sentence or claim.text)
        key = (claim.kind, sentence)
        items.append(_Item(claim, order, sentence, norm(claim.text), norm(_context(claim)), ranks[key]))
        ranks[key] += 1
    return items


def _value(claim: ClaimRecord) -> tuple:
    return claim.value, claim.low, claim.high, claim.mod


def _field(claim: ClaimRecord, field: str) -> object:
    if field == "value":
        return _value(claim)
    if field == "subject":
        return frozenset(claim.subject)
    return getattr(claim, field)


def changed_fields(old: ClaimRecord, new: ClaimRecord) -> list[str]:
    """The fields whose meaning differs; amounts compare as numbers (`3.74E9` equals `3740000000.00`)."""
    return [f for f in FIELDS if _field(old, f) != _field(new, f)]


def _codes(old: list, new: list) -> tuple[np.ndarray, np.ndarray]:
    """Keys as integers, equal where the keys are equal, to compare many pairs at once."""
    codes: dict = {}
    return (np.array([codes.setdefault(k, len(codes)) for k in old]),
            np.array([codes.setdefault(k, len(codes)) for k in new]))


def _fuzzy_pairs(old: list[_Item], new: list[_Item]) -> list[tuple[_Item, _Item]]:
    """Best-first assignment over every pair of like contexts: each claim pairs at most once,
    and the likeliest pairs are settled first, so a claim is not taken by a worse partner."""
    likeness = process.cdist([o.context for o in old], [n.context for n in new], scorer=fuzz.ratio,
                             score_cutoff=_MIN_CONTEXT_SCORE, dtype=np.uint8, workers=-1)
    rows, cols = np.nonzero(likeness)
    total = likeness[rows, cols].astype(np.int32)
    bonuses = [(_SAME_TEXT, lambda i: i.text)] + [
        (_SAME_VALUE if field == "value" else _SAME_CONTEXT, lambda i, f=field: _field(i.claim, f))
        for field in ("value", "metric", "subject", "period")]
    for weight, key in bonuses:
        a, b = _codes([key(o) for o in old], [key(n) for n in new])
        total += weight * (a[rows] == b[cols])
    best_first = np.lexsort((cols, rows, -total))
    taken_old, taken_new, pairs = set(), set(), []
    for i, j in zip(rows[best_first].tolist(), cols[best_first].tolist()):
        if i not in taken_old and j not in taken_new:
            taken_old.add(i)
            taken_new.add(j)
            pairs.append((old[i], new[j]))
    return pairs


def _align(old: list[_Item], new: list[_Item]) -> list[tuple[_Item, _Item]]:
    """Pairs of the same claim: first those standing unchanged in an unchanged sentence
    (wherever it moved), then, by kind, the rest by likeness."""
    waiting: dict[tuple, deque[_Item]] = defaultdict(deque)
    for o in old:
        waiting[o.exact_key].append(o)
    pairs, rest_new = [], []
    for n in new:
        queue = waiting.get(n.exact_key)
        if queue:
            pairs.append((queue.popleft(), n))
        else:
            rest_new.append(n)
    paired = {id(o) for o, _ in pairs}
    by_kind: dict[str, tuple[list[_Item], list[_Item]]] = defaultdict(lambda: ([], []))
    for o in old:
        if id(o) not in paired:
            by_kind[o.claim.kind][0].append(o)
    for n in rest_new:
        by_kind[n.claim.kind][1].append(n)
    for olds, news in by_kind.values():
        if olds and news:
            pairs.extend(_fuzzy_pairs(olds, news))
    return pairs


def diff_claims(old: Sequence[ClaimRecord], new: Sequence[ClaimRecord]) -> list[Change]:
    """Changes from `old` to `new`, in the order of the new text (a removed claim where it stood)."""
    old_items, new_items = _items(old), _items(new)
    pairs = _align(old_items, new_items)
    new_of = {o.order: n for o, n in pairs}
    paired_new = {n.order for _, n in pairs}
    placed: list[tuple[tuple[int, int], Change]] = []
    for o, n in pairs:
        fields = changed_fields(o.claim, n.claim)
        if fields:
            placed.append(((n.order, 0), Change(status="changed", kind=n.claim.kind, fields=fields,
                                                old=ClaimSide.of(o.claim), new=ClaimSide.of(n.claim))))
    for n in new_items:
        if n.order not in paired_new:
            placed.append(((n.order, 0), Change(status="added", kind=n.claim.kind, new=ClaimSide.of(n.claim))))
    anchor = -1
    for o in old_items:
        if o.order in new_of:
            anchor = new_of[o.order].order
        else:
            placed.append(((anchor, 1), Change(status="removed", kind=o.claim.kind, old=ClaimSide.of(o.claim))))
    return [change for _, change in sorted(placed, key=lambda p: p[0])]


# ---- files, folders and ledgers ------------------------------------------------------


def _claims_by_doc(path: str | Path, rules: RuleSet | None, reference_date: str | None) -> dict[str, list]:
    found: dict[str, list[ClaimRecord]] = {}
    for item in process_paths([str(path)], rules=rules, reference_date=reference_date):
        if isinstance(item, InputError):
            raise item
        found[item.document.doc] = item.claims
    return found


def _diff_groups(old: dict[str, list[ClaimRecord]], new: dict[str, list[ClaimRecord]]) -> list[Change]:
    """Pair documents by name; a document on one side only has all its claims added or removed."""
    changes: list[Change] = []
    for name in sorted(old.keys() | new.keys()):
        changes.extend(diff_claims(old.get(name, []), new.get(name, [])))
    return changes


def diff_paths(old: str | Path, new: str | Path, *, rules: RuleSet | None = None,
               reference_date: str | None = None) -> list[Change]:
    """Diff two files, or two folders file by file (paired by their names relative to the folder)."""
    for path in (old, new):
        if not Path(path).exists():
            raise InputError(str(path), "no such file or directory")
    if Path(old).is_dir() != Path(new).is_dir():
        raise InputError(str(new), f"not a {'folder' if Path(old).is_dir() else 'file'} like {old}:"
                                   " compare two files or two folders")
    before = _claims_by_doc(old, rules, reference_date)
    after = _claims_by_doc(new, rules, reference_date)
    if Path(old).is_dir():
        return _diff_groups(before, after)
    (old_claims,), (new_claims,) = before.values(), after.values()  # one document each
    return diff_claims(old_claims, new_claims)


def _ledger_claims(ledger: Ledger) -> dict[str, list[ClaimRecord]]:
    found: dict[str, list[ClaimRecord]] = defaultdict(list)
    for claim in ledger.claim_records(current_only=True):
        found[claim.doc or ""].append(claim)
    return found


def diff_ledgers(old: Ledger, new: Ledger) -> list[Change]:
    """Diff the current claims of two ledgers, document by document."""
    return _diff_groups(_ledger_claims(old), _ledger_claims(new))


def diff_article(ledger: Ledger, story_or_article_id: str | int) -> list[Change]:
    """Diff the copies and versions of one article held in a ledger, each with the one added before it.

    `story_or_article_id` is a story id (shared by all copies) or the ledger id of
    one of its articles.
    """
    articles = ledger.articles(current_only=False)
    wanted = str(story_or_article_id)
    match = articles[(articles["story"] == wanted) | (articles["id"].astype(str) == wanted)]
    if match.empty:
        raise LedgerError(f"{ledger.path}: no story or article {wanted!r}")
    story = match["story"].iloc[0]
    copies = sorted(int(i) for i in articles.loc[articles["story"] == story, "id"])
    versions = [ledger.claim_records(current_only=False, article_id=copy) for copy in copies]
    changes: list[Change] = []
    for before, after in zip(versions, versions[1:]):
        changes.extend(diff_claims(before, after))
    return changes


# ---- text --------------------------------------------------------------------------

_MARKS = {"added": "+", "removed": "-", "changed": "~"}
_COLOURS = {"added": "\x1b[32m", "removed": "\x1b[31m", "changed": "\x1b[33m"}
_RESET = "\x1b[0m"


def format_changes(changes: Sequence[Change], *, colour: bool = False) -> str:
    """Changes as a terminal reads them: a line per change, with where it stands and its sentence,
    then a count of each status; "" when nothing changed."""
    lines = []
    for change in changes:
        where = change.side.location if change.status != "changed" else (
            f"{change.old.location} -> {change.new.location}")  # type: ignore[union-attr]
        head = f"{_MARKS[change.status]} {where} {change.describe()}"
        lines.append(f"{_COLOURS[change.status]}{head}{_RESET}" if colour else head)
    if changes:
        counts = Counter(c.status for c in changes)
        lines.append("changes in claims: " + ", ".join(f"{counts[s]} {s}" for s in _MARKS if counts[s]))
    return "\n".join(lines)
