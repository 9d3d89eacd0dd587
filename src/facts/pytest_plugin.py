"""The `facts_snapshot` fixture: regression snapshots of the claims texts yield, for a project's CI.

A snapshot is a YAML file a reviewer can read: one record a claim, in text
order, values as strings. It is compared claim by claim with `facts.diff`, not
line by line, so a reflowed or moved paragraph is no failure and a changed
figure fails as `changed value: 94.8 billion USD -> 66.2 billion USD in '...'`.
Files live where pytest-regressions keeps its own (a folder named after the
test module), and `--force-regen` / `--regen-all` rewrite them as for
`data_regression`. Relative paths are read from pytest's rootdir, so a snapshot
does not depend on the folder pytest is run from. pytest-regressions, the
pipeline and the rules are imported only when the fixture is used, so
installing facts neither breaks nor slows another project's pytest.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .engine.rules import RuleSet
    from .models import ClaimRecord

# What a snapshot keeps of a claim: what it says and where, never how it was found.
SNAPSHOT_FIELDS = ("doc", "location", "text", "kind", "value", "low", "high", "mod", "unit", "qualifier", "subject",
                   "metric", "period", "sentence")


def snapshot_records(claims: Iterable[ClaimRecord]) -> list[dict[str, Any]]:
    """Claims as snapshot records, by document and position; empty fields are left out."""
    from .diff import plain

    records = []
    for c in sorted(claims, key=lambda c: (c.doc or "", c.start)):
        record = {"doc": c.doc, "location": f"{c.doc}:{c.start}-{c.end}", "text": c.text, "kind": c.kind,
                  "value": plain(c.value), "low": plain(c.low), "high": plain(c.high), "mod": c.mod, "unit": c.unit,
                  "qualifier": c.qualifier, "subject": c.subject, "metric": c.metric, "period": c.period,
                  "sentence": " ".join((c.sentence or "").split()) or None}
        records.append({k: record[k] for k in SNAPSHOT_FIELDS if record[k] is not None})
    return records


def snapshot_claims(records: Iterable[dict[str, Any]]) -> list[ClaimRecord]:
    """Snapshot records back as claims, enough for `diff_claims` to compare them."""
    from .models import ClaimRecord, typed_value

    claims = []
    for r in records:
        span = r["location"].rsplit(":", 1)[1]
        start, end = (int(n) for n in span.split("-"))
        fields = {k: r.get(k) for k in SNAPSHOT_FIELDS if k != "location"}
        fields["value"] = typed_value(r["kind"], fields["value"])
        fields["subject"] = fields["subject"] or []
        claims.append(ClaimRecord(**fields, start=start, end=end, rule="", id="", story="", article=0))
    return claims


def claims_of(source: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
              rules: RuleSet | None = None) -> list[ClaimRecord]:
    """The claims of a text, or of files and folders (a str naming an existing path is a path)."""
    from .pipeline import process_document
    from .run import process_paths
    from .text.documents import Document, InputError

    if isinstance(source, str) and not os.path.exists(source):
        document = Document(doc="text", path="<text>", text=source, encoding="utf-8")
        return process_document(document, rules=rules).claims
    paths = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    claims: list[ClaimRecord] = []
    for item in process_paths([str(p) for p in paths], rules=rules):
        if isinstance(item, InputError):
            raise item
        claims.extend(item.claims)
    return claims


def _load(path: Path) -> list[ClaimRecord]:
    import yaml

    return snapshot_claims(yaml.safe_load(path.read_text(encoding="utf-8")) or [])


def compare_snapshots(obtained: Path, expected: Path) -> None:
    """Fail with the claims that differ, as `facts diff` shows them."""
    __tracebackhide__ = True
    from .diff import diff_claims, format_changes

    changes = diff_claims(_load(expected), _load(obtained))
    if changes:
        raise AssertionError(f"claims differ from the snapshot {expected.name} (rerun with --force-regen to accept):"
                             f"\n{format_changes(changes)}")


class FactsSnapshot:
    """`check(source)` compares the claims of `source` with the test's snapshot file."""

    def __init__(self, datadir: Any, original_datadir: Path, request: pytest.FixtureRequest):
        self.datadir = datadir
        self.original_datadir = original_datadir
        self.request = request

    def check(self, source: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], basename: str | None = None,
              *, rules: RuleSet | None = None) -> None:
        """`source` is a text, a path, or several paths; `basename` names the snapshot (default: the test)."""
        __tracebackhide__ = True
        import yaml
        from pytest_regressions.common import perform_regression_check

        records = snapshot_records(claims_of(_under(self.request.config.rootpath, source), rules))

        def dump(path: Path) -> None:
            text = yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=120)
            path.write_text(text, encoding="utf-8")

        perform_regression_check(datadir=self.datadir, original_datadir=self.original_datadir, request=self.request,
                                 check_fn=compare_snapshots, dump_fn=dump, extension=".yml", basename=basename)


def _under(root: Path, source: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]
           ) -> str | os.PathLike[str] | list[str | os.PathLike[str]]:
    """Relative paths as paths under pytest's rootdir; a str that names no file there is a text."""
    if isinstance(source, os.PathLike):
        return root / source
    if isinstance(source, str):
        rooted = os.path.join(root, source)
        return rooted if os.path.exists(rooted) else source
    return [_under(root, path) for path in source]


@pytest.fixture
def facts_snapshot(request: pytest.FixtureRequest) -> FactsSnapshot:
    """Snapshot the claims of texts or files; see `FactsSnapshot.check`."""
    return FactsSnapshot(request.getfixturevalue("lazy_datadir"), request.getfixturevalue("original_datadir"),
                         request)
