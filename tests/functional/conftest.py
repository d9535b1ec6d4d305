"""A moto account built from template.yaml, and helpers to run each handler as Lambda would."""

from __future__ import annotations

import contextlib
import copy
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from moto import mock_aws

from articles_cli.local import moto_eventbridge
from articles_cli.local.provision import Clients, LocalStackResources, provision
from tests.conftest import EVENTS, load_function

# The bucket named in events/*.json: the one CloudFormation derives from the template for the
# local stack (its id comes from moto's seeded random source, so it is the same every time).
BUCKET = "article-pipeline-123456789012-us-east-1-79c8c292"


class FakeLambdaContext:
    function_name = "test-function"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test-function"
    aws_request_id = "00000000-0000-4000-8000-000000000000"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 60_000


@dataclass
class Stack:
    resources: LocalStackResources
    s3: Any
    sqs: Any
    dynamodb: Any
    monkeypatch: pytest.MonkeyPatch

    @property
    def table_name(self) -> str:
        return self.resources.table_name

    @property
    def summarize_queue_url(self) -> str:
        return self.resources.queues["SummarizeQueue"].url

    def use_function(self, logical_id: str, **overrides: str) -> None:
        """Set the process environment to what this function gets in AWS."""
        from articles.api import routes
        from articles.pipeline import handlers
        from articles.settings import SETTINGS_MODELS, get_settings

        # Exactly the variables template.yaml gives this function (Globals included).
        environment = dict(self.resources.functions[logical_id].environment)
        environment.update(overrides)
        for model in SETTINGS_MODELS:  # every variable the settings read
            for name in model.variables():
                self.monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            self.monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        handlers.default_context.cache_clear()
        routes.queries.cache_clear()

    def invoke(self, function: str, event: dict[str, Any], **overrides: str) -> dict[str, Any]:
        logical_id = {
            "extract": "ExtractFunction",
            "summarize": "SummarizeFunction",
            "sweep": "SweepFunction",
        }.get(function, "ApiFunction")
        self.use_function(logical_id, **overrides)
        module = load_function(function)
        result: dict[str, Any] = module.handler(event, FakeLambdaContext())
        return result

    def put_article(self, key: str, body: bytes, content_type: str = "text/html") -> dict[str, Any]:
        response = self.s3.put_object(Bucket=BUCKET, Key=key, Body=body, ContentType=content_type)
        return {"version_id": response["VersionId"], "etag": response["ETag"].strip('"')}

    def summarize_messages(self) -> list[dict[str, Any]]:
        """Drain the summarize queue, returning the messages as the SQS event source would."""
        messages = []
        while True:
            response = self.sqs.receive_message(
                QueueUrl=self.summarize_queue_url,
                MaxNumberOfMessages=10,
                AttributeNames=["All"],
                WaitTimeSeconds=0,
            )
            batch = response.get("Messages", [])
            if not batch:
                return messages
            for message in batch:
                self.sqs.delete_message(
                    QueueUrl=self.summarize_queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
            messages.extend(batch)


def load_event(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text())


def s3_put_event(
    key_in_event: str,
    *,
    version_id: str,
    sequencer: str,
    size: int = 2048,
    receive_count: int = 1,
    event_name: str = "ObjectCreated:Put",
) -> dict[str, Any]:
    """events/extract-s3-put.json with this object's details filled in."""
    event = copy.deepcopy(load_event("extract-s3-put.json"))
    sqs_record = event["Records"][0]
    body = json.loads(sqs_record["body"])
    obj = body["Records"][0]["s3"]["object"]
    obj.update({"key": key_in_event, "versionId": version_id, "sequencer": sequencer, "size": size})
    body["Records"][0]["eventName"] = event_name
    sqs_record["body"] = json.dumps(body)
    sqs_record["messageId"] = str(uuid.uuid4())
    sqs_record["attributes"]["ApproximateReceiveCount"] = str(receive_count)
    return event


def batch(*events: dict[str, Any]) -> dict[str, Any]:
    return {"Records": [record for event in events for record in event["Records"]]}


def sqs_event_from_messages(messages: list[dict[str, Any]], queue: str) -> dict[str, Any]:
    template = load_event("summarize-extracted.json")["Records"][0]
    records = []
    for message in messages:
        record = copy.deepcopy(template)
        record.update(
            messageId=message["MessageId"],
            receiptHandle=message["ReceiptHandle"],
            body=message["Body"],
            eventSourceARN=f"arn:aws:sqs:us-east-1:123456789012:{queue}",
        )
        record["attributes"]["ApproximateReceiveCount"] = message["Attributes"].get(
            "ApproximateReceiveCount", "1"
        )
        records.append(record)
    return {"Records": records}


@contextlib.contextmanager
def moto_stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    """template.yaml deployed into moto as the local stack deploys it (SAM, CloudFormation)."""
    moto_eventbridge.install()
    try:
        with mock_aws():
            clients = Clients.from_session(None, "us-east-1")
            resources = provision(clients)
            assert resources.bucket_name == BUCKET
            yield Stack(resources, clients.s3, clients.sqs, clients.dynamodb, monkeypatch)
    finally:
        moto_eventbridge.uninstall()


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    with moto_stack(monkeypatch) as created:
        yield created
