"""The completion event: its model as the README documents it, and the publisher's batching and
retries against an in-memory EventBridge."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from articles.aws import AwsClients
from articles.errors import StorageError
from articles.events.models import DETAIL_TYPES, ArticleEventDetail, event_detail
from articles.events.publisher import MAX_ENTRIES_PER_CALL, EventPublisher
from articles.records.models import ArticleRecord, ErrorInfo, SourceObject, Status
from articles_cli.local.event_log import describe
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.index("\n## ", start + 1)
    return README[start:end]


def _table_names(text: str, header: str) -> list[str]:
    """The backticked names in the first column of the table that starts with ``header``."""
    table = text[text.index(header) :].split("\n\n", 1)[0]
    names = []
    for row in table.splitlines()[2:]:
        first = row.split("|")[1]
        names.extend(re.findall(r"`([^`]+)`", first))
    return names


def test_the_readme_documents_every_detail_field_and_detail_type() -> None:
    section = _section("Completion events")
    assert _table_names(section, "| field |") == list(ArticleEventDetail.model_fields)
    assert _table_names(section, "| `detail-type` |") == list(DETAIL_TYPES.values())
    example = json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))  # type: ignore[union-attr]
    detail = ArticleEventDetail.model_validate(example["detail"])
    assert example["detail-type"] == DETAIL_TYPES[detail.status]


def _record(status: Status, **fields: Any) -> ArticleRecord:
    return ArticleRecord(
        id="0a1b2c3d4e5f60718293a4b5",
        status=status,
        source=SourceObject(bucket="b", key="incoming/a.html", version_id="v2", sequencer="00AB"),
        title="A title",
        key_points=["One.", "Two.", "Three."],
        summarizer="extractive 0.2.0",
        created_at="2026-12-01T10:00:00.000Z",
        updated_at="2026-12-01T10:00:05.000Z",
        revision=4,
        **fields,
    )


def test_the_detail_says_what_the_status_means_and_nothing_stale() -> None:
    summarized = event_detail(_record(Status.SUMMARIZED))
    assert (summarized.event_id, summarized.key_point_count) == ("0a1b2c3d4e5f60718293a4b5:4", 3)
    assert summarized.summarizer == "extractive 0.2.0" and summarized.error_code is None
    # A deleted or failed record keeps its old key points on the record; the event says 0.
    deleted = event_detail(_record(Status.DELETED))
    assert (deleted.key_point_count, deleted.summarizer, deleted.title) == (0, None, "A title")
    error = ErrorInfo(code="no_text_found", message="m", stage="extract", retryable=False)
    failed = event_detail(_record(Status.FAILED, error=error))
    assert (failed.error_code, failed.error_stage, failed.error_retryable) == (
        "no_text_found",
        "extract",
        False,
    )
    for status in (Status.QUEUED, Status.EXTRACTED):
        with pytest.raises(ValueError, match="not a terminal status"):
            event_detail(_record(status))


class FakeEventBridge:
    """PutEvents that refuses the entries at the positions ``refuse`` lists, call by call."""

    def __init__(self, refuse: list[set[int]] | None = None) -> None:
        self.refuse = refuse or []
        self.calls: list[list[dict[str, Any]]] = []

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        refused = self.refuse[len(self.calls)] if len(self.calls) < len(self.refuse) else set()
        self.calls.append(Entries)
        return {
            "FailedEntryCount": len(refused),
            "Entries": [
                {"ErrorCode": "ThrottlingException"} if i in refused else {"EventId": str(i)}
                for i in range(len(Entries))
            ],
        }


class FakeRepository:
    def __init__(self) -> None:
        self.cleared: list[str] = []

    def clear_pending_events(self, record: ArticleRecord) -> None:
        self.cleared.append(record.id)


def _publisher(bus: FakeEventBridge) -> tuple[EventPublisher, FakeRepository, list[float]]:
    repository = FakeRepository()
    waits: list[float] = []
    publisher = EventPublisher(
        repository,  # type: ignore[arg-type]
        AwsClients(events=bus),  # type: ignore[arg-type]
        "articles-done",
        sleep=waits.append,
    )
    return publisher, repository, waits


def _pending(count: int) -> ArticleRecord:
    record = _record(Status.SUMMARIZED)
    details = [
        event_detail(record.model_copy(update={"revision": revision}))
        for revision in range(1, count + 1)
    ]
    return record.model_copy(update={"pending_events": details})


def test_more_than_ten_events_go_in_batches_of_ten_to_the_named_bus() -> None:
    bus = FakeEventBridge()
    publisher, repository, waits = _publisher(bus)
    record = _pending(23)
    assert publisher.publish(record).pending_events == []
    assert [len(call) for call in bus.calls] == [MAX_ENTRIES_PER_CALL, MAX_ENTRIES_PER_CALL, 3]
    entries = [entry for call in bus.calls for entry in call]
    assert {entry["EventBusName"] for entry in entries} == {"articles-done"}
    assert {entry["Source"] for entry in entries} == {"article-pipeline"}
    assert [json.loads(e["Detail"])["revision"] for e in entries] == list(range(1, 24))
    assert repository.cleared == [record.id] and waits == []


def test_only_the_refused_entries_are_sent_again() -> None:
    bus = FakeEventBridge(refuse=[{1, 2}, {0}])
    publisher, _, waits = _publisher(bus)
    assert publisher.publish(_pending(3)).pending_events == []
    sent = [[json.loads(e["Detail"])["revision"] for e in call] for call in bus.calls]
    assert sent == [[1, 2, 3], [2, 3], [2]]
    assert waits == [0.2, 0.8]


def test_refused_on_every_attempt_the_events_stay_and_nothing_is_cleared() -> None:
    bus = FakeEventBridge(refuse=[{0}, {0}, {0}])
    publisher, repository, _ = _publisher(bus)
    record = _pending(1)
    assert publisher.publish(record) == record
    assert len(bus.calls) == 3 and repository.cleared == []
    with pytest.raises(StorageError, match="refused 1"):
        _publisher(FakeEventBridge(refuse=[{0}, {0}, {0}]))[0].send(record.pending_events)


def test_the_local_stack_line_of_an_event() -> None:
    error = ErrorInfo(code="corrupt_document", message="m", stage="extract")
    detail = event_detail(_record(Status.FAILED, error=error))
    line = describe({"detail-type": "Article Failed", "detail": detail.model_dump()})
    assert line == (
        "Article Failed  key=incoming/a.html title='A title' error_code=corrupt_document "
        "event_id=0a1b2c3d4e5f60718293a4b5:4"
    )
    summarized = event_detail(_record(Status.SUMMARIZED)).model_dump()
    assert "key_points=3" in describe({"detail-type": "Article Summarized", "detail": summarized})
