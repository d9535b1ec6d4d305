"""Every hostile case of tests/hostile.py through extraction and key points, as the stages run
them: an article whose fields fit the record, or the one error code the case must end with.

Peak memory is measured per case: the process's high-water mark, reset before each case, less
the resident size at that moment (what the test process held already: other tests, moto). It
must stay well inside the extract function's memory; the figures are printed for the record.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from articles.errors import ArticleError
from articles.extraction import extract
from articles.keypoints import summarize
from articles.records.models import (
    LIST_LIMITS,
    TEXT_LIMITS,
    ArticleRecord,
    SourceObject,
    Status,
    bounded_key_points,
    utc_now,
)
from tests.hostile import ARTICLE, CASES, Case

pytestmark = pytest.mark.slow

# ExtractFunction has 1024 MB; one document may add at most 400 MB to what the process holds.
PEAK_RSS_LIMIT_MB = 400
# A DynamoDB item stops at 400 KB; a record keeps far below it.
RECORD_LIMIT_BYTES = 100_000
STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")
PEAKS: dict[str, float] = {}


def _reset_peak() -> bool:
    try:
        CLEAR_REFS.write_text("5")  # Linux: reset VmHWM to the current resident size
    except OSError:
        return False
    return True


def _status_mb(field: str) -> float:
    match = re.search(rf"{field}:\s+(\d+) kB", STATUS.read_text())
    assert match is not None
    return int(match.group(1)) / 1024


def _run(case: Case) -> tuple[ArticleRecord, str] | ArticleError:
    """What the two stages make of the case: the record they would store and the full text,
    or the error."""
    kwargs: dict[str, float] = {}
    if case.max_bytes is not None:
        kwargs["max_bytes"] = case.max_bytes
    if case.timeout_seconds is not None:
        kwargs["timeout_seconds"] = case.timeout_seconds
    try:
        article = extract(
            case.data(), filename=f"incoming/{case.key}", content_type=case.content_type, **kwargs
        )
    except ArticleError as exc:
        return exc
    points = bounded_key_points(summarize(article.title, article.text, language=article.language))
    now = utc_now()
    record = ArticleRecord(
        id="0" * 24,
        status=Status.SUMMARIZED,
        source=SourceObject(bucket="bucket", key=f"incoming/{case.key}"),
        created_at=now,
        updated_at=now,
        **article.model_dump(exclude={"text"}),
        summary=points.summary,
        key_points=points.key_points,
        keywords=points.keywords,
        summarizer=points.summarizer,
    )
    return record, article.text


def _assert_sane(record: ArticleRecord) -> None:
    for name, limit in TEXT_LIMITS.items():
        value = getattr(record, name)
        assert value is None or len(value) <= limit, name
    for name, (count, chars) in LIST_LIMITS.items():
        items = getattr(record, name)
        assert len(items) <= count and all(len(item) <= chars for item in items), name
    for text in [record.title, record.summary, *record.key_points, *record.keywords]:
        assert text is None or not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    assert record.word_count and record.word_count > 0
    assert len(json.dumps(record.model_dump(mode="json")).encode()) < RECORD_LIMIT_BYTES


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_input_ends_as_it_must(case: Case) -> None:
    measured = _reset_peak()
    baseline = _status_mb("VmRSS") if measured else 0.0
    started = time.monotonic()
    outcome = _run(case)
    elapsed = time.monotonic() - started
    if measured:
        PEAKS[case.name] = _status_mb("VmHWM") - baseline
        assert PEAKS[case.name] < PEAK_RSS_LIMIT_MB
    assert elapsed < 30
    if case.expect != ARTICLE:
        assert isinstance(outcome, ArticleError), f"expected {case.expect}, got an article"
        assert outcome.code == case.expect, outcome.message
        assert outcome.retryable is False
        return
    assert not isinstance(outcome, ArticleError), f"{outcome.code}: {outcome.message}"
    record, text = outcome
    _assert_sane(record)
    if case.contains is not None:
        assert case.contains in text
    for absent in case.absent:
        assert absent not in text


def test_there_are_at_least_fifty_distinct_cases() -> None:
    assert len(CASES) >= 50
    assert len({case.key for case in CASES}) == len(CASES)


def test_report_peak_memory() -> None:
    """Printed with -s: the worst cases' peak resident size (after the cases ran)."""
    assert PEAKS, "the cases ran first and measured their peaks (Linux /proc)"
    worst = sorted(PEAKS.items(), key=lambda item: -item[1])[:5]
    print(
        "\npeak RSS above the process's own, worst cases:",
        ", ".join(f"{name} {mb:.0f} MB" for name, mb in worst),
    )
    assert worst[0][1] < PEAK_RSS_LIMIT_MB
