"""Faults on the way: throttling and 5xx on the pipeline's AWS calls, and invocations killed
mid-way. Every article still ends terminal, once, with its key points worked out once.

The functions' own handlers run as Lambda runs them (tests/functional/driver.py). Faults are
injected with a botocore ``before-call`` hook on the clients the stages are given, so each
injected error reaches the pipeline exactly as an AWS error would; kills are a BaseException
raised as a chosen call is made, which no except-Exception clause sees.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from articles.aws import AwsClients
from articles.events import publisher
from articles.events.models import ArticleEventDetail
from articles.events.publisher import EventPublisher
from articles.pipeline.sweep import sweep_stalled
from articles.records.models import ArticleRecord, Status, record_id
from articles.records.repository import ArticleRepository
from articles.settings import ExtractSettings, SummarizeSettings
from articles_cli.local.event_log import EventLog
from tests.functional.conftest import BUCKET
from tests.functional.driver import Killed, Pipeline, pipeline

__all__ = ["pipeline"]  # the fixture
pytestmark = pytest.mark.slow

ARTICLES = 200
DUPLICATES = 20  # of those, uploaded again under a second key: the same content
FAULT_RATE = 0.10
SEED = 13
# What AWS answers a busy or failing caller with, per service: (code, HTTP status).
FAULTS = {
    "s3": [("SlowDown", 503), ("InternalError", 500), ("ServiceUnavailable", 503)],
    "sqs": [("ThrottlingException", 400), ("InternalFailure", 500), ("ServiceUnavailable", 503)],
    "dynamodb": [
        ("ProvisionedThroughputExceededException", 400),
        ("ThrottlingException", 400),
        ("InternalServerError", 500),
    ],
    "events": [("ThrottlingException", 400), ("InternalException", 500)],
}
TOPICS = ["harbour", "ferry", "bridge", "library", "orchard", "railway", "market", "school"]
PLACES = ["Westport", "Kirkby", "Elmstead", "Portree", "Hollin", "Dunmore", "Ashby", "Corran"]


@dataclass
class FaultInjector:
    """Fails a seeded share of the calls of the clients it is attached to."""

    rate: float
    seed: int
    injected: Counter[str] = field(default_factory=Counter)
    calls: int = 0

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def attach(self, client: Any) -> Any:
        client.meta.events.register("before-call", self._before_call)
        return client

    def _before_call(self, model: Any, **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        self.calls += 1
        if self._random.random() >= self.rate:
            return None
        service = model.service_model.endpoint_prefix
        code, status = self._random.choice(FAULTS[service])
        self.injected[f"{service}:{model.name}"] += 1
        response = AWSResponse("https://fault.invalid", status, {}, None)
        parsed = {
            "Error": {"Code": code, "Message": "injected fault"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        }
        return response, parsed


def _article(number: int) -> tuple[str, bytes]:
    rng = random.Random(number)
    topic, place = rng.choice(TOPICS), rng.choice(PLACES)
    sentences = [
        f"The {topic} in {place} reopened on day {number} after a winter of repairs.",
        f"Engineers replaced {number % 17 + 3} sections and tested each one twice.",
        f"The council said the work cost {number * 13 % 900 + 100} thousand pounds.",
        f"Residents of {place} had waited {number % 11 + 2} months for the {topic}.",
        "Local traders expect more visitors once the spring timetable starts.",
        f"A second phase is planned for next year, subject to a survey of the {topic}.",
    ]
    if number % 2:
        body = "\n\n".join(sentences)
        return (
            f"incoming/batch/{number:03d}-{topic}.md",
            f"# {topic.title()} news\n\n{body}".encode(),
        )
    paragraphs = "".join(f"<p>{s}</p>" for s in sentences)
    page = (
        f"<html><head><title>{place} {topic} reopens</title></head>"
        f"<body><article><h1>{place} {topic} reopens</h1>{paragraphs}</article></body></html>"
    )
    return f"incoming/batch/{number:03d}-{topic}.html", page.encode()


def _count_summaries(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often the summarizer ran, per text (SHA-256 of what it was given)."""
    import articles.keypoints

    real = articles.keypoints.summarize
    runs: Counter[str] = Counter()

    def counting(title: str | None, text: str, **kwargs: Any) -> Any:
        runs[hashlib.sha256(text.encode()).hexdigest()] += 1
        return real(title, text, **kwargs)

    monkeypatch.setattr(articles.keypoints, "summarize", counting)
    return runs


def test_every_article_ends_summarized_through_injected_faults(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = _count_summaries(monkeypatch)
    monkeypatch.setattr(publisher, "pause", lambda seconds: None)
    bus = EventLog(pipeline.stack.sqs, boto3.client("events", region_name="us-east-1"))
    bus.subscribe()
    faults = FaultInjector(FAULT_RATE, SEED)
    for context in pipeline.contexts.values():
        for service in ("s3", "sqs", "dynamodb", "events"):
            faults.attach(context.clients.get(service))

    uploads = dict(_article(number) for number in range(ARTICLES))
    for number in range(DUPLICATES):  # the same bytes again, under a second key
        key, body = _article(number)
        uploads[key.replace("incoming/batch/", "incoming/again/")] = body
    for key, body in uploads.items():
        pipeline.stack.put_article(key, body)
    pipeline.run()
    # What EventBridge did not take in the run waits on its records for the sweep.
    left = [record.id for record in pipeline.records() if record.pending_events]
    repository = ArticleRepository(
        pipeline.stack.table_name, AwsClients(dynamodb=pipeline.stack.dynamodb)
    )
    swept = sweep_stalled(
        repository,
        stalled_after=timedelta(days=1),
        now=datetime.now(UTC) + timedelta(minutes=10),
        events=EventPublisher(repository, AwsClients(), "default"),
    )
    delivered = [ArticleEventDetail.model_validate(e["detail"]) for e in bus.receive()]
    event_ids = Counter(detail.event_id for detail in delivered)

    records = pipeline.records()
    by_key = Counter(record.source.key for record in records)
    statuses = Counter(record.status for record in records)
    texts = pipeline.stack.s3.list_objects_v2(Bucket=BUCKET, Prefix="texts/").get("KeyCount", 0)
    figures = {
        "articles": len(uploads),
        "records": len(records),
        "summarized": statuses[Status.SUMMARIZED],
        "not summarized": len(records) - statuses[Status.SUMMARIZED],
        "duplicated": sum(n - 1 for n in by_key.values() if n > 1),
        "lost": len(set(uploads) - set(by_key)),
        "calls": faults.calls,
        "faults injected": sum(faults.injected.values()),
        "redeliveries": pipeline.redeliveries,
        "dead-letter redrives": pipeline.redriven,
        "summaries computed": sum(runs.values()),
        "texts summarised twice": sum(1 for n in runs.values() if n > 1),
        "stored texts": texts,
        "events delivered": len(delivered),
        "distinct events": len(event_ids),
        "events sent again (same event_id)": sum(n - 1 for n in event_ids.values()),
        "records with events left after the run": len(left),
        "sent by the sweep": len(swept.events_sent),
    }
    print("\nfault run:", figures, "\nfaults by call:", dict(faults.injected.most_common()))

    assert figures["faults injected"] > 0.08 * faults.calls  # the faults were really there
    assert pipeline.redeliveries > 0
    assert set(by_key) == set(uploads) and figures["duplicated"] == 0
    assert statuses == {Status.SUMMARIZED: len(uploads)}, statuses
    assert all(record.error is None and record.key_points for record in records)
    assert all(record.id == record_id(BUCKET, record.source.key) for record in records)
    # Each distinct text once: the duplicates reused the cached key points.
    assert figures["texts summarised twice"] == 0
    assert figures["summaries computed"] == ARTICLES
    assert texts == len(uploads)
    # One SUMMARIZED event per article, the one its record's final write made; an article a
    # fault ended FAILED before its redrive also told of that; nothing is left unsent.
    assert faults.injected["events:PutEvents"] > 0
    summarized = {d.event_id for d in delivered if d.status == "SUMMARIZED"}
    assert summarized == {f"{record.id}:{record.revision}" for record in records}
    assert {d.status for d in delivered} <= {"SUMMARIZED", "FAILED"}
    assert all(not record.pending_events for record in records)
    assert set(swept.events_sent) == set(left) and swept.events_unsent == []


# -- invocations killed mid-way ---------------------------------------------------------------


def _kill_on(
    client: Any, operation: str, when: Callable[[dict[str, Any]], bool], times: int
) -> None:
    """The process dies as the matching call is made (given its parameters), ``times`` times."""
    left = [times]
    service = client.meta.service_model.service_id.hyphenize()

    def before_parameter_build(params: dict[str, Any], **_: Any) -> None:
        if left[0] and when(params):
            left[0] -= 1
            raise Killed

    client.meta.events.register(
        f"before-parameter-build.{service}.{operation}", before_parameter_build
    )


def _status_written(status: Status) -> Callable[[dict[str, Any]], bool]:
    return lambda params: params.get("Item", {}).get("status", {}).get("S") == status.value


def _upload_one(pipeline: Pipeline) -> tuple[str, str]:
    key, body = _article(7)
    pipeline.stack.put_article(key, body)
    return key, record_id(BUCKET, key)


def _record(pipeline: Pipeline, article_id: str) -> ArticleRecord:
    (record,) = [r for r in pipeline.records() if r.id == article_id]
    return record


def _sweep_a_day_later(pipeline: Pipeline) -> list[str]:
    repository = ArticleRepository(
        pipeline.stack.table_name, AwsClients(dynamodb=pipeline.stack.dynamodb)
    )
    report = sweep_stalled(
        repository,
        stalled_after=timedelta(minutes=24 * 60),
        now=datetime.now(UTC) + timedelta(days=2),
    )
    return report.failed


def _stalled_then_redriven(pipeline: Pipeline, article_id: str) -> None:
    """Killed on every allowed delivery: the message is dead-lettered, the record stays
    EXTRACTED until the sweep ends it (FAILED, stalled, retryable), and a redrive finishes it."""
    record = _record(pipeline, article_id)
    assert record.status is Status.EXTRACTED
    assert _sweep_a_day_later(pipeline) == [article_id]
    record = _record(pipeline, article_id)
    assert record.status is Status.FAILED and record.error is not None
    assert (record.error.code, record.error.stage, record.error.retryable) == (
        "stalled",
        "summarize",
        True,
    )
    pipeline.run()
    assert pipeline.redriven == 1
    assert _record(pipeline, article_id).status is Status.SUMMARIZED


@pytest.mark.parametrize("times", [1, 5], ids=["once", "every delivery"])
def test_killed_between_extracted_and_the_hand_over(pipeline: Pipeline, times: int) -> None:
    extract_sqs = pipeline.contexts[ExtractSettings].clients.sqs
    _kill_on(extract_sqs, "SendMessage", lambda params: True, times)
    _key, article_id = _upload_one(pipeline)

    pipeline.run(redrive=False)
    record = _record(pipeline, article_id)
    assert pipeline.killed == times
    if times == 1:  # the next delivery finds it EXTRACTED and hands it over
        assert record.status is Status.SUMMARIZED
        return
    _stalled_then_redriven(pipeline, article_id)


@pytest.mark.parametrize("times", [1, 5], ids=["once", "every delivery"])
def test_killed_between_the_hand_over_and_summarized(pipeline: Pipeline, times: int) -> None:
    summarize_dynamodb = pipeline.contexts[SummarizeSettings].clients.dynamodb
    _kill_on(
        summarize_dynamodb,
        "PutItem",
        _status_written(Status.SUMMARIZED),
        times,
    )
    _key, article_id = _upload_one(pipeline)

    pipeline.run(redrive=False)
    assert pipeline.killed == times
    record = _record(pipeline, article_id)
    if times == 1:  # the summarize message comes back and finishes it
        assert record.status is Status.SUMMARIZED
        return
    _stalled_then_redriven(pipeline, article_id)


def test_killed_before_extracted_is_ended_by_the_sweep_and_resumed(pipeline: Pipeline) -> None:
    extract_s3 = pipeline.contexts[ExtractSettings].clients.s3
    _kill_on(extract_s3, "GetObject", lambda params: True, 5)
    _key, article_id = _upload_one(pipeline)
    pipeline.run(redrive=False)
    assert _record(pipeline, article_id).status is Status.QUEUED
    assert _sweep_a_day_later(pipeline) == [article_id]
    record = _record(pipeline, article_id)
    assert record.status is Status.FAILED and record.error is not None
    assert (record.error.code, record.error.stage) == ("stalled", "extract")
    pipeline.run()
    assert _record(pipeline, article_id).status is Status.SUMMARIZED
