"""What the lexicon generators share: the YAML they write, and writing it or checking it is fresh."""
from __future__ import annotations

import sys
from pathlib import Path

import yaml


class _Dumper(yaml.SafeDumper):
    """Every entry written out in full, no `&id` anchors for entries that mean the same."""

    def ignore_aliases(self, data) -> bool:
        return True


def dump(data: dict, flow_leaves: bool) -> str:
    """A lexicon file's text; `flow_leaves` writes each entry's mapping on its line (`km: {unit: km}`)."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120,
                     default_flow_style=None if flow_leaves else False)


def write_or_check(out: Path, text: str, check: bool) -> int:
    """Write `text` to `out`; with `check`, only say (exit status 1) whether `out` differs from it."""
    if check:
        if out.read_text(encoding="utf-8") != text:
            print(f"{out} is stale: run python tools/{Path(sys.argv[0]).name}", file=sys.stderr)
            return 1
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0
