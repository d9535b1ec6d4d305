"""Response shapes of the read API (also what /openapi.json documents)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from articles.records.models import ArticleRecord, ErrorInfo, SourceObject, Status, TokenUsage


class ArticleView(BaseModel):
    """A record as clients see it: everything but internal bookkeeping and the full text."""

    id: str
    status: Status
    source: SourceObject
    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    published: str | None = None
    language: str | None = None
    site_name: str | None = None
    url: str | None = None
    description: str | None = None
    content_type: str | None = None
    word_count: int | None = None
    reading_minutes: int | None = None
    content_sha256: str | None = None
    extractor: str | None = None
    summary: str | None = None
    key_points: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    summarizer: str | None = None
    truncated: bool | None = None
    token_usage: TokenUsage | None = None
    error: ErrorInfo | None = None
    has_text: bool = Field(description="whether GET /articles/{id}/text has the full text")
    attempts: int
    created_at: str
    updated_at: str

    @classmethod
    def from_record(cls, record: ArticleRecord) -> ArticleView:
        data = record.model_dump(exclude={"text_key", "revision"})
        return cls(**data, has_text=record.text_key is not None)


class ArticlePage(BaseModel):
    items: list[ArticleView]
    next_cursor: str | None = Field(
        default=None, description="pass as ?cursor= for the next page; absent on the last page"
    )


class ArticleText(BaseModel):
    id: str
    title: str | None = None
    text: str


class ApiErrorBody(BaseModel):
    code: str
    message: str


class ApiError(BaseModel):
    error: ApiErrorBody
