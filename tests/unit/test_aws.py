"""articles.aws: one answer per AWS error wherever the call is made, and clients built once."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from articles.aws import AwsClients, aws_errors
from articles.errors import ConcurrentUpdateError, SourceMissingError, StorageError


def _client_error(code: str, message: str = "details") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "GetObject")


@pytest.mark.parametrize("code", ["NoSuchKey", "NoSuchVersion", "404", "NotFound"])
def test_every_way_s3_says_missing_is_source_missing(code: str) -> None:
    missing = pytest.raises(SourceMissingError, match="s3://b/k no longer exists")
    with missing, aws_errors("s3", "get_object", subject="s3://b/k"):
        raise _client_error(code)


def test_a_lost_conditional_write_is_a_concurrent_update() -> None:
    with pytest.raises(ConcurrentUpdateError), aws_errors("dynamodb", "put_item"):
        raise _client_error("ConditionalCheckFailedException")


def test_other_errors_are_storage_errors_without_aws_text() -> None:
    detail = "User: arn:aws:sts::123456789012:assumed-role/r/f is not authorized"
    with pytest.raises(StorageError) as caught, aws_errors("s3", "get_object"):
        raise _client_error("AccessDenied", detail)
    assert caught.value.message == "s3 get_object failed: AccessDenied"
    assert caught.value.retryable


def test_connection_trouble_is_a_storage_error_naming_its_kind() -> None:
    with pytest.raises(StorageError, match=r"EndpointConnectionError$"), aws_errors("sqs", "send"):
        raise EndpointConnectionError(endpoint_url="https://sqs.us-east-1.amazonaws.com/")


def test_other_exceptions_pass_through() -> None:
    with pytest.raises(KeyError), aws_errors("s3", "get_object"):
        raise KeyError("Body")


def test_a_given_client_is_used_and_others_are_built_once_on_first_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[tuple[str, Any]] = []

    def fake_client(service: str, **kwargs: Any) -> object:
        built.append((service, kwargs.get("config")))
        return object()

    monkeypatch.setattr(boto3, "client", fake_client)
    given = object()
    clients = AwsClients(s3=given, config={"sqs": {"connect_timeout": 3}})  # type: ignore[arg-type]
    assert built == []
    assert clients.s3 is given
    assert clients.sqs is clients.sqs
    assert [service for service, _ in built] == ["sqs"]
    assert built[0][1].connect_timeout == 3
    assert clients.dynamodb is not clients.sqs
    assert [service for service, _ in built] == ["sqs", "dynamodb"]
