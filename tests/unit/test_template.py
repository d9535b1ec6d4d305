"""template.yaml: lint-clean, least privilege, secure defaults, and consistent with the code.

Most checks read the template as CloudFormation deploys it: after the SAM transform
(samtranslator, the library ``sam deploy`` and CloudFormation's own transform use), so what
SAM adds (roles, event-source mappings, permissions) is checked too, not only what is written.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from typing import Any

import pytest

from articles import constants
from articles.constants import EVENT_SOURCE, MIN_STALLED_AFTER_MINUTES, TEXT_PREFIX
from articles.records.repository import BY_PENDING_EVENT_INDEX, CACHE_EXPIRY_ATTRIBUTE
from articles.settings import ApiSettings, ExtractSettings, SummarizeSettings, SweepSettings
from articles_cli.local.cloudformation import load_template, package, sam_transform
from tests.conftest import ROOT, load_function

TEMPLATE = load_template()
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
PARAMETERS: dict[str, Any] = TEMPLATE["Parameters"]
FUNCTIONS = {
    name: resource["Properties"]
    for name, resource in RESOURCES.items()
    if resource["Type"] == "AWS::Serverless::Function"
}
QUEUE_FUNCTIONS = {"ExtractFunction": "IngestQueue", "SummarizeFunction": "SummarizeQueue"}
# X-Ray's write actions take no resource: the one place a "*" resource is right.
RESOURCELESS_ACTIONS = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
API_DEFINITION_TYPES = (
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Resource",
    "AWS::ApiGateway::Method",
)


@cache
def _translated(**parameters: str) -> dict[str, Any]:
    """The CloudFormation template the SAM transform makes of template.yaml (what the local
    stack deploys): code pointed at S3 as ``sam package`` does, then the translator."""
    packaged, _ = package(TEMPLATE, ROOT, "artifacts")
    return sam_transform(packaged, region="us-east-1", parameters=dict(parameters))


def _of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in template["Resources"].items()
        if resource["Type"] == kind
    }


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _role_statements(role: dict[str, Any], **parameters: str) -> list[dict[str, Any]]:
    """The role's statements; an Fn::If policy counts with the branch the parameters choose."""
    conditions = {
        "UseBedrock": parameters.get("Summarizer", PARAMETERS["Summarizer"]["Default"])
        == "bedrock",
        "UploadsEnabled": parameters.get("WebUploads", PARAMETERS["WebUploads"]["Default"])
        == "Enabled",
    }
    statements = []
    for written in role["Properties"].get("Policies", []):
        policy = written
        if "Fn::If" in written:
            name, when_true, when_false = written["Fn::If"]
            policy = when_true if conditions[name] else when_false
            if policy == {"Ref": "AWS::NoValue"}:
                continue
        statements.extend(policy["PolicyDocument"]["Statement"])
    return statements


def _function_roles(**parameters: str) -> dict[str, dict[str, Any]]:
    translated = _translated(**parameters)
    roles = {}
    for name, function in _of_type(translated, "AWS::Lambda::Function").items():
        role_ref = function["Properties"]["Role"]
        assert "Fn::GetAtt" in role_ref, f"{name}: role {role_ref} is not one of this template"
        roles[name] = translated["Resources"][role_ref["Fn::GetAtt"][0]]
    return roles


def _actions_by_function(**parameters: str) -> dict[str, set[str]]:
    return {
        name: {a for st in _role_statements(role, **parameters) for a in _as_list(st["Action"])}
        for name, role in _function_roles(**parameters).items()
    }


def api_definition_hash(template: dict[str, Any]) -> str:
    """8 hex digits of the API's resources and methods, as the deployment ids must end."""
    definition = {
        name: resource
        for name, resource in sorted(template["Resources"].items())
        if resource["Type"] in API_DEFINITION_TYPES
    }
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:8]


# -- the template as written ----------------------------------------------------------------


def test_cfn_lint_is_clean() -> None:
    from cfnlint.api import lint_file

    matches = lint_file(ROOT / "template.yaml")
    assert matches == [], "\n".join(str(match) for match in matches)


def test_four_functions_on_the_lambda_runtime() -> None:
    assert set(FUNCTIONS) == {
        "ExtractFunction",
        "SummarizeFunction",
        "ApiFunction",
        "SweepFunction",
    }
    globals_ = TEMPLATE["Globals"]["Function"]
    assert globals_["Runtime"] == "python3.13"
    assert globals_["Architectures"] == ["arm64"]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_handler_resolves_to_a_function(name: str) -> None:
    properties = FUNCTIONS[name]
    code_dir = ROOT / properties["CodeUri"]
    module_name, attribute = properties["Handler"].split(".")
    assert (code_dir / f"{module_name}.py").is_file()
    module = load_function(code_dir.name)
    assert callable(getattr(module, attribute))


def test_the_sweep_runs_on_a_schedule_with_a_safe_threshold() -> None:
    (event,) = FUNCTIONS["SweepFunction"]["Events"].values()
    assert event["Type"] == "Schedule"
    parameter = PARAMETERS["StalledAfterMinutes"]
    variables = FUNCTIONS["SweepFunction"]["Environment"]["Variables"]
    assert variables["STALLED_AFTER_MINUTES"] == {"Ref": "StalledAfterMinutes"}
    # Never shorter than a message's whole retry cycle on either queue, so the sweep cannot
    # end a record whose next delivery is merely waiting out a visibility timeout.
    for queue in ("IngestQueue", "SummarizeQueue"):
        properties = RESOURCES[queue]["Properties"]
        cycle = properties["VisibilityTimeout"] * properties["RedrivePolicy"]["maxReceiveCount"]
        assert parameter["Default"] * 60 >= cycle
    assert parameter["MinValue"] == MIN_STALLED_AFTER_MINUTES


FUNCTION_SETTINGS = {
    "ExtractFunction": ExtractSettings,
    "SummarizeFunction": SummarizeSettings,
    "ApiFunction": ApiSettings,
    "SweepFunction": SweepSettings,
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_environment_variables_are_ones_the_code_reads(name: str) -> None:
    # AWS_ENDPOINT_URL is boto3's own (set only for `sam local invoke` against moto).
    known = set(FUNCTION_SETTINGS[name].variables()) | {"AWS_ENDPOINT_URL"}
    variables = dict(TEMPLATE["Globals"]["Function"]["Environment"]["Variables"])
    variables.update(FUNCTIONS[name].get("Environment", {}).get("Variables", {}))
    unknown = {v for v in variables if v not in known and not v.startswith("POWERTOOLS_")}
    assert not unknown, f"{name} sets variables nothing reads: {unknown}"


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_required_variable_is_set_for_the_function(name: str) -> None:
    model = FUNCTION_SETTINGS[name]
    required = {f.alias for f in model.model_fields.values() if f.is_required()}
    variables = dict(TEMPLATE["Globals"]["Function"]["Environment"]["Variables"])
    variables.update(FUNCTIONS[name].get("Environment", {}).get("Variables", {}))
    assert required and required <= set(variables)


def test_every_work_queue_has_a_dead_letter_queue_and_matching_receive_count() -> None:
    for function, queue in QUEUE_FUNCTIONS.items():
        properties = RESOURCES[queue]["Properties"]
        redrive = properties["RedrivePolicy"]
        assert redrive["deadLetterTargetArn"]["Fn::GetAtt"][0].endswith("DeadLetterQueue")
        variables = FUNCTIONS[function]["Environment"]["Variables"]
        # The function marks a record FAILED on the delivery after which SQS gives up.
        assert int(variables["MAX_RECEIVE_COUNT"]) == redrive["maxReceiveCount"]
        assert properties["VisibilityTimeout"] >= 6 * FUNCTIONS[function]["Timeout"]


def test_bucket_is_private_encrypted_versioned_logged_and_tls_only() -> None:
    for name in ("ArticlesBucket", "AccessLogBucket"):
        bucket = RESOURCES[name]["Properties"]
        assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"], name
        assert all(bucket["PublicAccessBlockConfiguration"].values()), name
        assert bucket["VersioningConfiguration"]["Status"] == "Enabled", name
        policies = [
            r["Properties"]
            for r in RESOURCES.values()
            if r["Type"] == "AWS::S3::BucketPolicy" and r["Properties"]["Bucket"] == {"Ref": name}
        ]
        (policy,) = policies
        deny = next(s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Deny")
        assert deny["Action"] == "s3:*"
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        rules = {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}.values()
        assert any("AbortIncompleteMultipartUpload" in rule for rule in rules), name
    articles = RESOURCES["ArticlesBucket"]["Properties"]
    assert articles["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": "AccessLogBucket"}
    events = {
        config["Event"]: config["Filter"]["S3Key"]["Rules"][0]["Value"]
        for config in articles["NotificationConfiguration"]["QueueConfigurations"]
    }
    assert events == {
        "s3:ObjectCreated:*": {"Ref": "IncomingPrefix"},
        "s3:ObjectRemoved:*": {"Ref": "IncomingPrefix"},
    }


def test_the_data_outlives_the_stack() -> None:
    table = RESOURCES["ArticlesTable"]
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    assert table["Properties"]["DeletionProtectionEnabled"] is True
    for name in ("ArticlesBucket", "AccessLogBucket"):
        bucket = RESOURCES[name]
        assert bucket["DeletionPolicy"] == table["DeletionPolicy"], name
        assert bucket["UpdateReplacePolicy"] == table["UpdateReplacePolicy"], name


def test_cached_key_points_expire_on_the_attribute_the_code_writes() -> None:
    ttl = RESOURCES["ArticlesTable"]["Properties"]["TimeToLiveSpecification"]
    assert ttl == {"AttributeName": CACHE_EXPIRY_ATTRIBUTE, "Enabled": True}


def test_incoming_prefix_cannot_cover_the_extracted_texts() -> None:
    """An empty prefix (or texts/) would notify on the pipeline's own output: a loop."""
    pattern = PARAMETERS["IncomingPrefix"]["AllowedPattern"]
    assert re.fullmatch(pattern, PARAMETERS["IncomingPrefix"]["Default"])
    for good in ("incoming/", "uploads/2024/", "a/"):
        assert re.fullmatch(pattern, good), good
    for bad in ("", "/", TEXT_PREFIX, f"{TEXT_PREFIX}more/", "incoming", "/incoming/", "a//"):
        assert not re.fullmatch(pattern, bad), bad


def test_parameters_that_reach_iam_or_memory_are_bounded() -> None:
    model = PARAMETERS["BedrockModelId"]["AllowedPattern"]
    for good in (
        PARAMETERS["BedrockModelId"]["Default"],
        "us.amazon.nova-lite-v1:0",
        "anthropic.claude-3-5-haiku-20241022-v1:0",
    ):
        assert re.fullmatch(model, good), good
    for bad in ("*", "amazon.*", "amazon.nova-lite-v1:0/*", "a/b", "amazon nova", ""):
        assert not re.fullmatch(model, bad), bad
    endpoint = PARAMETERS["AwsEndpointUrl"]["AllowedPattern"]
    for good in ("", "http://host.docker.internal:5000", "http://127.0.0.1:5000/"):
        assert re.fullmatch(endpoint, good), good
    for bad in ("file:///etc/passwd", "http://a:5000/path?x", "host:5000"):
        assert not re.fullmatch(endpoint, bad), bad
    size = PARAMETERS["MaxObjectBytes"]
    assert size["MinValue"] <= size["Default"] <= size["MaxValue"]
    assert size["MaxValue"] * 10 <= FUNCTIONS["ExtractFunction"]["MemorySize"] * 1024 * 1024
    email = PARAMETERS["AlarmEmail"]["AllowedPattern"]
    assert re.fullmatch(email, "") and re.fullmatch(email, "ops@example.org")
    assert not re.fullmatch(email, "not an address")


def test_every_queue_refuses_requests_without_tls() -> None:
    covered = set()
    for policy in _of_type(TEMPLATE, "AWS::SQS::QueuePolicy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Effect"] == "Deny" and statement["Condition"] == {
                "Bool": {"aws:SecureTransport": "false"}
            }:
                assert statement["Action"] == "sqs:*"
                covered.update(arn["Fn::GetAtt"][0] for arn in _as_list(statement["Resource"]))
    assert covered == set(_of_type(TEMPLATE, "AWS::SQS::Queue"))


def test_ingest_queue_accepts_only_this_bucket() -> None:
    statements = RESOURCES["IngestQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    allow = next(s for s in statements if s["Effect"] == "Allow")
    assert allow["Principal"] == {"Service": "s3.amazonaws.com"}
    assert "aws:SourceArn" in allow["Condition"]["ArnLike"]
    assert allow["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}


def test_data_is_encrypted_at_rest() -> None:
    table = RESOURCES["ArticlesTable"]["Properties"]
    assert table["SSESpecification"]["SSEEnabled"] is True
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    for name, resource in _of_type(TEMPLATE, "AWS::SQS::Queue").items():
        assert resource["Properties"]["SqsManagedSseEnabled"] is True, name


def test_api_is_not_open_unless_asked() -> None:
    assert PARAMETERS["ApiAuth"]["Default"] == "IAM"
    method = RESOURCES["ArticlesApiProxyMethod"]["Properties"]
    assert method["AuthorizationType"] == {"Fn::If": ["AuthIsIam", "AWS_IAM", "NONE"]}
    assert method["ApiKeyRequired"] == {"Fn::If": ["AuthIsApiKey", True, False]}
    assert method["HttpMethod"] == "ANY"
    (settings,) = RESOURCES["ArticlesApiStage"]["Properties"]["MethodSettings"]
    assert "ThrottlingRateLimit" in settings and "ThrottlingBurstLimit" in settings
    permission = RESOURCES["ApiInvokePermission"]["Properties"]
    assert permission["SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert "${ArticlesApi}" in permission["SourceArn"]["Fn::Sub"]
    # Open to anyone: the CORS preflight (headers only) and the static page at the root.
    open_methods = {
        name: (resource["Properties"]["HttpMethod"], resource["Properties"]["ResourceId"])
        for name, resource in RESOURCES.items()
        if resource["Type"] == "AWS::ApiGateway::Method"
        and resource["Properties"]["AuthorizationType"] == "NONE"
    }
    assert open_methods == {
        "ArticlesApiPreflightMethod": ("OPTIONS", {"Ref": "ArticlesApiProxyResource"}),
        "ArticlesApiPageMethod": ("ANY", {"Fn::GetAtt": ["ArticlesApi", "RootResourceId"]}),
    }


def test_web_uploads_are_off_by_default_and_only_then_may_the_api_put_objects() -> None:
    assert PARAMETERS["WebUploads"]["Default"] == "Disabled"
    assert TEMPLATE["Conditions"]["UploadsEnabled"] == {
        "Fn::Equals": [{"Ref": "WebUploads"}, "Enabled"]
    }
    for uploads, puts in (("Disabled", []), ("Enabled", ["s3:PutObject"])):
        role = _function_roles(WebUploads=uploads)["ApiFunction"]
        statements = [
            st
            for st in _role_statements(role, WebUploads=uploads)
            if "s3:PutObject" in st["Action"]
        ]
        assert [st["Action"] for st in statements] == puts, uploads
        for statement in statements:
            assert statement["Resource"] == {"Fn::Sub": "${ArticlesBucket.Arn}/${IncomingPrefix}*"}
        others = _actions_by_function(WebUploads=uploads)
        assert not any(
            "s3:PutObject" in acts
            for name, acts in others.items()
            if name not in ("ApiFunction", "ExtractFunction")  # Extract writes texts/ only
        )
    variables = FUNCTIONS["ApiFunction"]["Environment"]["Variables"]
    assert variables["WEB_UPLOADS"] == {"Fn::If": ["UploadsEnabled", "true", "false"]}
    assert variables["INCOMING_PREFIX"] == {"Ref": "IncomingPrefix"}
    assert variables["MAX_OBJECT_BYTES"] == {"Ref": "MaxObjectBytes"}
    # The bucket takes the page's cross-origin POSTs only with uploads on.
    name, when_on, when_off = RESOURCES["ArticlesBucket"]["Properties"]["CorsConfiguration"][
        "Fn::If"
    ]
    assert name == "UploadsEnabled" and when_off == {"Ref": "AWS::NoValue"}
    (rule,) = when_on["CorsRules"]
    assert rule["AllowedMethods"] == ["POST"]


def test_cors_origins_are_none_by_default_and_reach_the_api_function() -> None:
    pattern = PARAMETERS["CorsAllowOrigins"]["AllowedPattern"]
    assert PARAMETERS["CorsAllowOrigins"]["Default"] == ""
    for good in ("", "https://reader.example.org", "https://a.example,http://127.0.0.1:5700"):
        assert re.fullmatch(pattern, good), good
    for bad in ("reader.example.org", "https://a.example/path", "https://a.example, "):
        assert not re.fullmatch(pattern, bad), bad
    variables = FUNCTIONS["ApiFunction"]["Environment"]["Variables"]
    assert variables["CORS_ALLOW_ORIGINS"] == {"Ref": "CorsAllowOrigins"}
    assert variables["API_AUTH"] == {"Ref": "ApiAuth"}


def test_api_compresses_its_answers() -> None:
    assert RESOURCES["ArticlesApi"]["Properties"]["MinimumCompressionSize"] == 1024


def test_required_parameters_and_outputs() -> None:
    assert {
        "KeyPointCount",
        "Summarizer",
        "BedrockModelId",
        "MaxObjectBytes",
        "IncomingPrefix",
        "ApiAuth",
        "LogLevel",
        "LogRetentionDays",
        "AlarmEmail",
        "ExtractMaxConcurrency",
    } <= set(PARAMETERS)
    assert {
        "BucketName",
        "ApiUrl",
        "TableName",
        "IngestQueueUrl",
        "SummarizeQueueUrl",
        "AlarmTopicArn",
    } <= set(TEMPLATE["Outputs"])


def test_a_whole_batch_fits_in_the_function_timeout() -> None:
    """A timed-out invocation records nothing, so a batch's worst case must fit its timeout."""
    from articles.extraction.limits import DEFAULT_TIMEOUT_SECONDS
    from articles.keypoints import bedrock

    io_allowance = 10  # S3 and DynamoDB calls around each article
    extract = FUNCTIONS["ExtractFunction"]
    (ingest,) = extract["Events"].values()
    batch = ingest["Properties"]["BatchSize"]
    assert extract["Timeout"] >= batch * (DEFAULT_TIMEOUT_SECONDS + io_allowance)

    summarize = FUNCTIONS["SummarizeFunction"]
    (source,) = summarize["Events"].values()
    assert source["Properties"]["BatchSize"] == {"Fn::If": ["UseBedrock", 1, 5]}
    one_model_article = (
        bedrock.MAX_ATTEMPTS * (bedrock.READ_TIMEOUT_SECONDS + 5)  # connect timeout
        + (bedrock.MAX_DELAY_SECONDS * (bedrock.MAX_ATTEMPTS - 1))
    )
    assert summarize["Timeout"] >= one_model_article + io_allowance


# -- the template as deployed (after the SAM transform) -------------------------------------


def test_sam_adds_no_role_or_managed_policy_of_its_own() -> None:
    """SAM's generated roles carry AWSLambdaSQSQueueExecutionRole (every queue in the account)."""
    translated = _translated()
    roles = _of_type(translated, "AWS::IAM::Role")
    function_roles = {id(role) for role in _function_roles().values()}
    assert len(function_roles) == 4  # one role per function, none shared
    for name, role in roles.items():
        if id(role) in function_roles:
            assert "ManagedPolicyArns" not in role["Properties"], name
            assert "PermissionsBoundary" not in role["Properties"], name
    assert set(roles) - {"ApiGatewayLoggingRoleResource"} == {f"{name}Role" for name in FUNCTIONS}


@pytest.mark.parametrize("summarizer", ["extractive", "bedrock"])
def test_no_wildcard_actions_or_resources(summarizer: str) -> None:
    for name, role in _function_roles(Summarizer=summarizer).items():
        for statement in _role_statements(role, Summarizer=summarizer):
            actions = _as_list(statement["Action"])
            assert all("*" not in action for action in actions), f"{name}: {actions}"
            if "*" in _as_list(statement["Resource"]):
                assert set(actions) <= RESOURCELESS_ACTIONS, f"{name}: {statement}"


def test_queue_consumers_read_their_own_queue_only() -> None:
    translated = _translated()
    mappings = _of_type(translated, "AWS::Lambda::EventSourceMapping").values()
    consumed = {
        m["Properties"]["FunctionName"]["Ref"]: m["Properties"]["EventSourceArn"] for m in mappings
    }
    assert consumed == {
        function: {"Fn::GetAtt": [queue, "Arn"]} for function, queue in QUEUE_FUNCTIONS.items()
    }
    for name, role in _function_roles().items():
        receive = [
            st
            for st in _role_statements(role)
            if any(a.startswith("sqs:") and a != "sqs:SendMessage" for a in _as_list(st["Action"]))
        ]
        if name not in consumed:
            assert receive == [], name
            continue
        (statement,) = receive
        assert set(statement["Action"]) == {
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
        }
        assert statement["Resource"] == consumed[name]


def test_only_the_functions_that_need_them_get_write_access() -> None:
    by_function = _actions_by_function()
    everything = set().union(*by_function.values())
    assert by_function["ApiFunction"] - RESOURCELESS_ACTIONS == {
        "dynamodb:GetItem",
        "dynamodb:Query",
        "s3:GetObject",
        "s3:ListBucket",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    }
    assert "dynamodb:Scan" not in everything
    assert "dynamodb:DeleteItem" not in everything
    assert "logs:CreateLogGroup" not in everything  # the template creates them, with retention
    assert "sqs:SendMessage" in by_function["ExtractFunction"]
    # The sweep finds waiting records and records with unsent events through their indexes
    # only, rewrites them whole, clears sent events and sends what was left.
    assert by_function["SweepFunction"] - RESOURCELESS_ACTIONS == {
        "dynamodb:Query",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "events:PutEvents",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    }
    sweep = _function_roles()["SweepFunction"]
    (query,) = [st for st in _role_statements(sweep) if st["Action"] == "dynamodb:Query"]
    assert query["Resource"] == [
        {"Fn::Sub": "${ArticlesTable.Arn}/index/by-status"},
        {"Fn::Sub": "${ArticlesTable.Arn}/index/by-pending-event"},
    ]


def test_bedrock_is_granted_only_when_it_is_the_summarizer() -> None:
    extractive = _actions_by_function(Summarizer="extractive")
    bedrock = _actions_by_function(Summarizer="bedrock")
    assert not any(a.startswith("bedrock:") for acts in extractive.values() for a in acts)
    assert "bedrock:InvokeModel" in bedrock["SummarizeFunction"]
    others = {name: acts for name, acts in bedrock.items() if name != "SummarizeFunction"}
    assert not any(a.startswith("bedrock:") for acts in others.values() for a in acts)


def test_every_function_logs_to_its_own_log_group_with_retention() -> None:
    translated = _translated()
    groups = _of_type(translated, "AWS::Logs::LogGroup")
    for name, function in _of_type(translated, "AWS::Lambda::Function").items():
        group_ref = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        group = groups[group_ref]
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, name
        assert group["DeletionPolicy"] == "Delete", name  # logs go with the stack
        (logs,) = [
            st
            for st in _role_statements(_function_roles()[name])
            if "logs:PutLogEvents" in _as_list(st["Action"])
        ]
        assert logs["Resource"] == {"Fn::GetAtt": [group_ref, "Arn"]}, name
    for group in groups.values():
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_the_stage_writes_access_and_execution_logs_with_retention() -> None:
    translated = _translated()
    groups = _of_type(translated, "AWS::Logs::LogGroup")
    (stage,) = _of_type(translated, "AWS::ApiGateway::Stage").values()
    properties = stage["Properties"]
    destination = properties["AccessLogSetting"]["DestinationArn"]["Fn::GetAtt"][0]
    assert destination in groups
    assert "$context.requestId" in properties["AccessLogSetting"]["Format"]
    (settings,) = properties["MethodSettings"]
    assert settings["LoggingLevel"] in {"ERROR", "INFO"}
    assert settings["DataTraceEnabled"] is False  # never request or response bodies
    execution = groups[stage["DependsOn"]]["Properties"]["LogGroupName"]
    assert execution == {"Fn::Sub": "API-Gateway-Execution-Logs_${ArticlesApi}/v1"}
    assert properties["StageName"] == "v1"


def test_every_alarm_notifies_the_topic() -> None:
    translated = _translated()
    alarms = _of_type(translated, "AWS::CloudWatch::Alarm")
    assert alarms
    for name, alarm in alarms.items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
    subscriptions = _of_type(translated, "AWS::SNS::Subscription").values()
    (subscription,) = subscriptions
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    assert translated["Conditions"]["HasAlarmEmail"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]
    }


def _watched_metrics(alarm: dict[str, Any]) -> set[tuple[str, str]]:
    properties = alarm["Properties"]
    if "MetricName" in properties:
        return {(properties["Namespace"], properties["MetricName"])}
    found = set()
    for metric in properties["Metrics"]:
        if "MetricStat" in metric:
            stat = metric["MetricStat"]["Metric"]
            found.add((stat["Namespace"], stat["MetricName"]))
        elif metric["Expression"].startswith("SELECT"):
            match = re.match(r"SELECT SUM\((\w+)\) FROM (\w+)", metric["Expression"])
            assert match, metric["Expression"]
            found.add((match.group(2), match.group(1)))
    return found


def test_alarms_cover_what_an_operator_needs() -> None:
    alarms = _of_type(_translated(), "AWS::CloudWatch::Alarm").values()
    watched = set().union(*(_watched_metrics(alarm) for alarm in alarms))
    assert {
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),  # dead letters
        ("AWS/SQS", "ApproximateAgeOfOldestMessage"),
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Throttles"),
        ("AWS/ApiGateway", "5XXError"),
        ("AWS/ApiGateway", "Latency"),
        ("AWS/DynamoDB", "ReadThrottleEvents"),
        ("AWS/DynamoDB", "WriteThrottleEvents"),
        ("ArticlePipeline", "ArticlesFailed"),
    } <= watched
    from articles import observability

    assert observability.metrics.namespace == "ArticlePipeline"


def test_concurrency_is_bounded_by_parameters() -> None:
    translated = _translated()
    functions = _of_type(translated, "AWS::Lambda::Function")
    mappings = _of_type(translated, "AWS::Lambda::EventSourceMapping").values()
    limits = {
        "ExtractFunction": "ExtractMaxConcurrency",
        "SummarizeFunction": "SummarizeMaxConcurrency",
    }
    for mapping in mappings:
        function = mapping["Properties"]["FunctionName"]["Ref"]
        parameter = limits[function]
        assert mapping["Properties"]["ScalingConfig"]["MaximumConcurrency"] == {"Ref": parameter}
        assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        # Reserved concurrency no lower than the mapping's maximum, or Lambda throttles it.
        reserved = functions[function]["Properties"]["ReservedConcurrentExecutions"]
        assert reserved == {"Ref": parameter}
        spec = PARAMETERS[parameter]
        assert 2 <= spec["MinValue"] <= spec["Default"] <= spec["MaxValue"] <= 1000
    assert functions["SweepFunction"]["Properties"]["ReservedConcurrentExecutions"] == 1


def test_every_api_change_makes_a_new_deployment() -> None:
    """The stage serves a snapshot: a new one needs a new deployment logical id.

    The ids end with a hash of the API's resources and methods, and each ApiAuth value has
    its own deployment, so a change to either replaces the deployment the stage points to.
    """
    digest = api_definition_hash(TEMPLATE)
    deployments = _of_type(TEMPLATE, "AWS::ApiGateway::Deployment")
    for name in deployments:
        assert name.endswith(digest), (
            f"the API definition changed: rename {name} to {name[: -len(digest)]}{digest} "
            "(and its references) so that CloudFormation deploys the change"
        )
    live = {}
    for auth in PARAMETERS["ApiAuth"]["AllowedValues"]:
        translated = _translated(ApiAuth=auth)
        conditions = translated["Conditions"]
        (stage,) = _of_type(translated, "AWS::ApiGateway::Stage").values()
        chosen = _resolve_if(stage["Properties"]["DeploymentId"], conditions, auth)["Ref"]
        deployment = translated["Resources"][chosen]
        assert _condition_holds(conditions[deployment["Condition"]], auth), (auth, chosen)
        live[auth] = chosen
    assert len(set(live.values())) == len(live)  # switching ApiAuth replaces the deployment
    methods = set(_of_type(TEMPLATE, "AWS::ApiGateway::Method"))
    for name, deployment in deployments.items():
        assert set(_as_list(deployment["DependsOn"])) == methods, name  # a snapshot of them all


def _condition_holds(condition: dict[str, Any], auth: str) -> bool:
    (left, right) = condition["Fn::Equals"]
    assert left == {"Ref": "ApiAuth"}
    return bool(right == auth)


def _resolve_if(node: Any, conditions: dict[str, Any], auth: str) -> Any:
    while isinstance(node, dict) and "Fn::If" in node:
        name, when_true, when_false = node["Fn::If"]
        node = when_true if _condition_holds(conditions[name], auth) else when_false
    return node


def test_functions_that_read_objects_may_list_the_bucket_so_missing_stays_404() -> None:
    # Without s3:ListBucket, S3 answers a missing key with 403 AccessDenied, which the stages
    # would take for a transient permission problem instead of source_missing.
    for name, role in _function_roles().items():
        statements = _role_statements(role)
        reads = any("s3:GetObject" in _as_list(st["Action"]) for st in statements)
        listing = [st for st in statements if "s3:ListBucket" in _as_list(st["Action"])]
        if not reads:
            assert listing == [], name
            continue
        assert [st["Resource"] for st in listing] == [{"Fn::GetAtt": ["ArticlesBucket", "Arn"]}]
        assert _as_list(listing[0]["Action"]) == ["s3:ListBucket"], name


def test_the_template_defaults_are_the_code_defaults() -> None:
    # One home for each value: a deployed stack and an unset variable behave the same.
    assert PARAMETERS["MaxObjectBytes"]["Default"] == constants.DEFAULT_MAX_OBJECT_BYTES
    assert PARAMETERS["BedrockModelId"]["Default"] == constants.DEFAULT_BEDROCK_MODEL_ID
    assert PARAMETERS["Summarizer"]["Default"] == constants.DEFAULT_SUMMARIZER
    assert tuple(PARAMETERS["Summarizer"]["AllowedValues"]) == constants.SUMMARIZERS
    assert PARAMETERS["StalledAfterMinutes"]["Default"] == constants.DEFAULT_STALLED_AFTER_MINUTES
    assert PARAMETERS["EventBusName"]["Default"] == constants.DEFAULT_EVENT_BUS_NAME
    for queue in QUEUE_FUNCTIONS.values():
        redrive = RESOURCES[queue]["Properties"]["RedrivePolicy"]
        assert redrive["maxReceiveCount"] == constants.DEFAULT_MAX_RECEIVE_COUNT


# -- completion events ------------------------------------------------------------------------

PUBLISHERS = {"ExtractFunction", "SummarizeFunction", "SweepFunction"}
BUS_ARN = {
    "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}"
    ":event-bus/${EventBusName}"
}


@pytest.mark.parametrize("bus", [None, "articles-done"])
def test_only_the_functions_that_end_records_may_put_events_and_on_that_bus_only(
    bus: str | None,
) -> None:
    """events:PutEvents for the three functions that end records, on the one bus the
    EventBusName parameter names (the default bus unless set), with this source only."""
    parameters = {"EventBusName": bus} if bus else {}
    translated = _translated(**parameters)
    for name, role in _function_roles(**parameters).items():
        statements = [
            st
            for st in _role_statements(role, **parameters)
            if any(a.startswith("events:") for a in _as_list(st["Action"]))
        ]
        if name not in PUBLISHERS:
            assert statements == [], name
            continue
        (statement,) = statements
        assert statement["Effect"] == "Allow"
        assert _as_list(statement["Action"]) == ["events:PutEvents"], name
        assert statement["Resource"] == BUS_ARN, name
        assert statement["Condition"] == {"StringEquals": {"events:source": EVENT_SOURCE}}
        function = translated["Resources"][name]["Properties"]
        assert function["Environment"]["Variables"]["EVENT_BUS_NAME"] == {"Ref": "EventBusName"}
    # The ARN's name is the parameter's value, which cannot widen it.
    assert PARAMETERS["EventBusName"]["Default"] == "default"
    pattern = PARAMETERS["EventBusName"]["AllowedPattern"]
    for good in ("default", "articles-done", "team.articles_v2"):
        assert re.fullmatch(pattern, good), good
    for bad in ("*", "articles*", "a/b", "", "arn:aws:events:us-east-1:1:event-bus/x"):
        assert not re.fullmatch(pattern, bad), bad


def test_the_event_bus_resolves_to_the_named_bus_of_the_stack_account() -> None:
    """The bus ARN as CloudFormation resolves it for a stack, with and without the parameter."""
    from articles.settings import EventSettings

    for value in ("default", "articles-done"):
        resolved = BUS_ARN["Fn::Sub"].replace("${EventBusName}", value)
        assert resolved.endswith(f":event-bus/{value}")
        assert "*" not in resolved
        assert EventSettings.from_env({"EVENT_BUS_NAME": value}).event_bus_name == value
    assert EventSettings.from_env({}).event_bus_name == "default"
    with pytest.raises(Exception, match="EVENT_BUS_NAME"):
        EventSettings.from_env({"EVENT_BUS_NAME": "a/*"})


def test_unsent_events_have_a_sparse_index_and_an_alarm() -> None:
    table = RESOURCES["ArticlesTable"]["Properties"]
    (index,) = [
        i for i in table["GlobalSecondaryIndexes"] if i["IndexName"] == BY_PENDING_EVENT_INDEX
    ]
    assert index["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    assert [k["AttributeName"] for k in index["KeySchema"]] == ["pending_pk", "pending_sk"]
    alarms = _of_type(_translated(), "AWS::CloudWatch::Alarm")
    watched = set().union(*(_watched_metrics(alarm) for alarm in alarms.values()))
    assert ("ArticlePipeline", "EventsUnpublished") in watched
