"""Import time of each Lambda handler module, beside a bare boto3 + Powertools import.

Each figure is the median of N fresh interpreters (the cost a cold start pays before the
handler runs), measured in the same run so the ratios hold on a noisy machine.

    python bench/cold_start.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LOAD_HANDLER = (
    "import importlib.util\n"
    "spec = importlib.util.spec_from_file_location('app', 'functions/{name}/app.py')\n"
    "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
)
CASES = {
    "baseline: import boto3, aws_lambda_powertools": "import boto3, aws_lambda_powertools\n",
    "ApiFunction (functions/api/app.py)": LOAD_HANDLER.format(name="api"),
    "ExtractFunction (functions/extract/app.py)": LOAD_HANDLER.format(name="extract"),
    "ExtractFunction + extraction engine loaded": LOAD_HANDLER.format(name="extract")
    + "import articles.extraction.html, trafilatura\n",
    "SummarizeFunction (functions/summarize/app.py)": LOAD_HANDLER.format(name="summarize"),
    "SweepFunction (functions/sweep/app.py)": LOAD_HANDLER.format(name="sweep"),
}
TIMER = "import time\n_t = time.perf_counter()\n{body}print((time.perf_counter() - _t) * 1000)\n"


def measure(body: str, runs: int) -> float:
    env = dict(os.environ, POWERTOOLS_TRACE_DISABLED="true", PYTHONDONTWRITEBYTECODE="")
    samples = []
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-c", TIMER.format(body=body)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        samples.append(float(result.stdout.strip().splitlines()[-1]))
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    measure(CASES[next(iter(CASES))], 2)  # warm the file cache and bytecode
    results = {name: measure(body, args.runs) for name, body in CASES.items()}
    baseline = next(iter(results.values()))
    print(f"median import time over {args.runs} fresh interpreters ({sys.version.split()[0]})")
    print(f"| {'module':<48} | {'ms':>7} | {'x baseline':>10} |")
    print(f"|{'-' * 50}|{'-' * 9}|{'-' * 12}|")
    for name, ms in results.items():
        print(f"| {name:<48} | {ms:7.1f} | {ms / baseline:10.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
