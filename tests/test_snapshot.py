"""Snapshot of every mention in the seed corpus (pytest-regressions).

Any change in what the rules find shows up as a diff of
tests/test_snapshot/test_seed_corpus_mentions.yml. When the change is intended,
regenerate it: `python -m pytest tests/test_snapshot.py --force-regen`.
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
