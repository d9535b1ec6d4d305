"""SummarizeFunction with Summarizer=bedrock against moto, the model's replies stubbed in botocore:
what the record and the metrics say about grounding and cost."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from articles.aws import AwsClients
from articles.keypoints.bedrock import TOOL_NAME
from articles.keypoints.extractive import NAME as EXTRACTIVE_NAME
from articles.keypoints.grounding import ArticleIndex
from articles.records.models import Status, record_id
from articles.records.repository import ArticleRepository
from tests.conftest import FIXTURES
from tests.functional.conftest import BUCKET, Stack, s3_put_event, sqs_event_from_messages

HTML = (FIXTURES / "pipeline" / "harbour.html").read_bytes()
KEY = "incoming/harbour.html"
INVENTED = "The operator will build 75 turbines off the northern harbour."
ANSWER = {
    "summary": "The harbour wind farm has been cleared to connect to the national grid.",
    "key_points": [
        "The offshore wind farm off the northern harbour has been cleared to connect to the grid.",
        INVENTED,
        "The project will supply power to about 400,000 homes.",
        "The operator estimates 600 jobs during construction and 90 permanent posts.",
    ],
    "keywords": ["wind farm", "national grid", "harbour", "turbines", "export cable"],
}


@pytest.fixture
def bedrock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    """The summarize stage's Bedrock client, stubbed."""
    import articles.keypoints

    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    real = articles.keypoints.summarize

    def with_stubbed_client(*args: Any, **kwargs: Any) -> Any:
        return real(*args, bedrock_client=client, **kwargs)

    monkeypatch.setattr(articles.keypoints, "summarize", with_stubbed_client)
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


def _extracted(stack: Stack) -> str:
    version = stack.put_article(KEY, HTML)["version_id"]
    event = s3_put_event(KEY, version_id=version, sequencer="0065F1A8B7C3D2E100", size=len(HTML))
    assert stack.invoke("extract", event)["batchItemFailures"] == []
    return record_id(BUCKET, KEY)


def _metrics(out: str) -> dict[str, Any]:
    """Metric name -> value over the EMF documents Powertools printed."""
    found: dict[str, Any] = {}
    for line in out.splitlines():
        if not line.startswith("{") or "_aws" not in line:
            continue
        document = json.loads(line)
        for directive in document["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                value = document[metric["Name"]]  # Powertools writes a list of values
                found[metric["Name"]] = value[0] if isinstance(value, list) else value
                for dimension in directive["Dimensions"][0]:
                    found[f"{metric['Name']}.{dimension}"] = document[dimension]
    return found


def test_record_says_what_was_dropped_and_what_it_cost(
    stack: Stack, bedrock: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    article_id = _extracted(stack)
    reply = {
        "output": {
            "message": {
                "role": "assistant",
                "content": [{"toolUse": {"toolUseId": "t-1", "name": TOOL_NAME, "input": ANSWER}}],
            }
        },
        "stopReason": "tool_use",
        "usage": {"inputTokens": 1500, "outputTokens": 250, "totalTokens": 1750},
        "metrics": {"latencyMs": 900},
    }
    bedrock.add_response(
        "converse",
        reply,
        {
            "modelId": "amazon.nova-lite-v1:0",
            "system": ANY,
            "messages": ANY,
            "inferenceConfig": ANY,
            "toolConfig": ANY,
        },
    )
    messages = stack.summarize_messages()
    capsys.readouterr()
    result = stack.invoke(
        "summarize",
        sqs_event_from_messages(messages, "SummarizeQueue"),
        SUMMARIZER="bedrock",
        KEY_POINT_COUNT="4",
        BEDROCK_PRICE_PER_1K_TOKENS="0.0001,0.0004",
    )
    assert result["batchItemFailures"] == []

    record = ArticleRepository(stack.table_name, AwsClients(dynamodb=stack.dynamodb)).get(
        article_id
    )
    assert record is not None and record.status is Status.SUMMARIZED
    assert INVENTED not in record.key_points
    assert len(record.key_points) == 4  # three of the model's, one filled in
    kept = [ANSWER["key_points"][i] for i in (0, 2, 3)]
    assert [p for p in record.key_points if p in kept] == kept
    (filled,) = [p for p in record.key_points if p not in kept]
    assert record.text_key is not None
    text = stack.s3.get_object(Bucket=BUCKET, Key=record.text_key)["Body"].read().decode()
    assert ArticleIndex(text, "en").problem(filled) is None
    assert record.dropped_points == 1
    assert record.fallback_reason == "ungrounded"
    assert record.summarizer == f"bedrock amazon.nova-lite-v1:0 + {EXTRACTIVE_NAME}"
    assert record.token_usage is not None
    assert (record.token_usage.input_tokens, record.token_usage.output_tokens) == (1500, 250)
    # 1.5 x 0.0001 + 0.25 x 0.0004 = 0.00015 + 0.0001
    assert record.token_usage.cost_usd == pytest.approx(0.00025)

    metrics = _metrics(capsys.readouterr().out)
    assert metrics["InputTokens"] == 1500
    assert metrics["OutputTokens"] == 250
    assert metrics["EstimatedCostUSD"] == pytest.approx(0.00025)
    assert metrics["KeyPointsDropped"] == 1
    assert metrics["SummarizerFallbacks"] == 1
    assert metrics["SummarizerFallbacks.reason"] == "ungrounded"
