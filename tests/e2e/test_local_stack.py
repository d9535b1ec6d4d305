"""What a user does: start the local stack, drop files in, read them back, stop it.

The stack runs as a subprocess (``python -m articles_cli.main serve``) on free ports; uploads go
through boto3 and, when it is installed, the real ``aws`` CLI; everything is read back over
HTTP from the API the stack serves.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import BAD_PDF, SAMPLES, RunningStack, child_environment, port_open

pytestmark = pytest.mark.e2e

PROCESS_TIMEOUT = 90.0


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
    s3 = stack.s3()
    bucket = stack.bucket()
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
            **child_environment(),
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
    assert not port_open(stack.api_port)
    assert not port_open(stack.aws_port)
    assert "stopped" in stack.log()
