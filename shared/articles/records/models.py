"""The article record and its life cycle.

    QUEUED --> EXTRACTED --> SUMMARIZED
       \\           \\
        +-----------+--> FAILED (error.code, error.stage)
    any --> DELETED (the object was removed from the bucket)

SUMMARIZED, FAILED and DELETED are terminal for a given object version; a newer version of the
same key starts the cycle again on the same record (same id).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field, model_validator

from articles.events.models import ArticleEventDetail
from articles.models import ArticleMetadata

if TYPE_CHECKING:
    from typing import Self

    from articles.models import KeyPoints

SEQUENCER_WIDTH = 64

# The most a record keeps of each text field, in characters, and of each list, in items and
# characters per item. A DynamoDB item stops at 400 KB; with these every record stays under
# a quarter of it whatever the article is (a 300,000-character sentence, a title the length
# of a page). Longer values are cut at a word boundary and end with an ellipsis.
TEXT_LIMITS: dict[str, int] = {
    "title": 500,
    "site_name": 200,
    "url": 2048,
    "description": 1000,
    "published": 64,
    "language": 16,
    "summary": 1500,
}
LIST_LIMITS: dict[str, tuple[int, int]] = {
    "authors": (20, 200),
    "key_points": (10, 1000),
    "keywords": (20, 100),
}
ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters: cut at the last word boundary that fits (or
    mid-word when a single word is that long), then an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[: limit - len(ELLIPSIS)]
    space = head.rfind(" ")
    if space > limit // 2:
        head = head[:space]
    return head.rstrip(" ,;:-–—") + ELLIPSIS


def _clip_list(items: list[str], count: int, chars: int) -> list[str]:
    return [clip(item, chars) for item in items[:count]]


def bounded_key_points(points: KeyPoints) -> KeyPoints:
    """What a summarizer wrote, within the bounds the record keeps (for record and cache)."""
    count, chars = LIST_LIMITS["key_points"]
    words_count, word_chars = LIST_LIMITS["keywords"]
    return points.model_copy(
        update={
            "summary": clip(points.summary, TEXT_LIMITS["summary"]),
            "key_points": _clip_list(points.key_points, count, chars),
            "keywords": _clip_list(points.keywords, words_count, word_chars),
        }
    )


class Status(StrEnum):
    QUEUED = "QUEUED"
    EXTRACTED = "EXTRACTED"
    SUMMARIZED = "SUMMARIZED"
    FAILED = "FAILED"
    DELETED = "DELETED"

    @property
    def terminal(self) -> bool:
        return self in {Status.SUMMARIZED, Status.FAILED, Status.DELETED}


def record_id(bucket: str, key: str) -> str:
    """Stable id per bucket and key: re-uploads update the same record."""
    digest = hashlib.sha256(f"{bucket}\x00{key}".encode()).hexdigest()
    return digest[:24]


def normalise_sequencer(sequencer: str | None) -> str:
    """Make S3 sequencers of one key comparable as plain strings.

    S3 documents that sequencers may differ in length and compare lexicographically once the
    shorter is right-padded with zeros; padding all of them to one width lets DynamoDB and
    Python compare stored values directly.
    """
    return (sequencer or "").upper().ljust(SEQUENCER_WIDTH, "0")


def iso_utc(moment: datetime) -> str:
    """The one timestamp format records use: ISO 8601 UTC with milliseconds, so that stored
    timestamps compare correctly as plain strings (also inside DynamoDB expressions)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def utc_now() -> str:
    return iso_utc(datetime.now(UTC))


class SourceObject(BaseModel):
    """The S3 object version a record describes."""

    bucket: str
    key: str
    version_id: str | None = None
    etag: str | None = None
    size: int | None = None
    content_type: str | None = None
    sequencer: str = Field(default="", description="S3 event sequencer, zero-padded")


class ErrorInfo(BaseModel):
    code: str
    message: str
    stage: str = Field(description="extract or summarize")
    retryable: bool = False


class TokenUsage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = Field(
        default=None, description="estimate from the price table or BedrockPricePer1kTokens"
    )


class ArticleFields(ArticleMetadata):
    """What a record says about its article: the part the API shows as it is."""

    id: str
    status: Status
    source: SourceObject
    content_type: str | None = None
    text_truncated: bool | None = Field(
        default=None, description="the extracted text was cut at the length limit"
    )
    word_count: int | None = None
    reading_minutes: int | None = None
    content_sha256: str | None = None
    extractor: str | None = None
    summary: str | None = None
    key_points: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    summarizer: str | None = None
    fallback_reason: str | None = Field(
        default=None, description="why the extractive backend wrote all or part of the answer"
    )
    dropped_points: int | None = Field(
        default=None, description="model key points dropped: the article does not support them"
    )
    truncated: bool | None = None
    token_usage: TokenUsage | None = None
    error: ErrorInfo | None = None
    attempts: int = 0
    created_at: str
    updated_at: str

    @model_validator(mode="after")
    def _within_bounds(self) -> Self:
        """Cut every text field and list to its limit (TEXT_LIMITS, LIST_LIMITS)."""
        for name, limit in TEXT_LIMITS.items():
            value = getattr(self, name)
            if value is not None and len(value) > limit:
                setattr(self, name, clip(value, limit))
        for name, (count, chars) in LIST_LIMITS.items():
            items = getattr(self, name)
            if len(items) > count or any(len(item) > chars for item in items):
                setattr(self, name, _clip_list(items, count, chars))
        return self

    def within_bounds(self) -> Self:
        """A copy validated again, so fields set by ``model_copy(update=...)`` are bounded."""
        return type(self).model_validate(self.model_dump())


class ArticleRecord(ArticleFields):
    """The stored record: the article's fields plus bookkeeping clients never see."""

    text_key: str | None = Field(default=None, description="S3 key of the full text")
    revision: int = Field(default=0, description="optimistic-concurrency counter")
    pending_events: list[ArticleEventDetail] = Field(
        default_factory=list,
        description="completion events written with a transition and not yet sent "
        "(articles.events.publisher)",
    )
