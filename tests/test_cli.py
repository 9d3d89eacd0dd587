"""The command line through its entry point, `facts.cli.main`, run in this process (`run_cli`: its own
standard streams and environment), so the rules compiled once serve every test; `python -m facts` itself
is run as a process once, for its exit status."""
from __future__ import annotations

import codecs
import csv
import fcntl
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import CliRun, run_cli

from facts.text.documents import DEFAULT_MAX_BYTES

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus" / "seeds"
# The two smallest seed pages keep these runs quick.
SMALL = sorted(SEEDS.glob("*.txt"), key=lambda p: p.stat().st_size)[:2]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def run(*args: str, stdin: str | None = None, env: dict | None = None, cwd: Path | None = None) -> CliRun:
    """`facts ARGS` with no $REFERENCE_DATE but the one given in `env`."""
    return run_cli(*args, stdin=stdin, env=env, cwd=cwd, clean=("REFERENCE_DATE",))


def jsonl(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def csv_cell(value) -> str:
    """What the CSV writer must make of a JSON value: text, formula-like text quoted."""
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_START) else text


@pytest.fixture(scope="module")
def news(tmp_path_factory) -> Path:
    """A folder with one page at its top and one in a subfolder."""
    root = tmp_path_factory.mktemp("cli") / "news"
    (root / "sub").mkdir(parents=True)
    shutil.copy(SMALL[0], root / SMALL[0].name)
    shutil.copy(SMALL[1], root / "sub" / SMALL[1].name)
    return root


@pytest.fixture(scope="module")
def folder_runs(news) -> dict[str, CliRun]:
    return {fmt: run("extract", str(news), "--format", fmt) for fmt in ("jsonl", "csv", "json")}


@pytest.fixture(scope="module")
def folder_rows(folder_runs) -> list[dict]:
    result = folder_runs["jsonl"]
    assert result.returncode == 0, result.stderr
    return jsonl(result.stdout)


# --- paths, formats ----------------------------------------------------------------------------


def test_folder_docs_are_relative_to_the_folder(news, folder_rows):
    assert {r["doc"] for r in folder_rows} == {SMALL[0].name, f"sub/{SMALL[1].name}"}
    for row in folder_rows:
        text = (news / row["doc"]).read_text(encoding="utf-8")
        assert text[row["start"]:row["end"]] == row["text"]


def test_a_file_doc_is_its_name(news, folder_rows):
    result = run("extract", str(news / "sub" / SMALL[1].name), "--format", "jsonl")

    assert result.returncode == 0, result.stderr
    rows = jsonl(result.stdout)
    assert rows and {r["doc"] for r in rows} == {SMALL[1].name}
    in_folder = [(r["start"], r["end"], r["text"], r["kind"], r["value"]) for r in folder_rows
                 if r["doc"] == f"sub/{SMALL[1].name}"]
    assert [(r["start"], r["end"], r["text"], r["kind"], r["value"]) for r in rows] == in_folder


def test_json_agrees_with_jsonl(folder_runs, folder_rows):
    assert folder_runs["json"].returncode == 0, folder_runs["json"].stderr

    assert json.loads(folder_runs["json"].stdout) == folder_rows


def test_csv_agrees_with_jsonl(folder_runs, folder_rows):
    assert folder_runs["csv"].returncode == 0, folder_runs["csv"].stderr

    table = list(csv.DictReader(io.StringIO(folder_runs["csv"].stdout, newline="")))

    assert len(table) == len(folder_rows)
    assert list(table[0]) == list(dict.fromkeys(k for row in folder_rows for k in row))
    for cells, row in zip(table, folder_rows):
        assert cells == {k: csv_cell(row.get(k)) for k in cells}


def test_output_file_is_replaced_whole_and_only_on_success(news, folder_rows, tmp_path):
    target = tmp_path / "out" / "mentions.jsonl"
    target.parent.mkdir()
    target.write_text("previous run\n", encoding="utf-8")

    failed = run("extract", str(news), "-o", str(target), "--reference-date", "not-a-date")

    assert failed.returncode == 2
    assert "'not-a-date'" in failed.stderr and "Traceback" not in failed.stderr
    assert target.read_text(encoding="utf-8") == "previous run\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["mentions.jsonl"]  # no temporary file left

    done = run("extract", str(news), "-o", str(target))

    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    written = jsonl(target.read_text(encoding="utf-8"))  # every line whole
    assert [(r["doc"], r["start"], r["end"], r["text"], r["kind"]) for r in written] == [
        (r["doc"], r["start"], r["end"], r["text"], r["kind"]) for r in folder_rows]
    assert sorted(p.name for p in target.parent.iterdir()) == ["mentions.jsonl"]
    assert str(target) in done.stderr


STDIN_TEXT = "Trade reached $3 million in 2024."


def test_output_to_a_fifo_is_written_through_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")), daemon=True)
    reader.start()

    result = run("extract", "--stdin", "-o", str(fifo), stdin=STDIN_TEXT)
    reader.join(timeout=30)

    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [r["text"] for r in jsonl(received[0])] == ["$3 million", "2024"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_output_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real" / "mentions.jsonl"
    target.parent.mkdir()
    target.write_text("previous run\n", encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)

    result = run("extract", "--stdin", "-o", str(link), stdin=STDIN_TEXT)

    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == target
    assert [r["text"] for r in jsonl(target.read_text(encoding="utf-8"))] == ["$3 million", "2024"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["mentions.jsonl"]


def test_output_dash_is_stdout(tmp_path):
    result = run("extract", "--stdin", "-o", "-", stdin=STDIN_TEXT, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert [r["text"] for r in jsonl(result.stdout)] == ["$3 million", "2024"]
    assert list(tmp_path.iterdir()) == []


def test_leftover_temporary_files_of_a_killed_run_are_removed_by_the_next_run(tmp_path):
    target = tmp_path / "mentions.jsonl"
    killed = tmp_path / ".mentions.jsonl.k1ll3d.tmp"
    killed.write_text('{"half": ', encoding="utf-8")
    live = tmp_path / ".mentions.jsonl.l1v3.tmp"
    with live.open("w") as writing:
        fcntl.flock(writing, fcntl.LOCK_EX)  # as a run writing it now holds it

        result = run("extract", "--stdin", "-o", str(target), stdin=STDIN_TEXT)

        assert result.returncode == 0, result.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == [live.name, target.name]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full, the full disk of a test")
def test_a_full_disk_is_one_line_naming_the_output():
    result = run("extract", "--stdin", "-o", "/dev/full", stdin=STDIN_TEXT)

    assert result.returncode == 2
    assert result.stderr == "facts: /dev/full: No space left on device\n"


def test_output_to_a_folder_is_a_clear_error(news, tmp_path):
    result = run("extract", str(news / SMALL[0].name), "-o", str(tmp_path))

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert str(tmp_path) in result.stderr and "directory" in result.stderr.lower()
    assert list(tmp_path.iterdir()) == []


# --- stdin and batch ---------------------------------------------------------------------------


def test_stdin_resolves_against_reference_date_from_env_and_flag():
    text = "They meet on May 7 and trade is up 5%.\n"  # no tense: the anchor's year

    from_env = jsonl(run("extract", "--stdin", stdin=text, env={"REFERENCE_DATE": "2025-06-01"}).stdout)
    from_flag = jsonl(run("extract", "--stdin", "--reference-date", "2019-01-01", stdin=text,
                          env={"REFERENCE_DATE": "2025-06-01"}).stdout)

    assert [(r["text"], r["resolved"]) for r in from_env if r["kind"] == "date"] == [("May 7", "2025-05-07")]
    assert [(r["text"], r["resolved"]) for r in from_flag if r["kind"] == "date"] == [("May 7", "2019-05-07")]
    assert ("5%", "percent") in [(r["text"], r["kind"]) for r in from_env]
    assert all(text[r["start"]:r["end"]] == r["text"] for r in from_env)


def test_a_repeating_fraction_is_written_as_a_reader_writes_it_not_with_float_noise():
    text = "A third of the budget went to roads and two-thirds of voters agreed; it cost $12,345,678,901.25.\n"
    stdout = run("extract", "--stdin", stdin=text).stdout
    rows = {r["text"]: r for r in jsonl(stdout)}

    assert '"value": 33.3333333333333,' in stdout.splitlines()[0]
    assert (rows["A third"]["value"], rows["A third"]["unit"]) == (33.3333333333333, "%")
    assert rows["two-thirds"]["value"] == 66.6666666666667
    assert '"value": 12345678901.25,' in stdout  # a figure as written keeps its digits


def test_batch_carries_ids_and_reports_a_bad_line_by_number():
    cases = [
        json.dumps({"id": "first", "text": "Exports rose 12% in 2023."}),
        "{not json",
        json.dumps({"id": 7, "text": "They meet on May 7.", "reference": "2024-01-01"}),
        json.dumps({"id": "no-text"}),
        "",
        json.dumps({"text": "It cost $5 million."}),
    ]

    result = run("extract", "--batch", stdin="\n".join(cases) + "\n")

    assert result.returncode == 1
    rows = jsonl(result.stdout)
    assert [(r["id"], r["text"]) for r in rows] == [("first", "12%"), ("first", "2023"), (7, "May 7"),
                                                  (6, "$5 million")]  # no id: the line number
    assert rows[2]["resolved"] == "2024-05-07"
    errors = result.stderr.splitlines()
    assert len(errors) == 2, result.stderr
    assert errors[0].startswith("facts: <stdin>:2: ") and errors[1].startswith("facts: <stdin>:4: ")


def test_csv_cells_that_look_like_formulas_are_text():
    cases = [json.dumps({"id": i, "text": "Up 5%."}) for i in ("=1+1", "+1", "-1", "@SUM(A1)", "plain")]
    cases.append(json.dumps({"id": "neg", "text": "Prices fell -2% to -5 tons."}))

    result = run("extract", "--batch", "--format", "csv", stdin="\n".join(cases) + "\n")

    assert result.returncode == 0, result.stderr
    table = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert [row["id"] for row in table[:5]] == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "plain"]
    negative = [row["text"] for row in table if row["id"] == "neg"]
    assert negative and all(t.startswith("'-") for t in negative), negative


# --- bad input ---------------------------------------------------------------------------------

RUSSIAN = "Товарооборот России и Китая в 2023 году достиг $240 billion, сообщило управление.\r\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256))


def test_bad_files_are_reported_and_the_rest_still_extracted(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    good = "Exports rose 12% to US$ 4.5 billion in 2023.\n"
    utf16 = "Imports fell 3% to €2 billion 🚀.\n"
    (folder / "a_good.txt").write_text(good, encoding="utf-8")
    (folder / "b_image.png").write_bytes(PNG)
    (folder / "c_empty.txt").write_bytes(b"")
    (folder / "d_russian.txt").write_bytes(RUSSIAN.encode("cp1251"))
    (folder / "e_utf16.txt").write_bytes(codecs.BOM_UTF16_LE + utf16.encode("utf-16-le"))
    target = tmp_path / "out.jsonl"

    result = run("extract", str(folder), "-o", str(target))

    assert result.returncode == 1
    rows = jsonl(target.read_text(encoding="utf-8"))
    texts = {"a_good.txt": good, "d_russian.txt": RUSSIAN, "e_utf16.txt": utf16}
    assert {r["doc"] for r in rows} == set(texts)
    for row in rows:
        assert texts[row["doc"]][row["start"]:row["end"]] == row["text"]
    assert ("US$ 4.5 billion", "money") in [(r["text"], r["kind"]) for r in rows]
    assert ("$240 billion", "money") in [(r["text"], r["kind"]) for r in rows]
    assert ("€2 billion", "money") in [(r["text"], r["kind"]) for r in rows]

    stderr = result.stderr.splitlines()
    assert any(str(folder / "b_image.png") in line and "binary" in line for line in stderr), result.stderr
    assert any(str(folder / "c_empty.txt") in line and "empty file" in line for line in stderr), result.stderr
    assert any("d_russian.txt" in line and ("cp1251" in line or "windows-1251" in line) for line in stderr)
    assert any("e_utf16.txt" in line and "utf-16" in line for line in stderr), result.stderr
    assert "Traceback" not in result.stderr


def test_missing_path_is_a_clear_error_and_the_others_still_run(news, tmp_path):
    missing = tmp_path / "no-such-folder"

    result = run("extract", str(missing), str(news / SMALL[0].name))

    assert result.returncode == 1
    assert f"{missing}: no such file or directory" in result.stderr
    assert {r["doc"] for r in jsonl(result.stdout)} == {SMALL[0].name}


def test_a_folder_scan_skips_the_runs_own_output_and_ledger(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    shutil.copy(SMALL[0], folder / SMALL[0].name)
    output, ledger = folder / "mentions.jsonl", folder / "ledger.db"

    first = run("extract", str(folder), "-o", str(output))
    again = run("extract", str(folder), "-o", str(output), "--ledger", str(ledger))

    assert (first.returncode, again.returncode) == (0, 0), again.stderr
    assert {r["doc"] for r in jsonl(output.read_text(encoding="utf-8"))} == {SMALL[0].name}
    with_ledger = run("extract", str(folder), "-o", str(output), "--ledger", str(ledger))  # now in the folder
    assert with_ledger.returncode == 0, with_ledger.stderr
    assert with_ledger.stderr.startswith("facts: 1 files;"), with_ledger.stderr


def test_check_and_report_exit_1_on_a_missing_input_and_still_read_the_others(news, tmp_path):
    missing = tmp_path / "no-such-file.txt"
    report = tmp_path / "report.html"

    checked = run("check", str(missing), str(news / SMALL[0].name), "--format", "jsonl")
    reported = run("report", str(missing), str(news / SMALL[0].name), "-o", str(report))

    for result in (checked, reported):
        assert result.returncode == 1, result.stderr
        assert [line for line in result.stderr.splitlines() if str(missing) in line] == [
            f"facts: {missing}: no such file or directory"]
        assert "Traceback" not in result.stderr
    assert SMALL[0].name in report.read_text(encoding="utf-8")


def test_reference_date_is_taken_by_check_report_and_diff(tmp_path):
    article = tmp_path / "visit.txt"
    article.write_text("President to visit Baku\n\n"
                       "The President will visit Baku on 7 May, officials said on Tuesday.\n\n"
                       "Trade between the two countries reached $3 billion last year, up 12 percent, the ministry "
                       "said. The two sides will sign 14 agreements during the visit.\n", encoding="utf-8")
    ledgers = {command: tmp_path / f"{command}.db" for command in ("check", "report")}

    checked = run("check", str(article), "--ledger", str(ledgers["check"]), "--reference-date", "2025-03-01")
    reported = run("report", str(article), "--ledger", str(ledgers["report"]), "--reference-date", "2025-03-01",
                   "-o", str(tmp_path / "report.html"))
    diffed = run("diff", str(article), str(article), "--reference-date", "2025-03-01")

    assert (checked.returncode, reported.returncode, diffed.returncode) == (0, 0, 0), checked.stderr + reported.stderr
    for ledger in ledgers.values():
        claims = jsonl(run("claims", "--ledger", str(ledger), "--format", "jsonl").stdout)
        # Both resolved against the reference date; whether the lead's `7 May` is a claim is segment.py's say
        # (since 67f5497 a headless page starts at its first whole sentence, so it is).
        resolved = {c["text"]: c["resolved"] for c in claims if c["kind"] == "date"}
        assert resolved["last year"] == "2024" and resolved.get("7 May", "2025-05-07") == "2025-05-07"


def test_check_table_with_o_writes_the_table_to_the_file(tmp_path):
    table = tmp_path / "flags.txt"

    to_file = run("check", str(SEEDS), "--format", "table", "-o", str(table))
    to_stdout = run("check", str(SEEDS), "--format", "table")

    assert (to_file.returncode, to_stdout.returncode) == (0, 0), to_file.stderr
    assert to_file.stdout == ""
    assert "flags on" in to_file.stderr
    assert to_stdout.stdout and table.read_text(encoding="utf-8") == to_stdout.stdout


def test_a_file_over_the_size_limit_is_refused_by_name_and_max_size_raises_it(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(DEFAULT_MAX_BYTES + 1024 * 1024)  # sparse: over the default limit without writing it

    refused = run("extract", str(big))
    raised = run("extract", str(big), "--max-size", "32")

    assert refused.returncode == raised.returncode == 1
    limits = f"({DEFAULT_MAX_BYTES + 1024 * 1024} bytes > {DEFAULT_MAX_BYTES} limit; --max-size MB raises it)"
    assert f"{big}: file too large {limits}" in refused.stderr
    assert f"{big}: binary file" in raised.stderr  # read, then found to be all NULs


def test_extract_without_input_says_what_to_give():
    result = run("extract")

    assert result.returncode == 2
    assert "--stdin" in result.stderr and result.stdout == ""


def test_every_command_is_in_the_readme():
    from facts.cli import build_parser

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    commands = build_parser()._subparsers._group_actions[0].choices
    missing = [name for name in commands if f"facts {name}" not in readme]
    assert not missing, f"commands not in README.md: {missing}"


def test_parquet_to_a_file_and_to_a_folder_partitioned_by_kind(tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    rows = jsonl(run("extract", str(SEEDS), "--format", "jsonl").stdout)
    assert run("extract", str(SEEDS), "--format", "parquet", "-o", str(tmp_path / "m.parquet")).returncode == 0
    assert run("extract", str(SEEDS), "--format", "parquet", "-o", f"{tmp_path / 'parts'}/").returncode == 0
    one, parts = pd.read_parquet(tmp_path / "m.parquet"), pd.read_parquet(tmp_path / "parts")
    assert len(one) == len(parts) == len(rows)
    assert sorted(p.name for p in (tmp_path / "parts").iterdir()) == sorted({f"kind={r['kind']}" for r in rows})
    first = one.iloc[0]
    assert (first["doc"], first["start"], first["text"]) == (rows[0]["doc"], rows[0]["start"], rows[0]["text"])
    # Amounts stay exact decimal text, subjects lists.
    money = next(r for r in rows if r["kind"] == "money")
    written = one[(one["doc"] == money["doc"]) & (one["start"] == money["start"])].iloc[0]
    assert written["value"] == str(money["value"]) and list(written["subject"]) == money["subject"]


def test_parquet_to_standard_output_is_a_clear_error():
    result = run("extract", str(SEEDS), "--format", "parquet")
    assert result.returncode == 2 and "give -o FILE.parquet" in result.stderr and "Traceback" not in result.stderr


def test_python_m_facts_exits_with_the_commands_status():
    """The one run as a real process here: `python -m facts` itself must hand main's status to the shell.
    (A usage error comes before any rule is compiled, so this costs an interpreter's start only.)"""
    ok = subprocess.run([sys.executable, "-m", "facts", "--version"], capture_output=True, text=True, timeout=120)
    usage = subprocess.run([sys.executable, "-m", "facts", "diff", "only-one-path"], capture_output=True, text=True,
                           timeout=120)

    assert (ok.returncode, ok.stdout.startswith("facts ")) == (0, True), ok.stderr
    assert usage.returncode == 2 and usage.stderr.startswith("facts: diff: give OLD NEW"), usage.stderr
