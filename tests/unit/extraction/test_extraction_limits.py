"""Hostile input, every error code, and the light-import promise."""

from __future__ import annotations

import contextlib
import os
import random
import subprocess
import sys
import threading
import time

import pytest

import articles.extraction as extraction
from articles import errors
from articles.extraction import detect_format, extract
from articles.extraction import text as plain
from articles.extraction.limits import time_budget, truncate_text
from tests.documents import pdf_with_content

# Generous: these must finish, not be fast; a hang would blow far past it.
BOUND_SECONDS = 15


def _bounded(data: bytes, filename: str, **kwargs):
    """Run extract and return (result or typed error, seconds); anything else fails the test."""
    started = time.monotonic()
    try:
        outcome = extract(data, filename=filename, **kwargs)
    except errors.ArticleError as exc:
        outcome = exc
    elapsed = time.monotonic() - started
    assert elapsed < BOUND_SECONDS
    return outcome


def test_size_limit_is_checked_before_parsing(monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("parsed an oversized input")

    monkeypatch.setattr(extraction, "detect_format", must_not_run)
    with pytest.raises(errors.TooLargeError) as info:
        extraction.extract(b"<html>" + b"x" * 2048, filename="big.html", max_bytes=1024)
    assert info.value.code == "too_large"


def test_default_limit_is_ten_mib():
    with pytest.raises(errors.TooLargeError):
        extract(b"a" * (10 * 1024 * 1024 + 1), filename="huge.txt")


def test_output_is_bounded():
    text = "\n\n".join(f"Paragraph {i} says something about the harbour." for i in range(2000))
    article = extract(text.encode(), filename="long.txt", max_output_chars=5000)
    assert len(article.text) <= 5000
    assert article.text.endswith("harbour.")
    assert article.text_truncated
    assert not extract(b"A short note about the harbour.", filename="short.txt").text_truncated


def test_truncate_text_cuts_at_a_paragraph_break():
    assert truncate_text("aaa bbb\n\nccc ddd", 12) == ("aaa bbb", True)
    assert truncate_text("short", 100) == ("short", False)


def test_deeply_nested_html():
    depth = 50_000
    data = (
        b"<html><body>"
        + b"<div>" * depth
        + b"<p>Deep inside the page there is a sentence about the weather in the valley.</p>"
        + b"</div>" * depth
        + b"</body></html>"
    )
    outcome = _bounded(data, "nested.html")
    assert isinstance(outcome, errors.ArticleError) or outcome.text


def test_single_multi_megabyte_line_html():
    data = b"<html><body><article><p>" + b"word " * 1_000_000 + b"</p></article></body></html>"
    outcome = _bounded(data, "line.html")
    if not isinstance(outcome, errors.ArticleError):
        assert outcome.text.startswith("word word")


def test_single_multi_megabyte_line_text():
    outcome = _bounded(b"token " * 900_000, "line.txt")
    assert not isinstance(outcome, errors.ArticleError)
    assert outcome.word_count == 900_000 or len(outcome.text) <= 1_000_000


def test_binary_noise_named_html():
    noise = random.Random(7).randbytes(300_000)
    with pytest.raises(errors.UnsupportedFormatError) as info:
        extract(noise, filename="page.html")
    assert info.value.code == "unsupported_format"


def test_html_page_without_an_article():
    page = (
        b"<html><head><title>Shop</title></head><body>"
        b"<nav><a href='/'>Home</a> <a href='/cart'>Cart</a></nav>"
        b"<footer>Contact</footer></body></html>"
    )
    with pytest.raises(errors.NoTextFoundError) as info:
        extract(page, filename="shop.html")
    assert info.value.code == "no_text_found"


def _busy(seconds: float, *args, **kwargs) -> None:
    """Pure-Python work, as a parser does it (a sleep is one call into C)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def _swallowing(seconds: float) -> None:
    """Work that catches every Exception around each step, as pypdf does on damaged input."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            _busy(0.01)
        except Exception:
            continue


def test_time_budget_raises_a_typed_error():
    started = time.monotonic()
    with pytest.raises(errors.ExtractionTimeoutError) as info, time_budget(0.05):
        _busy(2)
    assert info.value.code == "extraction_timeout"
    assert time.monotonic() - started < 1


def test_extract_enforces_its_time_budget(monkeypatch):
    monkeypatch.setattr(plain, "extract_text", lambda *a, **k: _busy(2))
    with pytest.raises(errors.ExtractionTimeoutError):
        extract(b"some text to read", filename="slow.txt", timeout_seconds=0.05)


def _in_thread(function):
    """Run ``function`` in a new thread (as the local stack's pollers run the handlers)."""
    outcome: dict[str, object] = {}

    def target() -> None:
        started = time.monotonic()
        try:
            function()
            outcome["result"] = "finished"
        except BaseException as exc:
            outcome["result"] = exc
        outcome["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(30)
    return outcome.get("result", "still running after 30 s"), outcome.get("seconds", 30.0)


def test_time_budget_is_enforced_off_the_main_thread():
    def work() -> None:
        with time_budget(0.1):
            _busy(3)

    result, seconds = _in_thread(work)
    assert isinstance(result, errors.ExtractionTimeoutError)
    assert seconds < 1.5


def test_time_budget_is_not_swallowed_by_except_exception():
    def work() -> None:
        with time_budget(0.1):
            _swallowing(3)

    result, seconds = _in_thread(work)
    assert isinstance(result, errors.ExtractionTimeoutError)
    assert seconds < 1.5


def test_time_budget_never_fires_after_its_block_nor_while_it_is_entered():
    """Threads competing for the interpreter (switching every 10 us) make the working thread
    lose it anywhere: between the budget's start and the block's first line, inside the
    budget's own bookkeeping. Nothing may escape the block, and nothing may hang."""
    done = threading.Event()

    def compete() -> None:
        while not done.is_set():
            sum(range(1000))

    def work() -> None:
        for _ in range(200):
            # Ends right about when the budget does: either way is fine, inside the block.
            with contextlib.suppress(errors.ExtractionTimeoutError), time_budget(0.002):
                _busy(0.002)
            _busy(0.003)  # a stray exception would surface here, outside any budget

    rivals = [threading.Thread(target=compete, daemon=True) for _ in range(2)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    for rival in rivals:
        rival.start()
    try:
        result, _seconds = _in_thread(work)
    finally:
        done.set()
        sys.setswitchinterval(interval)
    assert result == "finished", result


def test_budgets_share_one_watchdog_thread():
    with time_budget(5):
        pass
    before = threading.active_count()
    for _ in range(300):
        with time_budget(5):
            _busy(0)
    assert threading.active_count() == before
    assert [t.name for t in threading.enumerate()].count("extraction-budget") == 1


def test_budgets_in_several_threads_each_end_their_own_block():
    """A short budget in one thread fires there only; longer ones in other threads, running
    at the same time, finish their work untouched."""
    results: dict[str, object] = {}

    def run(name: str, seconds: float, work: float) -> None:
        try:
            with time_budget(seconds):
                _busy(work)
            results[name] = "finished"
        except errors.ExtractionTimeoutError as exc:
            results[name] = exc

    workers = [
        threading.Thread(target=run, args=("short", 0.1, 3)),
        threading.Thread(target=run, args=("long-a", 10, 0.4)),
        threading.Thread(target=run, args=("long-b", 10, 0.6)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert isinstance(results["short"], errors.ExtractionTimeoutError)
    assert results["long-a"] == "finished"
    assert results["long-b"] == "finished"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_time_budget_holds_in_a_forked_child():
    with time_budget(5):  # the parent's watchdog thread is running when the child is forked
        pass
    pid = os.fork()
    if pid == 0:  # the child: exit 0 only if its own budget fired
        code = 1
        try:
            with time_budget(0.1):
                _busy(3)
        except errors.ExtractionTimeoutError:
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_slow_pdf_in_a_thread_stops_at_the_budget_with_its_own_code():
    # 20 KB on disk, 8 MB of content stream once inflated: minutes of pypdf work.
    data = pdf_with_content(b"BT /F1 12 Tf 72 700 Td " + b"(word) Tj 1 0 Td " * 470_000 + b"ET")
    assert len(data) < 50_000
    result, seconds = _in_thread(lambda: extract(data, filename="slow.pdf", timeout_seconds=1.0))
    assert isinstance(result, errors.ExtractionTimeoutError), result
    assert result.code == "extraction_timeout"
    assert seconds < 5


@pytest.mark.parametrize(
    ("data", "filename", "content_type", "code"),
    [
        (b"PK\x03\x04" + b"\x00" * 100, "story.docx", None, "unsupported_format"),
        (b'{"title": "not an article"}', "story.json", None, "unsupported_format"),
        (b"plain words", None, "application/msword", "unsupported_format"),
        (b"no pdf header here", "story.pdf", None, "unsupported_format"),
        (b"", "empty.txt", None, "empty_document"),
        (b"  \n\t \n", "blank.html", None, "empty_document"),
        (b"\xe2\x9c\x95\n\nShare\n\n|\n", "furniture.txt", None, "no_text_found"),
    ],
)
def test_error_codes(data, filename, content_type, code):
    with pytest.raises(errors.ArticleError) as info:
        extract(data, filename=filename, content_type=content_type)
    assert info.value.code == code
    assert info.value.retryable is False
    assert info.value.to_dict()["code"] == code


@pytest.mark.parametrize(
    ("data", "filename", "content_type", "expected"),
    [
        (b"%PDF-1.4 ...", "upload.bin", None, "application/pdf"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "page.txt", None, "text/html"),
        (b"<div><p>fragment</p></div>", None, None, "text/html"),
        (b"<div>inline html in markdown</div>\n\n# Title", "notes.md", None, "text/markdown"),
        (b"# Title\n\nText", "notes.markdown", None, "text/markdown"),
        (b"Just words.", "notes.txt", None, "text/plain"),
        (b"Just words.", None, "text/markdown; charset=utf-8", "text/markdown"),
        (b"Just words.", "key-without-extension", None, "text/plain"),
        (b"\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00", None, None, "text/html"),
    ],
)
def test_detect_format(data, filename, content_type, expected):
    assert detect_format(data, filename=filename, content_type=content_type) == expected


def test_import_stays_light():
    code = (
        "import sys, articles, articles.extraction, articles.extraction.limits, "
        "articles.extraction.detect\n"
        "heavy = {'trafilatura', 'lxml', 'pypdf', 'charset_normalizer', 'boto3', 'botocore'}\n"
        "loaded = sorted(heavy & set(sys.modules))\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_extraction_path_never_imports_boto3(tmp_path):
    code = (
        "import sys\n"
        "from articles.extraction import extract\n"
        "extract(b'<html><body><article><p>' + b'Some words for the page. ' * 40 + "
        "b'</p></article></body></html>', filename='a.html')\n"
        "extract(b'Title\\n\\nSome words for the text file.', filename='a.txt')\n"
        "assert 'trafilatura' in sys.modules\n"
        "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)
