"""Tracing costs nothing when it is off, and is the X-Ray provider when it is on."""

from __future__ import annotations

import pytest

from tests.conftest import python_output

PROBE = (
    "import sys\n"
    "from articles.tracing import tracer\n"
    "@tracer.capture_method\n"
    "def double(x):\n"
    "    return 2 * x\n"
    "@tracer.capture_lambda_handler\n"
    "def handler(event, context):\n"
    "    return double(event)\n"
    "print(handler(21, None), type(tracer.provider).__name__, 'aws_xray_sdk.core' in sys.modules)\n"
)


def _probe(env: dict[str, str]) -> list[str]:
    return python_output(PROBE, {"AWS_DEFAULT_REGION": "us-east-1", **env}).split()


@pytest.mark.parametrize(
    "env",
    [
        {"POWERTOOLS_TRACE_DISABLED": "true", "LAMBDA_TASK_ROOT": "/var/task"},
        {},  # outside Lambda
        {"LAMBDA_TASK_ROOT": "/var/task", "AWS_SAM_LOCAL": "true"},
    ],
    ids=["disabled", "outside-lambda", "sam-local"],
)
def test_off_the_decorators_run_and_the_xray_sdk_is_not_loaded(env: dict[str, str]) -> None:
    assert _probe(env) == ["42", "SilentProvider", "False"]


def test_on_in_lambda_the_provider_is_xray() -> None:
    answer, provider, loaded = _probe(
        {"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "false"}
    )
    assert answer == "42"
    assert "XRay" in provider
    assert loaded == "True"
