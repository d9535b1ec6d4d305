"""moto's EventBridge as the local stack runs it: a schedule rule matches no event on the bus
(as in EventBridge), a rule with a pattern still does, and a bus the template names is made."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from articles_cli.local import moto_eventbridge
from articles_cli.local.event_log import EventLog


@pytest.fixture
def aws() -> Iterator[tuple[Any, Any]]:
    with mock_aws():
        yield (
            boto3.client("events", region_name="us-east-1"),
            boto3.client("sqs", region_name="us-east-1"),
        )


def _queue(sqs: Any, name: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return url, arn["QueueArn"]


def _put(events: Any, bus: str = "default") -> list[dict[str, Any]]:
    entry = {"Source": "article-pipeline", "DetailType": "Article Failed", "Detail": "{}"}
    return list(events.put_events(Entries=[{**entry, "EventBusName": bus}])["Entries"])


def test_a_schedule_rule_matches_no_event_and_a_pattern_rule_does(aws: tuple[Any, Any]) -> None:
    events, sqs = aws
    hourly_url, hourly_arn = _queue(sqs, "hourly")
    events.put_rule(Name="hourly", ScheduleExpression="rate(1 hour)")
    events.put_targets(Rule="hourly", Targets=[{"Id": "q", "Arn": hourly_arn}])
    matched_url, matched_arn = _queue(sqs, "matched")
    events.put_rule(Name="matched", EventPattern=json.dumps({"source": ["article-pipeline"]}))
    events.put_targets(Rule="matched", Targets=[{"Id": "q", "Arn": matched_arn}])

    moto_eventbridge.install()
    try:
        (answer,) = _put(events)
        assert "EventId" in answer
        assert "Messages" not in sqs.receive_message(QueueUrl=hourly_url)
        assert len(sqs.receive_message(QueueUrl=matched_url)["Messages"]) == 1
    finally:
        moto_eventbridge.uninstall()
    _put(events)  # moto as it is: the schedule rule takes every event
    assert len(sqs.receive_message(QueueUrl=hourly_url)["Messages"]) == 1


def test_the_event_log_makes_the_bus_it_is_given(aws: tuple[Any, Any]) -> None:
    events, sqs = aws
    log = EventLog(sqs, events, "articles-done").subscribe()
    assert events.describe_event_bus(Name="articles-done")["Name"] == "articles-done"
    _put(events, "articles-done")
    _put(events)  # the default bus: not this log's
    (event,) = log.receive()
    assert (event["source"], event["detail-type"]) == ("article-pipeline", "Article Failed")
