"""Command line: a thin layer over the library (`facts.extract`, ...)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from . import __version__
from .documents import InputError
from .export import FORMATS, atomic_open, write_rows
from .models import Mention
from .pipeline import extract, extract_documents
from .rules import RuleError, RuleSet, load_rules


def _rules(args: argparse.Namespace) -> RuleSet:
    return load_rules(args.rules)


def _warn(message: str) -> None:
    print(f"facts: {message}", file=sys.stderr)


def cmd_extract(args: argparse.Namespace) -> int:
    rules = _rules(args)
    reference = args.reference_date or os.environ.get("REFERENCE_DATE") or None
    failures = 0
    if args.batch:
        rows, failures = _batch(sys.stdin, rules, reference)
    elif args.stdin:
        rows = iter(extract(sys.stdin.read(), reference_date=reference, rules=rules))
    else:
        if not args.paths:
            _warn("extract: give one or more files or folders, or --stdin, or --batch")
            return 2
        rows, errors = _from_paths(args.paths, rules, reference)
    if args.output:
        with atomic_open(args.output) as out:
            n = write_rows(rows, out, args.format)
    else:
        n = write_rows(rows, sys.stdout, args.format)
        sys.stdout.flush()
    if not (args.batch or args.stdin):
        failures = len(errors)
    if args.output:
        _warn(f"wrote {n} mentions to {args.output}")
    return 1 if failures else 0


def _from_paths(paths: list[str], rules: RuleSet, reference: str | None) -> tuple[Iterator[Mention], list]:
    """Mentions of every readable file; errors are reported as they come and counted."""
    errors: list[InputError] = []

    def rows() -> Iterator[Mention]:
        for item in extract_documents(paths, reference_date=reference, rules=rules):
            if isinstance(item, InputError):
                errors.append(item)
                _warn(str(item))
                continue
            document, mentions = item
            for warning in document.warnings:
                _warn(f"{document.path}: {warning}")
            yield from mentions

    return rows(), errors


def _batch(stream, rules: RuleSet, reference: str | None) -> tuple[list[dict], int]:
    """JSON Lines `{"id", "text", "reference"?}` in; mentions out, each with its `id`."""
    out, failures = [], 0
    for n, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
            text, case_id = case["text"], case.get("id", n)
            mentions = extract(text, reference_date=case.get("reference") or reference, rules=rules)
        except (ValueError, KeyError, TypeError) as exc:
            _warn(f"<stdin>:{n}: {exc.__class__.__name__}: {exc}")
            failures += 1
            continue
        out.extend({"id": case_id} | m.model_dump(mode="json") for m in mentions)
    return out, failures


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="facts", description=__doc__)
    parser.add_argument("--version", action="version", version=f"facts {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="find every figure and date in files, folders or stdin")
    ex.add_argument("paths", nargs="*", help="files or folders (folders are searched recursively)")
    ex.add_argument("--format", choices=FORMATS, default="jsonl")
    ex.add_argument("-o", "--output", help="write here (atomically) instead of stdout")
    ex.add_argument("--stdin", action="store_true", help="read one text from stdin")
    ex.add_argument("--batch", action="store_true", help='read JSON Lines {"id","text","reference"?} from stdin')
    ex.add_argument("--reference-date", help="anchor for dates with no year (YYYY-MM-DD); else $REFERENCE_DATE")
    ex.add_argument("--rules", help="rules folder (default: the bundled rules/)")
    ex.set_defaults(func=cmd_extract)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except RuleError as exc:
        _warn(str(exc))
        return 2
    except InputError as exc:
        _warn(str(exc))
        return 2
    except ValueError as exc:
        _warn(str(exc))
        return 2
    except BrokenPipeError:
        return 0
