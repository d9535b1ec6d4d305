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

from pydantic import BaseModel, Field

from articles.models import ArticleMetadata

SEQUENCER_WIDTH = 64


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


class ArticleRecord(ArticleFields):
    """The stored record: the article's fields plus bookkeeping clients never see."""

    text_key: str | None = Field(default=None, description="S3 key of the full text")
    revision: int = Field(default=0, description="optimistic-concurrency counter")
