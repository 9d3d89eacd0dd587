"""`--jobs N` against `--jobs 1` on one corpus (issue 17: every core of one machine).

    python benchmarks/bench_jobs.py [--mb 20] [--jobs 2]

Builds a folder of files of 5-20 KB from the seed pages and the dev articles (cut at paragraph
breaks, each copy with its own last line so every file is a document of its own), then runs
`python -m facts extract FOLDER --format jsonl -o FILE` with `--jobs 1` and with `--jobs N`, each in
a fresh process, and prints wall seconds, CPU seconds (the process and its workers) and whether
the two outputs are byte-identical.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev" / "docs"


def build(folder: Path, mb: float) -> int:
    """Files of 5-20 KB, paragraphs of the sources in turn, until `mb` million characters."""
    sources = sorted((ROOT / "corpus" / "seeds").glob("*.txt")) + sorted(DEV.glob("*.txt"))
    paragraphs = [p for s in sources for p in s.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    total, n, i = 0, 0, 0
    while total < mb * 1_000_000:
        size = 5_000 + (n * 7919) % 15_000
        parts = []
        while sum(map(len, parts)) < size:
            parts.append(paragraphs[i % len(paragraphs)])
            i += 1
        text = "\n\n".join(parts) + f"\n\nFile {n}.\n"
        (folder / f"{n:06d}.txt").write_text(text, encoding="utf-8")
        total += len(text)
        n += 1
    return n


def run(folder: Path, jobs: int, out: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "facts", "extract", str(folder), "--format", "jsonl", "-o", str(out),
                    "--jobs", str(jobs), "--no-progress"], check=True, cwd=ROOT,
                   env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=20)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        files = build(folder, args.mb)
        one, many = Path(tmp) / "one.jsonl", Path(tmp) / "many.jsonl"
        wall_1, cpu_1 = run(folder, 1, one)
        wall_n, cpu_n = run(folder, args.jobs, many)
        same = one.read_bytes() == many.read_bytes()
    print(f"{files} files, {args.mb} MB; --jobs 1: {wall_1:.1f} s wall, {cpu_1:.1f} CPU-s; "
          f"--jobs {args.jobs}: {wall_n:.1f} s wall, {cpu_n:.1f} CPU-s; "
          f"{wall_1 / wall_n:.2f}x in wall time; output {'identical' if same else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
