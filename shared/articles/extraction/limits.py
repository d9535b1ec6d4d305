"""Bounds that keep one hostile document from taking a worker down."""

from __future__ import annotations

import contextlib
import ctypes
import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from articles.constants import DEFAULT_MAX_OBJECT_BYTES
from articles.errors import ExtractionTimeoutError, TooLargeError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import FrameType

# The engine's default input limit is the pipeline's (MaxObjectBytes in the template).
DEFAULT_MAX_BYTES = DEFAULT_MAX_OBJECT_BYTES
# A long book is ~1 M characters; anything past that is not an article a reader will skim.
DEFAULT_MAX_OUTPUT_CHARS = 1_000_000
DEFAULT_TIMEOUT_SECONDS = 20.0
# Once the budget is spent the watchdog raises again at this interval until the block is left,
# in case code in it caught the first one.
_REPEAT_SECONDS = 0.05


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


class _BudgetSpent(BaseException):
    """What the watchdog raises inside the working thread. Like KeyboardInterrupt it is not an
    ``Exception``, so a parser's ``except Exception`` cannot swallow it; ``time_budget`` turns
    it into ExtractionTimeoutError as the block is left."""


def _raise_in_thread(thread_id: int, exc_type: type[BaseException] | None) -> None:
    """Make ``thread_id`` raise ``exc_type`` at its next Python instruction (None: cancel)."""
    exc = ctypes.py_object(exc_type) if exc_type is not None else None
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), exc)


class _Watchdog:
    """Raises ``_BudgetSpent`` in one thread once ``seconds`` have passed, while that thread
    is still inside the block (its ``owner`` frame on the stack, not yet leaving)."""

    def __init__(self, seconds: float, owner: FrameType | None) -> None:
        self.seconds = seconds
        self.target = threading.get_ident()
        self.owner = owner
        self.fired = False
        self._done = False
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="extraction-budget", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _where(self) -> str:
        """ "inside" the block, "leaving" it (its exit code is running) or "gone" past it."""
        frame = sys._current_frames().get(self.target)
        while frame is not None:
            if frame.f_code in _EXIT_CODES:
                return "leaving"
            if frame is self.owner:
                return "inside"
            frame = frame.f_back
        return "gone"

    def _watch(self) -> None:
        timeout = self.seconds
        while not self._stopped.wait(timeout):
            with self._lock:
                if self._done:
                    break
                where = self._where()
                if where == "gone":
                    break
                if where == "inside":
                    self.fired = True
                    _raise_in_thread(self.target, _BudgetSpent)
            timeout = _REPEAT_SECONDS
        self.owner = None

    def stop(self) -> bool:
        """Stop watching (nothing is raised once this returns); True if the budget ran out."""
        while True:
            try:
                with self._lock:
                    self._done = True
                    fired = self.fired
                if fired:
                    _raise_in_thread(self.target, None)  # drop one raised but not yet seen
                self._stopped.set()
                self.owner = None
                return fired
            except _BudgetSpent:
                continue  # delivered while stopping; nothing more comes once _done is set


@contextlib.contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise ExtractionTimeoutError once the block has run for ``seconds`` of wall time.

    Works in any thread (a Lambda handler, the CLI's workers, the local stack's poller
    threads): a watchdog thread raises the error inside the working thread, between two Python
    instructions, so pure-Python parsing (pypdf) stops on time, and never once the block is
    left. A single call into C code (one lxml parse) finishes first; the size limits bound
    those.
    """
    if seconds is None or seconds <= 0:
        yield
        return
    # The frame running the with-statement: contextmanager's __enter__ is in between.
    watchdog = _Watchdog(seconds, sys._getframe(2))
    watchdog.start()
    message = f"extraction took longer than {seconds:g} s"
    try:
        yield
    except BaseException:
        if watchdog.stop():
            raise ExtractionTimeoutError(message) from None
        raise
    if watchdog.stop():
        raise ExtractionTimeoutError(message)


# Code that runs while the block is being left: the watchdog holds its fire there.
_EXIT_CODES = frozenset(
    {
        _Watchdog.stop.__code__,
        time_budget.__wrapped__.__code__,  # type: ignore[attr-defined]
        contextlib._GeneratorContextManager.__exit__.__code__,
    }
)
