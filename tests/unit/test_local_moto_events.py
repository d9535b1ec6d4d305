"""The local stack's S3 notifications say what S3's say: one event per upload, one sequencer
per object version, a delete marker announced."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from moto import mock_aws

from articles_cli.local import moto_events

MiB = 1024 * 1024
BUCKET = "events-bucket"


@pytest.fixture
def aws() -> Iterator[tuple[Any, Any, str]]:
    moto_events.install()
    try:
        with mock_aws():
            s3 = boto3.client("s3", region_name="us-east-1")
            sqs = boto3.client("sqs", region_name="us-east-1")
            url = sqs.create_queue(QueueName="ingest")["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
            s3.create_bucket(Bucket=BUCKET)
            s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
            s3.put_bucket_notification_configuration(
                Bucket=BUCKET,
                NotificationConfiguration={
                    "QueueConfigurations": [
                        {"QueueArn": arn, "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}
                    ]
                },
            )
            _drain(sqs, url)  # the s3:TestEvent
            yield s3, sqs, url
    finally:
        moto_events.uninstall()


def _drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    records = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return records
        for message in messages:
            records.extend(json.loads(message["Body"]).get("Records", []))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def test_a_multipart_upload_is_one_event(aws, tmp_path):
    s3, sqs, url = aws
    path = tmp_path / "big.txt"
    path.write_bytes(b"The harbour report, page after page.\n" * (300_000))  # 11 MB
    config = TransferConfig(multipart_threshold=8 * MiB, multipart_chunksize=8 * MiB)
    s3.upload_file(str(path), BUCKET, "incoming/big.txt", Config=config)
    version = s3.head_object(Bucket=BUCKET, Key="incoming/big.txt")["VersionId"]

    records = _drain(sqs, url)
    assert [r["eventName"] for r in records] == ["ObjectCreated:CompleteMultipartUpload"]
    assert records[0]["s3"]["object"]["versionId"] == version
    assert records[0]["s3"]["object"]["size"] == path.stat().st_size


def test_each_version_has_one_sequencer_and_they_increase(aws):
    s3, sqs, url = aws
    s3.put_object(Bucket=BUCKET, Key="incoming/a.txt", Body=b"one")
    s3.put_object(Bucket=BUCKET, Key="incoming/a.txt", Body=b"two")
    s3.delete_object(Bucket=BUCKET, Key="incoming/a.txt")
    records = _drain(sqs, url)
    assert [r["eventName"] for r in records] == [
        "ObjectCreated:Put",
        "ObjectCreated:Put",
        "ObjectRemoved:DeleteMarkerCreated",
    ]
    sequencers = [r["s3"]["object"]["sequencer"] for r in records]
    assert sequencers == sorted(sequencers) and len(set(sequencers)) == 3


def test_uninstall_restores_moto():
    from moto.s3 import models, notifications

    before = (notifications.send_event, models.S3Backend.complete_multipart_upload)
    moto_events.install()
    assert notifications.send_event is not before[0]
    moto_events.uninstall()
    assert (notifications.send_event, models.S3Backend.complete_multipart_upload) == before
