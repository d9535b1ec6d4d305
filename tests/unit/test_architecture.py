"""The import direction between packages (README, "Development"), checked on the source.

- The Lambda layer (``articles``) never imports the developer tools (``articles_cli``) nor the
  libraries only they install (moto, PyYAML).
- The engines (``articles.extraction``, ``articles.keypoints``) never import the pipeline, the
  API or the records: they turn bytes into text and text into key points, nothing more.
- The handlers in ``functions/`` import the layer only.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

LAYER = ROOT / "shared" / "articles"
DEV_ONLY = ("articles_cli", "moto", "yaml", "pytest")
ENGINES = ("extraction", "keypoints")
ABOVE_ENGINES = ("articles.pipeline", "articles.api", "articles.records")


def _imports(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (deferred imports included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _violations(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{path.name} imports {name}"
        for path in paths
        for name in _imports(path)
        if any(name == bad or name.startswith(bad + ".") for bad in forbidden)
    )


def test_the_layer_never_imports_the_dev_tools() -> None:
    files = sorted(LAYER.rglob("*.py"))
    assert len(files) > 20
    assert _violations(files, DEV_ONLY) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_never_import_the_pipeline(engine: str) -> None:
    files = sorted((LAYER / engine).rglob("*.py"))
    assert files
    assert _violations(files, ABOVE_ENGINES) == []


def test_handlers_import_the_layer_only() -> None:
    files = sorted((ROOT / "functions").glob("*/app.py"))
    assert len(files) >= 4
    assert _violations(files, DEV_ONLY) == []


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from articles_cli.local import stack\n", encoding="utf-8")
    assert _imports(sample) == {"articles_cli.local"}
    assert _violations([sample], DEV_ONLY) == ["sample.py imports articles_cli.local"]
