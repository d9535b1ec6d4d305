"""Sending a record's completion events to EventBridge, and clearing them once sent.

A terminal write stores its event on the record (``ArticleRecord.pending_events``) in the same
conditional PutItem that makes the transition, so the transition and the duty to announce it
are one write: nothing can make the transition without its event, or the event without the
transition. The stage then calls :meth:`EventPublisher.publish`, which sends the events and
removes them from the record (an UpdateItem that leaves the revision as it is).

A send that fails (the bus throttles, EventBridge is down, a permission is missing) is retried
here with a short backoff; if it still fails, the events stay on the record, the failure is
logged and counted (``EventsUnpublished``, which has an alarm), and the record is unchanged
otherwise: the transition is never undone. What stays is sent by the next write of the record
(its events go out together), by a redelivery of the same message, or by the hourly sweep,
which finds such records through the sparse ``by-pending-event`` index.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from articles.aws import AwsClients, aws_errors, failed_entries
from articles.constants import DEFAULT_EVENT_BUS_NAME, EVENT_SOURCE
from articles.errors import ArticleError, ConcurrentUpdateError, StorageError
from articles.events.models import detail_type
from articles.observability import MetricUnit, logger, metrics

if TYPE_CHECKING:
    from mypy_boto3_events.type_defs import PutEventsRequestEntryTypeDef

    from articles.events.models import ArticleEventDetail
    from articles.records.models import ArticleRecord
    from articles.records.repository import ArticleRepository

# PutEvents takes at most ten entries a call.
MAX_ENTRIES_PER_CALL = 10
ATTEMPTS = 3
BASE_DELAY_SECONDS = 0.2


def pause(seconds: float) -> None:
    """The wait between attempts (tests replace it)."""
    time.sleep(seconds)


def entry(detail: ArticleEventDetail, bus_name: str) -> PutEventsRequestEntryTypeDef:
    """The PutEvents entry of one event."""
    return {
        "Source": EVENT_SOURCE,
        "DetailType": detail_type(detail),
        "Detail": detail.model_dump_json(),
        "EventBusName": bus_name,
        "Time": datetime.fromisoformat(detail.updated_at),
    }


@dataclass
class EventPublisher:
    repository: ArticleRepository
    clients: AwsClients
    bus_name: str = DEFAULT_EVENT_BUS_NAME
    attempts: int = ATTEMPTS
    base_delay: float = BASE_DELAY_SECONDS
    sleep: Callable[[float], None] | None = field(default=None, repr=False)  # default: pause

    def publish(self, record: ArticleRecord) -> ArticleRecord:
        """Send the events stored on ``record`` (as it was last written) and clear them.

        Returns the record as it now stands: without the events once they are sent, as it was
        when they could not be. Never raises: a failure leaves the events on the record for a
        later send, and the record's transition stands.
        """
        pending = record.pending_events
        if not pending:
            return record
        try:
            self.send(pending)
        except Exception as exc:  # whatever failed, the transition stands and the events stay
            code = exc.code if isinstance(exc, ArticleError) else type(exc).__name__
            if not isinstance(exc, ArticleError):
                logger.exception("unexpected error publishing events")
            metrics.add_metric(name="EventsUnpublished", unit=MetricUnit.Count, value=len(pending))
            logger.warning(
                "events not published: kept on the record for a later send",
                extra={
                    "article_id": record.id,
                    "error_code": code,
                    "event_ids": [detail.event_id for detail in pending],
                },
            )
            return record
        metrics.add_metric(name="EventsPublished", unit=MetricUnit.Count, value=len(pending))
        logger.debug(
            "events published",
            extra={"article_id": record.id, "event_ids": [d.event_id for d in pending]},
        )
        try:
            self.repository.clear_pending_events(record)
        except ConcurrentUpdateError:
            # Written again since: that write kept the events, which go out with its own send
            # (consumers drop the repeat by event_id).
            logger.info("record changed before its sent events were cleared")
        except ArticleError as exc:
            logger.warning("could not clear sent events", extra={"error_code": exc.code})
        return record.model_copy(update={"pending_events": []})

    def send(self, details: list[ArticleEventDetail]) -> None:
        """PutEvents for every detail, retrying what EventBridge refused; raises StorageError
        when something is still refused after the last attempt."""
        for start in range(0, len(details), MAX_ENTRIES_PER_CALL):
            self._send_batch(details[start : start + MAX_ENTRIES_PER_CALL])

    def _send_batch(self, details: list[ArticleEventDetail]) -> None:
        waiting = [entry(detail, self.bus_name) for detail in details]
        for attempt in range(1, self.attempts + 1):
            try:
                with aws_errors("events", "put_events"):
                    response = self.clients.events.put_events(Entries=waiting)
            except ArticleError:
                if attempt == self.attempts:
                    raise
            else:
                refused = failed_entries(response, service="events", operation="put_events")
                if not refused:
                    return
                waiting = [waiting[position] for position in refused]
                if attempt == self.attempts:
                    raise StorageError(f"events put_events refused {len(waiting)} of the entries")
            (self.sleep or pause)(self.base_delay * 4 ** (attempt - 1))
