"""How long the rule patterns are: as written, and expanded (every `{name}` of patterns.yaml written out).

Two expanded measures: `expanded` writes out the shared sub-patterns of `patterns.yaml` and the number
pass's `{num...}` and leaves each lexicon table as its `{name}` (a table is a word list, data, not pattern
code); `with lexicons` writes the tables out too, as the engine compiles them (tries of every phrase).

    PYTHONPATH=src python tools/rule_sizes.py [--rules DIR] [--kinds money,percent] [--each]
"""
from __future__ import annotations

import argparse
import re
import statistics
from pathlib import Path

from facts.engine.rules import expand, load_rules

_NAME = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def sizes(rules_dir: str | None = None) -> dict[str, tuple[str, int, int, int, int]]:
    """rule id -> (kind, written, expanded, with lexicons, look-arounds when expanded)."""
    ruleset = load_rules(rules_dir)
    tables = set(ruleset.lexicon.patterns)
    code = {name: body for name, body in ruleset.subpatterns.items() if name not in tables}

    def without_tables(pattern: str) -> str:
        def replace(m: re.Match) -> str:
            name = m.group(1)
            return m.group(0) if name not in code else "(?:" + without_tables(code[name]) + ")"
        return _NAME.sub(replace, pattern)

    found = {}
    for rule in ruleset.rules.values():
        expanded = without_tables(rule.pattern)
        full = expand(rule.pattern, ruleset.subpatterns, (Path(rule.path), rule.line))
        found[rule.id] = (rule.kind, len(rule.pattern), len(expanded), len(full),
                          len(re.findall(r"\(\?<?[=!]", expanded)))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rules", help="a rules folder (default: the package's)")
    parser.add_argument("--kinds", help="only these kinds, comma-separated")
    parser.add_argument("--each", action="store_true", help="also print every rule, shortest first")
    args = parser.parse_args(argv)
    found = sizes(args.rules)
    if args.kinds:
        keep = set(args.kinds.split(","))
        found = {k: v for k, v in found.items() if v[0] in keep}
    if args.each:
        for rid, (kind, written, expanded, full, looks) in sorted(found.items(), key=lambda kv: kv[1][2]):
            print(f"{expanded:7d} {written:6d} {full:7d} {looks:4d}  {rid}")
    for label, i in (("written", 1), ("expanded", 2), ("with lexicons", 3)):
        values = [v[i] for v in found.values()]
        biggest = max(found, key=lambda k: found[k][i])
        print(f"{label:14s} median {statistics.median(values):8.1f}  max {max(values):6d} ({biggest})")
    print(f"rules {len(found)}, look-arounds when expanded {sum(v[4] for v in found.values())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
