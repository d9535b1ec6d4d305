"""Deploy template.yaml into moto as ``sam deploy`` deploys it into AWS, then read the stack back.

The SAM translator turns the template into CloudFormation (``cloudformation.sam_transform``),
and moto's CloudFormation creates the stack: bucket, queues, table, roles, functions, their
event-source mappings, the REST API. Our code does only what moto does not:

* the code: ``sam package`` would upload each function's and layer's code; here an empty
  archive per function and layer goes to a deployment bucket, removed once the stack exists
  (moto needs an object to create a function; the local stack runs the working tree's code);
* moto's own event-source mappings are created disabled, or moto would run the functions in
  Docker on every message; the dispatcher polls them instead (a mapping the template itself
  disables is left out of the local stack);
* the bucket settings moto's CloudFormation skips (``BUCKET_SETTINGS``) are applied with the
  S3 API. Their intrinsic functions are resolved by moto too: each becomes a stack output;
* names: moto's random source is seeded before the stack is created, so the stack id, and the
  bucket name derived from it, and every generated name are the same on every start.

Resource types moto's CloudFormation does not know (alarms, policies, the API stage...) are
left out by moto itself and listed in ``LocalStackResources.skipped``. Everything the rest of
the local stack needs is then read back from the AWS APIs: the outputs and resources from
CloudFormation, each function's settings and SQS event sources from Lambda, the function behind
the API from API Gateway's integration.
"""

from __future__ import annotations

import copy
import io
import json
import logging
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import boto3
from botocore.exceptions import ClientError

from articles_cli.local.cloudformation import (
    TEMPLATE_PATH,
    TemplateError,
    check_parameters,
    deployable_template,
    package,
    sam_transform,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.literals import BucketLocationConstraintType
    from mypy_boto3_sqs import SQSClient

STACK_NAME = "article-pipeline-local"
SEED = 20240601  # moto's random source: the same stack id, so the same names, on every start
ARTIFACTS_BUCKET = "local-stack-deployment"  # removed again once the stack exists
ESM = "AWS::Lambda::EventSourceMapping"
_OUTPUT_PREFIX = "LocalStackValue"
# Properties moto's CloudFormation cannot take, left out of the local stack, and why that is
# safe there. Inline role policies: moto fails on a policy list with an Fn::If that gives
# AWS::NoValue, and the local stack enforces no IAM (the template's tests check the policies).
LEFT_OUT_PROPERTIES: dict[str, tuple[str, ...]] = {"AWS::IAM::Role": ("Policies",)}
_FUNCTION_ARN = re.compile(r"functions/(arn:[^/]+:function:[^/:]+)/invocations")


@dataclass(frozen=True)
class QueueInfo:
    logical_id: str
    name: str
    url: str
    arn: str


@dataclass(frozen=True)
class EventSource:
    """An SQS event-source mapping of a function, as Lambda's API reports it."""

    uuid: str
    queue: QueueInfo
    batch_size: int = 10
    report_batch_item_failures: bool = False
    max_concurrency: int | None = None


@dataclass
class FunctionSpec:
    """A function as Lambda's API reports it, and where its code lives in the working tree."""

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
    stack_name: str
    region: str
    parameters: dict[str, str]
    outputs: dict[str, str]
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
    cloudformation: CloudFormationClient
    lambda_: LambdaClient
    apigateway: APIGatewayClient
    events: EventBridgeClient

    @classmethod
    def from_session(cls, endpoint_url: str | None, region: str) -> Clients:
        session = boto3.session.Session(region_name=region)

        def client(service: Any) -> Any:
            return session.client(service, endpoint_url=endpoint_url)

        return cls(
            s3=client("s3"),
            sqs=client("sqs"),
            dynamodb=client("dynamodb"),
            cloudformation=client("cloudformation"),
            lambda_=client("lambda"),
            apigateway=client("apigateway"),
            events=client("events"),
        )


def provision(
    clients: Clients,
    *,
    template: dict[str, Any] | None = None,
    template_path: Path | None = None,
    stack_name: str = STACK_NAME,
    parameters: dict[str, str] | None = None,
) -> LocalStackResources:
    """Create the stack in moto (unless it exists) and read it back; moto runs in this process.

    ``template`` (already loaded) is for tests that change it; otherwise the file at
    ``template_path`` (default: the project's) is read, through the on-disk transform cache.
    """
    path = template_path or TEMPLATE_PATH
    values = {name: str(value) for name, value in (parameters or {}).items()}
    region = clients.cloudformation.meta.region_name
    if template is None:
        translated, code = deployable_template(
            path, region=region, parameters=values, bucket=ARTIFACTS_BUCKET
        )
    else:
        check_parameters(template, values)
        packaged, code = package(template, path.parent, ARTIFACTS_BUCKET)
        translated = sam_transform(packaged, region=region, parameters=values)
    deployable, settings = _local_template(translated)
    if not _stack_exists(clients.cloudformation, stack_name):
        _upload_code(clients.s3, code)
        try:
            _create_stack(clients.cloudformation, stack_name, deployable, values)
        finally:
            _remove_code(clients.s3, code)
        outputs = _outputs(clients.cloudformation, stack_name)
        physical = _resources(clients.cloudformation, stack_name)
        for bucket, properties in settings.items():
            name = physical[bucket]["PhysicalResourceId"]
            apply_bucket_settings(clients.s3, name, _fill(properties, outputs))
    return read_stack(clients, stack_name, code)


# -- the template handed to moto ---------------------------------------------------------------


# CloudFormation bucket properties moto's CloudFormation does not apply, and how the S3 API
# takes each (moto applies BucketEncryption and Tags itself).
def _versioning(value: dict[str, Any]) -> dict[str, Any]:
    return {"VersioningConfiguration": {"Status": value["Status"]}}


def _lifecycle(value: dict[str, Any]) -> dict[str, Any]:
    rules = []
    for rule in value["Rules"]:
        out: dict[str, Any] = {
            "ID": rule.get("Id", "rule"),
            "Status": rule["Status"],
            "Filter": {"Prefix": rule.get("Prefix", "")},
        }
        expiration: dict[str, Any] = {}
        if "ExpirationInDays" in rule:
            expiration["Days"] = int(rule["ExpirationInDays"])
        if "ExpiredObjectDeleteMarker" in rule:
            expiration["ExpiredObjectDeleteMarker"] = _flag(rule["ExpiredObjectDeleteMarker"])
        if expiration:
            out["Expiration"] = expiration
        if "NoncurrentVersionExpiration" in rule:
            days = rule["NoncurrentVersionExpiration"]["NoncurrentDays"]
            out["NoncurrentVersionExpiration"] = {"NoncurrentDays": int(days)}
        if "AbortIncompleteMultipartUpload" in rule:
            days = rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]
            out["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": int(days)}
        rules.append(out)
    return {"LifecycleConfiguration": {"Rules": rules}}


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _notifications(value: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for cfn_name, api_name, (target, api_target) in (
        ("QueueConfigurations", "QueueConfigurations", ("Queue", "QueueArn")),
        ("TopicConfigurations", "TopicConfigurations", ("Topic", "TopicArn")),
        ("LambdaConfigurations", "LambdaFunctionConfigurations", ("Function", "LambdaFunctionArn")),
    ):
        entries = []
        for entry in value.get(cfn_name, []):
            converted: dict[str, Any] = {api_target: entry[target], "Events": [entry["Event"]]}
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
    if "EventBridgeConfiguration" in value:
        result["EventBridgeConfiguration"] = {}
    return {"NotificationConfiguration": result}


BUCKET_SETTINGS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "VersioningConfiguration": ("put_bucket_versioning", _versioning),
    "LifecycleConfiguration": ("put_bucket_lifecycle_configuration", _lifecycle),
    "PublicAccessBlockConfiguration": (
        "put_public_access_block",
        lambda value: {"PublicAccessBlockConfiguration": value},
    ),
    "OwnershipControls": ("put_bucket_ownership_controls", lambda v: {"OwnershipControls": v}),
    # Last: S3 checks the targets exist, and moto sends the queue its s3:TestEvent.
    "NotificationConfiguration": ("put_bucket_notification_configuration", _notifications),
}


def _local_template(
    translated: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The translated template as moto gets it, and each bucket's settings moto skips.

    Intrinsic functions in those settings become stack outputs, so moto resolves them; the
    settings keep a placeholder naming the output.
    """
    template = copy.deepcopy(translated)
    resources: dict[str, Any] = template["Resources"]
    outputs: dict[str, Any] = template.setdefault("Outputs", {})
    for logical_id, resource in list(resources.items()):
        for name in LEFT_OUT_PROPERTIES.get(resource.get("Type", ""), ()):
            resource.get("Properties", {}).pop(name, None)
        if resource.get("Type") == ESM:
            if resource.get("Properties", {}).get("Enabled") is False:
                del resources[logical_id]
            else:
                resource.setdefault("Properties", {})["Enabled"] = False
    settings: dict[str, dict[str, Any]] = {}
    for logical_id, resource in resources.items():
        if resource.get("Type") != "AWS::S3::Bucket":
            continue
        properties = resource.get("Properties", {})
        skipped = {name: properties[name] for name in BUCKET_SETTINGS if name in properties}
        settings[logical_id] = _as_outputs(skipped, outputs, resource.get("Condition"))
    return template, settings


def _is_intrinsic(node: Any) -> bool:
    return (
        isinstance(node, dict) and len(node) == 1 and next(iter(node)).startswith(("Fn::", "Ref"))
    )


def _as_outputs(node: Any, outputs: dict[str, Any], condition: str | None) -> Any:
    if _is_intrinsic(node):
        name = f"{_OUTPUT_PREFIX}{len(outputs)}"
        outputs[name] = {"Value": node, **({"Condition": condition} if condition else {})}
        return {_OUTPUT_PREFIX: name}
    if isinstance(node, dict):
        return {key: _as_outputs(value, outputs, condition) for key, value in node.items()}
    if isinstance(node, list):
        return [_as_outputs(item, outputs, condition) for item in node]
    return node


def _fill(node: Any, outputs: dict[str, str]) -> Any:
    if isinstance(node, dict) and set(node) == {_OUTPUT_PREFIX}:
        return outputs.get(node[_OUTPUT_PREFIX], "")
    if isinstance(node, dict):
        return {key: _fill(value, outputs) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(item, outputs) for item in node]
    return node


def apply_bucket_settings(s3: S3Client, bucket: str, properties: dict[str, Any]) -> None:
    """Apply a bucket's (resolved) CloudFormation settings that moto skips, in S3's terms."""
    for name, (operation, convert) in BUCKET_SETTINGS.items():
        if name in properties:
            getattr(s3, operation)(Bucket=bucket, **convert(properties[name]))


# -- deploying ---------------------------------------------------------------------------------


def _empty_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w"):
        pass
    return buffer.getvalue()


def _upload_code(s3: S3Client, code: dict[str, Path]) -> None:
    """One object per function and layer: moto needs one to create them. The local stack runs
    the code from the working tree (``FunctionSpec.code_path``), so the archives stay empty."""
    _create_bucket(s3, ARTIFACTS_BUCKET)
    body = _empty_zip()
    for logical_id in code:
        s3.put_object(Bucket=ARTIFACTS_BUCKET, Key=f"{logical_id}.zip", Body=body)


def _remove_code(s3: S3Client, code: dict[str, Path]) -> None:
    try:
        for logical_id in code:
            s3.delete_object(Bucket=ARTIFACTS_BUCKET, Key=f"{logical_id}.zip")
        s3.delete_bucket(Bucket=ARTIFACTS_BUCKET)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "NoSuchBucket":
            raise


def _create_bucket(s3: S3Client, name: str) -> None:
    region = s3.meta.region_name
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        location = cast("BucketLocationConstraintType", region)  # any region the client names
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": location})


class _DropUnsupported(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("No Moto CloudFormation support")


def _quiet_moto() -> None:
    """Types moto does not model are left out by moto, which warns for each whenever the stack
    is read; they are listed in ``LocalStackResources.skipped`` instead."""
    logging.getLogger("moto").addFilter(_DropUnsupported())
    warnings.filterwarnings("ignore", message="Tried to parse .* not supported by moto")


_quiet_moto()


def _stack_exists(cloudformation: CloudFormationClient, stack_name: str) -> bool:
    try:
        cloudformation.describe_stacks(StackName=stack_name)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ValidationError":
            return False
        raise
    return True


def _create_stack(
    cloudformation: CloudFormationClient,
    stack_name: str,
    template: dict[str, Any],
    parameters: dict[str, str],
) -> None:
    from moto.moto_api._internal import mock_random

    mock_random.seed(SEED)
    cloudformation.create_stack(
        StackName=stack_name,
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
    )
    (stack,) = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    if stack["StackStatus"] != "CREATE_COMPLETE":
        failed = [
            f"{event.get('LogicalResourceId')}: {event.get('ResourceStatusReason')}"
            for event in cloudformation.describe_stack_events(StackName=stack_name)["StackEvents"]
            if event.get("ResourceStatus", "").endswith("FAILED")
        ]
        raise TemplateError(
            f"stack {stack_name} ended {stack['StackStatus']}: " + "; ".join(failed)
        )


# -- reading the stack back --------------------------------------------------------------------


def _outputs(cloudformation: CloudFormationClient, stack_name: str) -> dict[str, str]:
    (stack,) = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    return {o["OutputKey"]: o.get("OutputValue", "") for o in stack.get("Outputs", [])}


def _resources(cloudformation: CloudFormationClient, stack_name: str) -> dict[str, Any]:
    """The stack's resources by logical id (moto lists those it left out without one)."""
    summaries = cloudformation.list_stack_resources(StackName=stack_name)["StackResourceSummaries"]
    return {r["LogicalResourceId"]: r for r in summaries if r.get("LogicalResourceId")}


def _text(value: Any) -> str:
    """A value as CloudFormation hands it to an API that takes strings."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def read_stack(clients: Clients, stack_name: str, code: dict[str, Path]) -> LocalStackResources:
    """The stack as the AWS APIs report it: outputs, resources, functions, the API's target.

    ``code`` names the working-tree directory of each function's code (what packaging read).
    """
    (stack,) = clients.cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    body: Any = clients.cloudformation.get_template(StackName=stack_name)["TemplateBody"]
    template = json.loads(body) if isinstance(body, str) else body  # boto3 decodes JSON
    physical = _resources(clients.cloudformation, stack_name)
    by_type: dict[str, list[str]] = {}
    for logical_id, resource in physical.items():
        by_type.setdefault(resource["ResourceType"], []).append(logical_id)

    queues = {}
    for logical_id in by_type.get("AWS::SQS::Queue", []):
        url = physical[logical_id]["PhysicalResourceId"]
        arn = clients.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        queues[logical_id] = QueueInfo(logical_id, arn.rsplit(":", 1)[1], url, arn)
    functions = {
        logical_id: read_function(
            clients.lambda_,
            logical_id,
            physical[logical_id]["PhysicalResourceId"],
            code[logical_id],
            queues,
        )
        for logical_id in by_type.get("AWS::Lambda::Function", [])
        if logical_id in code  # a function with code of its own to run here
    }
    # The bucket uploads go to: the one that notifies a queue (another may hold its logs).
    notifying = [
        physical[logical_id]["PhysicalResourceId"]
        for logical_id in by_type.get("AWS::S3::Bucket", [])
        if clients.s3.get_bucket_notification_configuration(
            Bucket=physical[logical_id]["PhysicalResourceId"]
        ).get("QueueConfigurations")
    ]
    tables = by_type.get("AWS::DynamoDB::Table", [])
    if len(notifying) != 1 or len(tables) != 1:
        raise TemplateError("the template needs one bucket that notifies a queue, and one table")
    modelled = _modelled_types()
    skipped = sorted(
        f"{logical_id} ({resource['Type']})"
        for logical_id, resource in template["Resources"].items()
        if logical_id not in physical and resource["Type"] not in modelled
    )
    return LocalStackResources(
        stack_name=stack_name,
        region=clients.cloudformation.meta.region_name,
        parameters={p["ParameterKey"]: p["ParameterValue"] for p in stack.get("Parameters", [])},
        outputs={
            o["OutputKey"]: o.get("OutputValue", "")
            for o in stack.get("Outputs", [])
            if not o["OutputKey"].startswith(_OUTPUT_PREFIX)
        },
        bucket_name=notifying[0],
        table_name=physical[tables[0]]["PhysicalResourceId"],
        queues=queues,
        functions=functions,
        api_function=_api_function(
            clients, [physical[i] for i in by_type.get("AWS::ApiGateway::RestApi", [])], functions
        ),
        skipped=skipped,
    )


def _modelled_types() -> set[str]:
    """The resource types moto's CloudFormation creates (moto runs in this process)."""
    from moto.cloudformation.parsing import get_model_map

    return set(get_model_map())


def read_function(
    lambda_: LambdaClient,
    logical_id: str,
    name: str,
    code_path: Path,
    queues: dict[str, QueueInfo],
) -> FunctionSpec:
    """A function's settings and its SQS event sources, from Lambda's API."""
    config = lambda_.get_function_configuration(FunctionName=name)
    by_arn = {queue.arn: queue for queue in queues.values()}
    sources = []
    for mapping in lambda_.list_event_source_mappings()["EventSourceMappings"]:
        queue = by_arn.get(mapping.get("EventSourceArn", ""))
        if mapping.get("FunctionArn") != config["FunctionArn"] or queue is None:
            continue  # another function's, or not from an SQS queue of this stack
        sources.append(
            EventSource(
                uuid=mapping["UUID"],
                queue=queue,
                batch_size=int(mapping.get("BatchSize", 10)),
                report_batch_item_failures="ReportBatchItemFailures"
                in mapping.get("FunctionResponseTypes", []),
                max_concurrency=mapping.get("ScalingConfig", {}).get("MaximumConcurrency"),
            )
        )
    variables = config.get("Environment", {}).get("Variables", {})
    return FunctionSpec(
        logical_id=logical_id,
        name=config["FunctionName"],
        arn=config["FunctionArn"],
        code_path=code_path,
        handler=config["Handler"],
        timeout=int(config["Timeout"]),
        memory_mb=int(config["MemorySize"]),
        environment={key: _text(value) for key, value in variables.items()},
        event_sources=sources,
    )


def _api_function(
    clients: Clients, apis: list[Any], functions: dict[str, FunctionSpec]
) -> str | None:
    """The function behind a REST API's AWS_PROXY integration, as API Gateway reports it."""
    by_arn = {spec.arn: logical_id for logical_id, spec in functions.items()}
    for api in apis:
        api_id = api["PhysicalResourceId"]
        for resource in clients.apigateway.get_resources(restApiId=api_id)["items"]:
            for method in resource.get("resourceMethods") or {}:
                integration = clients.apigateway.get_integration(
                    restApiId=api_id, resourceId=resource["id"], httpMethod=method
                )
                match = _FUNCTION_ARN.search(integration.get("uri", ""))
                if integration.get("type") == "AWS_PROXY" and match:
                    return by_arn.get(match.group(1))
    return None
