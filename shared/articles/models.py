"""The shapes the engines return. pydantic at the edges, plain Python inside the engines."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

WORDS_PER_MINUTE = 230


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


def reading_minutes(word_count: int) -> int:
    """Whole minutes at an adult's silent-reading pace; at least one for any text."""
    if word_count <= 0:
        return 0
    return max(1, round(word_count / WORDS_PER_MINUTE))
