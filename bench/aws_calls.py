"""AWS calls per article, per stage, and what an article costs in AWS.

    python bench/aws_calls.py [--count 100]

Runs ``--count`` distinct articles (the local-stack bench's mix of HTML, Markdown, text and
PDF) through the real handlers on moto, in this process: each upload's S3 notification lands
in the ingest queue, batches of the template's BatchSize go to ExtractFunction as the SQS
event source would hand them over, the hand-overs to SummarizeFunction the same way. Every
call a boto3 client makes is counted by the stage it was made in:

* ``upload``: the user's PutObject (the object itself; ``articles upload`` or ``aws s3 cp``);
* ``extract`` and ``summarize``: the functions' own calls;
* ``event source``: what Lambda's SQS event source mapping does on the function's behalf
  (ReceiveMessage per batch, DeleteMessageBatch for what succeeded) - billed to the account.

Then it prints a cost model per 1,000 articles at published us-east-1 prices (listed below,
with their assumptions): requests, DynamoDB request units from the item sizes actually
written and read, and Lambda GB-seconds from the handlers' measured durations at the
template's memory sizes. Durations come from this machine, not from Graviton: read them as an
order of magnitude.
"""

from __future__ import annotations

import argparse
import contextlib
import contextvars
import json
import math
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import pytest  # noqa: E402
from botocore.client import BaseClient  # noqa: E402
from local_stack import make_articles  # noqa: E402

# Published us-east-1 prices (USD) from the list as of the date below (check the current
# price pages before relying on them); storage is not per article.
PRICES_AS_OF = "2024-12"
LAMBDA_GB_SECOND_ARM = 0.0000133334
LAMBDA_REQUEST = 0.20 / 1_000_000
S3_PUT_CLASS = 0.005 / 1_000  # PUT, COPY, POST, LIST
S3_GET_CLASS = 0.0004 / 1_000  # GET, HEAD and the rest; DELETE is free
SQS_REQUEST = 0.40 / 1_000_000  # standard queue, past the free tier, per 64 KB chunk
DYNAMODB_WRITE_UNIT = 0.625 / 1_000_000  # on-demand
EVENTBRIDGE_EVENT = 1.00 / 1_000_000  # custom events, per 64 KB chunk; one per PutEvents here
DYNAMODB_READ_UNIT = 0.125 / 1_000_000
S3_FREE = {"DeleteObject"}
S3_PUT_OPERATIONS = {"PutObject", "CopyObject", "ListObjectsV2", "ListObjects", "PostObject"}

STAGE: contextvars.ContextVar[str] = contextvars.ContextVar("stage", default="setup")


@dataclass
class Tally:
    calls: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    write_units: Counter[str] = field(default_factory=Counter)
    read_units: Counter[str] = field(default_factory=Counter)
    seconds: Counter[str] = field(default_factory=Counter)
    invocations: Counter[str] = field(default_factory=Counter)


def _item_kb(item: dict[str, Any]) -> float:
    """Roughly an item's DynamoDB size: its attribute names and values as JSON."""
    return len(json.dumps(item, separators=(",", ":"))) / 1024


@contextlib.contextmanager
def counting(tally: Tally, dynamodb: Any, table: str) -> Iterator[None]:
    """Count every boto3 call by stage, with the request units of DynamoDB reads and writes."""
    original = BaseClient._make_api_call

    def counted(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        service = client.meta.service_model.service_name
        stage = STAGE.get()
        result = original(client, operation, params)
        if stage == "setup":
            return result
        tally.calls[(stage, service, operation)] += 1
        if service == "dynamodb" and operation in ("PutItem", "UpdateItem"):
            key = params.get("Key") or {"pk": params["Item"]["pk"]}
            stored = original(dynamodb, "GetItem", {"TableName": table, "Key": key}).get("Item")
            tally.write_units[stage] += math.ceil(_item_kb(stored or params.get("Item", {})))
        elif service == "dynamodb" and operation == "GetItem":
            size = _item_kb(result.get("Item") or {})
            factor = 1.0 if params.get("ConsistentRead") else 0.5
            tally.read_units[stage] += max(1, math.ceil(size / 4)) * factor
        return result

    BaseClient._make_api_call = counted  # type: ignore[method-assign]
    try:
        yield
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]


def _run_stage(
    stack: Any, tally: Tally, function: str, queue_url: str, queue: str, batch_size: int
) -> int:
    """Hand the queue's messages to one function in batches, as the event source does."""
    from tests.functional.conftest import sqs_event_from_messages

    handled = 0
    while True:
        token = STAGE.set("event source")
        try:
            messages = stack.sqs.receive_message(
                QueueUrl=queue_url,
                MaxNumberOfMessages=batch_size,
                AttributeNames=["All"],
                WaitTimeSeconds=0,
            ).get("Messages", [])
        finally:
            STAGE.reset(token)
        if not messages:
            return handled
        token = STAGE.set(function)
        started = time.perf_counter()
        try:
            result = stack.invoke(function, sqs_event_from_messages(messages, queue))
        finally:
            tally.seconds[function] += time.perf_counter() - started
            tally.invocations[function] += 1
            STAGE.reset(token)
        failed = {item["itemIdentifier"] for item in result["batchItemFailures"]}
        done = [m for m in messages if m["MessageId"] not in failed]
        if failed:
            raise SystemExit(f"{function} failed {len(failed)} message(s): {sorted(failed)}")
        token = STAGE.set("event source")
        try:
            stack.sqs.delete_message_batch(
                QueueUrl=queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)
                ],
            )
        finally:
            STAGE.reset(token)
        handled += len(done)


def run(count: int) -> tuple[Tally, dict[str, int], dict[str, int]]:
    from articles_cli.local import moto_events
    from tests.functional.conftest import moto_stack

    tally = Tally()
    monkeypatch = pytest.MonkeyPatch()
    moto_events.install()  # S3's event fields (sequencer, versionId), as in the local stack
    try:
        with tempfile.TemporaryDirectory() as workdir, moto_stack(monkeypatch) as stack:
            paths = make_articles(Path(workdir), count)
            functions = stack.resources.functions
            memory = {"extract": functions["ExtractFunction"].memory_mb}
            memory["summarize"] = functions["SummarizeFunction"].memory_mb
            batch = {
                name: functions[logical].event_sources[0].batch_size
                for name, logical in (
                    ("extract", "ExtractFunction"),
                    ("summarize", "SummarizeFunction"),
                )
            }
            queues = stack.resources.queues
            # S3's s3:TestEvent from configuring the notification: not an article.
            stack.sqs.purge_queue(QueueUrl=queues["IngestQueue"].url)
            with counting(tally, stack.dynamodb, stack.table_name):
                token = STAGE.set("upload")
                for path in paths:
                    stack.s3.put_object(
                        Bucket=stack.resources.bucket_name,
                        Key=f"incoming/bench/{path.name}",
                        Body=path.read_bytes(),
                    )
                STAGE.reset(token)
                extracted = _run_stage(
                    stack,
                    tally,
                    "extract",
                    queues["IngestQueue"].url,
                    "IngestQueue",
                    batch["extract"],
                )
                summarized = _run_stage(
                    stack,
                    tally,
                    "summarize",
                    queues["SummarizeQueue"].url,
                    "SummarizeQueue",
                    batch["summarize"],
                )
            if extracted != count or summarized != count:
                raise SystemExit(f"extracted {extracted}, summarized {summarized} of {count}")
    finally:
        moto_events.uninstall()
        monkeypatch.undo()
    return tally, memory, batch


def _request_cost(service: str, operation: str) -> float:
    if service == "s3":
        if operation in S3_FREE:
            return 0.0
        return S3_PUT_CLASS if operation in S3_PUT_OPERATIONS else S3_GET_CLASS
    if service == "sqs":
        return SQS_REQUEST
    if service == "events":
        return EVENTBRIDGE_EVENT
    return 0.0  # DynamoDB is priced by request units, below


def report(tally: Tally, count: int, memory: dict[str, int], batch: dict[str, int]) -> None:
    per_stage: dict[str, Counter[str]] = defaultdict(Counter)
    for (stage, service, operation), calls in tally.calls.items():
        per_stage[stage][f"{service} {operation}"] += calls
    print(f"AWS calls per article ({count} articles; batch sizes {batch})")
    print(f"| {'stage':<13} | {'call':<30} | {'per article':>11} |")
    print(f"|{'-' * 15}|{'-' * 32}|{'-' * 13}|")
    for stage in ("upload", "extract", "summarize", "event source"):
        for call, calls in sorted(per_stage[stage].items()):
            print(f"| {stage:<13} | {call:<30} | {calls / count:11.2f} |")
    pipeline = sum(c for (s, _, _), c in tally.calls.items() if s != "upload")
    print(f"pipeline calls per article (all but the upload): {pipeline / count:.2f}")

    thousand = 1000 / count
    rows: list[tuple[str, float]] = []
    for (stage, service, operation), calls in sorted(tally.calls.items()):
        cost = calls * _request_cost(service, operation) * thousand
        if cost:
            rows.append((f"{service} {operation} ({stage})", cost))
    write_units = sum(tally.write_units.values()) * thousand
    read_units = sum(tally.read_units.values()) * thousand
    rows.append((f"DynamoDB {write_units:,.0f} write units", write_units * DYNAMODB_WRITE_UNIT))
    rows.append((f"DynamoDB {read_units:,.0f} read units", read_units * DYNAMODB_READ_UNIT))
    for function in ("extract", "summarize"):
        gb_seconds = tally.seconds[function] * memory[function] / 1024 * thousand
        invocations = tally.invocations[function] * thousand
        rows.append(
            (
                f"Lambda {function}: {gb_seconds:,.1f} GB-s at {memory[function]} MB",
                gb_seconds * LAMBDA_GB_SECOND_ARM,
            )
        )
        rows.append(
            (f"Lambda {function}: {invocations:,.0f} requests", invocations * LAMBDA_REQUEST)
        )
    print(f"\ncost per 1,000 articles, us-east-1 prices as of {PRICES_AS_OF} (USD)")
    print(f"| {'item':<52} | {'USD':>9} |")
    print(f"|{'-' * 54}|{'-' * 11}|")
    for name, cost in rows:
        print(f"| {name:<52} | {cost:9.5f} |")
    print(f"| {'total':<52} | {sum(c for _, c in rows):9.5f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    tally, memory, batch = run(args.count)
    report(tally, args.count, memory, batch)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
