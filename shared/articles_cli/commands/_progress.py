"""A one-line progress bar on stderr, drawn only when a person is watching."""

from __future__ import annotations

from typing import TextIO

BAR_WIDTH = 30


class ProgressBar:
    def __init__(self, total: int, stream: TextIO, *, wanted: bool = True) -> None:
        self.total = max(total, 1)
        self.stream = stream
        self.enabled = wanted and stream.isatty()
        self.drawn = False  # the bar is on the current line

    def show(self, done: int, label: str) -> None:
        if not self.enabled:
            return
        filled = BAR_WIDTH * min(done, self.total) // self.total
        self.stream.write(f"\r[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {label}")
        self.stream.flush()
        self.drawn = True

    def clear(self) -> None:
        """Take the bar off its line (to print something else there); the next show redraws."""
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False

    def close(self) -> None:
        """End the bar's line, leaving the bar as last drawn."""
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False
