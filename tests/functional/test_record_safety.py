"""Records that must not be wiped, stuck or refused: a reprocess of a deleted article, a missing
version, an article too long for DynamoDB, and DynamoDB refusing a record."""

from __future__ import annotations

import json
from typing import Any

from botocore.awsrequest import AWSResponse

from articles.records.models import ELLIPSIS, LIST_LIMITS, TEXT_LIMITS, ArticleRecord, Status
from articles.records.models import record_id as make_id
from articles.settings import ExtractSettings, SummarizeSettings
from tests.functional.conftest import BUCKET
from tests.functional.driver import Pipeline, pipeline

__all__ = ["pipeline"]  # the fixture

STORY = (
    "# Harbour wall\n\nThe harbour wall was repaired over the winter by a crew of twelve. "
    "Engineers replaced the old stones with granite from the quarry up the valley. The work "
    "cost less than planned, the council said, and the harbour reopened in March. Fishing "
    "crews returned the same week, and the ferry timetable went back to normal.\n"
)


def _record(pipeline: Pipeline, key: str) -> ArticleRecord:
    (record,) = [r for r in pipeline.records() if r.source.key == key]
    return record


def _item_bytes(pipeline: Pipeline, key: str) -> int:
    item = pipeline.stack.dynamodb.get_item(
        TableName=pipeline.stack.table_name, Key={"pk": {"S": make_id(BUCKET, key)}}
    )["Item"]
    return len(json.dumps(item).encode())


def _reprocess(pipeline: Pipeline, article_id: str) -> None:
    pipeline.stack.sqs.send_message(
        QueueUrl=pipeline.queue("IngestQueue"),
        MessageBody=json.dumps({"type": "reprocess", "id": article_id}),
    )
    pipeline.run(redrive=False)


def test_reprocessing_a_deleted_article_leaves_it_deleted_with_its_metadata(
    pipeline: Pipeline,
) -> None:
    key = "incoming/wall.md"
    pipeline.stack.put_article(key, STORY.encode(), "text/markdown")
    pipeline.run()
    summarized = _record(pipeline, key)
    assert summarized.status is Status.SUMMARIZED and summarized.key_points

    pipeline.stack.s3.delete_object(Bucket=BUCKET, Key=key)  # a delete marker, notified
    pipeline.run()
    deleted = _record(pipeline, key)
    assert deleted.status is Status.DELETED

    _reprocess(pipeline, deleted.id)
    after = _record(pipeline, key)
    assert pipeline.redeliveries == 0  # acknowledged at once, not retried
    assert after.status is Status.DELETED
    assert (after.title, after.key_points, after.summary) == (
        summarized.title,
        summarized.key_points,
        summarized.summary,
    )
    assert after.revision == deleted.revision  # not even rewritten
    listing = pipeline.stack.s3.list_objects_v2(Bucket=BUCKET, Prefix="texts/")
    assert listing["KeyCount"] == 0


def test_a_version_that_is_a_delete_marker_is_source_missing_at_once(pipeline: Pipeline) -> None:
    key = "incoming/gone.md"
    pipeline.stack.put_article(key, STORY.encode(), "text/markdown")
    pipeline.run()
    record = _record(pipeline, key)
    marker = pipeline.stack.s3.delete_object(Bucket=BUCKET, Key=key)["VersionId"]
    # An event for the marker's version, as if the object had been created as it
    # (S3 answers 405 to a HEAD of a delete marker).
    body = {
        "Records": [
            {
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": {"name": BUCKET},
                    "object": {
                        "key": "incoming/gone.md",
                        "versionId": marker,
                        "sequencer": "F" * 20,
                    },
                },
            }
        ]
    }
    pipeline.stack.sqs.purge_queue(QueueUrl=pipeline.queue("IngestQueue"))
    pipeline.stack.sqs.send_message(
        QueueUrl=pipeline.queue("IngestQueue"), MessageBody=json.dumps(body)
    )
    pipeline.run(redrive=False)
    failed = _record(pipeline, key)
    assert failed.id == record.id
    assert failed.status is Status.FAILED and failed.error is not None
    assert (failed.error.code, failed.error.retryable) == ("source_missing", False)
    assert pipeline.redeliveries == 0


def test_a_300000_character_sentence_is_summarized_within_the_bounds(pipeline: Pipeline) -> None:
    words = ("harbour", "turbine", "council", "mooring", "survey", "cable", "seabed", "crew")
    sentence = "The " + " ".join(words[n % len(words)] for n in range(45_000)) + " ended."
    assert len(sentence) > 300_000
    key = "incoming/run-on.txt"
    pipeline.stack.put_article(key, sentence.encode(), "text/plain")
    pipeline.run(redrive=False)

    record = _record(pipeline, key)
    assert record.status is Status.SUMMARIZED, record.error
    assert pipeline.redeliveries == 0
    count, chars = LIST_LIMITS["key_points"]
    assert 1 <= len(record.key_points) <= count
    for point in record.key_points:
        assert len(point) <= chars
        assert point.endswith(ELLIPSIS) and point[:-1] == point[:-1].rstrip()
        assert sentence.startswith(point[:-1])  # cut at a word boundary, nothing made up
        assert sentence[len(point) - 1] == " "
    assert record.summary is not None and len(record.summary) <= TEXT_LIMITS["summary"]
    assert _item_bytes(pipeline, key) < 100_000


def _refuse_once(client: Any, status: Status, message: str) -> list[int]:
    """DynamoDB answers ValidationException to the first write of a record in ``status``."""
    refused = [0]

    def before_call(params: dict[str, Any], **_: Any) -> Any:
        item = json.loads(params["body"]).get("Item", {})
        if refused[0] or item.get("status", {}).get("S") != status.value:
            return None
        refused[0] += 1
        response = AWSResponse("https://dynamodb.invalid", 400, {}, None)
        error = {"Code": "ValidationException", "Message": message}
        return response, {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}

    client.meta.events.register("before-call.dynamodb.PutItem", before_call)
    return refused


def test_dynamodb_refusing_a_record_is_permanent_with_its_message(pipeline: Pipeline) -> None:
    message = "Item size has exceeded the maximum allowed size"
    dynamodb = pipeline.contexts[SummarizeSettings].clients.dynamodb
    refused = _refuse_once(dynamodb, Status.SUMMARIZED, message)
    key = "incoming/refused.md"
    pipeline.stack.put_article(key, STORY.encode(), "text/markdown")
    pipeline.run(redrive=False)

    assert refused == [1]
    record = _record(pipeline, key)
    assert record.status is Status.FAILED and record.error is not None
    assert (record.error.code, record.error.stage, record.error.retryable) == (
        "record_rejected",
        "summarize",
        False,
    )
    assert message in record.error.message
    assert pipeline.redeliveries == 0  # permanent: acknowledged, not retried for hours


def test_a_refused_extracted_record_fails_at_once(pipeline: Pipeline) -> None:
    dynamodb = pipeline.contexts[ExtractSettings].clients.dynamodb
    _refuse_once(dynamodb, Status.EXTRACTED, "One or more parameter values were invalid")
    key = "incoming/refused-early.md"
    pipeline.stack.put_article(key, STORY.encode(), "text/markdown")
    pipeline.run(redrive=False)
    record = _record(pipeline, key)
    assert record.status is Status.FAILED and record.error is not None
    assert (record.error.code, record.error.stage) == ("record_rejected", "extract")
    assert "parameter values were invalid" in record.error.message
