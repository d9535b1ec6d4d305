"""What one article costs in AWS calls: each stage makes only the calls it needs."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from botocore.client import BaseClient

from tests.functional.conftest import Stack
from tests.functional.test_pipeline_handlers import (
    HTML,
    KEY,
    KEY_IN_EVENT,
    SEQ_1,
    summarize_all,
    upload_and_extract,
)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    seen: Counter[str] = Counter()
    original = BaseClient._make_api_call

    def counted(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        seen[f"{client.meta.service_model.service_name} {operation}"] += 1
        return original(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counted)
    return seen


def test_extract_reads_the_object_once_and_summarize_makes_no_s3_write(
    stack: Stack, calls: Counter[str]
) -> None:
    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    extract_calls = Counter(calls)
    # The test's own upload, then the function: one GET (no HEAD before it), the text, the
    # record claimed and written, the hand-over.
    assert extract_calls.pop("s3 PutObject") == 2  # the upload and the stored text
    assert extract_calls.pop("s3 GetObject") == 1
    assert extract_calls.pop("sqs SendMessage") == 1
    assert extract_calls.pop("dynamodb GetItem") == 1
    assert extract_calls.pop("dynamodb PutItem") == 2
    extract_calls.pop("dynamodb UpdateItem", None)  # the month index, once per new month
    assert extract_calls == Counter()

    calls.clear()
    assert summarize_all(stack) == []
    summarize_calls = Counter(calls)
    summarize_calls.pop("sqs ReceiveMessage")  # the test draining the queue
    summarize_calls.pop("sqs DeleteMessage")
    # The record's GetItem, the key-point cache's GetItem and PutItem, the SUMMARIZED write
    # (its completion event stored with it), the event sent, and the sent event cleared.
    assert summarize_calls == Counter(
        {
            "s3 GetObject": 1,
            "dynamodb GetItem": 2,
            "dynamodb PutItem": 2,
            "events PutEvents": 1,
            "dynamodb UpdateItem": 1,
        }
    )
