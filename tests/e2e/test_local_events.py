"""The local stack publishes completion events to moto's EventBridge and shows each one.

A stack of its own (``articles serve`` on free ports, as a user starts it): a good and a bad
article and a deletion, each seen as one ``events`` line in the stack's output, printed from
what the bus delivered to the stack's rule, not from what the function meant to send.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tests.e2e.conftest import BAD_PDF, SAMPLES, RunningStack, start_stack

pytestmark = pytest.mark.e2e

TIMEOUT = 90.0
EVENT_LINE = re.compile(r"^\d\d:\d\d:\d\d  events\s+(?P<id>[0-9a-f]{24})  (?P<text>.*)$", re.M)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    yield from start_stack(tmp_path_factory.mktemp("events") / "stack.log", "--no-samples")


def _event_lines(stack: RunningStack, key: str, count: int) -> list[tuple[str, str]]:
    deadline = time.monotonic() + TIMEOUT
    found: list[tuple[str, str]] = []
    while time.monotonic() < deadline:
        found = [
            (m["id"], m["text"])
            for m in EVENT_LINE.finditer(stack.log())
            if f"key={key}" in m["text"]
        ]
        if len(found) >= count:
            return found
        time.sleep(0.3)
    pytest.fail(f"{count} event line(s) for {key} not logged within {TIMEOUT}s:\n{stack.log()}")


def test_each_terminal_transition_is_one_event_line(stack: RunningStack, tmp_path: Path) -> None:
    s3 = boto3.client(
        "s3",
        endpoint_url=stack.endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    (bucket,) = [
        b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith("article-pipeline-")
    ]
    assert "event bus      default" in stack.log()  # the banner names the bus

    good, bad = "incoming/events/sourdough.md", "incoming/events/broken.pdf"
    s3.upload_file(str(SAMPLES / "sourdough-starter-notes.md"), bucket, good)
    s3.put_object(Bucket=bucket, Key=bad, Body=BAD_PDF, ContentType="application/pdf")

    ((good_id, summarized),) = _event_lines(stack, good, 1)
    assert summarized.startswith("Article Summarized  ")
    assert "title='What a year of keeping a sourdough starter taught me'" in summarized
    assert re.search(r"key_points=[3-7]\b", summarized)
    assert f"event_id={good_id}:" in summarized
    record = stack.get(f"/articles/{good_id}")
    assert record["status"] == "SUMMARIZED"

    ((bad_id, failed),) = _event_lines(stack, bad, 1)
    assert failed.startswith("Article Failed  ") and "error_code=corrupt_document" in failed
    assert stack.get(f"/articles/{bad_id}")["status"] == "FAILED"

    s3.delete_object(Bucket=bucket, Key=good)
    lines = _event_lines(stack, good, 2)
    assert [text.split("  ")[0] for _, text in lines] == ["Article Summarized", "Article Deleted"]
    assert {article for article, _ in lines} == {good_id}

    time.sleep(2)  # nothing else arrives: one line per transition
    assert len(_event_lines(stack, good, 2)) == 2
    assert len(_event_lines(stack, bad, 1)) == 1
    assert "Traceback" not in stack.log()
    assert "events not published" not in stack.log()
