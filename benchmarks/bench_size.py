"""Time and peak memory of `facts extract` on one big file (issue 16, item 9: any admitted file under 500 MB).

    python benchmarks/bench_size.py 2 8 16            # text files of 2, 8 and 16 MiB: the seeds repeated
    python benchmarks/bench_size.py --html 16         # one HTML page of 16 MiB (the seeds' HTML forms' paragraphs)

Each size runs `python -m facts extract FILE -o /dev/null` in a fresh process under `/usr/bin/time -v`,
with `--max-size` just above what the file needs (HTML counts double), and prints seconds and the peak resident set.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
MIB = 1024 * 1024


def text_of(size: int) -> str:
    seeds = "\n\n".join(p.read_text(encoding="utf-8") for p in SEEDS)
    return (seeds * (size // len(seeds.encode("utf-8")) + 1)).encode("utf-8")[:size].decode("utf-8", "ignore")


def html_of(size: int) -> str:
    import html

    lines = [line for line in text_of(size).splitlines() if line.strip()]
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return (f'<!DOCTYPE html><html><head><title>Big</title><link rel="canonical" href="https://example.org/big">'
            f"</head><body><nav>Home</nav><article>{body}</article><footer>1,200 staff</footer></body></html>")


def measure(mib: float, markup: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("big.html" if markup else "big.txt")
        path.write_text((html_of if markup else text_of)(int(mib * MIB)), encoding="utf-8")
        size = path.stat().st_size
        run = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "facts", "extract", str(path), "-o", "/dev/null",
                              "--max-size", str(size * (2 if markup else 1) / MIB + 1)], capture_output=True, text=True,
                             env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1))
        wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", run.stderr).group(1)
        seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall.split(":"))))
        return {"file": path.name, "MiB": round(size / MIB, 2), "exit": run.returncode, "seconds": round(seconds, 1),
                "peak_MB": round(rss / 1024)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=float, default=[2, 8, 16])
    parser.add_argument("--html", action="store_true")
    args = parser.parse_args()
    for mib in args.sizes:
        print(json.dumps(measure(mib, args.html)), flush=True)
