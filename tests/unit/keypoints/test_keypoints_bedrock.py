from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from keypoints_samples import FLOOD, FLOOD_TITLE

from articles.constants import DEFAULT_BEDROCK_MODEL_ID as DEFAULT_MODEL_ID
from articles.keypoints import summarize
from articles.keypoints.bedrock import BedrockSummarizer, truncate_to_budget

ANSWER = {
    "summary": "Floods forced 2,000 people from their homes in the Marlow Valley.",
    "key_points": [
        "About 2,000 people left their homes after the river burst its banks.",
        "Two schools became shelters for displaced families.",
        "More rain is expected on Monday night.",
    ],
    "keywords": ["Marlow Valley", "flood", "shelters", "Environment Agency", "rain"],
}


def _response(text: str, *, inputs: int = 900, outputs: int = 120, stop: str = "end_turn") -> dict:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": stop,
        "usage": {"inputTokens": inputs, "outputTokens": outputs, "totalTokens": inputs + outputs},
        "metrics": {"latencyMs": 850},
    }


@pytest.fixture
def client() -> Any:
    return boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def stubber(client: Any) -> Iterator[Stubber]:
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _backend(client: Any, sleeps: Sleeps | None = None, **kwargs: Any) -> BedrockSummarizer:
    return BedrockSummarizer(
        client, sleep=sleeps if sleeps is not None else Sleeps(), jitter=lambda: 1.0, **kwargs
    )


def _expect(stubber: Stubber, response: dict, model_id: str = DEFAULT_MODEL_ID) -> None:
    expected = {
        "modelId": model_id,
        "system": ANY,
        "messages": ANY,
        "inferenceConfig": ANY,
    }
    stubber.add_response("converse", response, expected)


def test_valid_json(client: Any, stubber: Stubber) -> None:
    _expect(stubber, _response(json.dumps(ANSWER)))
    result = _backend(client).summarize(FLOOD_TITLE, FLOOD, count=3)
    assert result.key_points == ANSWER["key_points"]
    assert result.summary == ANSWER["summary"]
    assert result.keywords == ANSWER["keywords"]
    assert result.summarizer == f"bedrock {DEFAULT_MODEL_ID}"
    assert (result.input_tokens, result.output_tokens) == (900, 120)
    assert result.truncated is False


def test_json_wrapped_in_prose(client: Any, stubber: Stubber) -> None:
    reply = f"Here are the key points:\n```json\n{json.dumps(ANSWER)}\n```\nHope it helps."
    _expect(stubber, _response(reply))
    result = _backend(client).summarize(FLOOD_TITLE, FLOOD, count=3)
    assert result.key_points == ANSWER["key_points"]


def test_extra_points_are_cut_to_the_count(client: Any, stubber: Stubber) -> None:
    _expect(stubber, _response(json.dumps(ANSWER)))
    result = _backend(client).summarize(FLOOD_TITLE, FLOOD, count=2)
    assert result.key_points == ANSWER["key_points"][:2]


@pytest.mark.parametrize(
    "reply",
    [
        '{"summary": "Floods.", "key_points": ["About 2,000 people left',  # cut off
        "I cannot help with that request.",
        json.dumps({"summary": "Floods.", "key_points": []}),  # fails validation
    ],
)
def test_invalid_output_falls_back_to_extractive(client: Any, stubber: Stubber, reply: str) -> None:
    _expect(stubber, _response(reply, inputs=800, outputs=40))
    result = _backend(client).summarize(FLOOD_TITLE, FLOOD, count=3)
    assert result.summarizer.startswith("extractive ")
    assert result.summarizer.endswith("(fallback: invalid output)")
    assert len(result.key_points) == 3
    assert (result.input_tokens, result.output_tokens) == (800, 40)  # the tokens were still paid


def test_throttling_then_success(client: Any, stubber: Stubber) -> None:
    for _ in range(2):
        stubber.add_client_error("converse", "ThrottlingException", "Too many requests", 429)
    _expect(stubber, _response(json.dumps(ANSWER)))
    sleeps = Sleeps()
    result = _backend(client, sleeps, base_delay=0.5).summarize(FLOOD_TITLE, FLOOD, count=3)
    assert result.summarizer == f"bedrock {DEFAULT_MODEL_ID}"
    assert sleeps == [0.5, 1.0]  # exponential backoff (jitter pinned to its maximum)


def test_backoff_is_jittered_and_capped(client: Any, stubber: Stubber) -> None:
    for _ in range(5):
        stubber.add_client_error("converse", "ThrottlingException", "slow down", 429)
    _expect(stubber, _response(json.dumps(ANSWER)))
    sleeps = Sleeps()
    backend = BedrockSummarizer(
        client, max_attempts=6, base_delay=1.0, max_delay=4.0, sleep=sleeps, jitter=lambda: 0.5
    )
    backend.summarize(FLOOD_TITLE, FLOOD, count=3)
    assert sleeps == [0.5, 1.0, 2.0, 2.0, 2.0]


def test_persistent_throttling_falls_back(client: Any, stubber: Stubber) -> None:
    for _ in range(3):
        stubber.add_client_error("converse", "ThrottlingException", "Too many requests", 429)
    sleeps = Sleeps()
    result = _backend(client, sleeps, max_attempts=3).summarize(FLOOD_TITLE, FLOOD, count=3)
    assert result.summarizer.endswith("(fallback: throttled)")
    assert len(result.key_points) == 3
    assert result.input_tokens is None
    assert len(sleeps) == 2


def test_access_denied_falls_back_without_retrying(client: Any, stubber: Stubber) -> None:
    stubber.add_client_error("converse", "AccessDeniedException", "no model access", 403)
    sleeps = Sleeps()
    result = _backend(client, sleeps).summarize(FLOOD_TITLE, FLOOD, count=3)
    assert result.summarizer.endswith("(fallback: AccessDeniedException)")
    assert sleeps == []


def test_too_long_article_is_truncated_and_flagged(client: Any, stubber: Stubber) -> None:
    long_text = "\n".join([FLOOD] * 40)
    captured: dict[str, Any] = {}

    def remember(params: dict[str, Any], **_: Any) -> None:
        captured["prompt"] = params

    client.meta.events.register("before-parameter-build.bedrock-runtime.Converse", remember)
    _expect(stubber, _response(json.dumps(ANSWER), inputs=2000))
    result = _backend(client, max_input_tokens=1000).summarize(FLOOD_TITLE, long_text, count=3)
    assert result.truncated is True
    assert result.summarizer == f"bedrock {DEFAULT_MODEL_ID}"
    prompt = captured["prompt"]["messages"][0]["content"][0]["text"]
    assert len(prompt) < 1000 * 4 + 500
    assert prompt.rstrip().endswith((".", '"'))  # cut at a sentence end


def test_output_cut_at_max_tokens_falls_back(client: Any, stubber: Stubber) -> None:
    _expect(stubber, _response('{"summary": "Floods', stop="max_tokens"))
    result = _backend(client).summarize(FLOOD_TITLE, FLOOD, count=3)
    assert "(fallback: output cut at max tokens)" in result.summarizer


def test_truncate_to_budget_leaves_short_text_alone() -> None:
    assert truncate_to_budget("Short text.", 100) == ("Short text.", False)


def test_summarize_selects_bedrock_from_the_environment(
    client: Any, stubber: Stubber, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZER", "bedrock")
    monkeypatch.setenv("BEDROCK_MODEL_ID", "anthropic.claude-3-haiku-20240307-v1:0")
    _expect(stubber, _response(json.dumps(ANSWER)), "anthropic.claude-3-haiku-20240307-v1:0")
    result = summarize(FLOOD_TITLE, FLOOD, count=3, bedrock_client=client)
    assert result.summarizer == "bedrock anthropic.claude-3-haiku-20240307-v1:0"


def test_client_is_built_on_first_use_only(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []

    def fake_client(*args: Any, **kwargs: Any) -> Any:
        built.append(args[0])
        return object()

    monkeypatch.setattr(boto3, "client", fake_client)
    backend = BedrockSummarizer()
    assert built == []
    assert backend.client is backend.client
    assert built == ["bedrock-runtime"]
