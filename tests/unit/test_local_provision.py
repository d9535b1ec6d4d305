"""The local stack's resources come from template.yaml: bucket, queues, table, functions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from articles_cli.local import moto_events
from articles_cli.local.cloudformation import (
    PhysicalResource,
    Resolver,
    StackIdentity,
    TemplateError,
    load_template,
    parameter_values,
)
from articles_cli.local.provision import Clients, LocalStackResources, provision

TEMPLATE = load_template()
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]


@pytest.fixture
def aws() -> Iterator[Clients]:
    moto_events.install()
    try:
        with mock_aws():
            yield Clients.from_session(None, "us-east-1")
    finally:
        moto_events.uninstall()


@pytest.fixture
def stack(aws: Clients) -> LocalStackResources:
    return provision(aws, template=TEMPLATE)


# -- intrinsics --------------------------------------------------------------------------------


def test_bucket_name_follows_the_templates_sub_select_split() -> None:
    identity = StackIdentity(name="demo", region="eu-west-1", account_id="111122223333")
    resolver = Resolver(TEMPLATE, identity)
    name = resolver.resolve(RESOURCES["ArticlesBucket"]["Properties"]["BucketName"])
    suffix = identity.stack_id.split("/")[2].split("-")[0]
    assert name == f"article-pipeline-111122223333-eu-west-1-{suffix}"
    # Stable per stack name, so the bucket keeps its name across restarts.
    assert (
        Resolver(TEMPLATE, identity).resolve(
            RESOURCES["ArticlesBucket"]["Properties"]["BucketName"]
        )
        == name
    )


def test_conditions_and_if_follow_parameters() -> None:
    method = RESOURCES["ArticlesApiProxyMethod"]["Properties"]
    default = Resolver(TEMPLATE)
    assert default.resolve(method["AuthorizationType"]) == "AWS_IAM"
    assert default.resource_enabled("ApiKey") is False
    keyed = Resolver(TEMPLATE, parameters={"ApiAuth": "API_KEY"})
    assert keyed.resolve(method["AuthorizationType"]) == "NONE"
    assert keyed.resolve(method["ApiKeyRequired"]) is True
    assert keyed.resource_enabled("ApiKey") is True


def test_sub_with_resource_attributes_and_literals() -> None:
    resolver = Resolver(TEMPLATE)
    resolver.register("ArticlesBucket", PhysicalResource("b", {"Arn": "arn:aws:s3:::b"}))
    assert resolver.resolve({"Fn::Sub": "${ArticlesBucket.Arn}/${IncomingPrefix}*"}) == (
        "arn:aws:s3:::b/incoming/*"
    )
    assert resolver.resolve({"Fn::Sub": "${!Literal}-${AWS::Region}"}) == "${Literal}-us-east-1"
    assert resolver.resolve({"Fn::Join": ["-", ["a", {"Ref": "AWS::Partition"}]]}) == "a-aws"


def test_unknown_references_and_parameters_fail_loudly() -> None:
    resolver = Resolver(TEMPLATE)
    with pytest.raises(TemplateError, match="ArticlesTable"):
        resolver.resolve({"Ref": "ArticlesTable"})
    with pytest.raises(TemplateError, match="unknown template parameter"):
        parameter_values(TEMPLATE, {"NoSuchParameter": "1"})
    with pytest.raises(TemplateError, match="not one of"):
        parameter_values(TEMPLATE, {"Summarizer": "magic"})


# -- provisioned resources ---------------------------------------------------------------------


def test_bucket_versioning_and_notifications_match_the_template(
    aws: Clients, stack: LocalStackResources
) -> None:
    bucket = RESOURCES["ArticlesBucket"]["Properties"]
    versioning = aws.s3.get_bucket_versioning(Bucket=stack.bucket_name)
    assert versioning["Status"] == bucket["VersioningConfiguration"]["Status"] == "Enabled"

    config = aws.s3.get_bucket_notification_configuration(Bucket=stack.bucket_name)
    got = sorted(
        (
            entry["QueueArn"],
            tuple(entry["Events"]),
            tuple((r["Name"], r["Value"]) for r in entry["Filter"]["Key"]["FilterRules"]),
        )
        for entry in config["QueueConfigurations"]
    )
    ingest_arn = stack.queues["IngestQueue"].arn
    want = sorted(
        (
            ingest_arn,
            (entry["Event"],),
            (("prefix", stack.parameters["IncomingPrefix"]),),
        )
        for entry in bucket["NotificationConfiguration"]["QueueConfigurations"]
    )
    assert got == want
    assert len(got) == 2

    encryption = aws.s3.get_bucket_encryption(Bucket=stack.bucket_name)
    rule = encryption["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    block = aws.s3.get_public_access_block(Bucket=stack.bucket_name)
    assert all(block["PublicAccessBlockConfiguration"].values())


@pytest.mark.parametrize(
    ("queue", "dead_letter"),
    [("IngestQueue", "IngestDeadLetterQueue"), ("SummarizeQueue", "SummarizeDeadLetterQueue")],
)
def test_queue_attributes_and_redrive_match_the_template(
    aws: Clients, stack: LocalStackResources, queue: str, dead_letter: str
) -> None:
    properties = RESOURCES[queue]["Properties"]
    attributes = aws.sqs.get_queue_attributes(
        QueueUrl=stack.queues[queue].url, AttributeNames=["All"]
    )["Attributes"]
    assert int(attributes["VisibilityTimeout"]) == properties["VisibilityTimeout"]
    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == stack.queues[dead_letter].arn
    assert int(redrive["maxReceiveCount"]) == properties["RedrivePolicy"]["maxReceiveCount"]
    dlq = aws.sqs.get_queue_attributes(
        QueueUrl=stack.queues[dead_letter].url, AttributeNames=["MessageRetentionPeriod"]
    )["Attributes"]
    expected = RESOURCES[dead_letter]["Properties"]["MessageRetentionPeriod"]
    assert int(dlq["MessageRetentionPeriod"]) == expected


def test_table_keys_and_indexes_match_the_template(
    aws: Clients, stack: LocalStackResources
) -> None:
    table = aws.dynamodb.describe_table(TableName=stack.table_name)["Table"]
    properties = RESOURCES["ArticlesTable"]["Properties"]
    assert table["KeySchema"] == properties["KeySchema"]
    assert sorted(index["IndexName"] for index in table["GlobalSecondaryIndexes"]) == sorted(
        index["IndexName"] for index in properties["GlobalSecondaryIndexes"]
    )


def test_functions_get_their_template_environment_and_event_sources(
    stack: LocalStackResources,
) -> None:
    extract = stack.functions["ExtractFunction"]
    assert extract.handler_file.name == "app.py" and extract.handler_file.is_file()
    assert extract.environment["BUCKET_NAME"] == stack.bucket_name
    assert extract.environment["TABLE_NAME"] == stack.table_name
    assert extract.environment["SUMMARIZE_QUEUE_URL"] == stack.queues["SummarizeQueue"].url
    assert extract.environment["MAX_RECEIVE_COUNT"] == "5"
    (source,) = extract.event_sources
    assert source.queue.logical_id == "IngestQueue"
    assert source.batch_size == 5 and source.report_batch_item_failures
    (summarize_source,) = stack.functions["SummarizeFunction"].event_sources
    assert summarize_source.queue.logical_id == "SummarizeQueue"
    assert summarize_source.max_concurrency == 5
    assert stack.api_function == "ApiFunction"
    assert not stack.functions["ApiFunction"].event_sources
    merged = stack.merged_environment()
    assert merged["SUMMARIZER"] == "extractive"
    assert any("ArticlesApi " in skipped for skipped in stack.skipped)


def test_parameters_reach_the_resources(aws: Clients) -> None:
    stack = provision(
        aws, template=TEMPLATE, parameters={"IncomingPrefix": "drop/", "KeyPointCount": "4"}
    )
    config = aws.s3.get_bucket_notification_configuration(Bucket=stack.bucket_name)
    rules = config["QueueConfigurations"][0]["Filter"]["Key"]["FilterRules"]
    assert rules == [{"Name": "prefix", "Value": "drop/"}]
    assert stack.functions["SummarizeFunction"].environment["KEY_POINT_COUNT"] == "4"


def test_provisioning_twice_is_harmless(aws: Clients, stack: LocalStackResources) -> None:
    again = provision(aws, template=TEMPLATE)
    assert again.bucket_name == stack.bucket_name and again.table_name == stack.table_name


# -- S3 -> SQS, through moto's own notifications ----------------------------------------------


def _drain(aws: Clients, url: str) -> list[dict[str, Any]]:
    bodies = []
    while True:
        messages = aws.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return bodies
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            aws.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def test_uploads_under_the_prefix_notify_the_ingest_queue_as_s3_does(
    aws: Clients, stack: LocalStackResources
) -> None:
    url = stack.queues["IngestQueue"].url
    _drain(aws, url)  # the s3:TestEvent sent when notifications are configured
    key = "incoming/a b+c.txt"
    first = aws.s3.put_object(Bucket=stack.bucket_name, Key=key, Body=b"one")
    second = aws.s3.put_object(Bucket=stack.bucket_name, Key=key, Body=b"two")
    aws.s3.put_object(Bucket=stack.bucket_name, Key="elsewhere/x.txt", Body=b"ignored")
    aws.s3.delete_object(Bucket=stack.bucket_name, Key=key)

    records = [body["Records"][0] for body in _drain(aws, url)]
    assert [r["eventName"] for r in records] == [
        "ObjectCreated:Put",
        "ObjectCreated:Put",
        "ObjectRemoved:DeleteMarkerCreated",
    ]
    objects = [r["s3"]["object"] for r in records]
    from urllib.parse import unquote_plus

    assert {unquote_plus(o["key"]) for o in objects} == {key}
    assert [o["versionId"] for o in objects[:2]] == [first["VersionId"], second["VersionId"]]
    sequencers = [o["sequencer"] for o in objects]
    assert sequencers == sorted(sequencers) and len(set(sequencers)) == 3
