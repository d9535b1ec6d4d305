"""The local stack's moto DynamoDB adaptation answers as moto does, in one pass per item."""

from __future__ import annotations

import hashlib
import inspect
import time
from collections.abc import Iterator
from decimal import Decimal

import boto3
import pytest
from moto import mock_aws
from moto.core import serialize
from moto.dynamodb.models import utilities

from articles_cli.local import moto_dynamodb

# The moto code the adaptation stands in for or relies on, as reviewed. A moto upgrade that
# changes any of it fails here: read the new version and update moto_dynamodb (or drop it).
REVIEWED = {
    "BaseJSONSerializer._serialize_type_structure": "36873909cd0aeb4d",
    "ResponseSerializer._serialize_type_structure": "f9b47068f40ce489",
    "BaseJSONSerializer._serialize_type_string": "44954e02145012ba",
    "dynamo_to_dict": "80f600124c13ddcb",
}


def _digest(obj: object) -> str:
    return hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()[:16]  # type: ignore[arg-type]


def test_the_reviewed_moto_code_is_the_pinned_one() -> None:
    original = moto_dynamodb._State.originals[0][2] if moto_dynamodb._State.originals else None
    json_structure = original or serialize.BaseJSONSerializer.__dict__["_serialize_type_structure"]
    found = {
        "BaseJSONSerializer._serialize_type_structure": _digest(json_structure),
        "ResponseSerializer._serialize_type_structure": _digest(
            serialize.ResponseSerializer._serialize_type_structure
        ),
        "BaseJSONSerializer._serialize_type_string": _digest(
            serialize.BaseJSONSerializer._serialize_type_string
        ),
        "dynamo_to_dict": _digest(utilities.dynamo_to_dict),
    }
    assert found == REVIEWED


ITEM = {
    "pk": "a1",
    "text": 'Ünïcode, "quoted" and\nnew lines',
    "empty": "",
    "count": 42,
    "ratio": Decimal("0.125"),
    "blob": b"\x00\xffbinary",
    "tags": {"b", "a"},
    "sizes": {1, 2, 3},
    "blobs": {b"x", b"\x01y"},
    "flag": False,
    "nothing": None,
    "points": [{"text": "first", "score": Decimal("1.5"), "spans": [[0, 5], [7, 9]]}, "loose"],
    "nested": {"deep": {"deeper": {"list": [True, None, b"z", {"s"}]}}},
}


@pytest.fixture
def table() -> Iterator[tuple[object, object]]:
    """The table (boto3's resource, Python values) and a plain client (DynamoDB's JSON)."""
    with mock_aws():
        resource = boto3.resource("dynamodb", region_name="us-east-1")
        table = resource.create_table(
            TableName="records",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        table.put_item(Item=ITEM)
        for index in range(20):
            table.put_item(Item={**ITEM, "pk": f"b{index}", "count": index})
        yield table, boto3.client("dynamodb", region_name="us-east-1")


def _answers(client: object) -> tuple[object, ...]:
    got = client.get_item(TableName="records", Key={"pk": {"S": "a1"}})
    scanned = client.scan(TableName="records")
    queried = client.query(
        TableName="records",
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "b3"}},
    )
    projected = client.get_item(
        TableName="records",
        Key={"pk": {"S": "a1"}},
        ProjectionExpression="points, #b",
        ExpressionAttributeNames={"#b": "blob"},
    )
    described = client.describe_table(TableName="records")["Table"]
    drop = ("ResponseMetadata",)
    return (
        {k: v for k, v in got.items() if k not in drop},
        sorted((i for i in scanned["Items"]), key=lambda i: i["pk"]["S"]),
        queried["Items"],
        projected["Item"],
        {k: described[k] for k in ("TableName", "KeySchema", "CreationDateTime")},
    )


def test_items_come_back_as_moto_writes_them(table: tuple[object, object]) -> None:
    table, client = table  # type: ignore[assignment]
    before = _answers(client)
    assert before[0]["Item"]["blob"] == {"B": b"\x00\xffbinary"}  # type: ignore[index]
    assert before[0]["Item"]["empty"] == {"S": ""}  # type: ignore[index]
    moto_dynamodb.install()
    try:
        assert serialize.BaseJSONSerializer._serialize_type_structure is (
            moto_dynamodb._serialize_type_structure
        )
        assert _answers(client) == before
        table.put_item(Item={**ITEM, "pk": "c1", "text": "written while installed"})  # type: ignore[attr-defined]
        written = table.get_item(Key={"pk": "c1"})["Item"]  # type: ignore[attr-defined]
    finally:
        moto_dynamodb.uninstall()
    assert table.get_item(Key={"pk": "c1"})["Item"] == written  # type: ignore[attr-defined]
    assert written["blob"].value == ITEM["blob"] and written["tags"] == ITEM["tags"]


def test_a_large_item_is_served_faster(table: tuple[object, object]) -> None:
    """A record-sized item: the one pass costs a fraction of moto's member-by-member walk."""
    table, client = table  # type: ignore[assignment]
    big = {
        "pk": "big",
        "points": [{"text": f"point {i} " * 20, "start": i, "end": i + 9} for i in range(40)],
        "keywords": [f"word{i}" for i in range(60)],
    }
    table.put_item(Item=big)  # type: ignore[attr-defined]

    def best_of(runs: int) -> float:
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get_item(TableName="records", Key={"pk": {"S": "big"}})
            timings.append(time.perf_counter() - started)
        return min(timings)

    generic = best_of(15)
    moto_dynamodb.install()
    try:
        fast = best_of(15)
    finally:
        moto_dynamodb.uninstall()
    assert fast < generic * 0.6, (fast, generic)
