"""Bounds that keep one hostile document from taking a worker down."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from articles.errors import ExtractionTimeoutError, TooLargeError

MiB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MiB
# A long book is ~1 M characters; anything past that is not an article a reader will skim.
DEFAULT_MAX_OUTPUT_CHARS = 1_000_000
DEFAULT_TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_output_chars: int = DEFAULT_MAX_OUTPUT_CHARS
    timeout_seconds: float | None = DEFAULT_TIMEOUT_SECONDS


def check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise TooLargeError(f"input is {len(data)} bytes; the limit is {max_bytes}")


def truncate_text(text: str, max_chars: int) -> tuple[str, bool]:
    """Cut at the last paragraph (or word) break before the limit so the tail stays readable."""
    if len(text) <= max_chars:
        return text, False
    head = text[:max_chars]
    for sep in ("\n\n", "\n", " "):
        cut = head.rfind(sep)
        if cut > max_chars // 2:
            return head[:cut].rstrip(), True
    return head, True


@contextlib.contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise ExtractionTimeoutError after ``seconds`` of wall time.

    Uses SIGALRM, which only works in the main thread of a POSIX process (a Lambda handler and
    the CLI both run there); elsewhere the budget is not enforced and the size limits alone
    bound the work.
    """
    usable = (
        seconds is not None
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return
    assert seconds is not None

    def _expired(signum: int, frame: object) -> None:
        raise ExtractionTimeoutError(f"extraction took longer than {seconds:g} s")

    if signal.getitimer(signal.ITIMER_REAL)[0]:
        # A caller already armed its own alarm; leave it alone rather than clobber it.
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
