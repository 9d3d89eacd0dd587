"""outputs/ holds the ledger of the bundled corpus; it must never go stale."""
from __future__ import annotations

from pathlib import Path

import pytest

from facts import Ledger, process_paths
from facts.engine.rules import cached_rules

ROOT = Path(__file__).resolve().parents[1]
LEDGER = ROOT / "outputs" / "ledger.db"
REFRESH = "run the README's main job to refresh outputs/ (and commit it)"


def _key(claim) -> tuple:
    return (claim.doc, claim.start, claim.end, claim.id, claim.kind, str(claim.value), claim.unit, claim.qualifier,
            tuple(claim.subject), claim.metric, claim.period)


def test_the_bundled_ledger_holds_what_the_rules_find_now():
    if not LEDGER.exists():
        pytest.fail(f"{LEDGER} is missing: {REFRESH}")
    fresh = sorted(_key(c) for item in process_paths([str(ROOT / "corpus" / "seeds")]) for c in item.claims)
    with Ledger(LEDGER) as ledger:
        held = sorted(_key(c) for c in ledger.claim_records())
        rules = set(ledger.documents()["rules"])
    assert held == fresh, f"outputs/ledger.db is stale: {REFRESH}"
    assert rules == {cached_rules().fingerprint}, f"outputs/ledger.db was made with other rules: {REFRESH}"
