"""What happens to a record when its stage fails: the retry and failure policy of both stages.

Permanent errors end the record as FAILED and the message is acknowledged. Transient ones
leave the record in its stage with the last error shown, and are raised so the queue
redelivers; on the last allowed delivery the record becomes FAILED (retryable) before the
message moves to the dead-letter queue, so nothing is left mid-way. Ending a record FAILED
publishes its completion event (articles.events).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from articles.errors import ArticleError, InternalError
from articles.observability import count_failure, logger
from articles.records.models import ErrorInfo, Status

if TYPE_CHECKING:
    from articles.events.publisher import EventPublisher
    from articles.records.models import ArticleRecord
    from articles.records.repository import ArticleRepository

# Longer messages are cut before they are stored on the record.
MAX_ERROR_MESSAGE_CHARS = 1000


@dataclass(frozen=True)
class FailurePolicy:
    repository: ArticleRepository
    max_receive_count: int
    events: EventPublisher

    def record(
        self, record: ArticleRecord, exc: Exception, *, stage: str, receive_count: int
    ) -> None:
        """Store what went wrong; re-raise when another delivery should try again."""
        error = as_article_error(exc)
        info = ErrorInfo(
            code=error.code,
            message=error.message[:MAX_ERROR_MESSAGE_CHARS],
            stage=stage,
            retryable=error.retryable,
        )
        final = not error.retryable or receive_count >= self.max_receive_count
        update: dict[str, Any] = {"error": info}
        if final:
            update["status"] = Status.FAILED
        log = logger.warning if error.retryable else logger.info
        log(
            "article failed" if final else "article will be retried",
            extra={"article_id": record.id, "stage": stage, "error_code": error.code},
        )
        try:
            stored = self.repository.save(
                record.model_copy(update=update), expected_revision=record.revision, announce=final
            )
        except ArticleError as save_error:
            logger.warning("could not record the failure", extra={"error_code": save_error.code})
            if not error.retryable:
                raise save_error from error
        else:
            if final:
                self.events.publish(stored)
        if final:
            count_failure(stage, error.code)
        if error.retryable:
            raise error


def as_article_error(exc: Exception) -> ArticleError:
    """Ours as it is; anything else is logged with its traceback and becomes internal_error."""
    if isinstance(exc, ArticleError):
        return exc
    logger.exception("unexpected error")
    return InternalError(f"unexpected {type(exc).__name__}")
