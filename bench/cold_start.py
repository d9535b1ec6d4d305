"""Import time of each Lambda handler on the BUILT layer, without and with its bytecode.

What a cold start pays before the handler runs: a fresh python3.13 imports the handler with
the function's directory, the layer as shared/Makefile builds it, and boto3 (which the Lambda
runtime provides, compiled) on the path, and nothing else (``-S``). Bytecode is never written
(``PYTHONDONTWRITEBYTECODE``), as /opt is read-only in Lambda, so a layer shipped without .pyc
files is compiled again on every start.

The layer is built by the same Makefile as the deployed one, for this machine's architecture
(on x86_64 the twin of the arm64 layer: the same wheels, built for x86_64, so that they load
here). The "no bytecode" variant is that layer with its ``__pycache__`` folders removed, which
is how the layer shipped before; both run with tracing on, as in Lambda. The third variant is
the precompiled layer with tracing off (``POWERTOOLS_TRACE_DISABLED``: the local stack, the
tests, SAM local), where the X-Ray SDK must not load at all. The bare ``import boto3,
aws_lambda_powertools`` is measured in the same run. The runs are interleaved, one of every
case and variant per round, so load that drifts during the run moves every figure alike and
the ratios hold.

    python bench/cold_start.py [--runs N] [--build-dir build/cold-start]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "import boto3, aws_lambda_powertools (bare)"
CASES: dict[str, tuple[str | None, str]] = {
    BASELINE: (None, "import boto3, aws_lambda_powertools\n"),
    "ApiFunction": ("api", "import app\n"),
    "ExtractFunction": ("extract", "import app\n"),
    "ExtractFunction + extraction engine": (
        "extract",
        "import app\nimport articles.extraction.html, trafilatura\n",
    ),
    "SummarizeFunction": ("summarize", "import app\n"),
    "SweepFunction": ("sweep", "import app\n"),
}
VARIANTS = ("no bytecode", "precompiled", "tracing off")
LAYERS = {"no bytecode": "no bytecode", "precompiled": "precompiled", "tracing off": "precompiled"}
PIPELINE = ("ExtractFunction", "SummarizeFunction", "SweepFunction")
TRACING_OFF_LIMIT = 1.6
TIMER = "import time\n_t = time.perf_counter()\n{body}print((time.perf_counter() - _t) * 1000)\n"


def _run(command: list[str], **kwargs: object) -> None:
    print("+", " ".join(command), file=sys.stderr)
    subprocess.run(command, check=True, **kwargs)  # type: ignore[call-overload]


def layer_python() -> str:
    """The interpreter shared/Makefile compiles the layer with: python3.13, the runtime's."""
    found = subprocess.run(
        ["make", "-s", "-C", str(ROOT / "shared"), "compiler"],
        check=True,
        capture_output=True,
        text=True,
    )
    return found.stdout.strip()


def build(build_dir: Path, python: str) -> dict[str, Path]:
    """The layer twin, its copy without bytecode, and the runtime's boto3."""
    arch = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}[
        platform.machine().lower()
    ]
    precompiled = build_dir / "precompiled"
    _run(
        [
            "make",
            "-s",
            "-C",
            str(ROOT / "shared"),
            "build-SharedLayer",
            f"ARTIFACTS_DIR={precompiled}",
            f"LAYER_ARCH={arch}",
        ]
    )
    plain = build_dir / "no-bytecode"
    shutil.rmtree(plain, ignore_errors=True)
    shutil.copytree(precompiled, plain)
    for cache in list(plain.rglob("__pycache__")):
        shutil.rmtree(cache)
    runtime = build_dir / "runtime"
    shutil.rmtree(runtime, ignore_errors=True)
    pip = [python, "-m", "pip", "install", "--quiet", "--root-user-action=ignore"]
    _run([*pip, "--target", str(runtime), "boto3"])
    _run([python, "-m", "compileall", "-q", "-j", "0", str(runtime)])
    return {"no bytecode": plain / "python", "precompiled": precompiled / "python", "_": runtime}


def measure_once(
    python: str, function: str | None, body: str, layer: Path, runtime: Path, *, tracing: bool
) -> float:
    path = [str(layer), str(runtime)]
    cwd = ROOT
    if function:
        cwd = ROOT / "functions" / function
        path.insert(0, str(cwd))
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join(path),
        "PYTHONDONTWRITEBYTECODE": "1",
        # As in Lambda: tracing on (the pipeline handlers load the X-Ray SDK), a region set.
        "LAMBDA_TASK_ROOT": str(cwd),
        "AWS_LAMBDA_FUNCTION_NAME": f"bench-{function or 'bare'}",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_SERVICE_NAME": "article-pipeline",
        "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
    }
    if not tracing:
        env["POWERTOOLS_TRACE_DISABLED"] = "true"
    result = subprocess.run(
        [python, "-S", "-c", TIMER.format(body=body)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{function or 'baseline'} failed to import:\n{result.stderr}")
    return float(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build" / "cold-start")
    args = parser.parse_args()
    python = layer_python()
    paths = build(args.build_dir.resolve(), python)
    runtime = paths["_"]
    samples: dict[tuple[str, str], list[float]] = {
        (case, variant): [] for case in CASES for variant in VARIANTS
    }
    for round_ in range(args.runs + 1):  # round 0 warms the file cache and is not counted
        for case, (function, body) in CASES.items():
            for variant in VARIANTS:
                layer = paths[LAYERS[variant]]
                tracing = variant != "tracing off"
                ms = measure_once(python, function, body, layer, runtime, tracing=tracing)
                if round_:
                    samples[(case, variant)].append(ms)
    median = {key: statistics.median(values) for key, values in samples.items()}
    version = subprocess.run(
        [python, "-c", "import sys; print(sys.version.split()[0])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(
        f"median import time over {args.runs} interleaved rounds, Python {version} "
        f"({platform.machine()}), the built layer without and with bytecode"
    )
    bare = {variant: median[(BASELINE, variant)] for variant in VARIANTS}
    print(
        f"| {'module':<44} | {'no bytecode ms':>14} | {'x bare':>6} "
        f"| {'precompiled ms':>14} | {'x bare':>6} | {'speed-up':>8} "
        f"| {'tracing off ms':>14} | {'x bare':>6} |"
    )
    print(f"|{'-' * 46}|{'-' * 16}|{'-' * 8}|{'-' * 16}|{'-' * 8}|{'-' * 10}|{'-' * 16}|{'-' * 8}|")
    for case in CASES:
        before, after = median[(case, "no bytecode")], median[(case, "precompiled")]
        off = median[(case, "tracing off")]
        print(
            f"| {case:<44} | {before:14.1f} | {before / bare['no bytecode']:6.2f} "
            f"| {after:14.1f} | {after / bare['precompiled']:6.2f} "
            f"| {before / after:7.2f}x | {off:14.1f} | {off / bare['tracing off']:6.2f} |"
        )
    worst = max(PIPELINE, key=lambda case: median[(case, "tracing off")])
    ratio = median[(worst, "tracing off")] / bare["tracing off"]
    verdict = "met" if ratio <= TRACING_OFF_LIMIT else "NOT met"
    print(
        f"pipeline functions, tracing off: at most {ratio:.2f}x bare ({worst}); "
        f"limit {TRACING_OFF_LIMIT}x: {verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
