"""What a user does: start the local stack, drop files in, read them back, stop it.

The stack runs as a subprocess (``python -m articles_cli.main serve``) on free ports; uploads go
through boto3 and, when it is installed, the real ``aws`` CLI; everything is read back over
HTTP from the API the stack serves.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
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

import boto3
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.e2e

SAMPLES = ROOT / "events" / "articles"
START_TIMEOUT = 60.0
PROCESS_TIMEOUT = 90.0
BAD_PDF = SAMPLES.joinpath("allotment-bees-report.pdf").read_bytes()[:700]  # cut short


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_open(port: int) -> bool:
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

    def get(self, path: str) -> Any:
        url = f"http://127.0.0.1:{self.api_port}{path}"
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _child_environment() -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "ARTICLES_", "POWERTOOLS_"))
    }
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    log_path = tmp_path_factory.mktemp("stack") / "stack.log"
    aws_port, api_port = _free_port(), _free_port()
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
            ],
            cwd=ROOT,
            env=_child_environment(),
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


def _wait_for_terminal(stack: RunningStack, keys: set[str]) -> dict[str, dict[str, Any]]:
    deadline = time.monotonic() + PROCESS_TIMEOUT
    seen: dict[str, dict[str, Any]] = {}
    while time.monotonic() < deadline:
        items = stack.get("/articles?limit=100")["items"]
        seen = {item["source"]["key"]: item for item in items if item["source"]["key"] in keys}
        if len(seen) == len(keys) and all(
            item["status"] in ("SUMMARIZED", "FAILED", "DELETED") for item in seen.values()
        ):
            return seen
        time.sleep(0.3)
    states = {key: item["status"] for key, item in seen.items()}
    pytest.fail(f"not terminal within {PROCESS_TIMEOUT}s: {states}\n{stack.log()}")


def test_uploaded_articles_come_back_over_http_then_the_stack_stops(
    stack: RunningStack, tmp_path: Path
) -> None:
    s3 = boto3.client(
        "s3",
        endpoint_url=stack.endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    (bucket,) = [name for name in buckets if name.startswith("article-pipeline-")]
    assert bucket in stack.log()  # the banner names it

    uploads = {
        "incoming/e2e/tidal barrier + notes.html": (
            SAMPLES / "harbour-tidal-barrier.html",
            "Harbour town votes to build a tidal barrier",
        ),
        "incoming/e2e/sourdough.md": (
            SAMPLES / "sourdough-starter-notes.md",
            "What a year of keeping a sourdough starter taught me",
        ),
        "incoming/e2e/bees.pdf": (
            SAMPLES / "allotment-bees-report.pdf",
            "Bees return to the city allotments",
        ),
    }
    for key, (path, _) in uploads.items():
        s3.upload_file(str(path), bucket, key)
    bad_key = "incoming/e2e/broken report.pdf"
    s3.put_object(Bucket=bucket, Key=bad_key, Body=BAD_PDF, ContentType="application/pdf")
    expected_titles = {key: title for key, (_, title) in uploads.items()}

    aws = shutil.which("aws")
    if aws:
        cli_key = "incoming/e2e/aws cli+copy.txt"
        env = {
            **_child_environment(),
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        subprocess.run(
            [
                aws,
                "--endpoint-url",
                stack.endpoint,
                "s3",
                "cp",
                str(SAMPLES / "night-trains-return.txt"),
                f"s3://{bucket}/{cli_key}",
            ],
            check=True,
            env=env,
            capture_output=True,
            timeout=60,
        )
        expected_titles[cli_key] = "Night trains make a comeback across Europe"

    # The sample articles processed on start are there too.
    sample_keys = {f"incoming/samples/{path.name}" for path in SAMPLES.iterdir()}
    records = _wait_for_terminal(stack, set(expected_titles) | {bad_key} | sample_keys)

    for key, title in expected_titles.items():
        record = records[key]
        assert record["status"] == "SUMMARIZED", (key, record.get("error"))
        assert record["title"] == title
        assert len(record["key_points"]) >= 3
        assert all(point.strip() for point in record["key_points"])
        assert record["source"]["key"] == key  # spaces and '+' survive the notification
    assert all(records[key]["status"] == "SUMMARIZED" for key in sample_keys)

    bad = records[bad_key]
    assert bad["status"] == "FAILED"
    assert bad["error"]["code"] == "corrupt_document" and bad["error"]["stage"] == "extract"

    one = records["incoming/e2e/tidal barrier + notes.html"]
    assert stack.get(f"/articles/{one['id']}")["id"] == one["id"]
    text = stack.get(f"/articles/{one['id']}/text")["text"]
    assert "tidal barrier" in text and "Subscribe" not in text
    failed = stack.get("/articles?status=FAILED")["items"]
    assert [item["id"] for item in failed] == [bad["id"]]

    log = stack.log()
    assert "Traceback" not in log
    assert '{"_aws"' not in log  # metric lines stay off the console

    # Ctrl-C stops everything: the process exits cleanly and both ports close.
    stack.process.send_signal(signal.SIGINT)
    assert stack.process.wait(timeout=20) == 0
    assert not _port_open(stack.api_port)
    assert not _port_open(stack.aws_port)
    assert "stopped" in stack.log()
