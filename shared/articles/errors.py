"""Every error the pipeline can report, each with a stable machine-readable ``code``.

The code is stored on a FAILED record and returned by the API, so it never changes once
published. ``retryable`` separates transient trouble (try again later: throttling, a storage
hiccup) from permanent problems with the input (retrying the same bytes cannot help).
"""

from __future__ import annotations

from typing import ClassVar


class ArticleError(Exception):
    """Base class: a failure the pipeline knows how to describe."""

    code: ClassVar[str] = "article_error"
    retryable: ClassVar[bool] = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class PermanentError(ArticleError):
    """The input itself is the problem; the same bytes will always fail the same way."""

    code = "invalid_input"


class TransientError(ArticleError):
    """Something outside the input failed; a later attempt may succeed."""

    code = "transient_error"
    retryable = True


# --- permanent: the input --------------------------------------------------------------------


class UnsupportedFormatError(PermanentError):
    code = "unsupported_format"


class TooLargeError(PermanentError):
    code = "too_large"


class EmptyDocumentError(PermanentError):
    code = "empty_document"


class EncryptedDocumentError(PermanentError):
    code = "encrypted_document"


class CorruptDocumentError(PermanentError):
    code = "corrupt_document"


class DecodingError(PermanentError):
    code = "undecodable_text"


class NoTextFoundError(PermanentError):
    code = "no_text_found"


class ExtractionTimeoutError(PermanentError):
    """The document took longer than the time budget; the same bytes would again."""

    code = "extraction_timeout"


class SourceMissingError(PermanentError):
    """The object was gone (deleted or overwritten) by the time we came to read it."""

    code = "source_missing"


class RecordRejectedError(PermanentError):
    """DynamoDB refused to store the record as it is (too large, an invalid value); writing the
    same record again would be refused again. The message keeps DynamoDB's reason."""

    code = "record_rejected"


# --- permanent: the request -------------------------------------------------------------------


class NotFoundError(PermanentError):
    """What was asked for does not exist: an article id (API), a path (``articles process``)."""

    code = "not_found"


class InvalidCursorError(PermanentError):
    code = "invalid_cursor"


class ConfigurationError(PermanentError):
    """A function's environment is missing a variable or has an invalid one."""

    code = "configuration_error"


# --- transient: the environment ---------------------------------------------------------------


class StorageError(TransientError):
    """S3, SQS or DynamoDB failed or refused (throttling, an outage, a permission)."""

    code = "storage_unavailable"


class ConcurrentUpdateError(TransientError):
    """Another delivery changed the record between our read and our write; try again."""

    code = "concurrent_update"


class StalledError(TransientError):
    """No stage finished with the article for too long: a function died mid-way (out of
    memory, a crash) after its last allowed delivery, or its message was lost. A later
    delivery, a dead-letter redrive or ``articles reprocess`` picks it up again."""

    code = "stalled"


class InternalError(TransientError):
    """An unexpected failure: retried, and reported with this code if it persists."""

    code = "internal_error"
