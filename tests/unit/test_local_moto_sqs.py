"""The local stack's moto SQS adaptation answers as moto does, in one pass per call."""

from __future__ import annotations

import hashlib
import inspect
import json
import time
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws
from moto.sqs import models

from articles_cli.local import moto_sqs

# The moto code the adaptation stands in for, as reviewed. A moto upgrade that changes any of
# it fails here: read the new version and update moto_sqs (or drop it) before the digest.
REVIEWED = {
    "Queue.attributes": "40cb990b121628d5",
    "Queue.messages": "03a531dbcbcf9aee",
    "SQSBackend.is_message_valid_based_on_retention_period": "cca23b94a5f3af9d",
}


def _source_digest(obj: object) -> str:
    target = obj.fget if isinstance(obj, property) else obj  # type: ignore[attr-defined]
    return hashlib.sha256(inspect.getsource(target).encode()).hexdigest()[:16]


@pytest.fixture
def sqs() -> Iterator[object]:
    with mock_aws():
        yield boto3.client("sqs", region_name="us-east-1")


def _fill(sqs: object) -> tuple[str, str]:
    dlq = sqs.create_queue(QueueName="dead")["QueueUrl"]  # type: ignore[attr-defined]
    dlq_arn = sqs.get_queue_attributes(  # type: ignore[attr-defined]
        QueueUrl=dlq, AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    url = sqs.create_queue(  # type: ignore[attr-defined]
        QueueName="work",
        Attributes={
            "VisibilityTimeout": "30",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3}),
        },
    )["QueueUrl"]
    for index in range(12):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{index}")  # type: ignore[attr-defined]
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)  # type: ignore[attr-defined]
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=5)  # type: ignore[attr-defined]
    return url, dlq


def _snapshot(sqs: object, url: str) -> dict[str, str]:
    attributes = sqs.get_queue_attributes(  # type: ignore[attr-defined]
        QueueUrl=url, AttributeNames=["All"]
    )["Attributes"]
    return {k: v for k, v in attributes.items() if not k.endswith("Timestamp")}


def test_the_reviewed_moto_code_is_the_pinned_one() -> None:
    found = {
        "Queue.attributes": _source_digest(models.Queue.__dict__["attributes"]),
        "Queue.messages": _source_digest(models.Queue.__dict__["messages"]),
        "SQSBackend.is_message_valid_based_on_retention_period": _source_digest(
            models.SQSBackend.is_message_valid_based_on_retention_period
        ),
    }
    assert found == REVIEWED


def test_attributes_and_receives_match_moto(sqs: object) -> None:
    url, _ = _fill(sqs)
    before = _snapshot(sqs, url)
    moto_sqs.install()
    try:
        assert models.Queue.__dict__["attributes"].fget is moto_sqs._attributes
        assert _snapshot(sqs, url) == before
        assert before["ApproximateNumberOfMessages"] == "7"
        assert before["ApproximateNumberOfMessagesNotVisible"] == "5"
        assert before["ApproximateNumberOfMessagesDelayed"] == "1"
        received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]  # type: ignore[attr-defined]
        assert {m["Body"] for m in received} == {f"m{i}" for i in range(5, 12)}
        for message in received:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])  # type: ignore[attr-defined]
        after = _snapshot(sqs, url)
        assert after["ApproximateNumberOfMessages"] == "0"
        assert after["ApproximateNumberOfMessagesNotVisible"] == "5"
    finally:
        moto_sqs.uninstall()
    assert _snapshot(sqs, url) == after


def test_expired_messages_are_not_received(sqs: object) -> None:
    url = sqs.create_queue(  # type: ignore[attr-defined]
        QueueName="short", Attributes={"MessageRetentionPeriod": "60"}
    )["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="old")  # type: ignore[attr-defined]
    queue = next(iter(models.sqs_backends["123456789012"]["us-east-1"].queues.values()))
    queue._messages[0].sent_timestamp -= 120_000  # sent two minutes ago, kept for one
    moto_sqs.install()
    try:
        assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []  # type: ignore[attr-defined]
    finally:
        moto_sqs.uninstall()


def test_a_receive_costs_the_same_with_a_backlog(sqs: object) -> None:
    """With 2000 messages waiting, receive+delete of 5 stays near its cost on a short queue."""
    moto_sqs.install()
    try:
        timings = []
        for name, backlog in (("small", 30), ("large", 2000)):
            url = sqs.create_queue(QueueName=name)["QueueUrl"]  # type: ignore[attr-defined]
            backend = models.sqs_backends["123456789012"]["us-east-1"]
            for index in range(backlog):
                backend.send_message(name, f"body{index}")
            started = time.perf_counter()
            for _ in range(5):
                batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=5)["Messages"]  # type: ignore[attr-defined]
                sqs.delete_message_batch(  # type: ignore[attr-defined]
                    QueueUrl=url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                        for i, m in enumerate(batch)
                    ],
                )
            timings.append(time.perf_counter() - started)
    finally:
        moto_sqs.uninstall()
    small, large = timings
    assert large < small * 20 + 0.25, timings
