"""Shared test set-up: safe AWS defaults, handler loading and template-derived resources."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "events"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# No test may reach real AWS, and Powertools must not try to trace or flush metrics.
for name, value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_DEV": "false",
}.items():
    os.environ[name] = value
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)
# Local stacks started by the tests record their endpoints here, not in the user's state
# directory, and the client commands under test find only those (articles_cli.local.endpoints).
os.environ["ARTICLES_LOCAL_STACKS_DIR"] = tempfile.mkdtemp(prefix="articles-local-stacks-")
atexit.register(shutil.rmtree, os.environ["ARTICLES_LOCAL_STACKS_DIR"], ignore_errors=True)


def load_function(name: str) -> ModuleType:
    """Import functions/<name>/app.py under a unique module name (all three are app.py)."""
    from articles_cli.local.dispatcher import load_module

    return load_module(ROOT / "functions" / name / "app.py")


def python_output(code: str, env: dict[str, str]) -> str:
    """What ``code`` prints in a fresh interpreter with only ``env`` (and PATH) set."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )
    return result.stdout
