"""Command line: a thin layer over the library (`facts.extract`, `facts.process_paths`, ...)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack

from . import __version__
from .engine.rulefiles import RuleError
from .engine.rules import RuleSet, cached_rules, load_check_rules
from .export import FORMATS, review_writer, write
from .export.tables import atomic_open
from .ledger import Ledger, LedgerError, records
from .pipeline import ProcessedDocument, extract
from .run import Gathered, Summary, process_paths
from .text.documents import DEFAULT_MAX_BYTES, InputError


def _warn(message: str) -> None:
    print(f"facts: {message}", file=sys.stderr)


def _reference(args: argparse.Namespace) -> str | None:
    return args.reference_date or os.environ.get("REFERENCE_DATE") or None


def _max_bytes(args: argparse.Namespace) -> int:
    return int(args.max_size * 1024 * 1024)


def _write(rows, args: argparse.Namespace) -> int:
    return write(rows, args.format, args.output)


def cmd_extract(args: argparse.Namespace) -> int:
    rules = cached_rules(args.rules)
    reference = _reference(args)
    if args.batch:
        rows, failures = _batch(sys.stdin, rules, reference)
        _write(rows, args)
        return 1 if failures else 0
    if args.stdin:
        _write(extract(sys.stdin.read(), reference_date=reference, rules=rules), args)
        return 0
    if not args.paths:
        _warn("extract: give one or more files or folders, or --stdin, or --batch")
        return 2
    if args.engine == "dask":
        return _extract_on_dask(args, reference)
    summary = Summary()
    with ExitStack() as stack:
        ledger = stack.enter_context(Ledger(args.ledger)) if args.ledger else None
        results = process_paths(args.paths, rules=rules, reference_date=reference, ledger=ledger, summary=summary,
                                outputs=[args.output] if args.output else [], max_bytes=_max_bytes(args),
                                jobs=args.jobs)
        n = _write(_rows(_with_progress(results, args)), args)
    if args.output or args.ledger or args.summary:
        _warn(f"{summary}" + (f"; wrote {n} rows to {args.output}" if args.output else "")
              + (f"; ledger {args.ledger}" if args.ledger else ""))
    return 1 if summary.failed else 0


def _extract_on_dask(args: argparse.Namespace, reference: str | None) -> int:
    if args.format != "parquet" or not args.output or args.output == "-" or args.ledger:
        raise ValueError("extract --engine dask writes a Parquet folder: give --format parquet -o FOLDER/ (no --ledger)")
    from .dask_engine import extract_to_parquet

    summary, n = extract_to_parquet(args.paths, args.output, scheduler=args.scheduler, rules_root=args.rules,
                                    reference_date=reference, max_bytes=_max_bytes(args), warn=_warn)
    _warn(f"{summary}; wrote {n} rows to {args.output}")
    return 1 if summary.failed else 0


def _with_progress(results: Iterator, args: argparse.Namespace) -> Iterator:
    """A progress bar on stderr when a person is watching a long run."""
    if args.no_progress or not sys.stderr.isatty():
        return results
    from tqdm import tqdm

    return tqdm(results, unit="file", desc="facts", leave=False)


def _rows(results: Iterator[ProcessedDocument | InputError]) -> Iterator[dict]:
    for item in results:
        if isinstance(item, InputError):
            _warn(str(item))
            continue
        for warning in item.document.warnings:
            _warn(f"{item.document.path}: {warning}")
        yield from item.rows()


def _batch(stream, rules: RuleSet, reference: str | None) -> tuple[list[dict], int]:
    """JSON Lines `{"id", "text", "reference"?}` in; mentions out, each with its `id`."""
    out, failures = [], 0
    for n, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
            text, case_id = case["text"], case.get("id", n)
            mentions = extract(text, reference_date=case.get("reference") or reference, rules=rules,
                               doc=f"<stdin>:{n}")
        except InputError as exc:  # a rule ran past the match timeout on this case
            _warn(str(exc))
            failures += 1
            continue
        except (ValueError, KeyError, TypeError) as exc:
            _warn(f"<stdin>:{n}: {exc.__class__.__name__}: {exc}")
            failures += 1
            continue
        out.extend({"id": case_id} | m.model_dump(mode="json") for m in mentions)
    return out, failures


def cmd_claims(args: argparse.Namespace) -> int:
    if not os.path.exists(args.ledger):
        _warn(f"{args.ledger}: no such ledger (make one with `facts extract PATH --ledger {args.ledger}`)")
        return 2
    with Ledger(args.ledger, read_only=True) as ledger:
        frame = ledger.claims(subject=args.subject, metric=args.metric, period=args.period, kind=args.kind)
    if args.format == "table":
        columns = ["doc", "start", "end", "text", "kind", "value", "unit", "qualifier", "subject", "metric", "period"]
        with_columns = frame[columns].assign(subject=frame["subject"].map(", ".join))
        print(with_columns.to_string(index=False) if len(frame) else "no claims match")
        return 0
    _write(records(frame), args)
    return 0


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _positive(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text}: give 1 or more")
    return n


def _claims_of(args: argparse.Namespace, summary: Summary) -> tuple[list, dict[str, str], dict[str, str]]:
    """Claims (and article titles and dates by story) from the paths given, or from a ledger; inputs
    that cannot be read are reported and kept in `summary.failed`, the others still read."""
    if args.ledger and not args.paths:
        if not os.path.exists(args.ledger):
            raise LedgerError(f"{args.ledger}: no such ledger")
        with Ledger(args.ledger, read_only=True) as ledger:
            return ledger.claim_views(), ledger.titles(), ledger.article_dates()
    gathered = Gathered()
    with ExitStack() as stack:
        ledger = stack.enter_context(Ledger(args.ledger)) if args.ledger else None
        for item in process_paths(args.paths, rules=cached_rules(args.rules), reference_date=_reference(args),
                                  ledger=ledger, summary=summary, outputs=[args.output] if args.output else [],
                                  max_bytes=_max_bytes(args), jobs=args.jobs):
            if isinstance(item, InputError):
                _warn(str(item))
                continue
            gathered.add(item)
        if ledger is not None:
            return ledger.claim_views(), ledger.titles(), ledger.article_dates()
    return gathered.claims, gathered.titles, gathered.dates


def cmd_check(args: argparse.Namespace) -> int:
    if not args.paths and not args.ledger:
        _warn("check: give files or folders, or --ledger FILE")
        return 2
    summary = Summary()
    from .checks import find_flags, flag_places

    if args.engine == "dask":
        if len(args.paths) != 1 or args.ledger:
            raise ValueError("check --engine dask: give one Parquet folder written by `facts extract --engine dask`")
        from .dask_engine import check_parquet

        flags, claims = check_parquet(args.paths[0], scheduler=args.scheduler, rules_root=args.rules,
                                      min_confidence=args.min_confidence)
    else:
        found, titles, dates = _claims_of(args, summary)
        rules = load_check_rules(args.rules) if args.ledger and not args.paths else cached_rules(args.rules)
        flags = find_flags(found, rules=rules, titles=titles, dates=dates, min_confidence=args.min_confidence)
        claims = len(found)
    if args.format == "table":
        table = "".join(f"[{f.severity}] {f.kind} ({f.confidence:.2f}): {f.why}"
                        f"\n    a: {f.a.doc}:{f.a.start}-{f.a.end} {f.a.text!r}"
                        f"\n    b: {f.b.doc}:{f.b.start}-{f.b.end} {f.b.text!r}\n"
                        + (f"    and {len(f.copies)} copies of these pages\n" if f.copies else "") for f in flags)
        with atomic_open(args.output or "-") as out:
            out.write(table)
        copies = sum(len(f.copies) for f in flags)
        print(f"{len(flags)} flags on {claims} claims" + (f" ({copies} more places in copies)" if copies else ""),
              file=sys.stderr)
    else:
        _write(flag_places(flags), args)
    return 1 if (flags and args.fail_on_conflict) or summary.failed else 0


def _changes(args: argparse.Namespace) -> list:
    """The changes asked for: two files, two folders, two ledgers (.db), or the copies of one article."""
    from .diff import diff_article, diff_ledgers, diff_paths

    usage = "diff: give OLD NEW (two files, folders or .db ledgers), or --ledger FILE --article ID"
    if args.ledger or args.article:
        if not (args.ledger and args.article) or args.paths:
            raise ValueError(usage)
        with _existing_ledger(args.ledger) as ledger:
            return diff_article(ledger, args.article)
    if len(args.paths) != 2:
        raise ValueError(usage)
    old, new = args.paths
    if old.endswith(".db") or new.endswith(".db"):
        with _existing_ledger(old) as before, _existing_ledger(new) as after:
            return diff_ledgers(before, after)
    rules = cached_rules(args.rules) if args.rules else None  # the default ones only once the paths are found
    return diff_paths(old, new, rules=rules, reference_date=_reference(args))


def _existing_ledger(path: str, read_only: bool = True) -> Ledger:
    if not os.path.isfile(path):
        raise InputError(path, "no such ledger")
    return Ledger(path, read_only=read_only)


def cmd_diff(args: argparse.Namespace) -> int:
    from .diff import CHANGE_COLUMNS, format_changes

    changes = _changes(args)
    if args.format == "xlsx":
        write([c.row() for c in changes], "xlsx", args.output, columns=CHANGE_COLUMNS, sheet="Changes")
    elif args.format in FORMATS:
        _write(changes, args)
    elif args.output:
        with atomic_open(args.output) as out:
            out.write(format_changes(changes) + ("\n" if changes else ""))
    elif changes:
        print(format_changes(changes, colour=sys.stdout.isatty() and not os.environ.get("NO_COLOR")))
    return 1 if changes else 0


def cmd_report(args: argparse.Namespace) -> int:
    """The checker's workbook and the reading report, each by its output's suffix."""
    writers = [(review_writer(output), output) for output in args.output]
    if not args.paths and not args.ledger:
        raise ValueError("report: give files or folders, or --ledger FILE")
    with ExitStack() as stack:
        if args.ledger:
            path = args.ledger
            if not args.paths and not os.path.isfile(path):
                raise InputError(path, "no such ledger")
        else:
            path = os.path.join(stack.enter_context(tempfile.TemporaryDirectory()), "ledger.db")
            if any(output.lower().endswith(".xlsx") for _, output in writers):
                _warn("report: no --ledger, so verdicts filled in this workbook cannot be imported later")
        ledger = stack.enter_context(Ledger(path, read_only=bool(args.ledger and not args.paths)))
        rules = cached_rules(args.rules)
        summary = Summary()
        processed = process_paths(args.paths, rules=rules, reference_date=_reference(args), ledger=ledger,
                                  summary=summary, outputs=args.output, max_bytes=_max_bytes(args), jobs=args.jobs)
        for item in processed if args.paths else ():
            if isinstance(item, InputError):
                _warn(str(item))
        claims = ledger.claim_records()
        from .checks import corroboration, find_flags

        flags = find_flags(claims, rules=rules, titles=ledger.titles(), dates=ledger.article_dates(),
                           min_confidence=args.min_confidence)
        counts = corroboration(claims, rules)
        for write, output in writers:
            write(ledger, output, flags=flags, corroboration=counts)
            _warn(f"wrote {output}")
    return 1 if summary.failed else 0


def cmd_verdicts_import(args: argparse.Namespace) -> int:
    with _existing_ledger(args.ledger, read_only=False) as ledger:
        from .export.workbook import import_verdicts

        result = import_verdicts(args.file, ledger)
    _warn(f"{args.file}: {result}")
    return 1 if result.invalid else 0


def cmd_rules_check(args: argparse.Namespace) -> int:
    from .engine.limits import check_rules

    problems = check_rules(args.rules)
    for problem in problems:
        print(problem)
    if problems:
        _warn(f"{len(problems)} patterns can backtrack catastrophically")
        return 1
    _warn("rules checked: no nested unbounded quantifiers")
    return 0


REFERENCE_HELP = "anchor for dates with no year (YYYY-MM-DD); else $REFERENCE_DATE"
JOBS_HELP = "read documents in this many processes (default: the machine's cores); the output is the same"
ENGINE_HELP = "local: processes on this machine; dask: a Dask cluster (docs/scale.md)"
SCHEDULER_HELP = "with --engine dask, the scheduler's address (tcp://host:8786); else a LocalCluster is started"
MIN_CONFIDENCE_HELP = ("leave out flags less sure than this that both claims speak of one fact "
                       "(default: min_confidence in rules/en/checks.yaml)")
DEFAULT_MAX_MB = DEFAULT_MAX_BYTES / 1024 / 1024
MAX_SIZE_HELP = "refuse files larger than this (default: %(default)g MB, which keeps a run under 500 MB of memory)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="facts", description="Check the numbers in a pile of articles: extract every figure and date with its "
                                  "exact span, keep them in a ledger, flag where articles disagree.")
    parser.add_argument("--version", action="version", version=f"facts {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="find every figure and date in files, folders or stdin")
    ex.add_argument("paths", nargs="*", help="files or folders (folders are searched recursively)")
    ex.add_argument("--format", choices=FORMATS, default="jsonl")
    ex.add_argument("-o", "--output", help="write here (atomically) instead of stdout")
    ex.add_argument("--ledger", help="also add the claims to this ledger file (SQLite), e.g. outputs/ledger.db")
    ex.add_argument("--stdin", action="store_true", help="read one text from stdin")
    ex.add_argument("--batch", action="store_true", help='read JSON Lines {"id","text","reference"?} from stdin')
    ex.add_argument("--reference-date", help=REFERENCE_HELP)
    ex.add_argument("--max-size", type=float, default=DEFAULT_MAX_MB, metavar="MB", help=MAX_SIZE_HELP)
    ex.add_argument("--jobs", type=_positive, default=_cores(), metavar="N", help=JOBS_HELP)
    ex.add_argument("--engine", choices=("local", "dask"), default="local", help=ENGINE_HELP)
    ex.add_argument("--scheduler", metavar="ADDRESS", help=SCHEDULER_HELP)
    ex.add_argument("--rules", help="rules folder (default: the bundled rules/)")
    ex.add_argument("--summary", action="store_true", help="print what the run did on stderr")
    ex.add_argument("--no-progress", action="store_true", help="no progress bar")
    ex.set_defaults(func=cmd_extract)

    ck = sub.add_parser("check", help="flag claims that disagree, across articles and inside one")
    ck.add_argument("paths", nargs="*", help="files or folders (or use --ledger)")
    ck.add_argument("--ledger", help="check the claims of this ledger (with paths: add them to it first)")
    ck.add_argument("--format", choices=("table",) + FORMATS, default="table")
    ck.add_argument("-o", "--output", help="write here (atomically) instead of stdout")
    ck.add_argument("--reference-date", help=REFERENCE_HELP)
    ck.add_argument("--max-size", type=float, default=DEFAULT_MAX_MB, metavar="MB", help=MAX_SIZE_HELP)
    ck.add_argument("--jobs", type=_positive, default=_cores(), metavar="N", help=JOBS_HELP)
    ck.add_argument("--engine", choices=("local", "dask"), default="local",
                    help=ENGINE_HELP + "; dask checks a Parquet folder written by `extract --engine dask`")
    ck.add_argument("--scheduler", metavar="ADDRESS", help=SCHEDULER_HELP)
    ck.add_argument("--rules", help="rules folder (default: the bundled rules/)")
    ck.add_argument("--fail-on-conflict", action="store_true", help="exit 1 when anything is flagged (for CI)")
    ck.add_argument("--min-confidence", type=float, metavar="0-1", help=MIN_CONFIDENCE_HELP)
    ck.set_defaults(func=cmd_check)

    df = sub.add_parser("diff", help="what claims changed between two versions (files, folders, ledgers)")
    df.add_argument("paths", nargs="*", metavar="OLD NEW", help="two files, two folders or two ledgers (.db)")
    df.add_argument("--ledger", help="with --article: compare the copies and versions of one article here")
    df.add_argument("--article", help="a story id, or the ledger id of one of its articles")
    df.add_argument("--format", choices=("text",) + FORMATS, default="text")
    df.add_argument("-o", "--output", help="write here (atomically) instead of stdout")
    df.add_argument("--reference-date", help=REFERENCE_HELP)
    df.add_argument("--rules", help="rules folder (default: the bundled rules/)")
    df.set_defaults(func=cmd_diff)

    cl = sub.add_parser("claims", help="query the claims in a ledger")
    cl.add_argument("--ledger", default="outputs/ledger.db")
    cl.add_argument("--subject", help="an entity the claim is about (e.g. Azerbaijan)")
    cl.add_argument("--metric", help="a word of the metric (e.g. trade)")
    cl.add_argument("--period", help="a period prefix (e.g. 2024)")
    cl.add_argument("--kind", help="money, percent, quantity, count, multiplier, date, period or duration")
    cl.add_argument("--format", choices=("table",) + FORMATS, default="table")
    cl.add_argument("-o", "--output", help="write here (atomically) instead of stdout")
    cl.set_defaults(func=cmd_claims)

    rp = sub.add_parser("report", help="the checker's workbook (.xlsx) or a report to read claims in (.html)")
    rp.add_argument("paths", nargs="*", help="files or folders (or use --ledger)")
    rp.add_argument("--ledger", help="report on this ledger (with paths: add them to it first)")
    rp.add_argument("-o", "--output", required=True, action="append",
                    help="FILE.xlsx or FILE.html, written atomically (give -o again for both)")
    rp.add_argument("--reference-date", help=REFERENCE_HELP)
    rp.add_argument("--max-size", type=float, default=DEFAULT_MAX_MB, metavar="MB", help=MAX_SIZE_HELP)
    rp.add_argument("--jobs", type=_positive, default=_cores(), metavar="N", help=JOBS_HELP)
    rp.add_argument("--min-confidence", type=float, metavar="0-1", help=MIN_CONFIDENCE_HELP)
    rp.add_argument("--rules", help="rules folder (default: the bundled rules/)")
    rp.set_defaults(func=cmd_report)

    ru = sub.add_parser("rules", help="check a rules folder")
    ru_sub = ru.add_subparsers(dest="rules_command", required=True)
    rc = ru_sub.add_parser("check", help="load the rules and refuse patterns that nest unbounded quantifiers "
                                         "(exit 1 naming each one's file and line)")
    rc.add_argument("--rules", help="rules folder (default: the bundled rules/)")
    rc.set_defaults(func=cmd_rules_check)

    vd = sub.add_parser("verdicts", help="verdicts filled in a workbook, back into the ledger")
    vd_sub = vd.add_subparsers(dest="verdicts_command", required=True)
    vi = vd_sub.add_parser("import", help="store the Verdict, Checker and Notes columns of a workbook")
    vi.add_argument("file", metavar="FILE.xlsx", help="a workbook made by `facts report --ledger ... -o FILE.xlsx`")
    vi.add_argument("--ledger", required=True, help="the ledger the workbook was made from")
    vi.set_defaults(func=cmd_verdicts_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "scheduler", None) and args.engine != "dask":
            raise ValueError("--scheduler is for --engine dask")
        return args.func(args)
    except (RuleError, InputError, LedgerError, ValueError) as exc:
        _warn(str(exc))
        return 2
    except BrokenPipeError:
        return 0
    except OSError as exc:  # an output that cannot be written (a folder, no permission, disk full)
        _warn(f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc))
        return 2
