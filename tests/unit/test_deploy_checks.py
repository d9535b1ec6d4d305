"""deploy/checks.py: the layer check and the checkov gate of `make deploy-check`."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT


def _checks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deploy_checks", ROOT / "deploy" / "checks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


checks = _checks()


def _elf(machine: int) -> bytes:
    return checks.ELF_MAGIC + bytes(14) + machine.to_bytes(2, "little") + bytes(8)


def _layer(root: Path, *, machine: int, tag: str, pyc_magic: int) -> Path:
    package = root / "python" / "pkg"
    (package / "__pycache__").mkdir(parents=True)
    (package / "__init__.py").write_text("x = 1\n")
    (package / "__pycache__" / "__init__.cpython-313.pyc").write_bytes(
        pyc_magic.to_bytes(2, "little") + b"\r\n" + bytes(12)
    )
    (package / "_speedups.cpython-313-aarch64-linux-gnu.so").write_bytes(_elf(machine))
    info = root / "python" / "pkg-1.0.dist-info"
    info.mkdir()
    (info / "WHEEL").write_text(f"Wheel-Version: 1.0\nTag: {tag}\n")
    return root / "python"


def test_an_arm64_cp313_layer_passes(tmp_path: Path) -> None:
    layer = _layer(
        tmp_path,
        machine=checks.ELF_AARCH64,
        tag="cp313-cp313-manylinux_2_17_aarch64",
        pyc_magic=checks.PYC_MAGIC_313,
    )
    assert checks.check_layer(layer) == []


@pytest.mark.parametrize(
    ("machine", "tag", "magic", "complaint"),
    [
        (62, "cp313-cp313-manylinux_2_17_aarch64", 3571, "not aarch64"),  # 62: x86-64
        (183, "cp312-cp312-manylinux_2_17_aarch64", 3571, "wheel tag"),
        (183, "cp313-cp313-manylinux_2_17_x86_64", 3571, "wheel tag"),
        (183, "cp313-cp313-manylinux_2_17_aarch64", 3495, "not Python 3.13"),  # 3.11's
    ],
)
def test_a_layer_for_another_platform_fails(
    tmp_path: Path, machine: int, tag: str, magic: int, complaint: str
) -> None:
    layer = _layer(tmp_path, machine=machine, tag=tag, pyc_magic=magic)
    (problem,) = checks.check_layer(layer)
    assert complaint in problem


def test_a_layer_without_bytecode_fails(tmp_path: Path) -> None:
    layer = tmp_path / "python"
    layer.mkdir()
    (layer / "module.py").write_text("x = 1\n")
    assert any("no bytecode" in p for p in checks.check_layer(layer))


def _report(path: Path, failed: list[tuple[str, str]]) -> Path:
    results = {
        "passed_checks": [{"check_id": "CKV_AWS_21"}],
        "failed_checks": [
            {"check_id": check, "resource": resource, "check_name": "a check"}
            for check, resource in failed
        ],
    }
    path.write_text(json.dumps({"check_type": "cloudformation", "results": results}))
    return path


def _skips(path: Path) -> Path:
    path.write_text(
        "- check: CKV_AWS_117\n"
        "  resources: [ExtractFunction]\n"
        "  reason: no private resources to reach from the function\n"
    )
    return path


def test_checkov_findings_pass_only_when_listed_with_a_reason(tmp_path: Path) -> None:
    skips = _skips(tmp_path / "skips.yaml")
    listed = _report(
        tmp_path / "a.json", [("CKV_AWS_117", "AWS::Serverless::Function.ExtractFunction")]
    )
    assert checks.check_checkov(listed, skips) == []
    unlisted = _report(
        tmp_path / "b.json",
        [
            ("CKV_AWS_117", "AWS::Serverless::Function.ExtractFunction"),
            ("CKV_AWS_117", "AWS::Serverless::Function.ApiFunction"),  # same check, other resource
        ],
    )
    (problem,) = checks.check_checkov(unlisted, skips)
    assert "ApiFunction" in problem


def test_a_skip_that_no_longer_fails_must_go(tmp_path: Path) -> None:
    skips = _skips(tmp_path / "skips.yaml")
    (problem,) = checks.check_checkov(_report(tmp_path / "r.json", []), skips)
    assert "no longer failing" in problem


def test_every_skip_in_the_repository_has_a_reason() -> None:
    import yaml

    entries = yaml.safe_load(checks.SKIPS.read_text())
    assert entries
    for entry in entries:
        assert entry["resources"] and len(entry["reason"]) >= 40, entry["check"]
