"""The review: the claims it shows are the ledger's own `ClaimRecord`s, in the workbook and the report alike."""
from __future__ import annotations

import html
import re

from openpyxl import load_workbook

from facts import Ledger
from facts.export import report, workbook
from facts.models import ClaimRecord
from facts.review import build_review


def first_copies(ledger: Ledger) -> list[ClaimRecord]:
    first: dict[str, ClaimRecord] = {}
    for claim in ledger.claim_records():
        first.setdefault(claim.id, claim)
    return list(first.values())


def test_the_review_holds_each_claim_record_of_the_ledger_once(seed_ledger, seed_flags):
    with Ledger(seed_ledger) as ledger:
        review = build_review(ledger, flags=seed_flags, corroboration={})
        every, first = ledger.claim_records(), first_copies(ledger)
    assert len(every) > len(first), "the seeds print stories twice, so some claims are copies"
    assert all(type(r.claim) is ClaimRecord for r in review.claims)
    assert [r.claim for r in review.claims] == first
    flagged = {i for f in seed_flags for i in (f.a.claim_id, f.b.claim_id)}
    assert {r.claim.id for r in review.claims if r.conflicts} == flagged


def test_workbook_and_report_take_the_claims_the_ledger_returns(seed_ledger, seed_flags, tmp_path, monkeypatch):
    reviews = []

    def kept(ledger, **options):
        reviews.append(build_review(ledger, **options))
        return reviews[-1]

    monkeypatch.setattr(workbook, "build_review", kept)
    monkeypatch.setattr(report, "build_review", kept)
    with Ledger(seed_ledger) as ledger:
        workbook.to_xlsx(ledger, tmp_path / "claims.xlsx", flags=seed_flags, corroboration={})
        report.to_html(ledger, tmp_path / "report.html", flags=seed_flags, corroboration={})
        first = first_copies(ledger)
    assert [[r.claim for r in review.claims] for review in reviews] == [first, first]

    columns = [name for name, _ in workbook.CLAIM_COLUMNS]
    rows = load_workbook(tmp_path / "claims.xlsx")["Claims"].iter_rows(min_row=2, values_only=True)
    shown = [(row[0], row[columns.index("Kind")], row[columns.index("As written")], row[columns.index("Location")])
             for row in rows]
    assert shown == [(c.id, c.kind, c.text, f"{c.doc}:{c.start}-{c.end}") for c in first]

    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    marked = dict(re.findall(r'<mark class="claim [^"]*" id="c-(\w+)"[^>]*>([^<]*)</mark>', page))
    assert marked == {c.id: html.escape(c.text) for c in first}


def test_a_claim_carries_the_verdict_the_ledger_holds(hostile_ledger):
    with Ledger(hostile_ledger) as ledger:
        ledger.set_verdicts([{"claim_id": "hostile1", "verdict": "correct", "checker": "Ana", "notes": None,
                              "checked_value": "2 % "}])
        review = build_review(ledger, flags=[], corroboration={})
        held = ledger.verdicts()
    assert review.claim("hostile1").verdict == held["hostile1"]
    assert review.claim("hostile1").verdict.changed, "checked as `2 % ` it now reads `2 %`"
    assert review.claim("hostile0").verdict is None
