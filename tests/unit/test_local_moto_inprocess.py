"""The local stack's own calls reach its moto in-process, with the answers HTTP would give."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

from articles_cli.local import moto_inprocess

CREDENTIALS = {
    "region_name": "us-east-1",
    "aws_access_key_id": "testing",
    "aws_secret_access_key": "testing",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        with contextlib.suppress(Exception):
            server.stop()


def _pair(endpoint: str) -> tuple[Any, Any, moto_inprocess.InProcessMoto]:
    """A session whose clients skip HTTP, and one whose clients use it."""
    direct, network = boto3.session.Session(**CREDENTIALS), boto3.session.Session(**CREDENTIALS)
    handler = moto_inprocess.attach(direct.events, endpoint)
    return direct, network, handler


def _without_metadata(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


def test_s3_answers_match_http_and_share_state(endpoint: str) -> None:
    direct, network, handler = _pair(endpoint)
    mine = direct.client("s3", endpoint_url=endpoint)
    theirs = network.client("s3", endpoint_url=endpoint)
    mine.create_bucket(Bucket="articles")
    mine.put_object(
        Bucket="articles", Key="incoming/a b.txt", Body=b"caf\xc3\xa9", ContentType="text/plain"
    )
    assert handler.answered == 2
    # A user's client over HTTP sees what the in-process one wrote, and the other way round.
    assert (
        theirs.get_object(Bucket="articles", Key="incoming/a b.txt")["Body"].read()
        == b"caf\xc3\xa9"
    )
    theirs.put_object(Bucket="articles", Key="texts/b.txt", Body=b"second")
    got = mine.get_object(Bucket="articles", Key="texts/b.txt")
    assert got["Body"].read() == b"second" and got["ContentLength"] == 6
    head_mine = mine.head_object(Bucket="articles", Key="incoming/a b.txt")
    head_theirs = theirs.head_object(Bucket="articles", Key="incoming/a b.txt")
    assert head_mine["ETag"] == head_theirs["ETag"] and head_mine["ContentType"] == "text/plain"
    listed = [o["Key"] for o in mine.list_objects_v2(Bucket="articles")["Contents"]]
    assert listed == [o["Key"] for o in theirs.list_objects_v2(Bucket="articles")["Contents"]]
    for client in (mine, theirs):
        with pytest.raises(ClientError) as missing:
            client.get_object(Bucket="articles", Key="nope")
        assert missing.value.response["Error"]["Code"] == "NoSuchKey"
        with pytest.raises(ClientError) as missing_head:
            client.head_object(Bucket="articles", Key="nope")
        assert missing_head.value.response["Error"]["Code"] == "404"
    assert handler.answered == 7


def test_dynamodb_and_sqs_answers_match_http(endpoint: str) -> None:
    direct, network, handler = _pair(endpoint)
    mine = direct.client("dynamodb", endpoint_url=endpoint)
    theirs = network.client("dynamodb", endpoint_url=endpoint)
    mine.create_table(
        TableName="records",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    item = {"pk": {"S": "a"}, "n": {"N": "3"}, "points": {"L": [{"M": {"t": {"S": "x"}}}]}}
    mine.put_item(TableName="records", Item=item)
    key = {"pk": {"S": "a"}}
    assert mine.get_item(TableName="records", Key=key)["Item"] == item
    assert _without_metadata(mine.get_item(TableName="records", Key=key)) == _without_metadata(
        theirs.get_item(TableName="records", Key=key)
    )
    for client in (mine, theirs):
        with pytest.raises(ClientError) as lost:
            client.put_item(
                TableName="records", Item=item, ConditionExpression="attribute_not_exists(pk)"
            )
        assert lost.value.response["Error"]["Code"] == "ConditionalCheckFailedException"

    sqs_mine = direct.client("sqs", endpoint_url=endpoint)
    sqs_theirs = network.client("sqs", endpoint_url=endpoint)
    url = sqs_theirs.create_queue(QueueName="ingest")["QueueUrl"]
    sqs_theirs.send_message(QueueUrl=url, MessageBody="over http")
    received = sqs_mine.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in received] == ["over http"]
    sqs_mine.delete_message(QueueUrl=url, ReceiptHandle=received[0]["ReceiptHandle"])
    attributes = sqs_theirs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    assert attributes["Attributes"]["ApproximateNumberOfMessages"] == "0"
    assert handler.answered == 7

    # An event put in-process reaches a rule's queue that a client over HTTP reads.
    bus_theirs = network.client("events", endpoint_url=endpoint)
    queue_arn = sqs_theirs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    bus_theirs.put_rule(Name="done", EventPattern='{"source": ["articles"]}')
    bus_theirs.put_targets(Rule="done", Targets=[{"Id": "q", "Arn": queue_arn}])
    put = direct.client("events", endpoint_url=endpoint).put_events(
        Entries=[{"Source": "articles", "DetailType": "ArticleDone", "Detail": '{"id": "a"}'}]
    )
    assert put["FailedEntryCount"] == 0 and handler.answered == 8
    delivered = sqs_theirs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert '"ArticleDone"' in delivered[0]["Body"]


def test_other_endpoints_and_services_still_go_over_http(endpoint: str) -> None:
    session = boto3.session.Session(**CREDENTIALS)
    handler = moto_inprocess.attach(session.events, endpoint)
    # Not this endpoint: the call goes out over HTTP (here, to the same server by another name).
    other = endpoint.replace("127.0.0.1", "localhost")
    session.client("s3", endpoint_url=other).create_bucket(Bucket="elsewhere")
    assert handler.answered == 0
    # Not a service answered here: CloudFormation goes over HTTP as before.
    session.client("cloudformation", endpoint_url=endpoint).list_stacks()
    assert handler.answered == 0
    buckets = session.client("s3", endpoint_url=endpoint).list_buckets()["Buckets"]
    assert "elsewhere" in [bucket["Name"] for bucket in buckets]
    assert handler.answered == 1
