"""A moto account built from template.yaml, and helpers to run each handler as Lambda would."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from articles.local.cloudformation import load_template, table_definition
from tests.conftest import EVENTS, load_function

# The bucket named in events/*.json: the one the local stack derives from the template.
BUCKET = "article-pipeline-123456789012-us-east-1-8f3ea8a2"
TABLE = "articles-test"


class FakeLambdaContext:
    function_name = "test-function"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test-function"
    aws_request_id = "00000000-0000-4000-8000-000000000000"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 60_000


def _resolve(value: Any, template: dict[str, Any], physical: dict[str, str]) -> str:
    """The few intrinsics the template uses in function environments."""
    if isinstance(value, dict) and "Fn::If" in value:  # only AwsEndpointUrl, empty by default
        condition, _, otherwise = value["Fn::If"]
        assert condition == "UseLocalEndpoint"
        return _resolve(otherwise, template, physical)
    if isinstance(value, dict) and value.get("Ref") == "AWS::NoValue":
        return ""
    if isinstance(value, dict) and "Ref" in value:
        name = value["Ref"]
        if name in physical:
            return physical[name]
        return str(template["Parameters"][name]["Default"])
    if isinstance(value, dict):
        raise AssertionError(f"unexpected intrinsic in an environment variable: {value}")
    return str(value)


def function_environment(
    template: dict[str, Any], logical_id: str, physical: dict[str, str]
) -> dict[str, str]:
    """Exactly the variables template.yaml gives this function (Globals included)."""
    variables = dict(template["Globals"]["Function"]["Environment"]["Variables"])
    function = template["Resources"][logical_id]["Properties"]
    variables.update(function.get("Environment", {}).get("Variables", {}))
    resolved = {name: _resolve(value, template, physical) for name, value in variables.items()}
    return {name: value for name, value in resolved.items() if value != ""}


@dataclass
class Stack:
    template: dict[str, Any]
    s3: Any
    sqs: Any
    dynamodb: Any
    ingest_queue_url: str
    summarize_queue_url: str
    physical: dict[str, str]
    monkeypatch: pytest.MonkeyPatch

    def use_function(self, logical_id: str, **overrides: str) -> None:
        """Set the process environment to what this function gets in AWS."""
        from articles.api import routes
        from articles.pipeline import handlers
        from articles.settings import get_settings

        environment = function_environment(self.template, logical_id, self.physical)
        environment.update(overrides)
        for name in (
            "TABLE_NAME",
            "BUCKET_NAME",
            "SUMMARIZE_QUEUE_URL",
            "MAX_OBJECT_BYTES",
            "KEY_POINT_COUNT",
            "SUMMARIZER",
            "BEDROCK_MODEL_ID",
            "MAX_RECEIVE_COUNT",
        ):
            self.monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            self.monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        handlers.default_context.cache_clear()
        routes.queries.cache_clear()

    def invoke(self, function: str, event: dict[str, Any], **overrides: str) -> dict[str, Any]:
        logical_id = {"extract": "ExtractFunction", "summarize": "SummarizeFunction"}.get(
            function, "ApiFunction"
        )
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


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    template = load_template()
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        sqs = boto3.client("sqs", region_name="us-east-1")
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        dynamodb.create_table(**table_definition(template, TABLE))
        ingest = sqs.create_queue(QueueName="IngestQueue")["QueueUrl"]
        summarize = sqs.create_queue(QueueName="SummarizeQueue")["QueueUrl"]
        physical = {
            "ArticlesTable": TABLE,
            "ArticlesBucket": BUCKET,
            "SummarizeQueue": summarize,
            "IngestQueue": ingest,
        }
        yield Stack(template, s3, sqs, dynamodb, ingest, summarize, physical, monkeypatch)
