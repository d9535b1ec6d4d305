"""What a delivery does, for every combination of stored state and incoming event."""

from __future__ import annotations

import pytest

from articles.pipeline.lifecycle import Action, decide_creation, decide_removal
from articles.records.models import ArticleRecord, ErrorInfo, SourceObject, Status

OLD, SAME, NEW = ("10".ljust(64, "0"), "20".ljust(64, "0"), "30".ljust(64, "0"))


def source(sequencer: str) -> SourceObject:
    return SourceObject(bucket="b", key="incoming/a.html", sequencer=sequencer)


def stored(status: Status, *, retryable: bool | None = None) -> ArticleRecord:
    error = None
    if retryable is not None:
        error = ErrorInfo(code="x", message="x", stage="extract", retryable=retryable)
    return ArticleRecord(
        id="id", status=status, source=source(SAME), error=error, created_at="t", updated_at="t"
    )


def test_first_event_for_a_key_is_processed() -> None:
    assert decide_creation(None, source(SAME)) is Action.PROCESS


@pytest.mark.parametrize("status", list(Status))
def test_an_older_version_is_always_stale(status: Status) -> None:
    assert decide_creation(stored(status), source(OLD)) is Action.STALE
    assert decide_creation(stored(status), source(OLD), force=False) is Action.STALE


@pytest.mark.parametrize("status", list(Status))
def test_a_newer_version_is_always_processed(status: Status) -> None:
    assert decide_creation(stored(status), source(NEW)) is Action.PROCESS


@pytest.mark.parametrize(
    ("record", "action"),
    [
        (stored(Status.QUEUED), Action.PROCESS),  # an earlier attempt did not finish
        (stored(Status.EXTRACTED), Action.HAND_OVER),  # the hand-over may have been lost
        (stored(Status.SUMMARIZED), Action.DUPLICATE),
        (stored(Status.DELETED), Action.DUPLICATE),
        (stored(Status.FAILED, retryable=False), Action.DUPLICATE),
        (stored(Status.FAILED, retryable=True), Action.PROCESS),  # redriven from the DLQ
    ],
)
def test_the_same_version_again(record: ArticleRecord, action: Action) -> None:
    assert decide_creation(record, source(SAME)) is action


def test_reprocess_forces_the_same_version() -> None:
    assert decide_creation(stored(Status.SUMMARIZED), source(SAME), force=True) is Action.PROCESS


def test_removals() -> None:
    assert decide_removal(None, source(SAME)) is Action.PROCESS  # tombstone
    assert decide_removal(stored(Status.SUMMARIZED), source(NEW)) is Action.PROCESS
    assert decide_removal(stored(Status.SUMMARIZED), source(OLD)) is Action.STALE
    assert decide_removal(stored(Status.DELETED), source(SAME)) is Action.DUPLICATE


def test_status_terminality() -> None:
    assert {status for status in Status if status.terminal} == {
        Status.SUMMARIZED,
        Status.FAILED,
        Status.DELETED,
    }
