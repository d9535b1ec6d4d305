"""The hostile cases of tests/hostile.py through the local stack, all uploaded at once.

Each object must end in its one expected terminal state within seconds of the batch (SUMMARIZED
with bounded fields, or FAILED with the case's code), with exactly one record per key: none
stuck, none duplicated, none lost. The stack runs with its default limits (10 MB objects), so
the size cases here are the stack's own (``STACK_SIZE_CASES``).
"""

from __future__ import annotations

import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from articles.records.models import LIST_LIMITS, TEXT_LIMITS
from tests.e2e.conftest import RunningStack, start_stack
from tests.hostile import ARTICLE, CASES, STACK_SIZE_CASES, Case

pytestmark = pytest.mark.e2e

PREFIX = "incoming/hostile/"
BATCH = tuple(case for case in CASES if case.e2e) + STACK_SIZE_CASES
TERMINAL = {"SUMMARIZED", "FAILED", "DELETED"}
# Every case is small or bounded (the slowest is a 10 MB upload through moto); the batch shares
# one stack on a shared machine, so the allowance is for the whole batch, not per case.
BATCH_TIMEOUT = 180.0


@pytest.fixture(scope="module")
def quiet_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    yield from start_stack(tmp_path_factory.mktemp("hostile") / "stack.log", "--no-samples")


def _records(stack: RunningStack) -> list[dict[str, Any]]:
    """Every record, following next_cursor (the API's own paging)."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = "?limit=100" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        page = stack.get("/articles" + query)
        items.extend(page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return items


def _assert_bounded(record: dict[str, Any]) -> None:
    for name, limit in TEXT_LIMITS.items():
        value = record.get(name)
        assert value is None or len(value) <= limit, name
    for name, (count, chars) in LIST_LIMITS.items():
        values = record.get(name) or []
        assert len(values) <= count and all(len(value) <= chars for value in values), name


def test_every_hostile_case_ends_as_it_must_through_the_stack(quiet_stack: RunningStack) -> None:
    s3 = quiet_stack.s3()
    bucket = quiet_stack.bucket()
    assert len({case.key for case in BATCH}) == len(BATCH) >= 50
    cases: dict[str, Case] = {}
    started = time.monotonic()
    for case in BATCH:
        key = PREFIX + case.key
        extra = {"ContentType": case.content_type} if case.content_type else {}
        s3.put_object(Bucket=bucket, Key=key, Body=case.data(), **extra)
        cases[key] = case
    uploaded = time.monotonic()

    deadline = uploaded + BATCH_TIMEOUT
    while True:
        records = [r for r in _records(quiet_stack) if r["source"]["key"] in cases]
        done = {r["source"]["key"] for r in records if r["status"] in TERMINAL}
        if done == set(cases) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    finished = time.monotonic()

    per_key = Counter(r["source"]["key"] for r in records)
    duplicated = sorted(key for key, count in per_key.items() if count > 1)
    lost = sorted(set(cases) - set(per_key))
    stuck = sorted(
        f"{r['source']['key']}: {r['status']}" for r in records if r["status"] not in TERMINAL
    )
    wrong: list[str] = []
    for record in records:
        case = cases[record["source"]["key"]]
        error = (record.get("error") or {}).get("code")
        if case.expect == ARTICLE:
            if record["status"] != "SUMMARIZED":
                wrong.append(f"{case.name}: {record['status']} {error}")
                continue
            _assert_bounded(record)
            assert record["key_points"] and record["word_count"], case.name
        elif record["status"] != "FAILED" or error != case.expect:
            wrong.append(f"{case.name}: expected {case.expect}, got {record['status']} {error}")
    print(
        f"\nhostile stack: {len(cases)} cases, uploaded in {uploaded - started:.1f}s, all "
        f"terminal {finished - uploaded:.1f}s later; wrong {len(wrong)}, stuck {len(stuck)}, "
        f"duplicated {len(duplicated)}, lost {len(lost)}"
    )
    assert not lost, lost
    assert not stuck, (stuck, quiet_stack.log()[-4000:])
    assert not duplicated, duplicated
    assert not wrong, wrong
