"""Following records through the HTTP API until they end: ``upload --wait`` and ``watch``.

A record is followed by polling ``GET /articles/{id}``; ``watch`` without ids also reads the
newest page and the QUEUED and EXTRACTED listings each round, which is how it sees records
start. Polling sees the states a record is in when it looks: a record that passes through a
state between two looks is reported in the state it reached.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

from articles.records.models import Status
from articles_cli.commands._remote import ApiClient, CommandError, NotFound

TERMINAL = frozenset(status.value for status in Status if status.terminal)
IN_PROGRESS = (Status.QUEUED.value, Status.EXTRACTED.value)
WAITING = "WAITING"  # no record of this upload yet
PAGE_SIZE = 100
MAX_PAGES = 5  # of each in-progress listing, per round
POLL_THREADS = 4


@dataclass
class Tracked:
    """One record being followed, as last seen."""

    id: str
    key: str = ""
    version_id: str | None = None  # only this object version counts (upload --wait)
    etag: str | None = None
    status: str | None = None  # None: no record (of this version) seen yet
    record: dict[str, Any] = field(default_factory=dict)
    since: float = field(default_factory=time.monotonic)

    @property
    def done(self) -> bool:
        return self.status in TERMINAL

    @property
    def shown_status(self) -> str:
        return self.status or WAITING

    def current(self, record: dict[str, Any]) -> bool:
        """Whether ``record`` describes the object version this follows."""
        source = record.get("source") or {}
        if self.version_id:
            return bool(source.get("version_id") == self.version_id)
        if self.etag:
            return str(source.get("etag") or "").strip('"') == self.etag.strip('"')
        return True

    def update(self, record: dict[str, Any] | None) -> bool:
        """Take a freshly read record; True when the status changed."""
        if record is None or not self.current(record):
            return False
        self.key = (record.get("source") or {}).get("key") or self.key
        changed = record.get("status") != self.status
        self.record = record
        self.status = record.get("status")
        if changed:
            self.since = time.monotonic()
        return changed


def detail(tracked: Tracked) -> str:
    """The last column: the title once SUMMARIZED, the error code once FAILED."""
    record = tracked.record
    if tracked.status == Status.FAILED.value:
        return (record.get("error") or {}).get("code") or "failed"
    if tracked.status == Status.DELETED.value:
        return "object deleted"
    return record.get("title") or ""


def result_line(tracked: Tracked) -> str:
    """``id  STATUS  key  title-or-error-code``: one article's outcome."""
    text = f"{tracked.id}  {tracked.shown_status:<10}  {tracked.key}"
    extra = detail(tracked)
    return f"{text}  {extra}" if extra else text


def as_json(tracked: Tracked) -> dict[str, Any]:
    record = tracked.record
    return {
        "id": tracked.id,
        "key": tracked.key,
        "status": tracked.shown_status,
        "title": record.get("title"),
        "error_code": (record.get("error") or {}).get("code"),
        "updated_at": record.get("updated_at"),
    }


# -- reading -------------------------------------------------------------------------------


def _get(client: ApiClient, id_: str) -> dict[str, Any] | None:
    try:
        record: dict[str, Any] = client.get(f"/articles/{urllib.parse.quote(id_, safe='')}")
    except NotFound:
        return None
    return record


def poll_ids(client: ApiClient, tracked: Iterable[Tracked]) -> tuple[list[Tracked], list[str]]:
    """Read each unfinished record once: (those whose status changed, ids with no record)."""
    pending = [t for t in tracked if not t.done]
    with ThreadPoolExecutor(max_workers=POLL_THREADS) as pool:
        records = list(pool.map(lambda t: _get(client, t.id), pending))
    changed = [t for t, record in zip(pending, records, strict=True) if t.update(record)]
    missing = [t.id for t, record in zip(pending, records, strict=True) if record is None]
    return changed, missing


def _listing(client: ApiClient, status: str | None, pages: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(pages):
        page = client.get("/articles", {"status": status, "limit": PAGE_SIZE, "cursor": cursor})
        items.extend(page.get("items", []))
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return items


class AllRecords:
    """``watch`` without ids: every record in progress when it starts, or starting later."""

    def __init__(self, client: ApiClient) -> None:
        self.client = client
        self.known: dict[str, tuple[str, str]] = {}  # id -> (status, updated_at) last seen
        self.tracked: dict[str, Tracked] = {}
        self.first = True

    def poll(self) -> list[Tracked]:
        items = _listing(self.client, None, 1)
        for status in IN_PROGRESS:
            items += _listing(self.client, status, MAX_PAGES)
        changed: list[Tracked] = []
        seen: set[str] = set()
        for item in items:
            id_ = item["id"]
            if id_ in seen:
                continue
            seen.add(id_)
            state = (item.get("status", ""), item.get("updated_at", ""))
            before = self.known.get(id_)
            self.known[id_] = state
            tracked = self.tracked.get(id_)
            if tracked is None:
                if self.first and state[0] in TERMINAL:
                    continue  # it ended before watch started: not followed
                if not self.first and before == state:
                    continue
                # In progress when watch started, new since, or started again (re-upload).
                tracked = self.tracked[id_] = Tracked(id_)
                tracked.update(item)
                changed.append(tracked)
            elif before != state and tracked.update(item):
                changed.append(tracked)
        # A followed record that left the listings (it ended, or is older than the first page).
        rest = [t for t in self.tracked.values() if not t.done and t.id not in seen]
        more, _missing = poll_ids(self.client, rest)
        self.first = False
        return changed + [t for t in more if t not in changed]


# -- showing -------------------------------------------------------------------------------


class LiveTable:
    """The followed records as a table redrawn in place (for a terminal)."""

    def __init__(self, stream: TextIO, title: str) -> None:
        self.stream = stream
        self.title = title
        self.drawn = 0

    def draw(self, tracked: list[Tracked], note: str = "") -> None:
        import shutil

        size = shutil.get_terminal_size((100, 24))
        rows = [self.title + (f"  {note}" if note else "")]
        shown = tracked[-max(1, size.lines - 3) :]
        if len(shown) < len(tracked):
            rows.append(f"  ... {len(tracked) - len(shown)} earlier")
        now = time.monotonic()
        for item in shown:
            age = f"{now - item.since:5.0f}s"
            rows.append(f"{result_line(item)}  ({item.shown_status.lower()} for {age.strip()})")
        rows = [row[: size.columns - 1] for row in rows]
        if self.drawn:
            self.stream.write(f"\x1b[{self.drawn}F\x1b[J")
        self.stream.write("\n".join(rows) + "\n")
        self.stream.flush()
        self.drawn = len(rows)


def timestamp() -> str:
    return datetime.now(UTC).strftime("%H:%M:%SZ")


def follow(
    poll: Callable[[], list[Tracked]],
    everything: Callable[[], list[Tracked]],
    *,
    interval: float,
    timeout: float | None,
    on_change: Callable[[Tracked], None],
    table: LiveTable | None = None,
    until_done: bool = True,
) -> bool:
    """Poll until every followed record is terminal (``until_done``) or the timeout passes;
    True when everything followed ended."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        for tracked in poll():
            on_change(tracked)
        items = everything()
        finished = bool(items) and all(t.done for t in items)
        if table is not None:
            done = sum(t.done for t in items)
            table.draw(items, f"{done}/{len(items)} ended")
        if until_done and finished:
            return True
        if deadline is not None and time.monotonic() >= deadline:
            return finished
        time.sleep(
            interval if deadline is None else max(0, min(interval, deadline - time.monotonic()))
        )


def status_line(stream: TextIO) -> Callable[[str], None]:
    """A one-line note on stderr, rewritten in place (only for a terminal)."""
    if not stream.isatty():
        return lambda _text: None

    def show(text: str) -> None:
        stream.write(f"\r\x1b[K{text}")
        stream.flush()

    return show


def check_interval(value: float) -> None:
    if value <= 0:
        raise CommandError("--interval must be more than 0 seconds", 2)
