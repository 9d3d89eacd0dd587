"""What a command spends before it reads its input: `facts extract --stdin` on one sentence, in CPU time
of the child process (user + system), with the compiled-pattern cache cold (a new folder), warm (the
folder the cold run wrote) and switched off (`FACTS_CACHE_DIR=off`). Best of --runs each.

    python benchmarks/bench_startup.py [--runs 5]
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile

SENTENCE = "Kazakhstan exported 5 million tonnes of wheat to China in 2023, up 12% on a year earlier.\n"
TARGET_CPU_S = 1.0


def cpu_of_one_run(cache_dir: str) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-m", "facts", "extract", "--stdin"], input=SENTENCE, text=True,
                          capture_output=True, env=dict(os.environ, FACTS_CACHE_DIR=cache_dir))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or not done.stdout.strip():
        raise SystemExit(f"facts extract --stdin failed: {done.stderr.strip()[-500:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="best of this many runs of each")
    args = parser.parse_args(argv)
    cold, warm, off = [], [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="facts-startup-") as folder:
            cold.append(cpu_of_one_run(folder))
            warm.append(cpu_of_one_run(folder))
        off.append(cpu_of_one_run("off"))
    print(f"extract --stdin, one sentence, CPU-s (best of {args.runs}):")
    print(f"  cache cold   {min(cold):6.2f}")
    print(f"  cache warm   {min(warm):6.2f}   target <= {TARGET_CPU_S:.1f}: {'met' if min(warm) <= TARGET_CPU_S else 'NOT met'}")
    print(f"  cache off    {min(off):6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
