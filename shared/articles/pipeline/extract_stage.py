"""Extract stage: an S3 notification becomes an EXTRACTED (or FAILED, or DELETED) record."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from articles.aws import aws_errors
from articles.constants import TEXT_PREFIX
from articles.errors import ArticleError, TooLargeError
from articles.observability import MetricUnit, logger, metrics
from articles.pipeline.lifecycle import Action, decide_creation, decide_removal
from articles.pipeline.messages import (
    ReprocessRequest,
    S3TestEvent,
    SummarizeRequest,
    parse_ingest_message,
)
from articles.records.models import ArticleRecord, SourceObject, Status, record_id, utc_now
from articles.tracing import tracer

if TYPE_CHECKING:
    from articles.pipeline.context import ExtractContext

STAGE = "extract"


def handle_ingest_message(body: str, ctx: ExtractContext, *, receive_count: int = 1) -> None:
    """Process one ingest-queue message; raises only when a later delivery should retry
    (or MalformedMessageError for a body that is no message of ours)."""
    message = parse_ingest_message(body)
    if isinstance(message, S3TestEvent):
        logger.info("s3:TestEvent ignored")
        return
    if isinstance(message, ReprocessRequest):
        record = ctx.repository.get(message.id)
        if record is None:
            logger.warning(
                "reprocess request for an unknown record", extra={"article_id": message.id}
            )
            return
        process_creation(record.source, ctx, receive_count=receive_count, force=True)
        return
    for event in message.records:
        source = event.source()
        if event.is_removal:
            process_removal(source, ctx)
        elif event.is_creation:
            process_creation(source, ctx, receive_count=receive_count)


@tracer.capture_method
def process_creation(
    source: SourceObject, ctx: ExtractContext, *, receive_count: int = 1, force: bool = False
) -> None:
    article_id = record_id(source.bucket, source.key)
    logger.set_correlation_id(article_id)
    existing = ctx.repository.get(article_id)
    if existing is not None:  # events an earlier write could not send go out first
        existing = ctx.events.publish(existing)
    action = decide_creation(existing, source, force=force)
    if action in (Action.STALE, Action.DUPLICATE):
        logger.info(f"{action.value} event ignored", extra={"key": source.key})
        return
    if action is Action.HAND_OVER and existing is not None:
        _hand_over(existing, ctx)
        return

    now = utc_now()
    same_version = existing is not None and existing.source.sequencer == source.sequencer
    record = ArticleRecord(
        id=article_id,
        status=Status.QUEUED,
        source=source,
        created_at=existing.created_at if existing else now,
        updated_at=now,
        attempts=(existing.attempts + 1) if existing and same_version else 1,
        # Keep the old text pointer so the old text can be cleaned up when it changes.
        text_key=existing.text_key if existing else None,
        pending_events=existing.pending_events if existing else [],
    )
    record = ctx.repository.save(record, expected_revision=existing.revision if existing else None)
    try:
        _extract(record, ctx)
    except Exception as exc:  # every failure is recorded, then acknowledged or retried
        ctx.failures.record(record, exc, stage=STAGE, receive_count=receive_count)


def _extract(record: ArticleRecord, ctx: ExtractContext) -> None:
    from articles.extraction import extract

    settings = ctx.settings
    s3 = ctx.clients.s3
    source = record.source
    version: dict[str, Any] = {}
    if source.version_id and source.version_id != "null":
        version["VersionId"] = source.version_id
    where = f"s3://{source.bucket}/{source.key}"

    started = time.perf_counter()
    # One GET: its headers carry what a HEAD would (size, type, ETag), and the size is checked
    # before the body is read, so an oversized object is refused without downloading it.
    with aws_errors("s3", "get_object", subject=where):
        response = s3.get_object(Bucket=source.bucket, Key=source.key, **version)
        body = response["Body"]
        size = int(response.get("ContentLength", 0))
        if size > settings.max_object_bytes:
            body.close()
            raise TooLargeError(
                f"object is {size} bytes; the limit is {settings.max_object_bytes} bytes"
            )
        data = body.read(settings.max_object_bytes + 1)
    content_type = response.get("ContentType")
    source = source.model_copy(
        update={
            "size": size,
            "content_type": content_type,
            "etag": str(response.get("ETag", source.etag or "")).strip('"') or None,
        }
    )
    article = extract(
        data, filename=source.key, content_type=content_type, max_bytes=settings.max_object_bytes
    )

    text_key = f"{TEXT_PREFIX}{record.id}/{article.content_sha256}.txt"
    with aws_errors("s3", "put_object"):
        s3.put_object(
            Bucket=settings.bucket_name,
            Key=text_key,
            Body=article.text.encode("utf-8"),
            ContentType="text/plain; charset=utf-8",
        )
    fields = article.model_dump(exclude={"text"})
    extracted = record.model_copy(
        update={
            **fields,
            "source": source,
            "status": Status.EXTRACTED,
            "text_key": text_key,
            "error": None,
        }
    )
    extracted = ctx.repository.save(extracted, expected_revision=record.revision)
    if record.text_key and record.text_key != text_key:
        _delete_text(record.text_key, ctx)
    _hand_over(extracted, ctx)

    elapsed_ms = (time.perf_counter() - started) * 1000
    metrics.add_metric(name="ArticlesExtracted", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="BytesExtracted", unit=MetricUnit.Bytes, value=size)
    metrics.add_metric(name="ExtractDuration", unit=MetricUnit.Milliseconds, value=elapsed_ms)
    logger.info(
        "extracted",
        extra={
            "key": source.key,
            "title": article.title,
            "words": article.word_count,
            "ms": round(elapsed_ms, 1),
        },
    )


def _hand_over(record: ArticleRecord, ctx: ExtractContext) -> None:
    assert record.content_sha256 is not None  # every EXTRACTED record has one
    request = SummarizeRequest(
        id=record.id, content_sha256=record.content_sha256, sequencer=record.source.sequencer
    )
    with aws_errors("sqs", "send_message"):
        ctx.clients.sqs.send_message(
            QueueUrl=ctx.settings.summarize_queue_url, MessageBody=request.model_dump_json()
        )


def _delete_text(text_key: str, ctx: ExtractContext) -> None:
    try:
        with aws_errors("s3", "delete_object"):
            ctx.clients.s3.delete_object(Bucket=ctx.settings.bucket_name, Key=text_key)
    except ArticleError as exc:  # a leftover text object is untidy, not a failure
        logger.warning(
            "could not delete old text", extra={"text_key": text_key, "error_code": exc.code}
        )


@tracer.capture_method
def process_removal(source: SourceObject, ctx: ExtractContext) -> None:
    article_id = record_id(source.bucket, source.key)
    logger.set_correlation_id(article_id)
    existing = ctx.repository.get(article_id)
    if existing is not None:
        existing = ctx.events.publish(existing)
    action = decide_removal(existing, source)
    if action is not Action.PROCESS:
        logger.info(f"{action.value} removal ignored", extra={"key": source.key})
        return
    now = utc_now()
    if existing is None:
        record = ArticleRecord(
            id=article_id, status=Status.DELETED, source=source, created_at=now, updated_at=now
        )
    else:
        kept_source = existing.source.model_copy(
            update={"sequencer": source.sequencer, "version_id": source.version_id}
        )
        record = existing.model_copy(
            update={"status": Status.DELETED, "source": kept_source, "text_key": None}
        )
    stored = ctx.repository.save(
        record, expected_revision=existing.revision if existing else None, announce=True
    )
    if existing is not None and existing.text_key:
        _delete_text(existing.text_key, ctx)
    metrics.add_metric(name="ArticlesDeleted", unit=MetricUnit.Count, value=1)
    logger.info("deleted", extra={"key": source.key})
    ctx.events.publish(stored)
