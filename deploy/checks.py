"""The two checks of `make deploy-check` that no tool does as such.

    python deploy/checks.py layer DIR        every binary aarch64, every wheel and .pyc cp313
    python deploy/checks.py checkov REPORT   checkov's findings against deploy/checkov-skips.yaml

Each prints one summary line; a problem is printed and the exit status is 1.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIPS = HERE / "checkov-skips.yaml"
ELF_MAGIC = b"\x7fELF"
ELF_AARCH64 = 183  # e_machine of an ELF file built for arm64
# A .pyc's first two bytes are its interpreter's magic number (stable within a minor release).
PYC_MAGIC_313 = 3571


def check_layer(root: Path) -> list[str]:
    """Problems with a built layer directory; prints its summary line."""
    problems: list[str] = []
    files = [path for path in root.rglob("*") if path.is_file()]
    binaries = pycs = 0
    for path in files:
        with path.open("rb") as handle:
            head = handle.read(20)
        if head[:4] == ELF_MAGIC:
            binaries += 1
            machine = int.from_bytes(head[18:20], "little")
            if machine != ELF_AARCH64:
                problems.append(f"{path.relative_to(root)}: ELF machine {machine}, not aarch64")
        elif path.suffix == ".pyc":
            pycs += 1
            if not path.name.endswith(".cpython-313.pyc"):
                problems.append(f"{path.relative_to(root)}: bytecode of another interpreter")
            elif int.from_bytes(head[:2], "little") != PYC_MAGIC_313:
                problems.append(f"{path.relative_to(root)}: not Python 3.13 bytecode")
    wheels = 0
    for wheel in root.rglob("*.dist-info/WHEEL"):
        wheels += 1
        tags = [
            line.split(":", 1)[1].strip()
            for line in wheel.read_text().splitlines()
            if line.startswith("Tag:")
        ]
        for tag in tags:
            python, _abi, platform = tag.split("-")
            pure = platform == "any" and python.startswith("py")
            native = python == "cp313" and "aarch64" in platform
            if not (pure or native):
                problems.append(f"{wheel.parent.name}: wheel tag {tag}")
    sources = sum(1 for path in files if path.suffix == ".py")
    if sources and not pycs:
        problems.append("no bytecode: every cold start would compile the layer")
    size_mb = sum(path.stat().st_size for path in files) / 1e6
    print(
        f"layer {root}: {size_mb:.1f} MB unzipped, {len(files)} files, {wheels} wheels "
        f"(all cp313/aarch64 or pure), {binaries} aarch64 binaries, {pycs} cp313 .pyc"
    )
    return problems


def _load_yaml(path: Path) -> object:
    if importlib.util.find_spec("yaml") is None:  # checkov's environment has PyYAML
        raise SystemExit("PyYAML is needed to read the skip list")
    import yaml

    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def check_checkov(report_path: Path, skips_path: Path = SKIPS) -> list[str]:
    """Every failed check must be in the skip list with a reason, and every skip still used."""
    report = json.loads(report_path.read_text(encoding="utf-8"))
    reports = report if isinstance(report, list) else [report]
    failed = [c for r in reports for c in r["results"]["failed_checks"]]
    passed = sum(len(r["results"]["passed_checks"]) for r in reports)
    skips = _load_yaml(skips_path)
    assert isinstance(skips, list)
    problems: list[str] = []
    allowed: dict[tuple[str, str], str] = {}
    for entry in skips:
        reason = str(entry.get("reason", "")).strip()
        if len(reason) < 20:
            problems.append(f"{entry.get('check')}: a skip needs its reason")
        for resource in entry["resources"]:
            allowed[(entry["check"], resource)] = reason
    used: set[tuple[str, str]] = set()
    for check in failed:
        resource = check["resource"].split(".", 1)[1]  # "AWS::S3::Bucket.Name" -> "Name"
        key = (check["check_id"], resource)
        if key in allowed:
            used.add(key)
        else:
            problems.append(f"{check['check_id']} {check['resource']}: {check['check_name']}")
    for check_id, resource in sorted(set(allowed) - used):
        problems.append(f"{check_id} {resource}: skipped but no longer failing; drop the skip")
    print(
        f"checkov: {passed} passed, {len(failed) - len(used)} failed, "
        f"{len(used)} skipped with a reason ({skips_path.name})"
    )
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("layer").add_argument("directory", type=Path)
    sub.add_parser("checkov").add_argument("report", type=Path)
    args = parser.parse_args()
    layer = args.what == "layer"
    problems = check_layer(args.directory) if layer else check_checkov(args.report)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
