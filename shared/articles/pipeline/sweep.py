"""Ending records that stopped moving, so that every upload reaches a terminal state.

The stages record every failure they live to see (``FailurePolicy.record``). What no
stage can record is its own death: an invocation killed on a message's last allowed delivery
(out of memory, a runtime crash) leaves the record QUEUED or EXTRACTED while SQS moves the
message to the dead-letter queue. Run on a schedule, the sweep ends such records as FAILED
with the retryable code ``stalled`` and says how to resume them.

Marking is harmless if the message is in fact still on its way (a very long backlog): a
record FAILED with a retryable error is exactly what a later delivery, a dead-letter redrive or
``articles reprocess`` resumes from.

The sweep also sends the completion events that a stage wrote but could not send (EventBridge
down or throttling past the publisher's retries, or the function killed between the write and
the send): it finds the records holding them through the sparse ``by-pending-event`` index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from articles.errors import ConcurrentUpdateError, StalledError
from articles.events.publisher import EventPublisher
from articles.observability import count_failure, logger
from articles.records.models import ErrorInfo, Status, iso_utc

if TYPE_CHECKING:
    from articles.records.repository import ArticleRepository
    from articles.settings import SweepSettings

# The stage a record waits for in each non-terminal status.
WAITING_FOR = {Status.QUEUED: "extract", Status.EXTRACTED: "summarize"}
# Records ended per run; a bigger backlog is finished by the next runs.
MAX_RECORDS_PER_RUN = 1000
# Unsent events are left this long to the stage that wrote them (it sends them at once).
PENDING_EVENT_GRACE = timedelta(minutes=5)


@dataclass
class SweepReport:
    cutoff: str
    failed: list[str] = field(default_factory=list)
    skipped: int = 0  # moved on (or changed) since the index was read
    events_sent: list[str] = field(default_factory=list)  # records whose leftover events went
    events_unsent: list[str] = field(default_factory=list)  # ... and still could not

    def as_dict(self) -> dict[str, Any]:
        return {
            "cutoff": self.cutoff,
            "failed": self.failed,
            "skipped": self.skipped,
            "events_sent": self.events_sent,
            "events_unsent": self.events_unsent,
        }


def sweep_stalled(
    repository: ArticleRepository,
    *,
    stalled_after: timedelta,
    now: datetime | None = None,
    max_records: int = MAX_RECORDS_PER_RUN,
    events: EventPublisher | None = None,
) -> SweepReport:
    """Mark FAILED (stalled) every QUEUED or EXTRACTED record unchanged for ``stalled_after``,
    then send the completion events left on records (``events``: default bus unless given)."""
    now = now or datetime.now(UTC)
    events = events or EventPublisher(repository, repository.clients)
    cutoff = iso_utc(now - stalled_after)
    report = SweepReport(cutoff=cutoff)
    for candidate in repository.records_not_updated_since(WAITING_FOR, cutoff):
        if len(report.failed) + report.skipped >= max_records:
            break
        record = repository.get(candidate.id)  # the index may lag behind the table
        if record is None or record.status not in WAITING_FOR or record.updated_at >= cutoff:
            report.skipped += 1
            continue
        stage = WAITING_FOR[record.status]
        error = StalledError(
            f"no progress at the {stage} stage since {record.updated_at}: the function most "
            "likely stopped mid-way. A dead-letter queue redrive or "
            f"`articles reprocess {record.id}` runs it again."
        )
        info = ErrorInfo(code=error.code, message=error.message, stage=stage, retryable=True)
        try:
            stored = repository.save(
                record.model_copy(update={"status": Status.FAILED, "error": info}),
                expected_revision=record.revision,
                announce=True,
            )
        except ConcurrentUpdateError:
            report.skipped += 1  # a stage wrote in the meantime: the record is moving
            continue
        count_failure(stage, error.code)
        logger.warning(
            "stalled article marked failed",
            extra={"article_id": record.id, "stage": stage, "last_update": record.updated_at},
        )
        report.failed.append(record.id)
        events.publish(stored)
    send_left_events(repository, events, report, before=iso_utc(now - PENDING_EVENT_GRACE))
    return report


def send_left_events(
    repository: ArticleRepository, events: EventPublisher, report: SweepReport, *, before: str
) -> None:
    """Send the events of records that hold unsent ones and were last written before ``before``."""
    for article_id in repository.ids_with_pending_events(before):
        if len(report.events_sent) + len(report.events_unsent) >= MAX_RECORDS_PER_RUN:
            break
        if article_id in report.failed:
            continue  # ended by this run, which has just tried to send its event
        record = repository.get(article_id)  # the index may lag behind the table
        if record is None or not record.pending_events or record.updated_at >= before:
            continue  # sent meanwhile, or written again: its stage sends them
        if events.publish(record).pending_events:
            report.events_unsent.append(record.id)
        else:
            report.events_sent.append(record.id)
            logger.info(
                "left events sent",
                extra={"article_id": record.id, "events": len(record.pending_events)},
            )


def sweep_with_settings(settings: SweepSettings) -> SweepReport:
    """The scheduled run: table and threshold from the environment."""
    from articles.records.repository import ArticleRepository

    repository = ArticleRepository(settings.table_name)
    return sweep_stalled(
        repository,
        stalled_after=timedelta(minutes=settings.stalled_after_minutes),
        events=EventPublisher(repository, repository.clients, settings.event_bus_name),
    )
