"""Summarize stage: an EXTRACTED record gets its key points, lede and keywords."""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING, Any

from articles.aws import aws_errors
from articles.constants import EXTRACTIVE_VERSION
from articles.models import KeyPoints
from articles.observability import MetricUnit, count_fallback, logger, metrics
from articles.pipeline.messages import parse_summarize_message
from articles.records.models import Status, TokenUsage, bounded_key_points
from articles.tracing import tracer

if TYPE_CHECKING:
    from articles.pipeline.context import SummarizeContext
    from articles.records.models import ArticleRecord

STAGE = "summarize"


def handle_summarize_message(body: str, ctx: SummarizeContext, *, receive_count: int = 1) -> None:
    """Summarize one extracted record; raises only when a later delivery should retry
    (or MalformedMessageError for a body that is no message of ours)."""
    request = parse_summarize_message(body)
    logger.set_correlation_id(request.id)
    record = ctx.repository.get(request.id)
    if record is not None:  # events an earlier write could not send go out first
        record = ctx.events.publish(record)
    if (
        record is None
        or not _awaiting_summary(record)
        or record.content_sha256 != request.content_sha256
        or record.source.sequencer != request.sequencer
    ):
        # A duplicate delivery, or the object changed since: the newer version has its own.
        logger.info("stale or duplicate summarize request ignored")
        return
    try:
        _summarize(record, ctx)
    except Exception as exc:  # every failure is recorded, then acknowledged or retried
        ctx.failures.record(record, exc, stage=STAGE, receive_count=receive_count)


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


def _cache_key(record: ArticleRecord, ctx: SummarizeContext) -> str:
    settings = ctx.settings
    model = settings.bedrock_model_id if settings.summarizer == "bedrock" else ""
    variant = "|".join(
        [
            settings.summarizer,
            model,
            EXTRACTIVE_VERSION,  # a new ranking does not serve the old one's points
            str(settings.key_point_count),
            record.title or "",
        ]
    )
    return f"{record.content_sha256}#{hashlib.sha256(variant.encode()).hexdigest()[:16]}"


@tracer.capture_method
def _summarize(record: ArticleRecord, ctx: SummarizeContext) -> None:
    started = time.perf_counter()
    cache_key = _cache_key(record, ctx)
    # An answer this instance worked out but could not cache yet (the write failed) comes
    # first: the retry, or the same content under another key, is not summarised again.
    result = ctx.recent_answers.get(cache_key)
    cached = None if result is not None else ctx.repository.get_cached(cache_key)
    fresh = False
    if cached is not None:
        result = KeyPoints.model_validate(cached)
    elif result is None:
        result = bounded_key_points(_run_summarizer(record, ctx))
        fresh = True
    reused = cached is not None
    if not reused and result.fallback_reason is None:  # a degraded answer is not worth keeping
        ctx.recent_answers.remember(cache_key, result)
        ctx.repository.put_cached(cache_key, result.model_dump(mode="json"))
        ctx.recent_answers.forget(cache_key)

    update: dict[str, Any] = {
        "status": Status.SUMMARIZED,
        "summary": result.summary,
        "key_points": result.key_points,
        "keywords": result.keywords,
        "summarizer": result.summarizer,
        "fallback_reason": result.fallback_reason,
        "dropped_points": result.dropped_points or None,
        "truncated": result.truncated,
        "error": None,
    }
    if record.language is None and result.language:
        update["language"] = result.language
    if not reused and (result.input_tokens or result.output_tokens):
        update["token_usage"] = TokenUsage(
            input_tokens=result.input_tokens or 0,
            output_tokens=result.output_tokens or 0,
            cost_usd=result.cost_usd,
        )
    if fresh:
        _count_usage(result)
    stored = ctx.repository.save(
        record.model_copy(update=update), expected_revision=record.revision, announce=True
    )

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
            "fallback_reason": result.fallback_reason,
            "reused": reused,
            "ms": round(elapsed_ms, 1),
        },
    )
    ctx.events.publish(stored)


def _count_usage(result: KeyPoints) -> None:
    """What the model call cost, and what of its answer was dropped or replaced."""
    metrics.add_metric(name="InputTokens", unit=MetricUnit.Count, value=result.input_tokens or 0)
    metrics.add_metric(name="OutputTokens", unit=MetricUnit.Count, value=result.output_tokens or 0)
    if result.cost_usd is not None:
        metrics.add_metric(name="EstimatedCostUSD", unit=MetricUnit.NoUnit, value=result.cost_usd)
    if result.dropped_points:
        metrics.add_metric(
            name="KeyPointsDropped", unit=MetricUnit.Count, value=result.dropped_points
        )
    if result.fallback_reason is not None:
        count_fallback(result.fallback_reason)


def _run_summarizer(record: ArticleRecord, ctx: SummarizeContext) -> KeyPoints:
    from articles.keypoints import summarize

    settings = ctx.settings
    assert record.text_key is not None  # every EXTRACTED record has its text stored
    where = f"s3://{settings.bucket_name}/{record.text_key}"
    with aws_errors("s3", "get_object", subject=where):
        body = ctx.clients.s3.get_object(Bucket=settings.bucket_name, Key=record.text_key)["Body"]
        text = body.read().decode("utf-8")
    return summarize(
        record.title,
        text,
        count=settings.key_point_target,
        backend=settings.summarizer,
        language=record.language,
        description=record.description,
        model_id=settings.bedrock_model_id,
        price=settings.bedrock_price,
    )
