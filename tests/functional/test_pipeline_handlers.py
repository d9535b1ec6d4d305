"""ExtractFunction and SummarizeFunction against moto, driven by the sample events in events/."""

from __future__ import annotations

import json

import pytest

from articles.aws import AwsClients
from articles.records.models import Status, record_id
from articles.records.repository import ArticleRepository
from tests.conftest import FIXTURES
from tests.functional.conftest import (
    BUCKET,
    Stack,
    batch,
    load_event,
    s3_put_event,
    sqs_event_from_messages,
)

HTML = (FIXTURES / "pipeline" / "harbour.html").read_bytes()
KEY = "incoming/Harbour wind farm + grid notes.html"
KEY_IN_EVENT = "incoming/Harbour+wind+farm+%2B+grid+notes.html"  # as S3 sends it
SEQ_1 = "0065F1A8B7C3D2E100"
SEQ_2 = "0065F1A8B7C3D2E200"


def repository(stack: Stack) -> ArticleRepository:
    return ArticleRepository(stack.table_name, AwsClients(dynamodb=stack.dynamodb))


def extract(stack: Stack, event: dict, **overrides: str) -> list[str]:
    result = stack.invoke("extract", event, **overrides)
    return [item["itemIdentifier"] for item in result["batchItemFailures"]]


def summarize_all(stack: Stack) -> list[str]:
    messages = stack.summarize_messages()
    if not messages:
        return []
    result = stack.invoke("summarize", sqs_event_from_messages(messages, "SummarizeQueue"))
    return [item["itemIdentifier"] for item in result["batchItemFailures"]]


def upload_and_extract(stack: Stack, key: str, key_in_event: str, body: bytes, seq: str) -> str:
    version = stack.put_article(key, body)["version_id"]
    event = s3_put_event(key_in_event, version_id=version, sequencer=seq, size=len(body))
    assert extract(stack, event) == []
    return version


def test_upload_becomes_a_summarized_record(stack: Stack) -> None:
    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    article_id = record_id(BUCKET, KEY)  # the event's URL-encoded key was decoded
    record = repository(stack).get(article_id)
    assert record is not None
    assert record.status is Status.EXTRACTED
    assert record.source.key == KEY
    assert record.source.etag and '"' not in record.source.etag
    assert record.source.size == len(HTML)
    assert record.title == "Harbour wind farm cleared to connect to the grid"
    assert record.site_name == "Coastline Courier"
    assert record.language == "en"
    assert record.word_count and record.word_count > 150
    assert record.attempts == 1
    text = stack.s3.get_object(Bucket=BUCKET, Key=record.text_key)["Body"].read().decode()
    assert "400,000 homes" in text
    assert "Ferry timetable" not in text

    assert summarize_all(stack) == []
    record = repository(stack).get(article_id)
    assert record is not None and record.status is Status.SUMMARIZED
    assert 3 <= len(record.key_points) <= 7
    assert record.summary
    assert record.keywords
    assert record.summarizer and record.summarizer.startswith("extractive")
    assert record.error is None


def test_duplicate_delivery_changes_nothing(stack: Stack) -> None:
    version = stack.put_article(KEY, HTML)["version_id"]
    event = s3_put_event(KEY_IN_EVENT, version_id=version, sequencer=SEQ_1)
    assert extract(stack, event) == []
    assert summarize_all(stack) == []
    before = repository(stack).get(record_id(BUCKET, KEY))

    assert extract(stack, event) == []  # SQS delivered the same notification again
    assert stack.summarize_messages() == []  # no second summary is paid for
    after = repository(stack).get(record_id(BUCKET, KEY))
    assert before == after
    count = stack.dynamodb.scan(TableName=stack.table_name, Select="COUNT")["Count"]
    assert count == 3  # the record, the months index and one cached summary: no second record


def test_redelivery_after_extraction_hands_over_again(stack: Stack) -> None:
    version = stack.put_article(KEY, HTML)["version_id"]
    event = s3_put_event(KEY_IN_EVENT, version_id=version, sequencer=SEQ_1)
    assert extract(stack, event) == []
    stack.summarize_messages()  # the hand-over was lost
    assert extract(stack, event) == []
    assert len(stack.summarize_messages()) == 1
    assert repository(stack).get(record_id(BUCKET, KEY)).status is Status.EXTRACTED


def test_older_version_arriving_late_is_ignored(stack: Stack) -> None:
    old = stack.put_article(KEY, HTML)["version_id"]
    new_body = HTML.replace(b"48 turbines", b"52 turbines")
    new = stack.put_article(KEY, new_body)["version_id"]
    assert extract(stack, s3_put_event(KEY_IN_EVENT, version_id=new, sequencer=SEQ_2)) == []
    assert extract(stack, s3_put_event(KEY_IN_EVENT, version_id=old, sequencer=SEQ_1)) == []
    record = repository(stack).get(record_id(BUCKET, KEY))
    assert record is not None
    assert record.source.version_id == new
    text = stack.s3.get_object(Bucket=BUCKET, Key=record.text_key)["Body"].read().decode()
    assert "52 turbines" in text


def test_newer_version_replaces_the_record_and_summary(stack: Stack) -> None:
    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    summarize_all(stack)
    first = repository(stack).get(record_id(BUCKET, KEY))
    new_body = HTML.replace(b"48 turbines", b"52 turbines")
    upload_and_extract(stack, KEY, KEY_IN_EVENT, new_body, SEQ_2)
    summarize_all(stack)
    second = repository(stack).get(record_id(BUCKET, KEY))
    assert first is not None and second is not None
    assert second.status is Status.SUMMARIZED
    assert second.content_sha256 != first.content_sha256
    assert second.created_at == first.created_at
    # the superseded text object was cleaned up
    assert stack.s3.list_objects_v2(Bucket=BUCKET, Prefix=f"texts/{second.id}/")["KeyCount"] == 1


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """The calls the summarize stage makes to the key-point engine, recorded as they pass."""
    import articles.keypoints

    recorded: list[tuple] = []
    real = articles.keypoints.summarize

    def counting(*args, **kwargs):
        recorded.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(articles.keypoints, "summarize", counting)
    return recorded


def test_identical_content_is_not_summarized_twice(stack: Stack, calls: list[tuple]) -> None:
    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    summarize_all(stack)
    upload_and_extract(stack, "incoming/copy.html", "incoming/copy.html", HTML, SEQ_1)
    summarize_all(stack)
    first = repository(stack).get(record_id(BUCKET, KEY))
    copy = repository(stack).get(record_id(BUCKET, "incoming/copy.html"))
    assert copy is not None and first is not None
    assert copy.status is Status.SUMMARIZED
    assert copy.key_points == first.key_points
    assert len(calls) == 1


def test_a_new_ranking_does_not_reuse_the_old_rankings_cached_points(
    stack: Stack, calls: list[tuple], monkeypatch: pytest.MonkeyPatch
) -> None:
    import articles.pipeline.summarize_stage as stage

    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    summarize_all(stack)
    monkeypatch.setattr(stage, "EXTRACTIVE_VERSION", "99.0.0")  # as after an upgrade
    upload_and_extract(stack, "incoming/copy.html", "incoming/copy.html", HTML, SEQ_1)
    summarize_all(stack)
    copy = repository(stack).get(record_id(BUCKET, "incoming/copy.html"))
    assert copy is not None and copy.status is Status.SUMMARIZED
    assert len(calls) == 2  # summarised again, not served from the older version's cache
    items = stack.dynamodb.scan(TableName=stack.table_name)["Items"]
    assert len([item for item in items if item["pk"]["S"].startswith("KEYPOINTS#")]) == 2


def test_cached_key_points_expire_and_records_do_not(stack: Stack) -> None:
    import time

    from articles.records.repository import CACHE_EXPIRY_ATTRIBUTE, CACHE_TTL_SECONDS

    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    summarize_all(stack)
    items = stack.dynamodb.scan(TableName=stack.table_name)["Items"]
    cached = [item for item in items if item["pk"]["S"].startswith("KEYPOINTS#")]
    assert len(cached) == 1
    expires = int(cached[0][CACHE_EXPIRY_ATTRIBUTE]["N"])  # a Number, as DynamoDB TTL needs
    assert abs(expires - (time.time() + CACHE_TTL_SECONDS)) < 600
    records = [item for item in items if item["pk"]["S"] == record_id(BUCKET, KEY)]
    assert len(records) == 1 and CACHE_EXPIRY_ATTRIBUTE not in records[0]


def test_delete_marks_the_record_deleted_and_removes_its_text(stack: Stack) -> None:
    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    record = repository(stack).get(record_id(BUCKET, KEY))
    assert record is not None and record.text_key
    assert extract(stack, load_event("extract-s3-delete.json")) == []
    deleted = repository(stack).get(record_id(BUCKET, KEY))
    assert deleted is not None and deleted.status is Status.DELETED
    assert deleted.title == record.title  # metadata is kept for the audit trail
    listing = stack.s3.list_objects_v2(Bucket=BUCKET, Prefix="texts/")
    assert listing["KeyCount"] == 0

    # The creation event arriving after the deletion does not bring the record back.
    late = s3_put_event(KEY_IN_EVENT, version_id=record.source.version_id or "", sequencer=SEQ_1)
    assert extract(stack, late) == []
    assert repository(stack).get(record_id(BUCKET, KEY)).status is Status.DELETED


def test_summarize_skips_records_that_moved_on(stack: Stack) -> None:
    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    messages = stack.summarize_messages()
    assert extract(stack, load_event("extract-s3-delete.json")) == []
    result = stack.invoke("summarize", sqs_event_from_messages(messages, "SummarizeQueue"))
    assert result["batchItemFailures"] == []
    assert repository(stack).get(record_id(BUCKET, KEY)).status is Status.DELETED


def test_s3_test_event_is_ignored(stack: Stack) -> None:
    assert extract(stack, load_event("extract-s3-test-event.json")) == []
    assert stack.dynamodb.scan(TableName=stack.table_name, Select="COUNT")["Count"] == 0


@pytest.mark.parametrize(
    ("key", "body", "code"),
    [
        (
            "incoming/setup.exe",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff" * 40,
            "unsupported_format",
        ),
        ("incoming/broken.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "corrupt_document"),
        ("incoming/empty.txt", b"", "empty_document"),
    ],
)
def test_bad_input_fails_permanently_and_is_acknowledged(
    stack: Stack, key: str, body: bytes, code: str
) -> None:
    version = stack.put_article(key, body, content_type="application/octet-stream")["version_id"]
    event = s3_put_event(key, version_id=version, sequencer=SEQ_1, size=len(body))
    assert extract(stack, event) == []  # acknowledged: no dead-letter churn
    record = repository(stack).get(record_id(BUCKET, key))
    assert record is not None
    assert record.status is Status.FAILED
    assert record.error is not None
    assert (record.error.code, record.error.stage, record.error.retryable) == (
        code,
        "extract",
        False,
    )
    assert stack.summarize_messages() == []


def test_too_large_is_refused_before_download(stack: Stack) -> None:
    body = b"<html><body><p>" + b"word " * 400 + b"</p></body></html>"
    version = stack.put_article("incoming/big.html", body)["version_id"]
    event = s3_put_event("incoming/big.html", version_id=version, sequencer=SEQ_1)
    assert extract(stack, event, MAX_OBJECT_BYTES="1024") == []
    record = repository(stack).get(record_id(BUCKET, "incoming/big.html"))
    assert record is not None and record.error is not None
    assert record.error.code == "too_large"


def test_partial_batch_failure_retries_only_the_failing_message(stack: Stack) -> None:
    good_version = stack.put_article(KEY, HTML)["version_id"]
    good = s3_put_event(KEY_IN_EVENT, version_id=good_version, sequencer=SEQ_1)
    # An event for a bucket we cannot read: a transient storage failure.
    broken = s3_put_event("incoming/elsewhere.html", version_id="v1", sequencer=SEQ_1)
    body = json.loads(broken["Records"][0]["body"])
    body["Records"][0]["s3"]["bucket"]["name"] = "bucket-that-is-not-there"
    broken["Records"][0]["body"] = json.dumps(body)

    failures = extract(stack, batch(good, broken))
    assert failures == [broken["Records"][0]["messageId"]]
    assert repository(stack).get(record_id(BUCKET, KEY)).status is Status.EXTRACTED
    pending = repository(stack).get(
        record_id("bucket-that-is-not-there", "incoming/elsewhere.html")
    )
    assert pending is not None
    assert pending.status is Status.QUEUED  # still in flight: the message will come back
    assert pending.error is not None and pending.error.retryable
    assert pending.error.code == "storage_unavailable"


def test_last_delivery_of_a_transient_failure_ends_failed(stack: Stack) -> None:
    broken = s3_put_event(
        "incoming/elsewhere.html", version_id="v1", sequencer=SEQ_1, receive_count=5
    )
    body = json.loads(broken["Records"][0]["body"])
    body["Records"][0]["s3"]["bucket"]["name"] = "bucket-that-is-not-there"
    broken["Records"][0]["body"] = json.dumps(body)
    assert extract(stack, broken) == [broken["Records"][0]["messageId"]]  # on to the DLQ
    record = repository(stack).get(record_id("bucket-that-is-not-there", "incoming/elsewhere.html"))
    assert record is not None
    assert record.status is Status.FAILED  # terminal, never stuck mid-way
    assert record.error is not None and record.error.retryable
    assert record.attempts == 1


def test_transient_retry_counts_attempts_and_recovers(stack: Stack) -> None:
    version = stack.put_article(KEY, HTML)["version_id"]
    event = s3_put_event(KEY_IN_EVENT, version_id=version, sequencer=SEQ_1)
    # First delivery: the summarize queue is unreachable, so the hand-over fails.
    assert extract(stack, event, SUMMARIZE_QUEUE_URL=stack.summarize_queue_url + "-gone") == [
        event["Records"][0]["messageId"]
    ]
    # The extraction itself was saved; only the hand-over is outstanding.
    assert repository(stack).get(record_id(BUCKET, KEY)).status is Status.EXTRACTED
    assert extract(stack, event) == []
    messages = stack.summarize_messages()
    assert len(messages) == 1  # the redelivery completed the hand-over
    result = stack.invoke("summarize", sqs_event_from_messages(messages, "SummarizeQueue"))
    assert result["batchItemFailures"] == []
    assert repository(stack).get(record_id(BUCKET, KEY)).status is Status.SUMMARIZED


def test_reprocess_request_runs_a_failed_record_again(stack: Stack) -> None:
    version = stack.put_article("incoming/later.html", b"")["version_id"]
    event = s3_put_event("incoming/later.html", version_id=version, sequencer=SEQ_1)
    assert extract(stack, event) == []
    article_id = record_id(BUCKET, "incoming/later.html")
    assert repository(stack).get(article_id).status is Status.FAILED

    fixed = stack.put_article("incoming/later.html", HTML)["version_id"]
    record = repository(stack).get(article_id)
    assert record is not None
    # An operator re-points the record at the fixed version and asks for a reprocess.
    repository(stack).save(
        record.model_copy(
            update={"source": record.source.model_copy(update={"version_id": fixed})}
        ),
        expected_revision=record.revision,
    )
    reprocess = load_event("extract-s3-test-event.json")
    reprocess["Records"][0]["body"] = json.dumps({"type": "reprocess", "id": article_id})
    assert extract(stack, reprocess) == []
    record = repository(stack).get(article_id)
    assert record is not None and record.status is Status.EXTRACTED
    assert record.attempts == 2


def test_summary_failing_for_good_ends_failed_and_a_redrive_recovers(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    import articles.keypoints
    from articles.errors import StorageError

    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    (message,) = stack.summarize_messages()
    message["Attributes"]["ApproximateReceiveCount"] = "5"  # the queue's last delivery
    event = sqs_event_from_messages([message], "SummarizeQueue")

    def unavailable(*args: object, **kwargs: object) -> None:
        raise StorageError("the text could not be read")

    real = articles.keypoints.summarize
    monkeypatch.setattr(articles.keypoints, "summarize", unavailable)
    result = stack.invoke("summarize", event)
    assert [f["itemIdentifier"] for f in result["batchItemFailures"]] == [message["MessageId"]]
    record = repository(stack).get(record_id(BUCKET, KEY))
    assert record is not None and record.status is Status.FAILED
    assert record.error is not None
    assert (record.error.stage, record.error.code, record.error.retryable) == (
        "summarize",
        "storage_unavailable",
        True,
    )

    # The message is redriven from the dead-letter queue once the model is back.
    monkeypatch.setattr(articles.keypoints, "summarize", real)
    assert stack.invoke("summarize", event)["batchItemFailures"] == []
    record = repository(stack).get(record_id(BUCKET, KEY))
    assert record is not None and record.status is Status.SUMMARIZED
    assert record.error is None and record.key_points


def test_a_text_cut_at_the_length_limit_says_so_on_the_record(stack: Stack) -> None:
    from articles.extraction.limits import DEFAULT_MAX_OUTPUT_CHARS

    paragraph = "The harbour board met again on Tuesday to hear the tidal survey.\n\n"
    body = (paragraph * (DEFAULT_MAX_OUTPUT_CHARS // len(paragraph) + 50)).encode()
    upload_and_extract(stack, "incoming/long.txt", "incoming/long.txt", body, SEQ_1)
    upload_and_extract(stack, "incoming/short.txt", "incoming/short.txt", paragraph.encode(), SEQ_1)
    long_record = repository(stack).get(record_id(BUCKET, "incoming/long.txt"))
    short_record = repository(stack).get(record_id(BUCKET, "incoming/short.txt"))
    assert long_record is not None and long_record.text_truncated is True
    assert long_record.word_count is not None and long_record.word_count < len(body.split())
    assert short_record is not None and short_record.text_truncated is False


@pytest.mark.parametrize(
    ("function", "event_name"),
    [("extract", "extract-s3-test-event.json"), ("summarize", "summarize-extracted.json")],
)
@pytest.mark.parametrize("body", ["not json at all", "[1, 2]", '{"type": "something else"}'])
def test_an_unreadable_message_is_acknowledged_and_leaves_no_record(
    stack: Stack, function: str, event_name: str, body: str
) -> None:
    event = load_event(event_name)
    event["Records"][0]["body"] = body
    result = stack.invoke(function, event)
    assert result["batchItemFailures"] == []  # retrying the same bytes cannot help
    assert stack.dynamodb.scan(TableName=stack.table_name, Select="COUNT")["Count"] == 0
