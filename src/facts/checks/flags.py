"""Run the checks: every checker over the corpus, findings made flags (one per pair of stories, its copies
listed), highest severity first."""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from ..engine.collector import collector_paused
from ..engine.rules import CheckRules, RuleSet, cached_rules
from ..models import ClaimRecord, Flag, FlagCopy, FlagSide
from .across import compatible_clusters
from .checkers import CHECKERS
from .checkfile import Check, cached_checks
from .corpus import Corpus, Fact, Finding


def find_flags(claims: Iterable[ClaimRecord], *, rules: RuleSet | CheckRules | None = None,
               titles: dict[str, str] | None = None, dates: dict[str, str] | None = None,
               min_confidence: float | None = None) -> list[Flag]:
    """Every flag of every check at least `min_confidence` sure (the rules' own threshold by default),
    highest severity first, then by place. Copies of one story give one flag."""
    with collector_paused():
        return _find_flags(claims, rules, titles, dates, min_confidence)


def _find_flags(claims: Iterable[ClaimRecord], rules: RuleSet | CheckRules | None, titles: dict[str, str] | None,
                dates: dict[str, str] | None, min_confidence: float | None) -> list[Flag]:
    rules = rules or cached_rules()
    loaded = cached_checks(rules)
    corpus = Corpus(claims, loaded.comparable, rules.lexicon)
    threshold = loaded.comparable.min_confidence if min_confidence is None else min_confidence
    found = ((check, f) for check in loaded.checks for f in map(as_finding, CHECKERS[check.checker](corpus, check)))
    return flags_of(found, threshold, titles, dates)


def flags_of(findings: Iterable[tuple[Check, Finding]], threshold: float, titles: dict[str, str] | None = None,
             dates: dict[str, str] | None = None) -> list[Flag]:
    """The flags of findings given in the order the checks find them over the whole corpus: the first
    finding of a pair of stories is the flag, the later ones its copies. Apart from `find_flags`, so that
    findings made group by group elsewhere (`facts.dask_engine`) become the same flags."""
    titles, dates = titles or {}, dates or {}
    found_by_key: dict[tuple, tuple[Check, Finding, list[tuple[Fact, Fact]]]] = {}
    for check, found in findings:
        a, b = found.a, found.b
        if found.confidence < threshold:
            continue
        # Copies of a page, and a pull quote repeating its sentence, give one flag, with its other places.
        key = (check.id, *sorted([(a.claim.story, a.claim.text, str(a.claim.value)),
                                  (b.claim.story, b.claim.text, str(b.claim.value))]))
        if key in found_by_key:
            first, copies = found_by_key[key][1], found_by_key[key][2]
            places = {(x.claim.doc, y.claim.doc) for x, y in [(first.a, first.b), *copies]}
            if (a.claim.doc, b.claim.doc) not in places:
                copies.append((a, b))
        else:
            found_by_key[key] = (check, found, [])
    flags = []
    for check, found, copies in found_by_key.values():
        a, b = found.a, found.b

        def side(f: Fact) -> FlagSide:
            return f.side(titles.get(f.claim.story), dates.get(f.claim.story))

        flags.append(Flag(id=_flag_id(check.id, a, b), a=side(a), b=side(b), kind=check.id, check=check.checker,
                          severity=check.severity,
                          why=found.why + _revision(dates.get(a.claim.story), dates.get(b.claim.story)),
                          confidence=round(found.confidence, 3),
                          copies=[FlagCopy(a=side(x), b=side(y)) for x, y in copies]))
    order = {"high": 0, "medium": 1, "low": 2}
    return sorted(flags, key=lambda f: (order[f.severity], f.a.doc, f.a.start, f.b.doc, f.b.start))


def flag_places(flags: Iterable[Flag]) -> Iterator[dict]:
    """Each flag as rows, one per place it stands: the flag itself, then each copy with the flag's
    id, kind and why, so a tool that reads places (a scorer, a diff) finds every copy."""
    for flag in flags:
        row = flag.model_dump(mode="json", exclude={"copies"})
        yield row | {"copies": len(flag.copies)}
        for copy in flag.copies:
            yield row | {"a": copy.a.model_dump(mode="json"), "b": copy.b.model_dump(mode="json"), "copy_of": flag.id}


def as_finding(found: tuple) -> Finding:
    return found if isinstance(found, Finding) else Finding(*found)


def _revision(a: str | None, b: str | None) -> str:
    """How far apart two articles are dated: a plan revised between them reads as a change, not an error."""
    try:
        first, second = sorted([date.fromisoformat(a or ""), date.fromisoformat(b or "")])
    except ValueError:
        return ""
    days = (second - first).days
    if days == 0:
        return "; both articles are dated the same day"
    return f"; the articles are dated {first} and {second}, {days} days apart: a revision, or a contradiction"


def corroboration(claims: Iterable[ClaimRecord], rules: RuleSet | None = None) -> dict[str, int]:
    """How many independent articles (stories) give a compatible figure for each claim's fact, itself
    included: the stories of its cluster of overlapping intervals among claims of one subject."""
    counts: dict[str, int] = {}
    with collector_paused():
        rules = rules or cached_rules()
        corpus = Corpus(claims, cached_checks(rules).comparable, rules.lexicon)
        groups = list(corpus.amount_groups().values())
    for group in groups:
        by_subject: dict[frozenset[str], list[Fact]] = defaultdict(list)
        for f in group:
            by_subject[f.subject].append(f)
        for same in by_subject.values():
            for cluster in compatible_clusters(same):
                stories = len({f.claim.story for f in cluster})
                counts.update((f.claim.id, stories) for f in cluster)
    return counts


def _flag_id(check: str, a: Fact, b: Fact) -> str:
    key = "\x1f".join([check, *sorted([a.claim.id, b.claim.id])])
    return hashlib.blake2b(key.encode(), digest_size=6).hexdigest()
