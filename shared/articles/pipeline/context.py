"""What a stage needs to run: settings, the record store and AWS clients (built on first use)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from articles.errors import ArticleError, InternalError, SourceMissingError, StorageError
from articles.observability import count_failure, logger
from articles.records.models import ArticleRecord, ErrorInfo, Status
from articles.records.repository import ArticleRepository

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

    from articles.settings import Settings


class Outcome(StrEnum):
    EXTRACTED = "extracted"
    SUMMARIZED = "summarized"
    FAILED = "failed"
    DELETED = "deleted"
    SKIPPED = "skipped"


@dataclass
class PipelineContext:
    settings: Settings
    repository: ArticleRepository
    _s3: S3Client | None = field(default=None, repr=False)
    _sqs: SQSClient | None = field(default=None, repr=False)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, s3: S3Client | None = None, sqs: SQSClient | None = None
    ) -> PipelineContext:
        settings.require("table_name")
        assert settings.table_name is not None
        return cls(settings, ArticleRepository(settings.table_name), s3, sqs)

    @property
    def s3(self) -> S3Client:
        if self._s3 is None:
            import boto3

            self._s3 = boto3.client("s3")
        return self._s3

    @property
    def sqs(self) -> SQSClient:
        if self._sqs is None:
            import boto3

            self._sqs = boto3.client("sqs")
        return self._sqs

    def s3_call(self, operation: str, **kwargs: Any) -> Any:
        """Call S3, turning its errors into ours: a vanished object is permanent, the rest not."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.s3, operation)(**kwargs)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in {"NoSuchKey", "NoSuchVersion", "404", "NotFound"}:
                raise SourceMissingError(
                    f"s3://{kwargs.get('Bucket')}/{kwargs.get('Key')} no longer exists"
                ) from exc
            raise StorageError(f"S3 {operation} failed: {code or exc}") from exc
        except BotoCoreError as exc:
            raise StorageError(f"S3 {operation} failed: {exc}") from exc

    def send_json(self, queue_url: str, payload: dict[str, Any]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(payload))
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"SQS send_message failed: {exc}") from exc

    # -- failure bookkeeping shared by both stages --------------------------------------------

    def record_failure(
        self, record: ArticleRecord, error: ArticleError, *, stage: str, receive_count: int
    ) -> Outcome:
        """Store what went wrong; re-raise when another delivery should try again.

        Permanent errors end the record as FAILED and the message is acknowledged. Transient
        ones leave the record in its stage with the last error shown, and are raised so the
        queue redelivers; on the last allowed delivery the record becomes FAILED (retryable)
        before the message moves to the dead-letter queue, so nothing is left mid-way.
        """
        info = ErrorInfo(
            code=error.code, message=error.message[:1000], stage=stage, retryable=error.retryable
        )
        final = not error.retryable or receive_count >= self.settings.max_receive_count
        update: dict[str, Any] = {"error": info}
        if final:
            update["status"] = Status.FAILED
        log = logger.warning if error.retryable else logger.info
        log(
            "article failed" if final else "article will be retried",
            extra={"article_id": record.id, "stage": stage, "error_code": error.code},
        )
        try:
            self.repository.save(
                record.model_copy(update=update), expected_revision=record.revision
            )
        except ArticleError as save_error:
            logger.warning("could not record the failure", extra={"error_code": save_error.code})
            if not error.retryable:
                raise save_error from error
        if final:
            count_failure(stage, error.code)
        if error.retryable:
            raise error
        return Outcome.FAILED


def as_article_error(exc: Exception) -> ArticleError:
    if isinstance(exc, ArticleError):
        return exc
    logger.exception("unexpected error")
    return InternalError(f"{type(exc).__name__}: {exc}")
