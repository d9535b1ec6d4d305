"""Run function handlers in-process, fed by their SQS event sources the way Lambda feeds them.

For each SQS event-source mapping of a function (as Lambda's API reports it: see
``provision.read_function``), as many pollers as its MaximumConcurrency allows; one without it
(Lambda would scale further, one process cannot). A poller receives up to the mapping's
BatchSize messages (long polling), builds the event Lambda would send, calls the handler, then
deletes the messages that succeeded. With ``ReportBatchItemFailures`` the ones named in
``batchItemFailures`` stay in the queue; a handler that raises fails the whole batch, as does a
malformed batch response. Failed messages reappear after the queue's visibility timeout, and the
queue's own redrive policy moves them to the dead-letter queue after maxReceiveCount receives.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import logging
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from types import ModuleType

    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import DeleteMessageBatchRequestEntryTypeDef, MessageTypeDef

    from articles_cli.local.provision import EventSource, FunctionSpec

    Handler = Callable[[dict[str, Any], Any], Any]

log = logging.getLogger("articles_cli.local")
MAX_SQS_BATCH = 10  # ReceiveMessage returns at most ten; Lambda batches beyond that span calls


def load_module(path: Path, *, unique: str | None = None) -> ModuleType:
    """Import a function's code file under its own module name (every function has app.py)."""
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:10]
    name = f"articles_local_fn_{unique or path.parent.name}_{digest}"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module


def load_handler(path: Path, attribute: str = "handler", *, unique: str | None = None) -> Handler:
    handler: Handler = getattr(load_module(path, unique=unique), attribute)
    return handler


@dataclass
class LambdaContext:
    """The attributes of Lambda's context object that handlers and Powertools read."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    timeout_seconds: int
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = "local"
    _started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.log_group_name = self.log_group_name or f"/aws/lambda/{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self._started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))

    @classmethod
    def for_function(cls, spec: FunctionSpec) -> LambdaContext:
        return cls(
            function_name=spec.name,
            invoked_function_arn=spec.arn,
            memory_limit_in_mb=spec.memory_mb,
            timeout_seconds=spec.timeout,
        )


def sqs_record(message: MessageTypeDef, source_arn: str, region: str) -> dict[str, Any]:
    """One record of Lambda's SQS event, from a ReceiveMessage result."""
    attributes = message.get("Attributes", {})
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": {
            "ApproximateReceiveCount": attributes.get("ApproximateReceiveCount", "1"),
            "SentTimestamp": attributes.get("SentTimestamp", ""),
            "SenderId": attributes.get("SenderId", ""),
            "ApproximateFirstReceiveTimestamp": attributes.get(
                "ApproximateFirstReceiveTimestamp", ""
            ),
            **{
                name: value
                for name, value in attributes.items()
                if name in ("MessageGroupId", "MessageDeduplicationId", "SequenceNumber")
            },
        },
        "messageAttributes": {
            name: {
                "stringValue": value.get("StringValue"),
                "binaryValue": value.get("BinaryValue"),
                "stringListValues": value.get("StringListValues", []),
                "binaryListValues": value.get("BinaryListValues", []),
                "dataType": value.get("DataType"),
            }
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": source_arn,
        "awsRegion": region,
    }


def failed_message_ids(
    response: Any, message_ids: list[str], *, report_batch_item_failures: bool
) -> set[str]:
    """Which messages of a batch failed, reading the handler's answer as Lambda does."""
    if not report_batch_item_failures:
        return set()  # the function returned: the whole batch succeeded
    if response is None:
        return set()
    failures = response.get("batchItemFailures") if isinstance(response, dict) else None
    if failures is None:
        return set()
    failed: set[str] = set()
    for item in failures:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not identifier or identifier not in message_ids:
            return set(message_ids)  # an unreadable answer fails the whole batch
        failed.add(identifier)
    return failed


@dataclass
class BatchOutcome:
    received: int
    failed: int
    error: str | None = None


class SqsPoller:
    """One event source mapping: a queue, a function, the batch settings."""

    def __init__(
        self,
        spec: FunctionSpec,
        source: EventSource,
        sqs: SQSClient,
        handler: Handler,
        *,
        region: str,
        wait_seconds: int = 1,
    ) -> None:
        self.spec = spec
        self.source = source
        self.sqs = sqs
        self.handler = handler
        self.region = region
        self.wait_seconds = wait_seconds
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.batches = 0

    def poll_once(self) -> BatchOutcome:
        """Receive one batch, run the handler on it, delete what succeeded."""
        response = self.sqs.receive_message(
            QueueUrl=self.source.queue.url,
            MaxNumberOfMessages=min(self.source.batch_size, MAX_SQS_BATCH),
            WaitTimeSeconds=self.wait_seconds,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = response.get("Messages", [])
        if not messages:
            return BatchOutcome(0, 0)
        event = {"Records": [sqs_record(m, self.source.queue.arn, self.region) for m in messages]}
        ids = [m["MessageId"] for m in messages]
        error = None
        try:
            result = self.handler(event, LambdaContext.for_function(self.spec))
            failed = failed_message_ids(
                result, ids, report_batch_item_failures=self.source.report_batch_item_failures
            )
        except Exception as exc:  # Lambda: an invocation error fails every message
            error = f"{type(exc).__name__}: {exc}"
            log.warning("%s failed its batch of %d: %s", self.spec.logical_id, len(ids), error)
            failed = set(ids)
        done: list[DeleteMessageBatchRequestEntryTypeDef] = [
            {"Id": str(index), "ReceiptHandle": m["ReceiptHandle"]}
            for index, m in enumerate(messages)
            if m["MessageId"] not in failed
        ]
        if done:
            self.sqs.delete_message_batch(QueueUrl=self.source.queue.url, Entries=done)
        self.batches += 1
        return BatchOutcome(len(messages), len(failed), error)

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.poll_once()
            except Exception as exc:  # the endpoint going away while stopping, or a blip
                if self.stopping.is_set():
                    break
                log.warning("poller %s: %s", self.source.queue.name, exc)
                self.stopping.wait(1.0)

    def start(self) -> None:
        self.thread = threading.Thread(
            target=self.run,
            name=f"sqs-{self.spec.logical_id}-{self.source.queue.name}",
            daemon=True,
        )
        self.thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout)


def concurrency(source: EventSource) -> int:
    """Batches a mapping runs at once: its MaximumConcurrency, else one."""
    return source.max_concurrency or 1


class Dispatcher:
    """Every SQS event source of every function, each with its own poller threads."""

    def __init__(
        self,
        functions: dict[str, FunctionSpec],
        sqs: SQSClient,
        *,
        region: str,
        wait_seconds: int = 1,
    ) -> None:
        self.pollers: list[SqsPoller] = []
        for spec in functions.values():
            if not spec.event_sources:
                continue
            handler = load_handler(
                spec.handler_file, spec.handler_attribute, unique=spec.logical_id
            )
            for source in spec.event_sources:
                self.pollers.extend(
                    SqsPoller(spec, source, sqs, handler, region=region, wait_seconds=wait_seconds)
                    for _ in range(concurrency(source))
                )

    def start(self) -> None:
        for poller in self.pollers:
            poller.start()

    def stop(self) -> None:
        for poller in self.pollers:
            poller.stopping.set()
        for poller in self.pollers:
            with contextlib.suppress(RuntimeError):
                poller.stop()
