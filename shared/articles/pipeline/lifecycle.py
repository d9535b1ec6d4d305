"""Pure decisions about what a delivery should do, given the record as it stands.

Kept free of I/O so every branch is unit-tested directly: at-least-once delivery, out-of-order
versions and redrives all come down to these few comparisons of S3 sequencers and statuses.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from articles.records.models import Status

if TYPE_CHECKING:
    from articles.records.models import ArticleRecord, SourceObject


class Action(StrEnum):
    PROCESS = "process"  # extract this version (new record, newer version, or a retry)
    HAND_OVER = "hand_over"  # already extracted: make sure the summarize stage hears of it
    DUPLICATE = "duplicate"  # this version already reached a final state
    STALE = "stale"  # a newer version of the key was seen already


def decide_creation(
    existing: ArticleRecord | None, source: SourceObject, *, force: bool = False
) -> Action:
    if existing is None:
        return Action.PROCESS
    seen = existing.source.sequencer
    if source.sequencer < seen:
        return Action.STALE
    if existing.status is Status.DELETED and source.sequencer == seen:
        # A reprocess request for a deleted object: nothing is there to read, and the record
        # keeps its metadata. Only a new upload (a newer sequencer) brings the key back.
        return Action.DUPLICATE
    if source.sequencer > seen or force:
        return Action.PROCESS
    # The same version again: a redelivery, or a retry after a failure.
    if existing.status is Status.QUEUED:
        return Action.PROCESS
    if existing.status is Status.EXTRACTED:
        return Action.HAND_OVER
    if existing.status is Status.FAILED and existing.error is not None and existing.error.retryable:
        return Action.PROCESS  # a redrive from the dead-letter queue
    return Action.DUPLICATE


def decide_removal(existing: ArticleRecord | None, source: SourceObject) -> Action:
    if existing is None:
        return Action.PROCESS  # leave a tombstone so a late creation event cannot revive it
    if source.sequencer < existing.source.sequencer:
        return Action.STALE
    if source.sequencer == existing.source.sequencer and existing.status is Status.DELETED:
        return Action.DUPLICATE
    return Action.PROCESS
