"""Optional LLM backend: Amazon Bedrock's Converse API, falling back to the extractive backend.

The model is asked for a JSON object and the answer is validated with pydantic; anything else
(prose, broken JSON, a refusal) falls back. Throttling and brief outages are retried with
exponential backoff and full jitter; botocore's own retries are switched off so the two do not
multiply. boto3 is imported only when a client has to be built.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel, Field, ValidationError, field_validator

from articles.aws import AwsClients, error_code
from articles.constants import DEFAULT_BEDROCK_MODEL_ID
from articles.keypoints.extractive import ExtractiveSummarizer, adaptive_count
from articles.keypoints.sentences import split_sentences
from articles.models import KeyPoints

if TYPE_CHECKING:
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient
# Rough English average; good enough to keep a request inside a budget, not for billing.
CHARS_PER_TOKEN = 4
DEFAULT_INPUT_TOKENS = 6000
DEFAULT_OUTPUT_TOKENS = 800
# One Converse call may take this long before it counts as failed; with MAX_ATTEMPTS and the
# backoff between them this bounds one article's time, which the function timeout must cover.
READ_TIMEOUT_SECONDS = 30
MAX_ATTEMPTS = 4
MAX_DELAY_SECONDS = 8.0

_RETRYABLE = frozenset(
    {
        "ThrottlingException",
        "TooManyRequestsException",
        "ServiceUnavailableException",
        "ModelNotReadyException",
        "InternalServerException",
    }
)
_SYSTEM_PROMPT = (
    "You are a news editor. Read the article and answer with one JSON object only, no prose: "
    '{"summary": "<one or two sentences>", "key_points": ["<sentence>", ...], '
    '"keywords": ["<phrase>", ...]}. Key points are complete, factual sentences in the order '
    "the article presents them, no two saying the same thing. Keywords: 5 to 10 short phrases, "
    "most important first. Write in the language of the article."
)
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


class _Answer(BaseModel):
    summary: str = Field(min_length=1)
    key_points: list[str] = Field(min_length=1)
    keywords: list[str] = Field(default_factory=list)

    @field_validator("key_points", "keywords")
    @classmethod
    def _clean_items(cls, items: list[str]) -> list[str]:
        seen: set[str] = set()
        out: list[str] = []
        for item in items:
            text = " ".join(item.split()).lstrip("-*• ").strip()
            if text and text.lower() not in seen:
                seen.add(text.lower())
                out.append(text)
        return out


class _Fallback(Exception):
    """Internal: the model gave no usable answer; ``reason`` goes into the record."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_answer(raw: str) -> _Answer:
    """The JSON object in the model's reply, even when wrapped in prose or a code fence."""
    candidates = [raw.strip()]
    candidates += [m.group(1).strip() for m in _FENCE.finditer(raw)]
    start, end = raw.find("{"), raw.rfind("}")
    if 0 <= start < end:
        candidates.append(raw[start : end + 1])
    for candidate in candidates:
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        try:
            answer = _Answer.model_validate(data)
        except ValidationError:
            continue
        if answer.key_points:
            return answer
    raise _Fallback("invalid output")


def truncate_to_budget(text: str, max_tokens: int) -> tuple[str, bool]:
    """Cut the text at a sentence end to fit ``max_tokens``; report whether anything was cut."""
    limit = max_tokens * CHARS_PER_TOKEN
    if len(text) <= limit:
        return text, False
    kept: list[str] = []
    used = 0
    for sentence in split_sentences(text[: limit + 1000]):
        if used + len(sentence.text) + 1 > limit:
            break
        kept.append(sentence.text)
        used += len(sentence.text) + 1
    return (" ".join(kept) if kept else text[:limit]), True


# botocore's own retries are off: _converse retries with backoff, and the two would multiply.
CLIENT_CONFIG: dict[str, Any] = {
    "retries": {"max_attempts": 1, "mode": "standard"},
    "connect_timeout": 5,
    "read_timeout": READ_TIMEOUT_SECONDS,
}


class BedrockSummarizer:
    """Key points written by a Bedrock model, with the extractive backend as the safety net."""

    def __init__(
        self,
        client: BedrockRuntimeClient | None = None,
        *,
        model_id: str | None = None,
        max_input_tokens: int = DEFAULT_INPUT_TOKENS,
        max_output_tokens: int = DEFAULT_OUTPUT_TOKENS,
        max_attempts: int = MAX_ATTEMPTS,
        base_delay: float = 0.5,
        max_delay: float = MAX_DELAY_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        fallback: ExtractiveSummarizer | None = None,
    ) -> None:
        self._clients = AwsClients(
            bedrock_runtime=client, config={"bedrock-runtime": CLIENT_CONFIG}
        )
        self.model_id = model_id or DEFAULT_BEDROCK_MODEL_ID
        self.max_input_tokens = max_input_tokens
        self.max_output_tokens = max_output_tokens
        self.max_attempts = max(1, max_attempts)
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._sleep = sleep
        self._jitter = jitter
        self._fallback = fallback or ExtractiveSummarizer()

    @property
    def name(self) -> str:
        return f"bedrock {self.model_id}"

    @property
    def client(self) -> BedrockRuntimeClient:
        """Built on first use (boto3 loads only then), unless one was given."""
        return self._clients.bedrock_runtime

    def summarize(
        self, title: str | None, text: str, *, count: int | None = None, language: str | None = None
    ) -> KeyPoints:
        wanted = count if count is not None else adaptive_count(text)
        body, truncated = truncate_to_budget(text, self.max_input_tokens)
        usage: dict[str, int] = {}
        try:
            response = self._converse(self._request(title, body, wanted, language))
            usage = response.get("usage") or {}
            if response.get("stopReason") == "max_tokens":
                raise _Fallback("output cut at max tokens")
            answer = parse_answer(_reply_text(response))
        except _Fallback as exc:
            result = self._fallback.summarize(title, text, count=count, language=language)
            return result.model_copy(
                update={
                    "summarizer": f"{result.summarizer} (fallback: {exc.reason})",
                    "fallback_reason": exc.reason,
                    "input_tokens": usage.get("inputTokens"),
                    "output_tokens": usage.get("outputTokens"),
                }
            )
        return KeyPoints(
            key_points=answer.key_points[:wanted],
            summary=answer.summary.strip(),
            keywords=answer.keywords[:10],
            summarizer=self.name,
            truncated=truncated,
            input_tokens=usage.get("inputTokens"),
            output_tokens=usage.get("outputTokens"),
        )

    def _request(
        self, title: str | None, body: str, count: int, language: str | None
    ) -> dict[str, Any]:
        lines = [f"Write exactly {count} key points."]
        if language:
            lines.append(f"The article's language code is {language}.")
        if title:
            lines.append(f"Title: {title}")
        lines.append(f"Article:\n{body}")
        return {
            "modelId": self.model_id,
            "system": [{"text": _SYSTEM_PROMPT}],
            "messages": [{"role": "user", "content": [{"text": "\n".join(lines)}]}],
            "inferenceConfig": {"maxTokens": self.max_output_tokens, "temperature": 0.2},
        }

    def _converse(self, request: dict[str, Any]) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        reason = "unavailable"
        for attempt in range(self.max_attempts):
            if attempt:
                # Full jitter: spread retries of many concurrent Lambdas over the whole window.
                cap = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
                self._sleep(cap * self._jitter())
            try:
                return cast("dict[str, Any]", self.client.converse(**request))
            except ClientError as exc:
                code = error_code(exc)
                if code not in _RETRYABLE:
                    raise _Fallback(code or "client error") from exc
                reason = "throttled" if "Throttl" in code or "TooMany" in code else "unavailable"
            except BotoCoreError:  # connection trouble, timeouts
                reason = "unavailable"
        raise _Fallback(reason)


def _reply_text(response: dict[str, Any]) -> str:
    content = response.get("output", {}).get("message", {}).get("content", [])
    return "".join(block.get("text", "") for block in content if isinstance(block, dict))
