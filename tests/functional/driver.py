"""The queue-driven functions on moto, run the way Lambda runs them, for the tests that put
faults and kills in their way.

The handlers are the functions' own (functions/*/app.py): a batch from the queue, the
partial-batch answer read back, failed messages left for SQS to deliver again and moved to the
dead-letter queue after maxReceiveCount, from where ``redrive`` brings them back. The stages'
contexts are built once on clients the test holds (as a warm Lambda keeps its own), so a test
can hook those clients.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest

from articles.aws import AwsClients
from articles.pipeline import handlers
from articles.pipeline.context import PipelineContext
from articles.records.models import ArticleRecord
from articles.records.repository import ArticleRepository
from articles.settings import ExtractSettings, SummarizeSettings
from articles_cli.local import moto_events
from tests.conftest import load_function
from tests.functional.conftest import FakeLambdaContext, Stack, sqs_event_from_messages


class Killed(BaseException):
    """The function's process dying mid-invocation (out of memory, a runtime crash): no
    except-Exception clause sees it, nothing is recorded, the whole batch is redelivered."""


@dataclass
class Pipeline:
    """The two queue-driven functions on moto, run as Lambda runs them, plus the bookkeeping."""

    stack: Stack
    contexts: dict[type, PipelineContext[Any]]
    deliveries: Counter[str] = field(default_factory=Counter)
    redeliveries: int = 0
    redriven: int = 0
    killed: int = 0

    def __post_init__(self) -> None:
        self.extract = load_function("extract").handler
        self.summarize = load_function("summarize").handler

    def queue(self, name: str) -> str:
        return self.stack.resources.queues[name].url

    def poll(self, name: str, handler: Callable[..., Any]) -> int:
        """One batch from the queue through the handler; returns how many were received."""
        sqs = self.stack.sqs
        url = self.queue(name)
        response = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]
        )
        messages = response.get("Messages", [])
        if not messages:
            return 0
        for message in messages:
            count = int(message["Attributes"].get("ApproximateReceiveCount", "1"))
            self.redeliveries += count > 1
            self.deliveries[name] += 1
        try:
            result = handler(sqs_event_from_messages(messages, name), FakeLambdaContext())
            failed = {item["itemIdentifier"] for item in result["batchItemFailures"]}
        except Killed:
            self.killed += 1
            failed = {message["MessageId"] for message in messages}
        for message in messages:
            if message["MessageId"] not in failed:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def redrive(self, dead_letters: str, source: str) -> int:
        """Move the dead-letter queue's messages back to their queue (StartMessageMoveTask)."""
        sqs = self.stack.sqs
        moved = 0
        while True:
            messages = sqs.receive_message(
                QueueUrl=self.queue(dead_letters), MaxNumberOfMessages=10
            ).get("Messages", [])
            if not messages:
                self.redriven += moved
                return moved
            for message in messages:
                sqs.send_message(QueueUrl=self.queue(source), MessageBody=message["Body"])
                sqs.delete_message(
                    QueueUrl=self.queue(dead_letters), ReceiptHandle=message["ReceiptHandle"]
                )
                moved += 1

    def run(self, *, max_rounds: int = 5000, redrive: bool = True) -> None:
        """Until both queues (and, with ``redrive``, both dead-letter queues) are empty."""
        for _ in range(max_rounds):
            busy = self.poll("IngestQueue", self.extract)
            busy += self.poll("SummarizeQueue", self.summarize)
            if busy:
                continue
            if not redrive:
                return
            moved = self.redrive("IngestDeadLetterQueue", "IngestQueue")
            moved += self.redrive("SummarizeDeadLetterQueue", "SummarizeQueue")
            if not moved:
                return
        raise AssertionError("the queues never emptied")

    def records(self) -> list[ArticleRecord]:
        repository = ArticleRepository(
            self.stack.table_name, AwsClients(dynamodb=self.stack.dynamodb)
        )
        items = []
        paginator = self.stack.dynamodb.get_paginator("scan")
        for page in paginator.paginate(TableName=self.stack.table_name):
            items.extend(item for item in page["Items"] if "status" in item)
        return [repository._record_from_item(item) for item in items]


@pytest.fixture
def pipeline(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Pipeline]:
    """Contexts built on the given clients, kept for the whole run as a warm Lambda keeps them;
    queues with no visibility delay, so a failed message comes straight back."""
    moto_events.install()
    try:
        for name in ("IngestQueue", "SummarizeQueue"):
            stack.sqs.set_queue_attributes(
                QueueUrl=stack.resources.queues[name].url,
                Attributes={"VisibilityTimeout": "0"},
            )
        environments = {
            model: stack.resources.functions[logical_id].environment
            for model, logical_id in (
                (ExtractSettings, "ExtractFunction"),
                (SummarizeSettings, "SummarizeFunction"),
            )
        }
        stack.use_function("SummarizeFunction")  # Powertools' variables for the handlers
        contexts: dict[type, PipelineContext[Any]] = {
            model: PipelineContext.build(model.from_env(environment), _clients())
            for model, environment in environments.items()
        }
        monkeypatch.setattr(handlers, "default_context", lambda model: contexts[model])
        pipeline = Pipeline(stack, contexts)
        pipeline.run()  # the s3:TestEvent S3 sent when the notifications were configured
        yield pipeline
    finally:
        moto_events.uninstall()


def _clients() -> AwsClients:
    return AwsClients(
        s3=boto3.client("s3", region_name="us-east-1"),
        sqs=boto3.client("sqs", region_name="us-east-1"),
        dynamodb=boto3.client("dynamodb", region_name="us-east-1"),
    )
