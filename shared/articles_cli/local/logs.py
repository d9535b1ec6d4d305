"""Readable console output for the local stack: one short line per article and stage.

The handlers log with Powertools (JSON, as CloudWatch wants it). Locally the same records are
rendered as ``time  stage  article  message  key=value ...``; the Lambda bookkeeping fields
(cold start, ARNs, sampling rate) are left out. CloudWatch embedded-metric lines that
Powertools prints to stdout are dropped from the console: nothing reads them here.
"""

from __future__ import annotations

import io
import logging
import sys
import threading
from typing import Any, TextIO

from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

_HIDDEN = {
    "level",
    "location",
    "message",
    "timestamp",
    "service",
    "cold_start",
    "function_name",
    "function_memory_size",
    "function_arn",
    "function_request_id",
    "correlation_id",
    "xray_trace_id",
    "sampling_rate",
    "exception",
    "exception_name",
    "exception_notes",
    "stack_trace",
    "article_id",
    "stage",
}
_FIRST = ("key", "title", "status", "error_code")


def _time(timestamp: Any) -> str:
    text = str(timestamp or "")
    # Powertools: 2024-01-01 12:34:56,789+0000
    return text[11:19] if len(text) >= 19 else text


def _value(value: Any) -> str:
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return repr(text) if " " in text or not text else text


class ReadableFormatter(LambdaPowertoolsFormatter):
    """Powertools' formatter with per-thread keys, rendering lines instead of JSON.

    In Lambda each function has its process to itself; here the functions share one logger
    from several threads, so the keys a handler appends (its context, the article id as
    correlation id) are kept per thread instead of on the shared formatter.
    """

    def __init__(self, stage_names: dict[str, str] | None = None, **kwargs: Any) -> None:
        self.__dict__["_local"] = threading.local()
        super().__init__(**kwargs)
        self.stage_names = stage_names or {}

    @property
    def log_format(self) -> dict[str, Any]:
        local = self.__dict__["_local"]
        current: dict[str, Any] | None = getattr(local, "value", None)
        if current is None:  # a thread's first line: start from the formatter's defaults
            current = dict.fromkeys(self.log_record_order)
            current.update(**self.keys_combined)
            local.value = current
        return current

    @log_format.setter
    def log_format(self, value: dict[str, Any]) -> None:
        self.__dict__["_local"].value = value

    def serialize(self, log: dict[str, Any]) -> str:  # type: ignore[override]
        function = str(log.get("function_name") or "")
        stage = str(log.get("stage") or self.stage_names.get(function, function or "-"))
        article = str(log.get("correlation_id") or log.get("article_id") or "-")
        level = str(log.get("level", "INFO"))
        message = str(log.get("message", ""))
        if level not in ("INFO", "DEBUG"):
            message = f"{level}: {message}"
        ordered = [name for name in _FIRST if name in log] + sorted(
            name for name in log if name not in _HIDDEN and name not in _FIRST
        )
        fields = " ".join(f"{name}={_value(log[name])}" for name in ordered)
        line = f"{_time(log.get('timestamp'))}  {stage:<9} {article:<24}  {message}"
        if fields:
            line += f"  {fields}"
        if log.get("exception_name"):
            last = str(log.get("exception", "")).strip().splitlines()[-1:] or [""]
            line += f"\n{'':>10}{log['exception_name']}: {last[0]}"
        return line


class PlainFormatter(logging.Formatter):
    """The local stack's own messages, in the same columns as the handlers' lines."""

    def __init__(self, stage: str = "local") -> None:
        super().__init__()
        self.stage = stage

    def format(self, record: logging.LogRecord) -> str:
        clock = self.formatTime(record, "%H:%M:%S")
        level = "" if record.levelno <= logging.INFO else f"{record.levelname}: "
        stage = self.stage
        for name in ("api", "events"):  # articles_cli.local.api, articles_cli.local.events
            if record.name.endswith(f".{name}"):
                stage = name
        article = str(getattr(record, "article_id", "-"))
        return f"{clock}  {stage:<9} {article:<24}  {level}{record.getMessage()}"


class DropMetricLines(io.TextIOBase):
    """A stdout wrapper that drops CloudWatch EMF lines (JSON objects with an ``_aws`` key)."""

    def __init__(self, target: TextIO) -> None:
        self.target = target
        self._pending = ""
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            self._pending += text
            while "\n" in self._pending:
                line, self._pending = self._pending.split("\n", 1)
                if not line.startswith('{"_aws"'):
                    self.target.write(line + "\n")
            self.target.flush()
        return len(text)

    def flush(self) -> None:
        with self._lock:
            self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.target, "encoding", "utf-8")


def install(powertools_logger: Any, stage_names: dict[str, str], level: str = "INFO") -> None:
    """Render the handlers' Powertools logger and the local stack's own logger readably."""
    if not isinstance(sys.stdout, DropMetricLines):
        sys.stdout = DropMetricLines(sys.stdout)
    handler = powertools_logger.registered_handler
    handler.setFormatter(ReadableFormatter(stage_names=stage_names))
    # The handler keeps writing to the stream it was given: point it at the filtered stdout.
    if isinstance(handler, logging.StreamHandler):
        handler.setStream(sys.stdout)
    powertools_logger.setLevel(level)

    local = logging.getLogger("articles_cli.local")
    if not local.handlers:
        stream = logging.StreamHandler(sys.stdout)
        stream.setFormatter(PlainFormatter())
        local.addHandler(stream)
        local.propagate = False
    local.setLevel(logging.INFO)
    # moto's server logs every request; the local stack reports what matters itself.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
