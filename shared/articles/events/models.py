"""The completion event: what consumers of the bus receive when a record reaches its end.

Every terminal transition (SUMMARIZED, FAILED, DELETED) publishes one event with
``source`` = ``article-pipeline`` and a ``detail-type`` per status ("Article Summarized",
"Article Failed", "Article Deleted"). The detail is :class:`ArticleEventDetail`, declared here
once: the publisher serialises it, the tests validate what the bus delivers against it, and the
README documents it field by field.

The detail is made in the same conditional write that makes the transition (it is stored on the
record until EventBridge has taken it), so a delivery that lost the race, a duplicate or a stale
version makes none. ``event_id`` is the same on every send of one event: a repeated send (a
retry after a lost answer, a redelivery resending what was left) carries the same value, and
consumers drop repeats by it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from articles.constants import EVENT_SOURCE

if TYPE_CHECKING:
    from articles.records.models import ArticleRecord

__all__ = ["DETAIL_TYPES", "EVENT_SOURCE", "ArticleEventDetail", "detail_type", "event_detail"]

TerminalStatus = Literal["SUMMARIZED", "FAILED", "DELETED"]
DETAIL_TYPES: Final[dict[str, str]] = {
    "SUMMARIZED": "Article Summarized",
    "FAILED": "Article Failed",
    "DELETED": "Article Deleted",
}


class ArticleEventDetail(BaseModel):
    """The ``detail`` of every completion event."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: str = Field(
        description="<id>:<revision>: the same on every send of this event; drop repeats by it"
    )
    id: str = Field(description="the record id (GET /articles/{id})")
    status: TerminalStatus
    bucket: str
    key: str = Field(description="the object key, decoded")
    version_id: str | None = Field(default=None, description="the S3 object version")
    sequencer: str = Field(description="the S3 event sequencer of that version, zero-padded")
    revision: int = Field(description="the record's revision written by this transition")
    title: str | None = None
    key_point_count: int = Field(description="key points on the record (0 unless SUMMARIZED)")
    summarizer: str | None = Field(default=None, description="SUMMARIZED: the record's summarizer")
    error_code: str | None = Field(default=None, description="FAILED: error.code")
    error_stage: str | None = Field(default=None, description="FAILED: extract or summarize")
    error_retryable: bool | None = Field(
        default=None, description="FAILED: a redrive or articles reprocess may succeed"
    )
    created_at: str = Field(description="when the record was created, ISO 8601 UTC")
    updated_at: str = Field(description="when the record reached this status, ISO 8601 UTC")


def detail_type(detail: ArticleEventDetail) -> str:
    return DETAIL_TYPES[detail.status]


def event_detail(record: ArticleRecord) -> ArticleEventDetail:
    """The event of a record as it is being written in a terminal status."""
    status = record.status.value
    if status not in DETAIL_TYPES:
        raise ValueError(f"{status} is not a terminal status: no event")
    error = record.error if status == "FAILED" else None
    summarized = status == "SUMMARIZED"
    return ArticleEventDetail(
        event_id=f"{record.id}:{record.revision}",
        id=record.id,
        status=status,  # type: ignore[arg-type]  # checked against DETAIL_TYPES above
        bucket=record.source.bucket,
        key=record.source.key,
        version_id=record.source.version_id,
        sequencer=record.source.sequencer,
        revision=record.revision,
        title=record.title,
        key_point_count=len(record.key_points) if summarized else 0,
        summarizer=record.summarizer if summarized else None,
        error_code=error.code if error else None,
        error_stage=error.stage if error else None,
        error_retryable=error.retryable if error else None,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )
