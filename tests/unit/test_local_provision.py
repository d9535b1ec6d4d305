"""The local stack is template.yaml deployed by the SAM translator and moto's CloudFormation."""

from __future__ import annotations

import copy
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_plus, urlsplit

import pytest
from moto import mock_aws

from articles_cli.local import moto_events
from articles_cli.local.cloudformation import TemplateError, check_parameters, load_template
from articles_cli.local.dispatcher import Dispatcher
from articles_cli.local.provision import (
    ARTIFACTS_BUCKET,
    Clients,
    LocalStackResources,
    provision,
    read_stack,
)
from tests.conftest import EVENTS

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
    return provision(aws)


# -- what CloudFormation derives -----------------------------------------------------------------


def test_bucket_name_follows_the_templates_sub_select_split() -> None:
    names = []
    for _ in range(2):  # two fresh accounts: moto's seeded random source gives the same id
        with mock_aws():
            clients = Clients.from_session(None, "eu-west-1")
            stack = provision(clients, stack_name="demo")
            (described,) = clients.cloudformation.describe_stacks(StackName="demo")["Stacks"]
            suffix = described["StackId"].split("/")[2].split("-")[0]
            assert stack.bucket_name == f"article-pipeline-123456789012-eu-west-1-{suffix}"
            names.append(stack.bucket_name)
    # Stable per stack name, so the bucket keeps its name across restarts.
    assert names[0] == names[1]


def _proxy_method(clients: Clients) -> dict[str, Any]:
    (api,) = clients.apigateway.get_rest_apis()["items"]
    (proxy,) = [
        r
        for r in clients.apigateway.get_resources(restApiId=api["id"])["items"]
        if r["path"] == "/{proxy+}"
    ]
    found: dict[str, Any] = clients.apigateway.get_method(
        restApiId=api["id"],
        resourceId=proxy["id"],
        httpMethod="ANY",  # the template routes every method
    )
    return found


def test_conditions_and_if_follow_parameters() -> None:
    with mock_aws():
        clients = Clients.from_session(None, "us-east-1")
        provision(clients)
        method = _proxy_method(clients)
        assert method["authorizationType"] == "AWS_IAM"
        assert method["apiKeyRequired"] is False
    with mock_aws():
        clients = Clients.from_session(None, "us-east-1")
        provision(clients, parameters={"ApiAuth": "API_KEY"})
        method = _proxy_method(clients)
        assert method["authorizationType"] == "NONE"
        assert method["apiKeyRequired"] is True


def test_every_output_resolves(stack: LocalStackResources) -> None:
    declared = {name for name, output in TEMPLATE["Outputs"].items() if "Condition" not in output}
    assert declared <= set(stack.outputs)
    assert all(stack.outputs[name] for name in declared)
    assert stack.outputs["BucketName"] == stack.bucket_name
    assert stack.outputs["TableName"] == stack.table_name
    assert stack.outputs["IngestQueueUrl"] == stack.queues["IngestQueue"].url
    assert stack.outputs["ApiUrl"].endswith(".execute-api.us-east-1.amazonaws.com/v1")


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        (("KeyPointCount", "abc"), "is not a number"),
        (("KeyPointCount", "nan"), "is not a number"),
        (("KeyPointCount", "8"), "above MaxValue 7"),
        (("KeyPointCount", "-1"), "below MinValue 0"),
        (("MaxObjectBytes", "12"), "below MinValue 1024"),
        (("IncomingPrefix", "incoming"), "does not match AllowedPattern"),
        (("IncomingPrefix", "texts/x/"), "not under texts/"),
        (("AlarmEmail", "someone"), "an email address, or empty"),
        (("LogRetentionDays", "2"), "is not one of"),
    ],
)
def test_parameter_values_are_checked_as_cloudformation_does(
    pair: tuple[str, str], message: str
) -> None:
    name, value = pair
    with pytest.raises(TemplateError, match=message) as caught:
        check_parameters(TEMPLATE, {name: value})
    assert str(caught.value).startswith(f"parameter {name}={value!r} ")


def test_valid_parameter_values_pass() -> None:
    check_parameters(
        TEMPLATE,
        {
            "KeyPointCount": "0",
            "MaxObjectBytes": "1024",
            "IncomingPrefix": "drop/box/",
            "AlarmEmail": "",
            "BedrockModelId": "us.amazon.nova-lite-v1:0",
            "LogRetentionDays": "14",
        },
    )


def test_serve_refuses_a_bad_parameter_value_and_does_not_come_up() -> None:
    ports = []
    for _ in range(2):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            ports.append(str(sock.getsockname()[1]))
    argv = ["serve", "--aws-port", ports[0], "--api-port", ports[1], "--no-samples"]
    done = subprocess.run(
        [sys.executable, "-m", "articles_cli.main", *argv, "--parameter", "KeyPointCount=abc"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ARTICLES_"))},
    )
    err = done.stderr.strip().splitlines()
    assert done.returncode != 0
    assert err and err[-1].startswith("articles: error: parameter KeyPointCount="), err
    assert "not a number" in err[-1] and "Traceback" not in done.stderr
    assert "local stack up" not in done.stdout + done.stderr


def test_unknown_references_and_parameters_fail_loudly(aws: Clients) -> None:
    with pytest.raises(TemplateError, match="unknown template parameter"):
        provision(aws, parameters={"NoSuchParameter": "1"})
    with pytest.raises(TemplateError, match="not one of"):
        provision(aws, parameters={"Summarizer": "magic"})
    broken = copy.deepcopy(TEMPLATE)
    broken["Resources"]["ExtractFunction"]["Properties"]["Events"]["Ingest"]["Type"] = "Nope"
    with pytest.raises(TemplateError, match="SAM transform"):
        provision(aws, template=broken)


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
    lifecycle = aws.s3.get_bucket_lifecycle_configuration(Bucket=stack.bucket_name)["Rules"]
    expected = bucket["LifecycleConfiguration"]["Rules"]
    assert [rule["ID"] for rule in lifecycle] == [rule["Id"] for rule in expected]
    for got_rule, rule in zip(lifecycle, expected, strict=True):
        if "NoncurrentVersionExpiration" in rule:
            days = rule["NoncurrentVersionExpiration"]["NoncurrentDays"]
            assert got_rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == days
        if "AbortIncompleteMultipartUpload" in rule:
            days = rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]
            assert got_rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] == days
    # The deployment bucket that held the code is gone.
    buckets = [b["Name"] for b in aws.s3.list_buckets()["Buckets"]]
    assert stack.bucket_name in buckets and ARTIFACTS_BUCKET not in buckets


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
    assert extract.timeout == 180 and extract.memory_mb == 1024
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
    # What moto's CloudFormation does not model is named, not silently missing.
    assert "IngestDeadLetterAlarm (AWS::CloudWatch::Alarm)" in stack.skipped
    assert not any(entry.startswith("ArticlesTable ") for entry in stack.skipped)


def test_parameters_reach_the_resources(aws: Clients) -> None:
    stack = provision(aws, parameters={"IncomingPrefix": "drop/", "KeyPointCount": "4"})
    config = aws.s3.get_bucket_notification_configuration(Bucket=stack.bucket_name)
    rules = config["QueueConfigurations"][0]["Filter"]["Key"]["FilterRules"]
    assert rules == [{"Name": "prefix", "Value": "drop/"}]
    assert stack.functions["SummarizeFunction"].environment["KEY_POINT_COUNT"] == "4"


def test_the_sam_local_environment_names_the_local_stacks_resources(
    stack: LocalStackResources,
) -> None:
    """events/sam-local-env.json gives `sam local invoke` the names this stack really has."""
    document = json.loads((EVENTS / "sam-local-env.json").read_text())
    for function, variables in document.items():
        environment = stack.functions[function].environment
        for name, value in variables.items():
            got, expected = value, environment[name]
            if name.endswith("_QUEUE_URL"):  # the container reaches moto by another host
                got, expected = urlsplit(got).path, urlsplit(expected).path
            assert got == expected, f"{function}.{name}: regenerate events/sam-local-env.json"


def test_provisioning_twice_is_harmless(aws: Clients, stack: LocalStackResources) -> None:
    again = provision(aws)
    assert again.bucket_name == stack.bucket_name and again.table_name == stack.table_name


# -- one reading of the template: AWS's ---------------------------------------------------------


def test_the_dispatcher_runs_what_lambdas_api_reports(aws: Clients) -> None:
    changed = copy.deepcopy(TEMPLATE)
    globals_ = changed["Globals"]["Function"]
    globals_["Timeout"] = 42
    globals_["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] = "changed-in-globals"
    del changed["Resources"]["ExtractFunction"]["Properties"]["Timeout"]
    events = changed["Resources"]["SummarizeFunction"]["Properties"]["Events"]
    events["Extracted"]["Properties"]["ScalingConfig"]["MaximumConcurrency"] = 3
    stack = provision(aws, template=changed)

    dispatcher = Dispatcher(stack.functions, aws.sqs, region="us-east-1")
    by_function: dict[str, list[Any]] = {}
    for poller in dispatcher.pollers:
        by_function.setdefault(poller.spec.logical_id, []).append(poller)
    extract = by_function["ExtractFunction"][0].spec
    assert extract.timeout == 42  # Globals merged by the translator, read back from Lambda
    assert extract.environment["POWERTOOLS_SERVICE_NAME"] == "changed-in-globals"
    assert stack.functions["SummarizeFunction"].timeout == 300  # its own value wins
    # MaximumConcurrency: that many pollers, so at most that many batches at once.
    assert len(by_function["SummarizeFunction"]) == 3
    (extract_source,) = stack.functions["ExtractFunction"].event_sources
    assert len(by_function["ExtractFunction"]) == (extract_source.max_concurrency or 1)

    # A change made through Lambda's API is what the next reading sees.
    name = stack.functions["ExtractFunction"].name
    aws.lambda_.update_function_configuration(FunctionName=name, Timeout=77)
    (mapping,) = stack.functions["ExtractFunction"].event_sources
    aws.lambda_.update_event_source_mapping(UUID=mapping.uuid, BatchSize=7)
    code = {spec.logical_id: spec.code_path for spec in stack.functions.values()}
    again = read_stack(aws, stack.stack_name, code)
    assert again.functions["ExtractFunction"].timeout == 77
    assert again.functions["ExtractFunction"].event_sources[0].batch_size == 7


def test_motos_own_event_source_mappings_are_disabled(
    aws: Clients, stack: LocalStackResources
) -> None:
    mappings = aws.lambda_.list_event_source_mappings()["EventSourceMappings"]
    assert len(mappings) == 2
    assert {m["State"] for m in mappings} == {"Disabled"}
    # A message stays in the queue for the dispatcher: moto does not try to run the function.
    url = stack.queues["SummarizeQueue"].url
    aws.sqs.send_message(QueueUrl=url, MessageBody="{}")
    assert aws.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages")


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
    assert {unquote_plus(o["key"]) for o in objects} == {key}
    assert [o["versionId"] for o in objects[:2]] == [first["VersionId"], second["VersionId"]]
    sequencers = [o["sequencer"] for o in objects]
    assert sequencers == sorted(sequencers) and len(set(sequencers)) == 3
