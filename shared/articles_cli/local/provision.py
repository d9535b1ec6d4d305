"""Create the template's bucket, queues and table in an AWS endpoint (moto), from template.yaml.

Only the resource types the pipeline's data path needs are created: S3 buckets (with their
versioning, encryption, public-access block, lifecycle and notification configuration), SQS
queues (with their attributes and redrive policies) and DynamoDB tables. Everything else
(IAM, API Gateway, alarms, the layer) has no local counterpart and is listed as skipped.
Functions are described, not created: the dispatcher runs their handlers in-process.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import ClientError

from articles_cli.local.cloudformation import (
    PhysicalResource,
    Resolver,
    StackIdentity,
    TemplateError,
    load_template,
    table_definition,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

BUCKET = "AWS::S3::Bucket"
QUEUE = "AWS::SQS::Queue"
TABLE = "AWS::DynamoDB::Table"
FUNCTION = "AWS::Serverless::Function"
API_METHOD = "AWS::ApiGateway::Method"
CREATED_TYPES = (QUEUE, TABLE, BUCKET)  # queues first: the bucket notifies one

# CloudFormation queue properties that are SQS attributes under the same name.
_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "SqsManagedSseEnabled",
    "FifoQueue",
    "ContentBasedDeduplication",
)
_INTEGRATION_TARGET = re.compile(r"\$\{(\w+)\.Arn\}")


@dataclass(frozen=True)
class QueueInfo:
    logical_id: str
    name: str
    url: str
    arn: str
    visibility_timeout: int


@dataclass(frozen=True)
class EventSource:
    """An SQS event source of a function, as the template configures it."""

    name: str
    queue: QueueInfo
    batch_size: int = 10
    report_batch_item_failures: bool = False
    max_concurrency: int | None = None


@dataclass
class FunctionSpec:
    logical_id: str
    name: str
    arn: str
    code_path: Path
    handler: str
    timeout: int
    memory_mb: int
    environment: dict[str, str]
    event_sources: list[EventSource] = field(default_factory=list)

    @property
    def handler_file(self) -> Path:
        module, _, _ = self.handler.rpartition(".")
        return self.code_path / (module.replace(".", "/") + ".py")

    @property
    def handler_attribute(self) -> str:
        return self.handler.rpartition(".")[2]


@dataclass
class LocalStackResources:
    identity: StackIdentity
    parameters: dict[str, str]
    bucket_name: str
    table_name: str
    queues: dict[str, QueueInfo]
    functions: dict[str, FunctionSpec]
    api_function: str | None
    skipped: list[str]

    def merged_environment(self) -> dict[str, str]:
        """Every function's variables in one mapping, for handlers sharing one process.

        The functions agree on every name they share (same table, same bucket), so one process
        can hold them all; a disagreement would make the local run lie, so it is refused.
        """
        merged: dict[str, str] = {}
        for spec in self.functions.values():
            for name, value in spec.environment.items():
                if merged.get(name, value) != value:
                    raise TemplateError(
                        f"functions disagree on {name} ({merged[name]!r} vs {value!r}); "
                        "they cannot share one local process"
                    )
                merged[name] = value
        return merged


@dataclass
class Clients:
    s3: S3Client
    sqs: SQSClient
    dynamodb: DynamoDBClient

    @classmethod
    def from_session(cls, endpoint_url: str | None, region: str) -> Clients:
        session = boto3.session.Session(region_name=region)
        return cls(
            s3=session.client("s3", endpoint_url=endpoint_url),
            sqs=session.client("sqs", endpoint_url=endpoint_url),
            dynamodb=session.client("dynamodb", endpoint_url=endpoint_url),
        )


def provision(
    clients: Clients,
    *,
    template: dict[str, Any] | None = None,
    template_path: Path | None = None,
    identity: StackIdentity | None = None,
    parameters: dict[str, str] | None = None,
) -> LocalStackResources:
    """Create the data-path resources of the template; idempotent on an existing endpoint."""
    path = template_path or Path(__file__).resolve().parents[3] / "template.yaml"
    template = template or load_template(path)
    resolver = Resolver(template, identity, parameters)
    ident = resolver.identity
    resources: dict[str, Any] = template["Resources"]
    skipped: list[str] = []

    # Names first: resources refer to each other (the bucket's notification names the queue).
    for logical_id, resource in resources.items():
        if not resolver.resource_enabled(logical_id):
            continue
        _register_physical(resolver, logical_id, resource)

    queues: dict[str, QueueInfo] = {}
    bucket_name = table_name = ""
    for kind in CREATED_TYPES:
        for logical_id, resource in resources.items():
            if resource.get("Type") != kind or not resolver.resource_enabled(logical_id):
                continue
            properties = resolver.resolve(resource.get("Properties", {}))
            if kind == QUEUE:
                queues[logical_id] = _create_queue(clients.sqs, resolver, logical_id, properties)
            elif kind == TABLE:
                table_name = resolver.physical[logical_id].ref
                _create_table(clients.dynamodb, template, table_name, logical_id)
            else:
                name = resolver.physical[logical_id].ref
                _create_bucket(clients.s3, name, properties, ident.region)
                if "NotificationConfiguration" in properties:  # the one uploads go to
                    bucket_name = name
    for logical_id, resource in resources.items():
        if resource.get("Type") not in (*CREATED_TYPES, FUNCTION):
            skipped.append(f"{logical_id} ({resource.get('Type')})")
    if not bucket_name or not table_name:
        raise TemplateError("the template defines no bucket or no table")

    base = path.parent
    functions = {
        logical_id: _function_spec(resolver, template, logical_id, base, queues)
        for logical_id, resource in resources.items()
        if resource.get("Type") == FUNCTION and resolver.resource_enabled(logical_id)
    }
    return LocalStackResources(
        identity=ident,
        parameters=resolver.parameters,
        bucket_name=bucket_name,
        table_name=table_name,
        queues=queues,
        functions=functions,
        api_function=_api_function(template),
        skipped=skipped,
    )


def _register_physical(resolver: Resolver, logical_id: str, resource: dict[str, Any]) -> None:
    ident = resolver.identity
    kind = resource.get("Type")
    properties = resource.get("Properties", {})
    arn_prefix = f"arn:{ident.partition}"
    generated = f"{ident.name}-{logical_id}"
    physical: PhysicalResource | None = None
    if kind == QUEUE:
        name = resolver.resolve(properties.get("QueueName", generated))
        arn = f"{arn_prefix}:sqs:{ident.region}:{ident.account_id}:{name}"
        # The URL is the endpoint's; it is replaced by the real one once the queue exists.
        physical = PhysicalResource(name, {"Arn": arn, "QueueName": name, "QueueUrl": name})
    elif kind == TABLE:
        name = resolver.resolve(properties.get("TableName", generated))
        arn = f"{arn_prefix}:dynamodb:{ident.region}:{ident.account_id}:table/{name}"
        physical = PhysicalResource(name, {"Arn": arn})
    elif kind == BUCKET:
        name = resolver.resolve(properties.get("BucketName", generated.lower()))
        physical = PhysicalResource(
            name,
            {
                "Arn": f"{arn_prefix}:s3:::{name}",
                "DomainName": f"{name}.s3.{ident.url_suffix}",
            },
        )
    elif kind == FUNCTION:
        name = resolver.resolve(properties.get("FunctionName", generated))
        arn = f"{arn_prefix}:lambda:{ident.region}:{ident.account_id}:function:{name}"
        physical = PhysicalResource(name, {"Arn": arn})
    if physical is not None:
        resolver.register(logical_id, physical)


def queue_attributes(properties: dict[str, Any]) -> dict[str, str]:
    """SQS ``CreateQueue`` attributes for a queue resource's (resolved) properties."""
    attributes = {
        name: _attribute_text(properties[name]) for name in _QUEUE_ATTRIBUTES if name in properties
    }
    if "RedrivePolicy" in properties:
        attributes["RedrivePolicy"] = json.dumps(properties["RedrivePolicy"])
    if "RedriveAllowPolicy" in properties:
        attributes["RedriveAllowPolicy"] = json.dumps(properties["RedriveAllowPolicy"])
    return attributes


def _attribute_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _create_queue(
    sqs: SQSClient, resolver: Resolver, logical_id: str, properties: dict[str, Any]
) -> QueueInfo:
    physical = resolver.physical[logical_id]
    name = physical.attributes["QueueName"]
    url = sqs.create_queue(QueueName=name, Attributes=queue_attributes(properties))["QueueUrl"]
    resolver.register(logical_id, PhysicalResource(url, {**physical.attributes, "QueueUrl": url}))
    return QueueInfo(
        logical_id=logical_id,
        name=name,
        url=url,
        arn=physical.attributes["Arn"],
        visibility_timeout=int(properties.get("VisibilityTimeout", 30)),
    )


def _create_table(
    dynamodb: DynamoDBClient, template: dict[str, Any], table_name: str, logical_id: str
) -> None:
    existing = dynamodb.list_tables().get("TableNames", [])
    if table_name not in existing:
        dynamodb.create_table(**table_definition(template, table_name, logical_id))


def notification_configuration(properties: dict[str, Any]) -> dict[str, Any]:
    """``PutBucketNotificationConfiguration`` input for a bucket's (resolved) properties."""
    source = properties.get("NotificationConfiguration", {})
    result: dict[str, Any] = {}
    for cfn_name, api_name, target in (
        ("QueueConfigurations", "QueueConfigurations", ("Queue", "QueueArn")),
        ("TopicConfigurations", "TopicConfigurations", ("Topic", "TopicArn")),
        ("LambdaConfigurations", "LambdaFunctionConfigurations", ("Function", "LambdaFunctionArn")),
    ):
        entries = []
        for entry in source.get(cfn_name, []):
            converted: dict[str, Any] = {target[1]: entry[target[0]], "Events": [entry["Event"]]}
            rules = entry.get("Filter", {}).get("S3Key", {}).get("Rules")
            if rules:
                converted["Filter"] = {
                    "Key": {
                        "FilterRules": [{"Name": r["Name"], "Value": r["Value"]} for r in rules]
                    }
                }
            entries.append(converted)
        if entries:
            result[api_name] = entries
    if "EventBridgeConfiguration" in source:
        result["EventBridgeConfiguration"] = {}
    return result


def _create_bucket(s3: S3Client, name: str, properties: dict[str, Any], region: str) -> None:
    try:
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(
                Bucket=name,
                CreateBucketConfiguration={"LocationConstraint": region},
            )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "BucketAlreadyOwnedByYou":
            raise
    versioning = properties.get("VersioningConfiguration")
    if versioning:
        s3.put_bucket_versioning(
            Bucket=name, VersioningConfiguration={"Status": versioning["Status"]}
        )
    encryption = properties.get("BucketEncryption")
    if encryption:
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    _encryption_rule(rule)
                    for rule in encryption["ServerSideEncryptionConfiguration"]
                ]
            },
        )
    block = properties.get("PublicAccessBlockConfiguration")
    if block:
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=block)
    lifecycle = properties.get("LifecycleConfiguration")
    if lifecycle:
        s3.put_bucket_lifecycle_configuration(
            Bucket=name, LifecycleConfiguration={"Rules": _lifecycle_rules(lifecycle["Rules"])}
        )
    notifications = notification_configuration(properties)
    if notifications:
        s3.put_bucket_notification_configuration(
            Bucket=name,
            NotificationConfiguration=notifications,
        )


def _encryption_rule(rule: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {}
    if "ServerSideEncryptionByDefault" in rule:
        converted["ApplyServerSideEncryptionByDefault"] = rule["ServerSideEncryptionByDefault"]
    if "BucketKeyEnabled" in rule:
        converted["BucketKeyEnabled"] = bool(rule["BucketKeyEnabled"])
    return converted


def _lifecycle_rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    converted = []
    for rule in rules:
        out: dict[str, Any] = {
            "ID": rule.get("Id", "rule"),
            "Status": rule["Status"],
            "Filter": {"Prefix": rule.get("Prefix", "")},
        }
        if "NoncurrentVersionExpiration" in rule:
            out["NoncurrentVersionExpiration"] = {
                "NoncurrentDays": int(rule["NoncurrentVersionExpiration"]["NoncurrentDays"])
            }
        if "ExpirationInDays" in rule:
            out["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
        converted.append(out)
    return converted


def _function_spec(
    resolver: Resolver,
    template: dict[str, Any],
    logical_id: str,
    base: Path,
    queues: dict[str, QueueInfo],
) -> FunctionSpec:
    globals_ = template.get("Globals", {}).get("Function", {})
    properties = template["Resources"][logical_id]["Properties"]

    def setting(name: str, default: Any = None) -> Any:
        return resolver.resolve(properties.get(name, globals_.get(name, default)))

    variables = {
        **globals_.get("Environment", {}).get("Variables", {}),
        **properties.get("Environment", {}).get("Variables", {}),
    }
    environment = {
        name: _attribute_text(value) for name, value in resolver.resolve(variables).items()
    }
    by_arn = {queue.arn: queue for queue in queues.values()}
    sources = []
    for event_name, event in properties.get("Events", {}).items():
        if event.get("Type") != "SQS":
            continue
        event_properties = resolver.resolve(event["Properties"])
        queue = by_arn.get(event_properties["Queue"])
        if queue is None:
            raise TemplateError(
                f"{logical_id}.{event_name}: queue {event_properties['Queue']} unknown"
            )
        scaling = event_properties.get("ScalingConfig", {})
        sources.append(
            EventSource(
                name=event_name,
                queue=queue,
                batch_size=int(event_properties.get("BatchSize", 10)),
                report_batch_item_failures="ReportBatchItemFailures"
                in event_properties.get("FunctionResponseTypes", []),
                max_concurrency=int(scaling["MaximumConcurrency"])
                if "MaximumConcurrency" in scaling
                else None,
            )
        )
    physical = resolver.physical[logical_id]
    return FunctionSpec(
        logical_id=logical_id,
        name=physical.ref,
        arn=physical.attributes["Arn"],
        code_path=(base / str(setting("CodeUri", "."))).resolve(),
        handler=str(setting("Handler")),
        timeout=int(setting("Timeout", 3)),
        memory_mb=int(setting("MemorySize", 128)),
        environment=environment,
        event_sources=sources,
    )


def _api_function(template: dict[str, Any]) -> str | None:
    """The function behind the REST API's proxy method (an AWS_PROXY integration)."""
    for resource in template["Resources"].values():
        if resource.get("Type") != API_METHOD:
            continue
        integration = resource.get("Properties", {}).get("Integration", {})
        uri = integration.get("Uri", {})
        text = uri.get("Fn::Sub", "") if isinstance(uri, dict) else str(uri)
        if isinstance(text, list):
            text = text[0]
        match = _INTEGRATION_TARGET.search(text)
        if integration.get("Type") == "AWS_PROXY" and match:
            return match.group(1)
    return None
