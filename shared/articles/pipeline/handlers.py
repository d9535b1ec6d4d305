"""The Lambda entry point shared by the queue-driven stages.

Each SQS message is one item of a partial batch response: a message whose article failed for
good is acknowledged (its record says why); one that may succeed later is reported back so SQS
redelivers it and, after the queue's maxReceiveCount, moves it to the dead-letter queue.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)

from articles.observability import logger, metrics
from articles.pipeline.context import PipelineContext
from articles.pipeline.messages import MalformedMessageError
from articles.settings import QueueStageSettings, get_settings
from articles.tracing import tracer

if TYPE_CHECKING:
    from collections.abc import Callable

    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext


SettingsT = TypeVar("SettingsT", bound=QueueStageSettings)


class Stage(Protocol[SettingsT]):
    def __call__(
        self, body: str, ctx: PipelineContext[SettingsT], *, receive_count: int = 1
    ) -> None: ...


@lru_cache(maxsize=4)
def default_context(model: type[SettingsT]) -> PipelineContext[SettingsT]:
    """One context per function process, built from its settings on the first message."""
    return PipelineContext.build(get_settings(model))


def sqs_stage_handler(
    stage: Stage[SettingsT], settings: type[SettingsT]
) -> Callable[[dict[str, Any], LambdaContext], PartialItemFailureResponse]:
    # A batch where every message failed is still answered item by item: the queue then
    # redelivers each one on its own clock instead of Lambda retrying the whole invocation.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

    def record_handler(record: SQSRecord) -> None:
        receive_count = int(record.attributes.approximate_receive_count or 1)
        try:
            stage(record.body, default_context(settings), receive_count=receive_count)
        except MalformedMessageError as exc:
            # Nothing in it names an object, so there is no record to fail: log, acknowledge.
            logger.error(
                "unreadable message dropped",
                extra={
                    "error_code": exc.code,
                    "detail": exc.message,
                    "message_id": record.message_id,
                },
            )

    @logger.inject_lambda_context(clear_state=True)
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )

    return handler
