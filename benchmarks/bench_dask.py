"""`--engine dask` against one process: wall and CPU time of extraction to Parquet and of the checks.

Builds at least --mb million characters of documents by repeating the pages of the --corpus folders under
different names (each copy with its own last line, as bench_pipeline.py does), writes them to a temporary
folder, and times:

1. one process: `process_paths` (jobs=1) and `write_parquet`, the local `extract --format parquet --jobs 1`;
   then `find_flags` on its claims, the local `check`;
2. `extract_to_parquet` and `check_parquet` on a LocalCluster of --workers single-threaded worker processes,
   twice each: cold (fresh workers compile the rules on their first document) and warm.

CPU time is the client's plus every worker's (`time.process_time` asked of each), so that a machine shared
with other jobs, where wall times stretch, can still be read. Checks that the rows and flags are the same.

    python benchmarks/bench_dask.py --mb 20 --workers 4 --corpus corpus/seeds ../shared/eval/dev/docs
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from dask.distributed import Client, LocalCluster

from facts import InputError, process_paths
from facts.checks import find_flags
from facts.dask_engine import check_parquet, extract_to_parquet
from facts.export.tables import write_parquet
from facts.run import Gathered

ROOT = Path(__file__).resolve().parents[1]


def build_folder(corpora: list[Path], megabytes: float, folder: Path) -> tuple[int, int]:
    pages = [(p.name, p.read_text(encoding="utf-8")) for c in corpora for p in sorted(c.glob("*.txt"))]
    if not pages:
        sys.exit(f"no .txt files in {', '.join(map(str, corpora))}")
    need, have, files, copy = int(megabytes * 1_000_000), 0, 0, 0
    while have < need:
        for name, text in pages:
            mark = "".join(chr(ord("a") + int(d)) for d in str(copy))  # no figure of its own
            text = f"{text}\nReprint {mark}.\n"
            (folder / f"{copy:04d}_{name}").write_text(text, encoding="utf-8")
            have, files = have + len(text), files + 1
        copy += 1
    return have, files


def timed(work, client: Client | None = None):
    """(result, wall seconds, CPU seconds of this process and of the cluster's workers)."""
    workers = client.run(time.process_time) if client else {}
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if client:
        cpu += sum(t - workers.get(w, 0.0) for w, t in client.run(time.process_time).items())
    return result, wall, cpu


def one_process(folder: Path, out: Path):
    gathered = Gathered(with_rows=True)
    for item in process_paths([str(folder)], jobs=1):
        if not isinstance(item, InputError):
            gathered.add(item)
    write_parquet(gathered.rows, f"{out}/")
    return gathered.claims, gathered.titles, gathered.dates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--corpus", nargs="+", type=Path, default=[ROOT / "corpus" / "seeds"])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "docs").mkdir()
        chars, files = build_folder(args.corpus, args.mb, tmp / "docs")
        print(f"{chars:,} characters in {files} files; {args.workers} worker processes")
        (claims, titles, dates), wall, cpu = timed(lambda: one_process(tmp / "docs", tmp / "local"))
        print(f"one process, extract to Parquet: {wall:7.1f} s wall, {cpu:7.1f} CPU-s")
        flags, wall, cpu = timed(lambda: find_flags(claims, titles=titles, dates=dates))
        print(f"one process, check:              {wall:7.1f} s wall, {cpu:7.1f} CPU-s ({len(flags)} flags)")
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None, silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            address = cluster.scheduler_address
            for run in ("cold", "warm"):
                _, wall, cpu = timed(lambda: extract_to_parquet([str(tmp / "docs")], tmp / "dask", scheduler=address),
                                     client)
                print(f"dask ({run}), extract to Parquet:  {wall:7.1f} s wall, {cpu:7.1f} CPU-s")
            for run in ("cold", "warm"):
                (found, _), wall, cpu = timed(lambda: check_parquet(tmp / "dask", scheduler=address), client)
                print(f"dask ({run}), check:              {wall:7.1f} s wall, {cpu:7.1f} CPU-s ({len(found)} flags)")
        pd.testing.assert_frame_equal(pd.read_parquet(tmp / "dask"), pd.read_parquet(tmp / "local"))
        assert [f.model_dump() for f in found] == [f.model_dump() for f in flags]
        print("rows and flags the same")
    return 0


if __name__ == "__main__":
    sys.exit(main())
