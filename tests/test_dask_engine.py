"""`--engine dask` on a LocalCluster of two worker processes gives the local engine's rows and flags."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("dask.distributed")
pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")

from dask.distributed import LocalCluster  # noqa: E402

from facts.checks import find_flags, load_checks  # noqa: E402
from facts.cli import main  # noqa: E402
from facts.dask_engine import check_parquet, extract_to_parquet  # noqa: E402
from facts.export.tables import write_parquet  # noqa: E402
from facts.run import Gathered, process_paths  # noqa: E402
from facts.text.documents import InputError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus" / "seeds"


@pytest.fixture(scope="module")
def scheduler():
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> Path:
    """Every article of the checks' examples as a file of its own: each check finds something, in articles
    and across them, and articles repeated across examples are copies of one story."""
    folder = tmp_path_factory.mktemp("examples")
    for check in load_checks():
        for i, example in enumerate(check.examples):
            for j, text in enumerate(example.articles):
                (folder / f"{check.id}-{i}-{j}.txt").write_text(text, encoding="utf-8")
    return folder


def local(paths: list[str], out: Path):
    """The single-process run: the rows `extract --format parquet` writes, and the flags `check` gives."""
    gathered = Gathered(with_rows=True)
    for item in process_paths(paths):
        if not isinstance(item, InputError):
            gathered.add(item)
    write_parquet(gathered.rows, f"{out}/")
    return (pd.read_parquet(out), find_flags(gathered.claims, titles=gathered.titles, dates=gathered.dates),
            len(gathered.claims))


def test_seeds_give_the_local_rows_and_flags(scheduler, tmp_path):
    expected_rows, expected_flags, claims = local([str(SEEDS)], tmp_path / "local")
    summary, n = extract_to_parquet([str(SEEDS)], tmp_path / "dask", scheduler=scheduler)
    rows = pd.read_parquet(tmp_path / "dask")
    pd.testing.assert_frame_equal(rows, expected_rows)  # the same rows in the same order, claim ids and all
    assert n == len(rows) and summary.files == 5 and summary.copies == 4 and not summary.failed
    flags, count = check_parquet(tmp_path / "dask", scheduler=scheduler)
    assert count == claims
    assert [f.model_dump() for f in flags] == [f.model_dump() for f in expected_flags]
    assert any(f.copies for f in flags)


def test_every_check_finds_the_same_on_its_examples(scheduler, examples, tmp_path):
    expected_rows, expected_flags, _ = local([str(examples)], tmp_path / "local")
    extract_to_parquet([str(examples)], tmp_path / "dask", scheduler=scheduler)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "dask"), expected_rows)
    flags, _ = check_parquet(tmp_path / "dask", scheduler=scheduler)
    assert [f.model_dump() for f in flags] == [f.model_dump() for f in expected_flags]
    assert {f.kind for f in flags} == {c.id for c in load_checks()}


def test_cli_names_a_missing_file_and_reads_the_others(scheduler, tmp_path, capsys):
    few = [str(p) for p in sorted(SEEDS.glob("*.txt"), key=lambda p: p.stat().st_size)[:2]]  # the quickest
    missing = str(tmp_path / "missing.txt")
    status = main(["extract", "--engine", "dask", "--scheduler", scheduler, few[0], missing, few[1],
                   "--format", "parquet", "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 1
    assert f"facts: {missing}: no such file or directory\n" in err
    assert "2 files;" in err and "1 files skipped for errors" in err
    expected_rows, expected_flags, _ = local(few, tmp_path / "local")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out"), expected_rows)
    assert main(["check", "--engine", "dask", "--scheduler", scheduler, str(tmp_path / "out"), "--format", "jsonl",
                 "-o", str(tmp_path / "flags.jsonl")]) == 0
    assert main(["check", *few, "--format", "jsonl", "--jobs", "1", "-o", str(tmp_path / "local.jsonl")]) == 0
    assert (tmp_path / "flags.jsonl").read_text() == (tmp_path / "local.jsonl").read_text()


def test_check_refuses_a_folder_without_the_claims_table(tmp_path, capsys):
    assert main(["check", "--engine", "dask", str(tmp_path), "--format", "jsonl"]) == 2
    assert capsys.readouterr().err.startswith(f"facts: {tmp_path / '_claims.parquet'}: no such file")


def test_extract_on_dask_writes_only_a_parquet_folder(tmp_path, capsys):
    assert main(["extract", "--engine", "dask", str(SEEDS), "--format", "jsonl"]) == 2
    assert "give --format parquet -o FOLDER/" in capsys.readouterr().err
    assert main(["extract", "--scheduler", "tcp://127.0.0.1:1", str(SEEDS)]) == 2
    assert "--scheduler is for --engine dask" in capsys.readouterr().err
