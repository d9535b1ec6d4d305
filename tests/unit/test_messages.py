from __future__ import annotations

import json

import pytest

from articles.pipeline.messages import (
    MalformedMessageError,
    ReprocessRequest,
    S3EventNotification,
    S3TestEvent,
    parse_ingest_message,
)
from tests.conftest import EVENTS


def body_of(event_file: str) -> str:
    return json.loads((EVENTS / event_file).read_text())["Records"][0]["body"]


def test_s3_put_notification_decodes_the_key() -> None:
    message = parse_ingest_message(body_of("extract-s3-put.json"))
    assert isinstance(message, S3EventNotification)
    source = message.records[0].source()
    assert source.key == "incoming/Harbour wind farm + grid notes.html"  # '+' space, %2B plus
    assert source.bucket.startswith("article-pipeline-")
    assert source.sequencer == "0065F1A8B7C3D2E100".ljust(64, "0")
    assert message.records[0].is_creation and not message.records[0].is_removal


def test_delete_notification() -> None:
    message = parse_ingest_message(body_of("extract-s3-delete.json"))
    assert isinstance(message, S3EventNotification)
    assert message.records[0].is_removal


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("0065F1A8B7C3D2E100", "0065F1A8B7C3D2E101"),
        ("0065F1A8B7C3D2E100", "0065F1A8B7C3D2E2"),  # shorter, yet later once right-padded
        ("0065F1A8B7C3D2E1", "0065F1A8B7C3D2E100A"),
    ],
)
def test_sequencers_of_different_lengths_compare_as_s3_documents(earlier: str, later: str) -> None:
    def sequencer(value: str) -> str:
        data = json.loads(body_of("extract-s3-put.json"))
        data["Records"][0]["s3"]["object"]["sequencer"] = value
        message = parse_ingest_message(json.dumps(data))
        assert isinstance(message, S3EventNotification)
        return message.records[0].source().sequencer

    assert sequencer(earlier) < sequencer(later)


def test_test_event_and_reprocess() -> None:
    assert isinstance(parse_ingest_message(body_of("extract-s3-test-event.json")), S3TestEvent)
    request = parse_ingest_message('{"type": "reprocess", "id": "abc"}')
    assert isinstance(request, ReprocessRequest) and request.id == "abc"


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '{"hello": 1}', '{"Records": [{"x": 1}]}'])
def test_malformed_messages(body: str) -> None:
    with pytest.raises(MalformedMessageError):
        parse_ingest_message(body)
