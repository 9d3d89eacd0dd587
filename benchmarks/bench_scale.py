"""`extract --ledger` at growing corpus sizes: time and peak memory (issue 17: linear time, bounded memory).

    python benchmarks/bench_scale.py [--mb 10 100 1000] [--jobs 2]

Builds each corpus as `bench_jobs.py` does (files of 5-20 KB from the seed pages and the dev articles) and
runs `facts extract FOLDER --ledger L.db --jobs N` under `/usr/bin/time`: wall, CPU of the run and its
workers, and the peak resident memory of its largest process.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_jobs import ROOT, build


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, nargs="+", default=[10, 100])
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    for mb in args.mb:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "corpus"
            folder.mkdir()
            n = build(folder, mb)
            ledger = Path(tmp) / "ledger.db"
            out = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", sys.executable, "-m", "facts", "extract",
                                  str(folder), "--ledger", str(ledger), "--jobs", str(args.jobs), "--no-progress"],
                                 capture_output=True, text=True, cwd=ROOT,
                                 env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
            wall, user, system, kb = out.stderr.strip().splitlines()[-1].split()
            cpu = float(user) + float(system)
            print(f"{mb:g} MB, {n} files: {float(wall):.1f} s wall, {cpu:.1f} CPU-s ({cpu / mb:.1f} per MB), "
                  f"peak {int(kb) // 1024} MB; ledger {ledger.stat().st_size // 2**20} MB", flush=True)


if __name__ == "__main__":
    main()
