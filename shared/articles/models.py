"""The shapes the engines return. pydantic at the edges, plain Python inside the engines."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field

WORDS_PER_MINUTE = 230
# Chinese and Japanese are written without spaces: their length is counted in characters,
# each a word, read at about this pace.
CHARS_PER_MINUTE = 500
UNSPACED_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_UNSPACED = re.compile(f"[{UNSPACED_CHARS}]")


class ArticleMetadata(BaseModel):
    """What an article says about itself. Declared once: the extractors fill it, the extracted
    article and the stored record are built on it, the API shows it as it is."""

    title: str | None = None
    authors: list[str] = Field(default_factory=list, description="people, else the organisation")
    published: str | None = Field(default=None, description="ISO 8601 date or date-time")
    language: str | None = Field(default=None, description="ISO 639-1 code")
    site_name: str | None = None
    url: str | None = None
    description: str | None = None


class ExtractedArticle(ArticleMetadata):
    """Clean article text plus metadata, whatever format it arrived in."""

    model_config = ConfigDict(frozen=True)

    text: str
    text_truncated: bool = Field(
        default=False, description="the text was cut at the length limit; the rest is not in it"
    )
    content_type: str = Field(description="detected format, e.g. text/html or application/pdf")
    word_count: int = Field(ge=0)
    reading_minutes: int = Field(ge=0)
    content_sha256: str = Field(description="SHA-256 of the raw input bytes")
    extractor: str = Field(description="extractor name and version, e.g. 'trafilatura 2.3.1'")


class FallbackReason(StrEnum):
    """Why an answer is not (all) the configured backend's own: machine-readable."""

    THROTTLED = "throttled"  # the model kept refusing for load
    UNAVAILABLE = "unavailable"  # connection trouble, timeouts, service errors
    ACCESS_DENIED = "access_denied"  # no model access for this account or role
    MODEL_NOT_FOUND = "model_not_found"
    INVALID_REQUEST = "invalid_request"
    MODEL_ERROR = "model_error"  # any other error the model's service answered with
    INVALID_OUTPUT = "invalid_output"  # no answer of the requested shape
    MAX_TOKENS = "max_tokens"  # the answer was cut at the output budget
    WRONG_LANGUAGE = "wrong_language"  # the answer is not in the article's language
    UNGROUNDED = "ungrounded"  # something the model wrote is not in the article
    SHORT_ANSWER = "short_answer"  # fewer key points or keywords than asked for


class KeyPoints(BaseModel):
    """What a busy reader wants from an article."""

    model_config = ConfigDict(frozen=True)

    key_points: list[str]
    summary: str
    keywords: list[str] = Field(default_factory=list)
    summarizer: str = Field(description="backend that produced this, with version or model id")
    truncated: bool = Field(default=False, description="the input was cut to a token budget")
    input_tokens: int | None = None
    output_tokens: int | None = None
    cost_usd: float | None = Field(default=None, description="estimated from the token usage")
    language: str | None = Field(default=None, description="the language the answer is in")
    fallback_reason: FallbackReason | None = Field(
        default=None, description="set when the extractive backend wrote all or part of it"
    )
    dropped_points: int = Field(
        default=0, ge=0, description="key points the model wrote that the article does not support"
    )


class TextLength(NamedTuple):
    words: int  # characters of unspaced scripts count one each
    reading_minutes: int


def text_length(text: str) -> TextLength:
    """Words and whole minutes at an adult's silent-reading pace (at least one for any text)."""
    unspaced = len(_UNSPACED.findall(text))
    spaced = len(_UNSPACED.sub(" ", text).split()) if unspaced else len(text.split())
    if not spaced + unspaced:
        return TextLength(0, 0)
    minutes = spaced / WORDS_PER_MINUTE + unspaced / CHARS_PER_MINUTE
    return TextLength(spaced + unspaced, max(1, round(minutes)))
