"""The local stack as a user starts it: ``python -m articles_cli.main serve`` on free ports.

One stack per test module (module scope), stopped when the module is done.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from articles_cli.local.endpoints import STACKS_DIR_ENV
from tests.conftest import ROOT

SAMPLES = ROOT / "events" / "articles"
START_TIMEOUT = 60.0
BAD_PDF = SAMPLES.joinpath("allotment-bees-report.pdf").read_bytes()[:700]  # cut short


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class RunningStack:
    process: subprocess.Popen[bytes]
    log_path: Path
    aws_port: int
    api_port: int

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.aws_port}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.api_url + path, timeout=10) as response:
            return json.load(response)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def s3(self) -> Any:
        """A boto3 S3 client on this stack's AWS endpoint, as a user would make one."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def bucket(self) -> str:
        """The stack's one article bucket (the banner names it too)."""
        names = [b["Name"] for b in self.s3().list_buckets()["Buckets"]]
        (bucket,) = [name for name in names if name.startswith("article-pipeline-")]
        return bucket


def child_environment() -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "ARTICLES_", "POWERTOOLS_"))
    }
    env[STACKS_DIR_ENV] = os.environ[STACKS_DIR_ENV]  # the tests' own (tests/conftest.py)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_stack(log_path: Path, *arguments: str) -> Iterator[RunningStack]:
    """``articles serve`` on free ports with these extra arguments, until the caller is done."""
    aws_port, api_port = free_port(), free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "articles_cli.main",
                "serve",
                "--aws-port",
                str(aws_port),
                "--api-port",
                str(api_port),
                *arguments,
            ],
            cwd=ROOT,
            env=child_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    running = RunningStack(process, log_path, aws_port, api_port)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            pytest.fail(f"the stack exited early ({process.returncode}):\n{running.log()}")
        try:
            running.get("/articles")
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the API did not answer within {START_TIMEOUT}s:\n{running.log()}")
            time.sleep(0.2)
    try:
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    yield from start_stack(tmp_path_factory.mktemp("stack") / "stack.log")


# -- artefacts -------------------------------------------------------------------------------

ARTIFACTS = ROOT / "build" / "test-artifacts"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Name the files the browser tests saved (screenshots), so a run's output says where."""
    saved = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        for name, value in getattr(report, "user_properties", ())
        if name == "artefact" and getattr(report, "when", "call") == "call"
    ]
    if saved:
        terminalreporter.write_sep("-", "test artefacts")
        for path in saved:
            terminalreporter.write_line(f"saved {path}")
