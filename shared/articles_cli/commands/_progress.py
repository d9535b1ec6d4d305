"""A one-line progress bar on stderr, drawn only when a person is watching."""

from __future__ import annotations

from typing import TextIO

BAR_WIDTH = 30


class ProgressBar:
    def __init__(self, total: int, stream: TextIO, *, wanted: bool = True) -> None:
        self.total = max(total, 1)
        self.stream = stream
        self.enabled = wanted and stream.isatty()

    def show(self, done: int, label: str) -> None:
        if not self.enabled:
            return
        filled = BAR_WIDTH * min(done, self.total) // self.total
        self.stream.write(f"\r[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {label}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
