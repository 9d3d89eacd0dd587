"""Snapshots of the seed corpus: every mention (pytest-regressions) and every claim (facts_snapshot).

Any change in what the rules find shows up as a diff of
tests/test_snapshot/test_seed_corpus_mentions.yml, and any change in the claims
as a claim-level diff against tests/test_snapshot/test_seed_corpus_claims.yml.
When the change is intended, regenerate them:
`python -m pytest tests/test_snapshot.py --force-regen`.
"""
from __future__ import annotations

from pathlib import Path

from facts import InputError, extract_documents

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"


def test_seed_corpus_mentions(data_regression):
    rows = []
    for item in extract_documents([str(SEEDS)]):
        assert not isinstance(item, InputError), str(item)
        document, mentions = item
        for m in mentions:
            assert document.text[m.start:m.end] == m.text
            rows.append({"doc": m.doc, "start": m.start, "end": m.end, "text": m.text, "kind": m.kind,
                         "value": None if m.value is None else str(m.value), "unit": m.unit,
                         "qualifier": m.qualifier, "rule": m.rule})

    assert {r["doc"] for r in rows} == {p.name for p in SEEDS.glob("*.txt")}
    data_regression.check(rows)


def test_seed_corpus_claims(facts_snapshot):
    facts_snapshot.check(SEEDS)
