"""The layer and the package declare the same runtime dependencies; the API stays light."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import ROOT, python_output


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[<>=!~ ]", line.strip(), maxsplit=1)[0].lower() for line in requirements}


def test_layer_requirements_match_the_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    layer = [
        line
        for line in (ROOT / "shared" / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert _names(layer) == _names(project["dependencies"])
    assert "boto3" not in _names(layer)  # the Lambda runtime provides it


def test_api_function_does_not_load_the_engines() -> None:
    code = (
        "import importlib.util, sys\n"
        "spec = importlib.util.spec_from_file_location('api_app', 'functions/api/app.py')\n"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'trafilatura', 'lxml', 'pypdf', 'justext', 'charset_normalizer'} "
        "or m.startswith(('articles.extraction', 'articles.keypoints')))\n"
        "print(','.join(heavy))\n"
    )
    assert python_output(code, {"POWERTOOLS_TRACE_DISABLED": "true"}).strip() == ""


def test_the_web_page_ships_with_the_package_and_the_layer() -> None:
    import fnmatch

    from articles.api.page import ASSETS

    static = ROOT / "shared" / "articles" / "api" / "static"
    assert sorted(path.name for path in static.iterdir()) == sorted(ASSETS)
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["articles"]
    for path in static.iterdir():
        relative = path.relative_to(ROOT / "shared" / "articles").as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in package_data), relative
    # The layer build copies the package folder whole, static files included.
    makefile = (ROOT / "shared" / "Makefile").read_text()
    assert 'cp -R articles "$(ARTIFACTS_DIR)/python/"' in makefile
