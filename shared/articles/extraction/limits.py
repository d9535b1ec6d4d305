"""Bounds that keep one hostile document from taking a worker down."""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
import time
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


class _Watch:
    """One time budget: raise ``_BudgetSpent`` in thread ``target`` once ``deadline`` has
    passed, while that thread is still inside the block (its ``owner`` frame on the stack,
    not yet leaving)."""

    __slots__ = ("deadline", "done", "fired", "owner", "target")

    def __init__(self, seconds: float, owner: FrameType | None) -> None:
        self.deadline = time.monotonic() + seconds
        self.target = threading.get_ident()
        self.owner = owner
        self.fired = False
        self.done = False

    def where(self, frames: dict[int, FrameType]) -> str:
        """ "inside" the block, "leaving" it (or still entering it) or "gone" past it."""
        frame = frames.get(self.target)
        while frame is not None:
            if frame.f_code in _EXIT_CODES:
                return "leaving"
            if frame is self.owner:
                return "inside"
            frame = frame.f_back
        return "gone"


class _Watchdog:
    """The process's one watchdog thread, serving every budget of every thread: a budget
    costs a lock and a set entry, not a thread start (which a busy machine makes slow)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Start afresh (also in a forked child, which inherits the state but not the thread,
        and maybe a lock the thread held)."""
        # Working threads take the bare lock, whose acquire and release are C calls: the
        # watchdog's exception can reach a thread between any two Python instructions, and
        # one landing inside a Python-level __enter__ (Condition's) just after the acquire
        # would leave the lock held for good.
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._watches: set[_Watch] = set()
        self._thread: threading.Thread | None = None
        self._until: float | None = None  # when the thread wakes next (None: when woken)

    def watch(self, seconds: float, owner: FrameType | None) -> _Watch:
        watch = _Watch(seconds, owner)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="extraction-budget", daemon=True
                )
                self._thread.start()
            self._watches.add(watch)
            # Wake the thread only when it would sleep past this deadline: a wake-up is a
            # thread switch, and one per budget costs more than the budget itself.
            if self._until is None or watch.deadline < self._until:
                self._wake.notify()
        return watch

    def _run(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                due = [w for w in self._watches if w.deadline <= now]
                frames = sys._current_frames() if due else {}
                for watch in due:
                    where = watch.where(frames)
                    if where == "gone":
                        self._forget(watch)
                        continue
                    if where == "inside":
                        watch.fired = True
                        _raise_in_thread(watch.target, _BudgetSpent)
                    # Raise again until the block is left, in case code in it caught it.
                    watch.deadline = now + _REPEAT_SECONDS
                frames.clear()
                self._until = min((w.deadline for w in self._watches), default=None)
                self._wake.wait(None if self._until is None else max(0.0, self._until - now))

    def _forget(self, watch: _Watch) -> None:
        watch.done = True
        watch.owner = None
        self._watches.discard(watch)

    def stop(self, watch: _Watch) -> bool:
        """Stop watching (nothing is raised once this returns); True if the budget ran out."""
        while True:
            try:
                with self._lock:
                    self._forget(watch)
                    fired = watch.fired
                if fired:
                    _raise_in_thread(watch.target, None)  # drop one raised but not yet seen
                return fired
            except _BudgetSpent:
                continue  # delivered while stopping; nothing more comes once it is forgotten


_WATCHDOG = _Watchdog()
os.register_at_fork(after_in_child=_WATCHDOG.reset)


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
    watch = _WATCHDOG.watch(seconds, sys._getframe(2))
    message = f"extraction took longer than {seconds:g} s"
    try:
        yield
    except BaseException:
        if _WATCHDOG.stop(watch):
            raise ExtractionTimeoutError(message) from None
        raise
    if _WATCHDOG.stop(watch):
        raise ExtractionTimeoutError(message)


# Code that runs while the block is being entered or left: the watchdog holds its fire there
# (raised in the context manager's __enter__, after the generator has reached its yield, the
# exception would escape the block's clean-up unconverted).
_EXIT_CODES = frozenset(
    {
        _Watchdog.watch.__code__,
        _Watchdog.stop.__code__,
        _Watchdog._forget.__code__,
        time_budget.__wrapped__.__code__,  # type: ignore[attr-defined]
        contextlib._GeneratorContextManager.__enter__.__code__,
        contextlib._GeneratorContextManager.__exit__.__code__,
    }
)
