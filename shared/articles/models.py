"""The shapes the engines return. pydantic at the edges, plain Python inside the engines."""

from __future__ import annotations

import re
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field

WORDS_PER_MINUTE = 230
# Chinese and Japanese are written without spaces: their length is counted in characters,
# each a word, read at about this pace.
CHARS_PER_MINUTE = 500
UNSPACED_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_UNSPACED = re.compile(f"[{UNSPACED_CHARS}]")


class ExtractedArticle(BaseModel):
    """Clean article text plus metadata, whatever format it arrived in."""

    model_config = ConfigDict(frozen=True)

    title: str | None = None
    text: str
    authors: list[str] = Field(default_factory=list)
    published: str | None = Field(default=None, description="ISO 8601 date or date-time")
    language: str | None = Field(default=None, description="ISO 639-1 code")
    site_name: str | None = None
    url: str | None = None
    description: str | None = None
    content_type: str = Field(description="detected format, e.g. text/html or application/pdf")
    word_count: int = Field(ge=0)
    reading_minutes: int = Field(ge=0)
    content_sha256: str = Field(description="SHA-256 of the raw input bytes")
    extractor: str = Field(description="extractor name and version, e.g. 'trafilatura 2.3.1'")


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
