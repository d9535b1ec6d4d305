"""The one place AWS clients are built and AWS errors become ours.

``AwsClients`` holds the clients one part of the system talks to. Each is the one it was given
(a test's, the local stack's) or is built on first use and kept, so a warm Lambda reuses its
connections and boto3 is imported only when a client is first needed.

``aws_errors`` turns what botocore raises into the pipeline's errors, with one answer for each
AWS error code wherever the call is made. AWS's own message can name the role ARN, the account
and the bucket, so it goes to the log, never into an error message: those are stored on
records and shown to API callers. The one exception is DynamoDB refusing an item it was asked
to write (``ValidationException``): its message says what is wrong with the item ("Item size
has exceeded the maximum allowed size") and nothing about the caller, and is the only useful
account of a permanent failure, so it is kept.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, cast

from articles.errors import (
    ArticleError,
    ConcurrentUpdateError,
    RecordRejectedError,
    SourceMissingError,
    StorageError,
)
from articles.observability import logger

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

Service = Literal["s3", "sqs", "dynamodb", "bedrock-runtime", "events"]
ClientT = TypeVar("ClientT")

# S3 answers a missing key or version with any of these, depending on the operation (a HEAD
# has no body, so only its status code comes back). A version that is a delete marker answers
# 405 MethodNotAllowed. A missing key answers 404 only to a caller that may s3:ListBucket the
# bucket (403 otherwise): template.yaml grants it to every function that reads objects.
NOT_FOUND_CODES = frozenset(
    {"NoSuchKey", "NoSuchVersion", "404", "NotFound", "405", "MethodNotAllowed"}
)
# DynamoDB refusing an item it was asked to write; the same item is refused every time.
REJECTED_CODES = frozenset({"ValidationException"})
WRITE_OPERATIONS = frozenset({"put_item", "update_item"})
# A conditional write lost against another writer.
CONFLICT_CODES = frozenset({"ConditionalCheckFailedException"})


class _Client(Generic[ClientT]):
    """One service's client on :class:`AwsClients`: typed, and built on first access."""

    def __init__(self, service: Service) -> None:
        self.service: Service = service

    def __get__(self, clients: AwsClients, owner: type[AwsClients] | None = None) -> ClientT:
        return cast("ClientT", clients.get(self.service))


class AwsClients:
    """The AWS clients of one component: given ones, or built on first use and then kept."""

    s3: _Client[S3Client] = _Client("s3")
    sqs: _Client[SQSClient] = _Client("sqs")
    dynamodb: _Client[DynamoDBClient] = _Client("dynamodb")
    bedrock_runtime: _Client[BedrockRuntimeClient] = _Client("bedrock-runtime")
    events: _Client[EventBridgeClient] = _Client("events")

    def __init__(
        self,
        *,
        s3: S3Client | None = None,
        sqs: SQSClient | None = None,
        dynamodb: DynamoDBClient | None = None,
        bedrock_runtime: BedrockRuntimeClient | None = None,
        events: EventBridgeClient | None = None,
        config: Mapping[Service, Mapping[str, Any]] | None = None,
    ) -> None:
        given: dict[Service, Any] = {
            "s3": s3,
            "sqs": sqs,
            "dynamodb": dynamodb,
            "bedrock-runtime": bedrock_runtime,
            "events": events,
        }
        self._clients = {service: c for service, c in given.items() if c is not None}
        self._config = dict(config or {})

    def get(self, service: Service) -> Any:
        """The client for ``service``, built with this component's botocore config if new."""
        client = self._clients.get(service)
        if client is None:
            client = self._clients[service] = build_client(service, self._config.get(service))
        return client


def build_client(service: Service, config: Mapping[str, Any] | None = None) -> Any:
    """A new boto3 client; region, credentials and endpoint come from the environment."""
    import boto3

    if not config:
        return boto3.client(service)
    from botocore.config import Config

    return boto3.client(service, config=Config(**config))


def error_code(exc: BaseException) -> str:
    """AWS's error code of a botocore ClientError ("" for anything else)."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return ""
    error = response.get("Error")
    return str(error.get("Code", "")) if isinstance(error, dict) else ""


def translate(exc: Exception, *, service: str, operation: str, subject: str = "") -> ArticleError:
    """Our error for what botocore raised, logging AWS's detail (kept out of the message)."""
    code = error_code(exc)
    expected = code in NOT_FOUND_CODES or code in CONFLICT_CODES  # the callers handle these
    (logger.info if expected else logger.warning)(
        "AWS call failed",
        extra={
            "aws_service": service,
            "operation": operation,
            "aws_error_code": code or type(exc).__name__,
            "aws_detail": str(exc),
        },
    )
    if code in NOT_FOUND_CODES:
        return SourceMissingError(f"{subject or 'the object'} no longer exists")
    if code in CONFLICT_CODES:
        return ConcurrentUpdateError("the record changed while this delivery was working on it")
    if service == "dynamodb" and code in REJECTED_CODES and operation in WRITE_OPERATIONS:
        reason = str(getattr(exc, "response", {}).get("Error", {}).get("Message", ""))
        return RecordRejectedError(f"DynamoDB refused the record: {reason or code}")
    return StorageError(f"{service} {operation} failed: {code or type(exc).__name__}")


@contextlib.contextmanager
def aws_errors(service: str, operation: str, *, subject: str = "") -> Iterator[None]:
    """Run AWS calls, turning botocore's errors into ours (see :func:`translate`).

    ``subject`` names what the call reads ("s3://bucket/key") for a not-found message.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (BotoCoreError, ClientError) as exc:
        raise translate(exc, service=service, operation=operation, subject=subject) from exc


def failed_entries(response: Mapping[str, Any], *, service: str, operation: str) -> list[int]:
    """The positions of the entries a batch call refused (EventBridge's PutEvents answers 200
    with ``FailedEntryCount`` and an ``ErrorCode`` on each refused entry), each logged as
    :func:`translate` logs a failed call."""
    failed = []
    for position, entry in enumerate(response.get("Entries", [])):
        if entry.get("ErrorCode"):
            failed.append(position)
            logger.warning(
                "AWS call failed",
                extra={
                    "aws_service": service,
                    "operation": operation,
                    "aws_error_code": entry["ErrorCode"],
                    "aws_detail": str(entry.get("ErrorMessage", "")),
                },
            )
    return failed
