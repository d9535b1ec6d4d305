"""template.yaml: lint-clean, least privilege, secure defaults, and consistent with the code."""

from __future__ import annotations

from typing import Any

import pytest

from articles.constants import MIN_STALLED_AFTER_MINUTES
from articles.settings import ApiSettings, ExtractSettings, SummarizeSettings, SweepSettings
from articles_cli.local.cloudformation import load_template
from tests.conftest import ROOT, load_function

TEMPLATE = load_template()
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
FUNCTIONS = {
    name: resource["Properties"]
    for name, resource in RESOURCES.items()
    if resource["Type"] == "AWS::Serverless::Function"
}


def _statements() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name, properties in FUNCTIONS.items():
        for policy in properties.get("Policies", []):
            assert isinstance(policy, dict) and "Statement" in policy, (
                f"{name}: use inline statements, not broad managed policy templates"
            )
            found.extend((name, statement) for statement in policy["Statement"])
    return found


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


@pytest.mark.parametrize(("function", "statement"), _statements())
def test_no_wildcard_actions(function: str, statement: dict[str, Any]) -> None:
    actions = statement["Action"]
    for action in [actions] if isinstance(actions, str) else actions:
        assert "*" not in action, f"{function}: {action}"


def test_only_the_functions_that_need_them_get_write_access() -> None:
    by_function: dict[str, set[str]] = {}
    for function, statement in _statements():
        actions = statement["Action"]
        by_function.setdefault(function, set()).update(
            [actions] if isinstance(actions, str) else actions
        )
    everything = set().union(*by_function.values())
    assert by_function["ApiFunction"] == {"dynamodb:GetItem", "dynamodb:Query", "s3:GetObject"}
    assert "dynamodb:Scan" not in everything
    assert "dynamodb:DeleteItem" not in everything
    assert "sqs:SendMessage" in by_function["ExtractFunction"]
    assert "bedrock:InvokeModel" in by_function["SummarizeFunction"]
    assert not any(action.startswith("bedrock:") for action in by_function["ExtractFunction"])
    # The sweep finds waiting records through the status index only and rewrites them whole.
    assert by_function["SweepFunction"] == {
        "dynamodb:Query",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
    }
    (query,) = [
        st for fn, st in _statements() if fn == "SweepFunction" and st["Action"] == "dynamodb:Query"
    ]
    assert query["Resource"] == {"Fn::Sub": "${ArticlesTable.Arn}/index/by-status"}


def test_the_sweep_runs_on_a_schedule_with_a_safe_threshold() -> None:
    (event,) = FUNCTIONS["SweepFunction"]["Events"].values()
    assert event["Type"] == "Schedule"
    parameter = TEMPLATE["Parameters"]["StalledAfterMinutes"]
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


def test_queue_driven_functions_report_partial_batch_failures() -> None:
    for name in ("ExtractFunction", "SummarizeFunction"):
        (event,) = FUNCTIONS[name]["Events"].values()
        assert event["Type"] == "SQS"
        assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    summarize_event = next(iter(FUNCTIONS["SummarizeFunction"]["Events"].values()))
    assert summarize_event["Properties"]["ScalingConfig"]["MaximumConcurrency"] == {
        "Ref": "SummarizeMaxConcurrency"
    }


def test_every_work_queue_has_a_dead_letter_queue_and_matching_receive_count() -> None:
    pairs = (("IngestQueue", "ExtractFunction"), ("SummarizeQueue", "SummarizeFunction"))
    for queue, function in pairs:
        properties = RESOURCES[queue]["Properties"]
        redrive = properties["RedrivePolicy"]
        assert redrive["deadLetterTargetArn"]["Fn::GetAtt"][0].endswith("DeadLetterQueue")
        variables = FUNCTIONS[function]["Environment"]["Variables"]
        # The function marks a record FAILED on the delivery after which SQS gives up.
        assert int(variables["MAX_RECEIVE_COUNT"]) == redrive["maxReceiveCount"]
        assert properties["VisibilityTimeout"] >= 6 * FUNCTIONS[function]["Timeout"]


def test_bucket_is_private_encrypted_versioned_and_tls_only() -> None:
    bucket = RESOURCES["ArticlesBucket"]["Properties"]
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["VersioningConfiguration"]["Status"] == "Enabled"
    (statement,) = RESOURCES["ArticlesBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    events = {
        config["Event"]: config["Filter"]["S3Key"]["Rules"][0]["Value"]
        for config in bucket["NotificationConfiguration"]["QueueConfigurations"]
    }
    assert events == {
        "s3:ObjectCreated:*": {"Ref": "IncomingPrefix"},
        "s3:ObjectRemoved:*": {"Ref": "IncomingPrefix"},
    }


def test_ingest_queue_accepts_only_this_bucket() -> None:
    statements = RESOURCES["IngestQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    allow = next(s for s in statements if s["Effect"] == "Allow")
    assert allow["Principal"] == {"Service": "s3.amazonaws.com"}
    assert "aws:SourceArn" in allow["Condition"]["ArnLike"]


def test_data_is_encrypted_at_rest() -> None:
    table = RESOURCES["ArticlesTable"]["Properties"]
    assert table["SSESpecification"]["SSEEnabled"] is True
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    for name, resource in RESOURCES.items():
        if resource["Type"] == "AWS::SQS::Queue":
            assert resource["Properties"]["SqsManagedSseEnabled"] is True, name


def test_api_is_not_open_unless_asked() -> None:
    assert TEMPLATE["Parameters"]["ApiAuth"]["Default"] == "IAM"
    method = RESOURCES["ArticlesApiProxyMethod"]["Properties"]
    assert method["AuthorizationType"] == {"Fn::If": ["AuthIsIam", "AWS_IAM", "NONE"]}
    assert method["ApiKeyRequired"] == {"Fn::If": ["AuthIsApiKey", True, False]}
    assert method["HttpMethod"] == "GET"
    (settings,) = RESOURCES["ArticlesApiStage"]["Properties"]["MethodSettings"]
    assert "ThrottlingRateLimit" in settings and "ThrottlingBurstLimit" in settings


def test_alarms_watch_dead_letter_queues_and_function_errors() -> None:
    watched = set()
    for resource in RESOURCES.values():
        if resource["Type"] == "AWS::CloudWatch::Alarm":
            (dimension,) = resource["Properties"]["Dimensions"]
            value = dimension["Value"]
            watched.add(value.get("Ref") or value["Fn::GetAtt"][0])
    assert watched == {
        "IngestDeadLetterQueue",
        "SummarizeDeadLetterQueue",
        "ExtractFunction",
        "SummarizeFunction",
        "ApiFunction",
        "SweepFunction",
    }


def test_required_parameters_and_outputs() -> None:
    assert {
        "KeyPointCount",
        "Summarizer",
        "BedrockModelId",
        "MaxObjectBytes",
        "IncomingPrefix",
        "ApiAuth",
        "LogLevel",
    } <= set(TEMPLATE["Parameters"])
    assert {"BucketName", "ApiUrl", "TableName", "IngestQueueUrl", "SummarizeQueueUrl"} <= set(
        TEMPLATE["Outputs"]
    )


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
        + (bedrock.MAX_ATTEMPTS - 1) * bedrock.MAX_DELAY_SECONDS
    )
    assert summarize["Timeout"] >= one_model_article + io_allowance
