"""Where a running local stack says it listens, for the client commands to find it.

``articles serve`` writes one small JSON file per running stack into ``stacks_dir()`` (named by
its process id) and removes it when it stops. The client commands (``upload``, ``list``,
``show``, ``reprocess``, ``watch``) read the newest file whose process is still alive when no
flag or environment variable names an endpoint, so a stack started on other ports is found
without flags. A file left behind by a killed stack names a dead process: it is ignored and
removed.

This module imports nothing heavy: the client commands load it on every run.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

STACKS_DIR_ENV = "ARTICLES_LOCAL_STACKS_DIR"


@dataclass(frozen=True)
class LocalEndpoints:
    """What a client needs to reach one running local stack."""

    pid: int
    stack_name: str
    region: str
    endpoint_url: str
    api_url: str
    bucket: str
    ingest_queue_url: str
    started_at: float

    def exports(self) -> list[str]:
        """Shell lines that point another shell's aws and articles commands at this stack."""
        return [
            f"export AWS_ENDPOINT_URL={self.endpoint_url} AWS_DEFAULT_REGION={self.region}",
            "export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing",
            f"export ARTICLES_API_URL={self.api_url} ARTICLES_BUCKET={self.bucket}",
        ]


def stacks_dir() -> Path:
    """``$ARTICLES_LOCAL_STACKS_DIR``, else ``$XDG_STATE_HOME/articles/local-stacks``, else
    ``~/.local/state/articles/local-stacks``."""
    if os.environ.get(STACKS_DIR_ENV):
        return Path(os.environ[STACKS_DIR_ENV])
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "articles" / "local-stacks"


def write(entry: LocalEndpoints) -> Path:
    """Record a running stack (atomically: a reader never sees half a file)."""
    directory = stacks_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{entry.pid}.json"
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(asdict(entry), indent=2) + "\n", encoding="utf-8")
    partial.replace(path)
    return path


def remove(pid: int) -> None:
    with contextlib.suppress(OSError):
        (stacks_dir() / f"{pid}.json").unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process, but alive
    return True


def running() -> list[LocalEndpoints]:
    """The stacks whose process is alive, newest first; files of dead ones are removed."""
    directory = stacks_dir()
    found: list[LocalEndpoints] = []
    for path in directory.glob("*.json") if directory.is_dir() else ():
        try:
            entry = LocalEndpoints(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            continue  # unreadable or of another shape: not ours to judge or remove
        if _alive(entry.pid):
            found.append(entry)
        else:
            with contextlib.suppress(OSError):
                path.unlink()
    return sorted(found, key=lambda entry: entry.started_at, reverse=True)


def newest() -> LocalEndpoints | None:
    stacks = running()
    return stacks[0] if stacks else None


def by_endpoint(endpoint_url: str) -> LocalEndpoints | None:
    """The running stack at this AWS endpoint, if one wrote its file."""
    wanted = endpoint_url.rstrip("/")
    for entry in running():
        if entry.endpoint_url.rstrip("/") == wanted:
            return entry
    return None
