"""Summarize stage: an EXTRACTED record gets its key points, lede and keywords."""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING, Any

from articles.errors import PermanentError
from articles.models import KeyPoints
from articles.observability import MetricUnit, logger, metrics
from articles.pipeline.context import Outcome, as_article_error
from articles.pipeline.messages import parse_summarize_message
from articles.records.models import Status, TokenUsage
from articles.tracing import tracer

if TYPE_CHECKING:
    from articles.pipeline.context import PipelineContext
    from articles.records.models import ArticleRecord

STAGE = "summarize"


def handle_summarize_message(body: str, ctx: PipelineContext, *, receive_count: int = 1) -> Outcome:
    try:
        request = parse_summarize_message(body)
    except PermanentError as exc:
        logger.error("unreadable summarize message dropped", extra={"error_code": exc.code})
        return Outcome.SKIPPED
    logger.set_correlation_id(request.id)
    record = ctx.repository.get(request.id)
    if (
        record is None
        or not _awaiting_summary(record)
        or record.content_sha256 != request.content_sha256
        or record.source.sequencer != request.sequencer
    ):
        # A duplicate delivery, or the object changed since: the newer version has its own.
        logger.info("stale or duplicate summarize request ignored")
        return Outcome.SKIPPED
    try:
        return _summarize(record, ctx)
    except Exception as exc:
        return ctx.record_failure(
            record, as_article_error(exc), stage=STAGE, receive_count=receive_count
        )


def _awaiting_summary(record: ArticleRecord) -> bool:
    """EXTRACTED, or FAILED here for a transient reason (a redrive from the dead-letter queue)."""
    if record.status is Status.EXTRACTED:
        return True
    error = record.error
    return (
        record.status is Status.FAILED
        and error is not None
        and error.stage == STAGE
        and error.retryable
    )


def _cache_key(record: ArticleRecord, ctx: PipelineContext) -> str:
    settings = ctx.settings
    model = settings.bedrock_model_id if settings.summarizer == "bedrock" else ""
    variant = f"{settings.summarizer}|{model}|{settings.key_point_count}|{record.title or ''}"
    return f"{record.content_sha256}#{hashlib.sha256(variant.encode()).hexdigest()[:16]}"


@tracer.capture_method
def _summarize(record: ArticleRecord, ctx: PipelineContext) -> Outcome:
    started = time.perf_counter()
    cache_key = _cache_key(record, ctx)
    cached = ctx.repository.get_cached(cache_key)
    if cached is not None:
        result = KeyPoints.model_validate(cached)
        reused = True
    else:
        result = _run_summarizer(record, ctx)
        reused = False
        if "fallback" not in result.summarizer:  # a degraded answer is not worth keeping
            ctx.repository.put_cached(cache_key, result.model_dump(mode="json"))

    update: dict[str, Any] = {
        "status": Status.SUMMARIZED,
        "summary": result.summary,
        "key_points": result.key_points,
        "keywords": result.keywords,
        "summarizer": result.summarizer,
        "truncated": result.truncated,
        "error": None,
    }
    if not reused and (result.input_tokens or result.output_tokens):
        update["token_usage"] = TokenUsage(
            input_tokens=result.input_tokens or 0, output_tokens=result.output_tokens or 0
        )
    ctx.repository.save(record.model_copy(update=update), expected_revision=record.revision)

    elapsed_ms = (time.perf_counter() - started) * 1000
    metrics.add_metric(name="ArticlesSummarized", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="SummarizeDuration", unit=MetricUnit.Milliseconds, value=elapsed_ms)
    if reused:
        metrics.add_metric(name="SummariesReused", unit=MetricUnit.Count, value=1)
    logger.info(
        "summarized",
        extra={
            "key": record.source.key,
            "key_points": len(result.key_points),
            "summarizer": result.summarizer,
            "reused": reused,
            "ms": round(elapsed_ms, 1),
        },
    )
    return Outcome.SUMMARIZED


def _run_summarizer(record: ArticleRecord, ctx: PipelineContext) -> KeyPoints:
    from articles.keypoints import summarize

    settings = ctx.settings
    settings.require("bucket_name")
    assert record.text_key is not None
    body = ctx.s3_call("get_object", Bucket=settings.bucket_name, Key=record.text_key)["Body"]
    text = body.read().decode("utf-8")
    return summarize(
        record.title,
        text,
        count=settings.key_point_target,
        backend=settings.summarizer,
        language=record.language,
        description=record.description,
        model_id=settings.bedrock_model_id,
    )
