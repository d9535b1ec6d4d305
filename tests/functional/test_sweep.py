"""SweepFunction against moto: records left mid-way end FAILED (stalled) and can be resumed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from articles.aws import AwsClients
from articles.errors import ConcurrentUpdateError
from articles.pipeline.sweep import sweep_stalled
from articles.records.models import ArticleRecord, SourceObject, Status, iso_utc, record_id
from articles.records.repository import ArticleRepository
from tests.conftest import FIXTURES
from tests.functional.conftest import BUCKET, Stack, load_event, s3_put_event
from tests.functional.test_pipeline_handlers import extract, repository, summarize_all

HTML = (FIXTURES / "pipeline" / "harbour.html").read_bytes()
KEY = "incoming/harbour.html"
SEQ = "0065F1A8B7C3D2E100"


class FunctionKilled(BaseException):
    """What an invocation that runs out of memory looks like from inside: nothing is caught."""


def _age(stack: Stack, article_id: str, hours: float) -> None:
    """Move a record's last write into the past, as if nothing had touched it since."""
    then = iso_utc(datetime.now(UTC) - timedelta(hours=hours))
    stack.dynamodb.update_item(
        TableName=stack.table_name,
        Key={"pk": {"S": article_id}},
        UpdateExpression="SET updated_at = :then",
        ExpressionAttributeValues={":then": {"S": then}},
    )


def _sweep(stack: Stack, **overrides: str) -> dict:
    return stack.invoke("sweep", load_event("sweep-scheduled.json"), **overrides)


def _upload_event(stack: Stack, *, receive_count: int = 1) -> dict:
    version = stack.put_article(KEY, HTML)["version_id"]
    return s3_put_event(
        KEY, version_id=version, sequencer=SEQ, size=len(HTML), receive_count=receive_count
    )


def test_extraction_killed_on_its_last_delivery_ends_stalled_and_a_redrive_finishes_it(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from articles.pipeline import extract_stage

    event = _upload_event(stack, receive_count=5)

    def killed(*args: object, **kwargs: object) -> None:
        raise FunctionKilled

    monkeypatch.setattr(extract_stage, "_extract", killed)
    with pytest.raises(FunctionKilled):
        extract(stack, event)
    monkeypatch.undo()
    article_id = record_id(BUCKET, KEY)
    assert repository(stack).get(article_id).status is Status.QUEUED  # nobody recorded it

    assert _sweep(stack)["failed"] == []  # a fresh record may still be on its way
    _age(stack, article_id, hours=25)
    report = _sweep(stack)
    assert report["failed"] == [article_id]
    record = repository(stack).get(article_id)
    assert record is not None and record.status is Status.FAILED
    assert record.error is not None
    assert (record.error.code, record.error.stage, record.error.retryable) == (
        "stalled",
        "extract",
        True,
    )
    assert f"articles reprocess {article_id}" in record.error.message
    assert _sweep(stack)["failed"] == []  # FAILED is terminal: a second run leaves it

    # The message, redriven from the dead-letter queue, runs the article to the end.
    assert extract(stack, event) == []
    assert summarize_all(stack) == []
    record = repository(stack).get(article_id)
    assert record is not None and record.status is Status.SUMMARIZED
    assert record.error is None and record.key_points


def test_a_summary_that_never_finished_ends_stalled_and_its_message_resumes_it(
    stack: Stack,
) -> None:
    assert extract(stack, _upload_event(stack)) == []
    messages = stack.summarize_messages()  # taken by an invocation that then died
    article_id = record_id(BUCKET, KEY)
    _age(stack, article_id, hours=3)

    assert _sweep(stack, STALLED_AFTER_MINUTES="120")["failed"] == [article_id]
    record = repository(stack).get(article_id)
    assert record is not None and record.status is Status.FAILED
    assert record.error is not None and record.error.stage == "summarize"

    from tests.functional.conftest import sqs_event_from_messages

    result = stack.invoke("summarize", sqs_event_from_messages(messages, "SummarizeQueue"))
    assert result["batchItemFailures"] == []
    assert repository(stack).get(article_id).status is Status.SUMMARIZED


def _record(article_id: str, status: Status, created_at: str) -> ArticleRecord:
    source = SourceObject(bucket=BUCKET, key=f"incoming/{article_id}.txt", sequencer=SEQ)
    return ArticleRecord(
        id=article_id, status=status, source=source, created_at=created_at, updated_at=created_at
    )


def test_only_waiting_records_older_than_the_threshold_are_ended(stack: Stack) -> None:
    repo = repository(stack)
    for article_id, status, created in (
        ("queued-in-september", Status.QUEUED, "2026-09-30T23:59:00.000Z"),
        ("extracted-in-october", Status.EXTRACTED, "2026-10-02T08:00:00.000Z"),
        ("summarized-long-ago", Status.SUMMARIZED, "2026-09-01T08:00:00.000Z"),
        ("failed-long-ago", Status.FAILED, "2026-09-01T08:00:00.000Z"),
        ("deleted-long-ago", Status.DELETED, "2026-09-01T08:00:00.000Z"),
        ("queued-just-now", Status.QUEUED, iso_utc(datetime.now(UTC))),
    ):
        repo.save(_record(article_id, status, created), expected_revision=None)

    # save() stamps updated_at with the clock, so "now" is moved forward instead.
    now = datetime.now(UTC) + timedelta(hours=2)
    report = sweep_stalled(repo, stalled_after=timedelta(minutes=90), now=now)
    assert sorted(report.failed) == [
        "extracted-in-october",
        "queued-in-september",
        "queued-just-now",
    ]
    report = sweep_stalled(repo, stalled_after=timedelta(minutes=180), now=now)
    assert report.failed == []
    statuses = {r: repo.get(r).status for r in ("summarized-long-ago", "deleted-long-ago")}
    assert statuses == {
        "summarized-long-ago": Status.SUMMARIZED,
        "deleted-long-ago": Status.DELETED,
    }


class _MovesOnWhenWritten(ArticleRepository):
    """A stage writes the record between the sweep's read and its write."""

    def save(
        self, record: ArticleRecord, *, expected_revision: int | None, announce: bool = False
    ) -> ArticleRecord:
        if record.status is Status.FAILED:
            raise ConcurrentUpdateError("the record changed")
        return super().save(record, expected_revision=expected_revision, announce=announce)


def test_a_record_that_moves_on_during_the_sweep_is_left_to_its_stage(stack: Stack) -> None:
    repo = _MovesOnWhenWritten(stack.table_name, AwsClients(dynamodb=stack.dynamodb))
    repo.save(_record("busy", Status.EXTRACTED, iso_utc(datetime.now(UTC))), expected_revision=None)
    now = datetime.now(UTC) + timedelta(days=2)
    report = sweep_stalled(repo, stalled_after=timedelta(days=1), now=now)
    assert (report.failed, report.skipped) == ([], 1)
    assert repo.get("busy").status is Status.EXTRACTED


def test_a_run_ends_at_most_its_share_and_the_next_run_continues(stack: Stack) -> None:
    repo = repository(stack)
    for n in range(5):
        repo.save(
            _record(f"r{n}", Status.QUEUED, iso_utc(datetime.now(UTC))), expected_revision=None
        )
    now = datetime.now(UTC) + timedelta(days=2)
    first = sweep_stalled(repo, stalled_after=timedelta(days=1), now=now, max_records=3)
    second = sweep_stalled(repo, stalled_after=timedelta(days=1), now=now, max_records=3)
    assert len(first.failed) == 3 and len(second.failed) == 2
    assert not set(first.failed) & set(second.failed)
