"""Response shapes of the read API (also what /openapi.json documents)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from articles.records.models import ArticleFields, ArticleRecord


class ArticleView(ArticleFields):
    """A record as clients see it: everything but internal bookkeeping and the full text."""

    has_text: bool = Field(description="whether GET /articles/{id}/text has the full text")

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
