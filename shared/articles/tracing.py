"""Powertools Tracer for the queue-driven functions, at no cost when tracing is off.

Powertools builds the X-Ray SDK's recorder (and two botocore clients with it) as soon as a
``Tracer`` is created, even when tracing is disabled: about 200 ms of a cold start. So the
tracer gets the X-Ray provider only when it will trace (in Lambda, not under SAM local, and
``POWERTOOLS_TRACE_DISABLED`` not set: Powertools' own rule); otherwise a provider whose
segments record nothing, and the SDK is never imported. The read API does without a tracer
(Lambda's active tracing still records its invocations); the pipeline stages record
subsegments.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Tracer
from aws_lambda_powertools.shared.functions import resolve_truthy_env_var_choice
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment

from articles.observability import SERVICE

if TYPE_CHECKING:
    import numbers
    import traceback


def tracing_enabled() -> bool:
    """Whether X-Ray will record: the same conditions under which Powertools disables it."""
    if resolve_truthy_env_var_choice(env=os.getenv("POWERTOOLS_TRACE_DISABLED", "false")):
        return False
    in_lambda = bool(os.getenv("LAMBDA_TASK_ROOT"))
    emulated = bool(os.getenv("AWS_SAM_LOCAL") or os.getenv("AWS_CHALICE_CLI_MODE"))
    return in_lambda and not emulated


class _SilentSegment(BaseSegment):
    """A segment that records nothing."""

    def close(self, end_time: int | None = None) -> None:
        return None

    def add_subsegment(self, subsegment: Any) -> None:
        return None

    def remove_subsegment(self, subsegment: Any) -> None:
        return None

    def put_annotation(self, key: str, value: str | numbers.Number | bool) -> None:
        return None

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        return None

    def add_exception(
        self, exception: BaseException, stack: list[traceback.StackSummary], remote: bool = False
    ) -> None:
        return None


class SilentProvider(BaseProvider):
    """The tracing provider while tracing is off: Powertools' decorators run, nothing loads."""

    @contextmanager
    def in_subsegment(self, name: str | None = None, **kwargs: Any) -> Iterator[BaseSegment]:
        yield _SilentSegment()

    @asynccontextmanager
    async def in_subsegment_async(
        self, name: str | None = None, **kwargs: Any
    ) -> AsyncIterator[BaseSegment]:
        yield _SilentSegment()

    def put_annotation(self, key: str, value: str | numbers.Number | bool) -> None:
        return None

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        return None

    def patch(self, modules: Sequence[str]) -> None:
        return None

    def patch_all(self) -> None:
        return None


tracer = (
    Tracer(service=SERVICE)
    if tracing_enabled()
    else Tracer(service=SERVICE, disabled=True, provider=SilentProvider())
)
