"""The dispatcher feeds handlers as Lambda's SQS event source mapping does."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from articles_cli.local.dispatcher import (
    Dispatcher,
    LambdaContext,
    SqsPoller,
    failed_message_ids,
    load_handler,
    load_module,
)
from articles_cli.local.provision import EventSource, FunctionSpec, QueueInfo

REGION = "us-east-1"


@pytest.fixture
def sqs() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("sqs", region_name=REGION)


def _queues(sqs: Any, *, visibility: int = 1, max_receive: int = 2) -> tuple[QueueInfo, str]:
    dlq_url = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    url = sqs.create_queue(
        QueueName="work",
        Attributes={
            "VisibilityTimeout": str(visibility),
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive}
            ),
        },
    )["QueueUrl"]
    arn = f"arn:aws:sqs:{REGION}:123456789012:work"
    return QueueInfo("Work", "work", url, arn), dlq_url


def _spec(tmp_path: Path, source: EventSource) -> FunctionSpec:
    return FunctionSpec(
        logical_id="WorkFunction",
        name="local-WorkFunction",
        arn="arn:aws:lambda:us-east-1:123456789012:function:local-WorkFunction",
        code_path=tmp_path,
        handler="app.handler",
        timeout=30,
        memory_mb=256,
        environment={},
        event_sources=[source],
    )


class Recorder:
    """A handler that fails the messages whose body says so."""

    def __init__(self, *, raise_error: bool = False) -> None:
        self.events: list[dict[str, Any]] = []
        self.contexts: list[Any] = []
        self.raise_error = raise_error

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        self.contexts.append(context)
        if self.raise_error:
            raise RuntimeError("boom")
        return {
            "batchItemFailures": [
                {"itemIdentifier": r["messageId"]} for r in event["Records"] if r["body"] == "fail"
            ]
        }


def _count(sqs: Any, url: str) -> tuple[int, int]:
    attributes = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return (
        int(attributes["ApproximateNumberOfMessages"]),
        int(attributes["ApproximateNumberOfMessagesNotVisible"]),
    )


def test_partial_failures_stay_until_visible_again_then_go_to_the_dlq(
    sqs: Any, tmp_path: Path
) -> None:
    queue, dlq_url = _queues(sqs, visibility=1, max_receive=2)
    source = EventSource("mapping-1", queue, batch_size=5, report_batch_item_failures=True)
    handler = Recorder()
    poller = SqsPoller(_spec(tmp_path, source), source, sqs, handler, region=REGION, wait_seconds=0)
    for body in ("ok-1", "fail", "ok-2"):
        sqs.send_message(QueueUrl=queue.url, MessageBody=body)

    outcome = poller.poll_once()
    assert (outcome.received, outcome.failed) == (3, 1)
    (event,) = handler.events
    record = event["Records"][0]
    assert record["eventSource"] == "aws:sqs" and record["eventSourceARN"] == queue.arn
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert set(record) >= {"messageId", "receiptHandle", "body", "md5OfBody", "awsRegion"}
    assert handler.contexts[0].function_name == "local-WorkFunction"
    # Succeeded messages are deleted; the failed one is in flight until its timeout.
    assert _count(sqs, queue.url) == (0, 1)
    assert poller.poll_once().received == 0

    time.sleep(1.2)
    outcome = poller.poll_once()
    assert (outcome.received, outcome.failed) == (1, 1)
    retry = handler.events[-1]["Records"][0]
    assert retry["body"] == "fail" and retry["attributes"]["ApproximateReceiveCount"] == "2"

    # After maxReceiveCount receives the queue's redrive policy moves it to the DLQ.
    time.sleep(1.2)
    assert poller.poll_once().received == 0
    moved = sqs.receive_message(QueueUrl=dlq_url).get("Messages", [])
    assert [m["Body"] for m in moved] == ["fail"]


def test_batch_size_is_honoured(sqs: Any, tmp_path: Path) -> None:
    queue, _ = _queues(sqs)
    source = EventSource("mapping-1", queue, batch_size=2, report_batch_item_failures=True)
    handler = Recorder()
    poller = SqsPoller(_spec(tmp_path, source), source, sqs, handler, region=REGION, wait_seconds=0)
    for index in range(5):
        sqs.send_message(QueueUrl=queue.url, MessageBody=f"ok-{index}")
    sizes = []
    while (outcome := poller.poll_once()).received:
        sizes.append(outcome.received)
    assert sum(sizes) == 5 and max(sizes) <= 2


def test_a_raising_handler_fails_the_whole_batch(sqs: Any, tmp_path: Path) -> None:
    queue, _ = _queues(sqs, visibility=30)
    source = EventSource("mapping-1", queue, batch_size=5, report_batch_item_failures=True)
    poller = SqsPoller(
        _spec(tmp_path, source),
        source,
        sqs,
        Recorder(raise_error=True),
        region=REGION,
        wait_seconds=0,
    )
    for body in ("a", "b"):
        sqs.send_message(QueueUrl=queue.url, MessageBody=body)
    outcome = poller.poll_once()
    assert outcome.failed == 2 and outcome.error == "RuntimeError: boom"
    assert _count(sqs, queue.url) == (0, 2)


def test_batch_responses_are_read_as_lambda_reads_them() -> None:
    ids = ["a", "b", "c"]
    assert (
        failed_message_ids({"batchItemFailures": []}, ids, report_batch_item_failures=True) == set()
    )
    assert failed_message_ids(None, ids, report_batch_item_failures=True) == set()
    assert failed_message_ids(
        {"batchItemFailures": [{"itemIdentifier": "b"}]}, ids, report_batch_item_failures=True
    ) == {"b"}
    # An identifier that is not in the batch, or an empty one, fails everything.
    for bad in ({"itemIdentifier": "zzz"}, {"itemIdentifier": ""}, {}):
        assert failed_message_ids(
            {"batchItemFailures": [bad]}, ids, report_batch_item_failures=True
        ) == set(ids)
    # Without ReportBatchItemFailures the answer is ignored: returning means success.
    assert (
        failed_message_ids(
            {"batchItemFailures": [{"itemIdentifier": "b"}]}, ids, report_batch_item_failures=False
        )
        == set()
    )


def test_handlers_load_by_path_under_distinct_names(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "app.py").write_text(
            f"def handler(event, context):\n    return {name!r}\n"
        )
    one = load_handler(tmp_path / "one" / "app.py", unique="One")
    two = load_handler(tmp_path / "two" / "app.py", unique="Two")
    assert (one({}, None), two({}, None)) == ("one", "two")


def test_context_counts_down_from_the_function_timeout() -> None:
    context = LambdaContext("f", "arn:aws:lambda:us-east-1:123456789012:function:f", 128, 2)
    assert 1000 < context.get_remaining_time_in_millis() <= 2000
    assert context.log_group_name == "/aws/lambda/f"


def test_maximum_concurrency_bounds_the_batches_running_at_once(sqs: Any, tmp_path: Path) -> None:
    # A handler that counts how many of its invocations overlap.
    (tmp_path / "app.py").write_text(
        "import threading, time\n"
        "lock = threading.Lock()\n"
        "running = peak = calls = 0\n"
        "def handler(event, context):\n"
        "    global running, peak, calls\n"
        "    with lock:\n"
        "        running += 1; calls += 1; peak = max(peak, running)\n"
        "    time.sleep(0.3)\n"
        "    with lock:\n"
        "        running -= 1\n"
    )
    queue, _ = _queues(sqs, visibility=30)
    source = EventSource("mapping-1", queue, batch_size=1, max_concurrency=2)
    spec = _spec(tmp_path, source)
    for index in range(6):
        sqs.send_message(QueueUrl=queue.url, MessageBody=f"ok-{index}")
    dispatcher = Dispatcher({"WorkFunction": spec}, sqs, region=REGION, wait_seconds=0)
    assert len(dispatcher.pollers) == 2
    dispatcher.start()
    try:
        deadline = time.monotonic() + 20
        module = load_module(spec.handler_file, unique=spec.logical_id)
        while module.calls < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        dispatcher.stop()
    assert module.calls == 6
    assert module.peak == 2  # two at once, never more
