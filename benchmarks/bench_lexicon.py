"""How long the rules take to load with N extra entity aliases (issue 16, item 10).

    python benchmarks/bench_lexicon.py 0 5000 50000

Copies the shipped rules to a temporary folder, appends N generated aliases (company-like names of
one to four words, some sharing a first word, as a registry of firms would) to the `entity` table, and
times, in a fresh process each, `load_rules` and then the first `process_document` (which builds the
attribution scans), with the CPU seconds (on a shared machine, steadier than the wall clock) and the
peak resident memory of the process.
"""
from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
WORDS = ("Caspian Baltic Silk Steppe Amber Eurasian Northern Southern Atlas Orient Horizon Meridian Delta Granite "
         "Falcon Cedar Harbor Summit Pioneer Crescent Union Golden Iron Blue Green Red Polar Central Western "
         "Eastern Trans Global Royal Grand").split()
KINDS = "Holding Group Energy Logistics Petroleum Shipping Mining Bank Capital Partners Railways Telecom".split()

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
t = time.perf_counter()
from facts.engine.rules import load_rules
rules = load_rules(sys.argv[2])
loaded = time.perf_counter() - t
from facts.text.documents import Document
from facts.pipeline import process_document
text = "BAKU, March 3 (Reuters) - Caspian Amber Holding 7 and Azerbaijan traded $3 billion in 2024, the ministry said.\n"
process_document(Document(path="a.txt", doc="a.txt", text=text, encoding="utf-8"), rules=rules)
total = time.perf_counter() - t
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"load_s": round(loaded, 2), "load_and_first_extract_s": round(total, 2),
                  "cpu_s": round(usage.ru_utime + usage.ru_stime, 2), "peak_mb": usage.ru_maxrss // 1024}))
"""


def aliases(n: int, seed: int = 10) -> list[str]:
    rnd, out, seen = random.Random(seed), [], set()
    while len(out) < n:
        name = " ".join(rnd.sample(WORDS, rnd.randint(1, 3))) + f" {rnd.choice(KINDS)} {rnd.randint(1, 999)}"
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def rules_with(n: int, folder: Path) -> Path:
    root = folder / "rules"
    shutil.copytree(SRC / "facts" / "rules" / "en", root)
    if n:
        path = root / "lexicon" / "entities.yaml"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        at = next(i for i, line in enumerate(lines) if line.startswith("      Azerbaijan: Azerbaijan"))
        lines[at:at] = [f"      {json.dumps(a)}: {json.dumps(a)}\n" for a in aliases(n)]
        path.write_text("".join(lines), encoding="utf-8")
    return root


def measure(n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = rules_with(n, Path(tmp))
        out = subprocess.run([sys.executable, "-c", CHILD, str(SRC), str(root)], capture_output=True, text=True,
                             timeout=900)
        if out.returncode:
            raise SystemExit(out.stderr)
        return {"aliases": n, **json.loads(out.stdout)}


if __name__ == "__main__":
    for n in map(int, sys.argv[1:] or ["0", "5000", "50000"]):
        print(json.dumps(measure(n)), flush=True)
