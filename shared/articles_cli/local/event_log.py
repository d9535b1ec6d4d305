"""The local stack's view of its event bus: every completion event, one line each.

The functions publish to moto's EventBridge exactly as they publish in AWS (``PutEvents`` on the
bus ``EventBusName`` names). Here a consumer is set up the way a user sets one up in AWS: a rule
on that bus matching ``source: article-pipeline`` that targets an SQS queue. A thread drains the
queue and prints each event the bus delivered as one line in the stack's output::

    12:00:03  events    3f2a...  Article Summarized  key=incoming/a.html title=... key_points=4

Tests use ``subscribe`` and ``receive`` to read what the bus delivered.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from articles.constants import DEFAULT_EVENT_BUS_NAME, EVENT_SOURCE

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sqs import SQSClient

log = logging.getLogger("articles_cli.local.events")
NAME = "article-pipeline-local-events"


class EventLog:
    """A rule on the bus sending this pipeline's events to a queue, and what the queue holds."""

    def __init__(
        self,
        sqs: SQSClient,
        events: EventBridgeClient,
        bus_name: str = DEFAULT_EVENT_BUS_NAME,
        *,
        name: str = NAME,
        wait_seconds: int = 1,
    ) -> None:
        self.sqs = sqs
        self.events = events
        self.bus_name = bus_name
        self.name = name
        self.wait_seconds = wait_seconds
        self.queue_url = ""
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def subscribe(self) -> EventLog:
        """The queue, and the rule that sends it every event of this pipeline on the bus (the
        bus is created first if the template names one that does not exist yet)."""
        if self.bus_name != DEFAULT_EVENT_BUS_NAME:
            try:
                self.events.describe_event_bus(Name=self.bus_name)
            except ClientError:
                self.events.create_event_bus(Name=self.bus_name)
        self.queue_url = self.sqs.create_queue(QueueName=self.name)["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        self.events.put_rule(
            Name=self.name,
            EventBusName=self.bus_name,
            EventPattern=json.dumps({"source": [EVENT_SOURCE]}),
            State="ENABLED",
        )
        self.events.put_targets(
            Rule=self.name, EventBusName=self.bus_name, Targets=[{"Id": "log", "Arn": queue_arn}]
        )
        return self

    def receive(self, wait_seconds: int = 0) -> list[dict[str, Any]]:
        """The events the bus delivered since the last call (EventBridge's envelope: ``id``,
        ``source``, ``detail-type``, ``time``, ``detail``...), oldest first as far as SQS says."""
        found: list[dict[str, Any]] = []
        while True:
            messages = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=10,
                WaitTimeSeconds=wait_seconds if not found else 0,
            ).get("Messages", [])
            if not messages:
                return found
            for message in messages:
                found.append(json.loads(message.get("Body", "{}")))
                self.sqs.delete_message(
                    QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"]
                )

    # -- the stack's output --------------------------------------------------------------------

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                for event in self.receive(self.wait_seconds):
                    show(event)
            except Exception as exc:  # the endpoint going away while stopping, or a blip
                if self.stopping.is_set():
                    break
                log.warning("event log: %s", exc)
                self.stopping.wait(1.0)

    def start(self) -> EventLog:
        self.thread = threading.Thread(target=self.run, name="event-log", daemon=True)
        self.thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout)


def describe(event: dict[str, Any]) -> str:
    """One event as one line: its detail type, then what identifies and ends the article."""
    detail = event.get("detail") or {}
    fields = {
        "key": detail.get("key"),
        "title": detail.get("title"),
        "key_points": detail.get("key_point_count")
        if detail.get("status") == "SUMMARIZED"
        else None,
        "error_code": detail.get("error_code"),
        "event_id": detail.get("event_id"),
    }
    shown = " ".join(
        f"{name}={_value(value)}" for name, value in fields.items() if value not in (None, "")
    )
    return f"{event.get('detail-type', '?')}  {shown}".rstrip()


def show(event: dict[str, Any]) -> None:
    detail = event.get("detail") or {}
    log.info("%s", describe(event), extra={"article_id": detail.get("id", "-")})


def _value(value: Any) -> str:
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return repr(text) if " " in text else text
