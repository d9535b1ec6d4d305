"""Completion events on moto: the functions' own handlers, the template's resources, and a rule
on the bus that sends every event of the pipeline to a queue, read back as a consumer reads it.

Each terminal transition publishes one event, validated against ``ArticleEventDetail``; a
duplicate delivery or a stale version publishes none; a failed send never undoes the
transition and is sent later (the next delivery, the next write, or the sweep), with the same
``event_id``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from articles.aws import AwsClients
from articles.constants import EVENT_SOURCE
from articles.events import publisher
from articles.events.models import DETAIL_TYPES, ArticleEventDetail
from articles.events.publisher import EventPublisher
from articles.pipeline.sweep import sweep_stalled
from articles.records.models import ArticleRecord, Status, record_id
from articles_cli.local.event_log import EventLog
from tests.conftest import ROOT
from tests.functional.conftest import BUCKET, Stack, load_event, s3_put_event
from tests.functional.driver import Killed
from tests.functional.test_pipeline_handlers import (
    HTML,
    KEY,
    KEY_IN_EVENT,
    SEQ_1,
    SEQ_2,
    extract,
    repository,
    summarize_all,
    upload_and_extract,
)

ARTICLE_ID = record_id(BUCKET, KEY)
SEQ_0 = "0065F1A8B7C3D2E000"
SEQ_3 = "0065F1A8B7C3D2E300"


@pytest.fixture
def bus(stack: Stack) -> EventLog:
    """What a consumer of the default bus receives: a rule matching the pipeline's source."""
    events = boto3.client("events", region_name="us-east-1")
    return EventLog(stack.sqs, events, name="test-consumer").subscribe()


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The publisher's waits between attempts, recorded instead of slept."""
    waited: list[float] = []
    monkeypatch.setattr(publisher, "pause", waited.append)
    return waited


class PutEventsFault:
    """Makes the functions' PutEvents calls fail while ``active`` (a botocore error, a refused
    entry, or the process dying as the call is made)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.mode = "throttled"
        self.active = False
        self.remaining: int | None = None  # calls to fail, then succeed; None: all of them
        self.calls = 0
        original = BaseClient._make_api_call

        def call(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
            if operation != "PutEvents" or not self.active or self.remaining == 0:
                return original(client, operation, params)
            self.calls += 1
            if self.remaining is not None:
                self.remaining -= 1
            if self.mode == "killed":
                raise Killed
            if self.mode == "refused":  # EventBridge answers 200 and refuses the entries
                return {
                    "FailedEntryCount": len(params["Entries"]),
                    "Entries": [
                        {"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}
                        for _ in params["Entries"]
                    ],
                }
            raise ClientError(
                {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}},
                operation,
            )

        monkeypatch.setattr(BaseClient, "_make_api_call", call)


@pytest.fixture
def fault(monkeypatch: pytest.MonkeyPatch) -> PutEventsFault:
    return PutEventsFault(monkeypatch)


def details(received: list[dict[str, Any]]) -> list[ArticleEventDetail]:
    """Each delivered event checked as a consumer's rule sees it, its detail validated."""
    out = []
    for event in received:
        assert event["source"] == EVENT_SOURCE
        detail = ArticleEventDetail.model_validate(event["detail"])  # extra fields forbidden
        assert event["detail-type"] == DETAIL_TYPES[detail.status]
        out.append(detail)
    return out


def stored(stack: Stack, article_id: str = ARTICLE_ID) -> ArticleRecord:
    record = repository(stack).get(article_id)
    assert record is not None
    return record


def raw_item(stack: Stack, article_id: str = ARTICLE_ID) -> dict[str, Any]:
    item: dict[str, Any] = stack.dynamodb.get_item(
        TableName=stack.table_name, Key={"pk": {"S": article_id}}
    )["Item"]
    return item


def removal(sequencer: str, version_id: str = "marker-1") -> dict[str, Any]:
    event = load_event("extract-s3-delete.json")
    body = json.loads(event["Records"][0]["body"])
    body["Records"][0]["s3"]["object"].update(sequencer=sequencer, versionId=version_id)
    event["Records"][0]["body"] = json.dumps(body)
    return event


def summarize_messages_kept(stack: Stack) -> tuple[list[dict[str, Any]], Callable[[], Any]]:
    """The hand-over messages, and a way to deliver them again (a duplicate delivery)."""
    from tests.functional.conftest import sqs_event_from_messages

    messages = stack.summarize_messages()
    assert messages

    def deliver() -> Any:
        return stack.invoke("summarize", sqs_event_from_messages(messages, "SummarizeQueue"))

    return messages, deliver


# -- one event per terminal transition ---------------------------------------------------------


def test_summarized_then_deleted_each_publish_one_event(stack: Stack, bus: EventLog) -> None:
    version = upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    assert bus.receive() == []  # EXTRACTED is no end
    assert summarize_all(stack) == []
    record = stored(stack)
    (summarized,) = details(bus.receive())
    assert summarized == ArticleEventDetail(
        event_id=f"{ARTICLE_ID}:{record.revision}",
        id=ARTICLE_ID,
        status="SUMMARIZED",
        bucket=BUCKET,
        key=KEY,  # decoded, as on the record
        version_id=version,
        sequencer=record.source.sequencer,
        revision=record.revision,
        title="Harbour wind farm cleared to connect to the grid",
        key_point_count=len(record.key_points),
        summarizer=record.summarizer,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )
    assert 3 <= summarized.key_point_count <= 7
    assert record.pending_events == []  # sent, then cleared
    assert {"pending_events", "pending_pk", "pending_sk"}.isdisjoint(raw_item(stack))

    assert extract(stack, removal(SEQ_2)) == []
    deleted_record = stored(stack)
    (deleted,) = details(bus.receive())
    assert (deleted.status, deleted.key, deleted.version_id) == ("DELETED", KEY, "marker-1")
    assert deleted.key_point_count == 0 and deleted.summarizer is None
    assert deleted.title == record.title  # the metadata stays for the audit trail
    assert deleted.event_id == f"{ARTICLE_ID}:{deleted_record.revision}" != summarized.event_id
    assert deleted.updated_at == deleted_record.updated_at > summarized.updated_at


@pytest.mark.parametrize(
    ("key", "body", "code"),
    [
        ("incoming/broken.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "corrupt_document"),
        ("incoming/empty.txt", b"", "empty_document"),
    ],
)
def test_a_permanent_failure_publishes_one_failed_event(
    stack: Stack, bus: EventLog, key: str, body: bytes, code: str
) -> None:
    upload_and_extract(stack, key, key, body, SEQ_1)
    (failed,) = details(bus.receive())
    record = stored(stack, record_id(BUCKET, key))
    assert record.status is Status.FAILED
    assert (failed.status, failed.key, failed.error_code) == ("FAILED", key, code)
    assert (failed.error_stage, failed.error_retryable) == ("extract", False)
    assert failed.key_point_count == 0 and failed.summarizer is None
    assert failed.event_id == f"{record.id}:{record.revision}"


def test_a_transient_failure_publishes_only_when_it_ends_the_record(
    stack: Stack, bus: EventLog
) -> None:
    def delivery(receive_count: int) -> dict[str, Any]:
        event = s3_put_event(
            "incoming/elsewhere.html", version_id="v1", sequencer=SEQ_1, receive_count=receive_count
        )
        body = json.loads(event["Records"][0]["body"])
        body["Records"][0]["s3"]["bucket"]["name"] = "bucket-that-is-not-there"
        event["Records"][0]["body"] = json.dumps(body)
        return event

    article_id = record_id("bucket-that-is-not-there", "incoming/elsewhere.html")
    for receive_count in (1, 2):  # retried: the record waits in its stage, no event
        assert len(extract(stack, delivery(receive_count))) == 1
        assert stored(stack, article_id).status is Status.QUEUED
        assert bus.receive() == []
    assert len(extract(stack, delivery(5))) == 1  # the last delivery ends it FAILED
    (failed,) = details(bus.receive())
    assert (failed.status, failed.error_code, failed.error_retryable) == (
        "FAILED",
        "storage_unavailable",
        True,
    )
    assert failed.event_id == f"{article_id}:{stored(stack, article_id).revision}"


def test_a_redriven_record_publishes_again_only_when_it_ends_again(
    stack: Stack, bus: EventLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FAILED (retryable) in summarize, redriven: a retry that fails again but not for good
    leaves it FAILED without a second event; the redrive that succeeds publishes SUMMARIZED."""
    import articles.keypoints
    from articles.errors import StorageError
    from tests.functional.conftest import sqs_event_from_messages

    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    (message,) = stack.summarize_messages()

    def delivery(receive_count: int) -> dict[str, Any]:
        message["Attributes"]["ApproximateReceiveCount"] = str(receive_count)
        return sqs_event_from_messages([message], "SummarizeQueue")

    def unavailable(*args: object, **kwargs: object) -> None:
        raise StorageError("the text could not be read")

    real = articles.keypoints.summarize
    monkeypatch.setattr(articles.keypoints, "summarize", unavailable)
    assert len(stack.invoke("summarize", delivery(5))["batchItemFailures"]) == 1
    (failed,) = details(bus.receive())
    assert (failed.status, failed.error_stage, failed.error_retryable) == (
        "FAILED",
        "summarize",
        True,
    )
    # Redriven, and failing again on a delivery that is not the last: no event.
    assert len(stack.invoke("summarize", delivery(1))["batchItemFailures"]) == 1
    assert stored(stack).status is Status.FAILED
    assert bus.receive() == []
    monkeypatch.setattr(articles.keypoints, "summarize", real)
    assert stack.invoke("summarize", delivery(2))["batchItemFailures"] == []
    (summarized,) = details(bus.receive())
    assert summarized.status == "SUMMARIZED" and summarized.revision > failed.revision


# -- no second event ---------------------------------------------------------------------------


def test_duplicate_deliveries_and_stale_versions_publish_nothing(
    stack: Stack, bus: EventLog
) -> None:
    version = stack.put_article(KEY, HTML)["version_id"]
    creation = s3_put_event(KEY_IN_EVENT, version_id=version, sequencer=SEQ_1)
    assert extract(stack, creation) == []
    _, deliver_summarize = summarize_messages_kept(stack)
    assert deliver_summarize()["batchItemFailures"] == []
    (first,) = details(bus.receive())
    after_first = stored(stack)

    # SQS delivers both messages again; an older version's event arrives late.
    assert extract(stack, creation) == []
    assert deliver_summarize()["batchItemFailures"] == []
    stale = s3_put_event(KEY_IN_EVENT, version_id="older", sequencer=SEQ_0)
    assert extract(stack, stale) == []
    assert bus.receive() == []
    assert stored(stack) == after_first

    # The removal once, then again, then an older removal: one event.
    assert extract(stack, removal(SEQ_2)) == []
    assert extract(stack, removal(SEQ_2)) == []
    assert extract(stack, removal(SEQ_0, "older-marker")) == []
    (deleted,) = details(bus.receive())
    assert (first.status, deleted.status) == ("SUMMARIZED", "DELETED")

    # A late creation event of the deleted version changes nothing and says nothing.
    assert extract(stack, creation) == []
    assert bus.receive() == []


def test_two_deliveries_racing_publish_one_event(stack: Stack, bus: EventLog) -> None:
    """Both read the EXTRACTED record; only the write of one wins, and only it publishes."""
    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    extracted = stored(stack)
    _, deliver = summarize_messages_kept(stack)
    assert deliver()["batchItemFailures"] == []
    # The loser: it read the record before the winner wrote, and writes after.
    from articles.pipeline.context import PipelineContext
    from articles.pipeline.summarize_stage import _summarize
    from articles.settings import SummarizeSettings

    environment = stack.resources.functions["SummarizeFunction"].environment
    ctx = PipelineContext.build(SummarizeSettings.from_env(environment))
    with pytest.raises(Exception, match="changed while this delivery"):
        _summarize(extracted, ctx)
    assert [d.status for d in details(bus.receive())] == ["SUMMARIZED"]


# -- a failed send ----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["throttled", "refused"])
def test_a_failed_send_keeps_the_transition_and_the_next_delivery_sends_it(
    stack: Stack, bus: EventLog, fault: PutEventsFault, pauses: list[float], mode: str
) -> None:
    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    _, deliver = summarize_messages_kept(stack)
    fault.mode, fault.active = mode, True
    assert deliver()["batchItemFailures"] == []  # the message is done: the article is

    record = stored(stack)
    assert record.status is Status.SUMMARIZED  # the transition stands
    assert fault.calls == publisher.ATTEMPTS  # retried with backoff, then given up
    assert pauses == [0.2, 0.8]
    (waiting,) = record.pending_events  # kept with the record, for a later send
    assert waiting.event_id == f"{ARTICLE_ID}:{record.revision}"
    assert raw_item(stack)["pending_pk"] == {"S": f"EVENTS#{ARTICLE_ID[0]}"}
    assert bus.receive() == []

    fault.active = False
    assert deliver()["batchItemFailures"] == []  # a redelivery finds it and sends it
    (sent,) = details(bus.receive())
    assert sent == waiting
    assert stored(stack).pending_events == []
    assert stored(stack).revision == record.revision  # clearing is no new version
    assert deliver()["batchItemFailures"] == []
    assert bus.receive() == []  # sent once


def test_a_refused_entry_is_sent_again_by_the_next_attempt(
    stack: Stack, bus: EventLog, fault: PutEventsFault, pauses: list[float]
) -> None:
    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    fault.mode, fault.active, fault.remaining = "refused", True, 1
    assert summarize_all(stack) == []
    (sent,) = details(bus.receive())
    assert sent.status == "SUMMARIZED" and pauses == [0.2]
    assert stored(stack).pending_events == []


def test_killed_between_the_write_and_the_send_the_redelivery_sends_it(
    stack: Stack, bus: EventLog, fault: PutEventsFault
) -> None:
    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    _, deliver = summarize_messages_kept(stack)
    fault.mode, fault.active = "killed", True
    with pytest.raises(Killed):
        deliver()
    assert stored(stack).status is Status.SUMMARIZED
    assert len(stored(stack).pending_events) == 1
    fault.active = False
    assert deliver()["batchItemFailures"] == []  # the whole batch comes back
    assert [d.status for d in details(bus.receive())] == ["SUMMARIZED"]


def test_the_sweep_sends_what_was_left_once_the_stage_had_its_chance(
    stack: Stack, bus: EventLog, fault: PutEventsFault, pauses: list[float]
) -> None:
    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    fault.active = True
    assert summarize_all(stack) == []
    (waiting,) = stored(stack).pending_events
    fault.active = False
    repo = repository(stack)
    events = EventPublisher(repo, AwsClients(), "default")

    soon = sweep_stalled(repo, stalled_after=timedelta(days=1), events=events)
    assert soon.events_sent == [] and bus.receive() == []  # within the grace: the stage's
    later = datetime.now(UTC) + timedelta(minutes=10)
    report = sweep_stalled(repo, stalled_after=timedelta(days=1), now=later, events=events)
    assert report.events_sent == [ARTICLE_ID]
    assert details(bus.receive()) == [waiting]
    again = sweep_stalled(repo, stalled_after=timedelta(days=1), now=later, events=events)
    assert again.events_sent == [] and bus.receive() == []


def test_the_sweep_handler_reports_what_it_could_not_send(
    stack: Stack, bus: EventLog, fault: PutEventsFault, pauses: list[float]
) -> None:
    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    fault.active = True
    assert summarize_all(stack) == []
    # The sweep's own stalled-record events go to the bus too: a record left EXTRACTED.
    stalled_key = "incoming/stalled.html"
    upload_and_extract(stack, stalled_key, stalled_key, HTML, SEQ_1)
    stack.summarize_messages()  # the hand-over is lost
    future = datetime.now(UTC) + timedelta(days=2)
    repo = repository(stack)
    events = EventPublisher(repo, AwsClients(), "default")
    report = sweep_stalled(repo, stalled_after=timedelta(days=1), now=future, events=events)
    assert report.failed == [record_id(BUCKET, stalled_key)]
    assert report.events_unsent == [ARTICLE_ID]
    assert bus.receive() == []
    fault.active = False
    report = sweep_stalled(repo, stalled_after=timedelta(days=1), now=future, events=events)
    received = details(bus.receive())
    assert sorted((d.status, d.key) for d in received) == [
        ("FAILED", stalled_key),
        ("SUMMARIZED", KEY),
    ]
    (stalled,) = [d for d in received if d.status == "FAILED"]
    assert (stalled.error_code, stalled.error_stage, stalled.error_retryable) == (
        "stalled",
        "summarize",
        True,
    )


def test_a_new_version_keeps_the_unsent_event_of_the_old_one(
    stack: Stack, bus: EventLog, fault: PutEventsFault, pauses: list[float]
) -> None:
    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    fault.active = True
    assert summarize_all(stack) == []
    (old,) = stored(stack).pending_events
    # The new version is extracted while the bus still fails: the old event rides along.
    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML.replace(b"48 turbines", b"52"), SEQ_3)
    assert stored(stack).pending_events == [old]
    fault.active = False
    assert summarize_all(stack) == []
    received = details(bus.receive())
    assert [d.event_id for d in received][:1] == [old.event_id]
    assert [(d.status, d.sequencer == old.sequencer) for d in received] == [
        ("SUMMARIZED", True),
        ("SUMMARIZED", False),
    ]
    assert stored(stack).pending_events == []


def test_the_event_bus_parameter_chooses_the_bus(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deployed with EventBusName=articles-done, the functions publish there, not on default."""
    from moto import mock_aws

    from articles_cli.local.provision import Clients, provision

    with mock_aws():
        clients = Clients.from_session(None, "us-east-1")
        clients.events.create_event_bus(Name="articles-done")
        resources = provision(clients, parameters={"EventBusName": "articles-done"})
        for name in ("ExtractFunction", "SummarizeFunction", "SweepFunction"):
            assert resources.functions[name].environment["EVENT_BUS_NAME"] == "articles-done"
        assert resources.outputs["EventBusArn"].endswith(":event-bus/articles-done")
        stack = Stack(resources, clients.s3, clients.sqs, clients.dynamodb, monkeypatch)
        chosen = EventLog(stack.sqs, clients.events, "articles-done", name="chosen").subscribe()
        default = EventLog(stack.sqs, clients.events, name="default-bus").subscribe()
        key = "incoming/empty.txt"
        bucket = resources.bucket_name
        version = stack.s3.put_object(Bucket=bucket, Key=key, Body=b"")["VersionId"]
        event = s3_put_event(key, version_id=version, sequencer=SEQ_1)
        body = json.loads(event["Records"][0]["body"])
        body["Records"][0]["s3"]["bucket"]["name"] = bucket
        event["Records"][0]["body"] = json.dumps(body)
        assert extract(stack, event) == []
        (failed,) = details(chosen.receive())
        assert (failed.key, failed.error_code) == (key, "empty_document")
        assert default.receive() == []


# -- the README's rule ---------------------------------------------------------------------------


def _readme_rule() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    (rule,) = [block for block in blocks if "FailedArticlesRule" in block]
    return rule


@pytest.fixture
def readme_rule_queue(stack: Stack) -> Iterator[str]:
    cloudformation = boto3.client("cloudformation", region_name="us-east-1")
    cloudformation.create_stack(StackName="failed-articles", TemplateBody=_readme_rule())
    outputs = cloudformation.describe_stacks(StackName="failed-articles")["Stacks"][0]["Outputs"]
    yield {o["OutputKey"]: o["OutputValue"] for o in outputs}["FailedArticlesQueueUrl"]


def test_the_readme_rule_sends_failed_articles_to_its_queue(
    stack: Stack, readme_rule_queue: str
) -> None:
    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    assert summarize_all(stack) == []
    upload_and_extract(stack, "incoming/empty.txt", "incoming/empty.txt", b"", SEQ_1)
    messages = stack.sqs.receive_message(QueueUrl=readme_rule_queue, MaxNumberOfMessages=10)
    (message,) = messages["Messages"]  # the failed one only
    event = json.loads(message["Body"])
    (detail,) = details([event])
    assert (detail.key, detail.error_code) == ("incoming/empty.txt", "empty_document")
