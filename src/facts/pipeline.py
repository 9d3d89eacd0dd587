"""The extraction pipeline: match rules, normalise values, add qualifiers, resolve dates."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache

import regex

from .documents import Document, InputError, load_documents
from .matching import Candidate, scan, select
from .models import Mention
from .normalize import normalize
from .resolve import parse_reference, resolve
from .rules import RuleSet, cached_rules

QUALIFIED_KINDS = frozenset({"money", "percent", "quantity", "count", "multiplier"})


@lru_cache(maxsize=8)
def _qualifier_patterns(rules: RuleSet) -> tuple[regex.Pattern, regex.Pattern]:
    """Qualifier words stand right before a figure (`nearly $10 million`) or right after it (`or more`)."""
    before = regex.compile(r"(?<![\w$])(?P<q>" + rules.lexicon.patterns["qualifier_before"] + r")[\s\u00a0]+\Z")
    after = regex.compile(r"\A[\s\u00a0,]+(?P<q>" + rules.lexicon.patterns["qualifier_after"] + r")(?!\w)")
    return before, after


def _qualifier(text: str, start: int, end: int, rules: RuleSet) -> str | None:
    before, after = _qualifier_patterns(rules)
    m = before.search(text, max(0, start - 40), start)
    table = "qualifier_before"
    if m is None:
        m = after.match(text, end, min(len(text), end + 40))
        table = "qualifier_after"
    return rules.lexicon.lookup(table, m.group("q")) if m else None


def extract(text: str, *, reference_date: str | date | None = None, rules: RuleSet | None = None,
            doc: str | None = None) -> list[Mention]:
    """Every figure and date in `text`, sorted by position, spans exact: `text[m.start:m.end] == m.text`."""
    rules = rules or cached_rules()
    reference = parse_reference(reference_date)
    candidates, vetoes = scan(text, rules)
    valued: dict[int, dict] = {}
    kept: list[Candidate] = []
    for c in candidates:
        fields = normalize(c, rules.lexicon)
        if fields is not None:
            valued[id(c)] = fields
            kept.append(c)
    mentions = []
    for c in select(kept, vetoes):
        fields = valued[id(c)]
        if c.kind in QUALIFIED_KINDS:
            fields["qualifier"] = _qualifier(text, c.start, c.end, rules)
        mentions.append(Mention(doc=doc, start=c.start, end=c.end, text=text[c.start:c.end], kind=c.kind,
                                rule=c.rule.id, **fields))
    return resolve(text, mentions, rules.lexicon, reference)


def extract_documents(paths: Iterable[str], *, reference_date: str | date | None = None,
                      rules: RuleSet | None = None) -> Iterator[tuple[Document, list[Mention]] | InputError]:
    """Mentions per readable file; an unreadable file yields its error and the run goes on."""
    rules = rules or cached_rules()
    for item in load_documents(paths):
        if isinstance(item, InputError):
            yield item
        else:
            yield item, extract(item.text, reference_date=reference_date, rules=rules, doc=item.doc)
