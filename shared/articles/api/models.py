"""Request and response shapes of the API (also what /openapi.json documents)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from articles.records.models import ArticleFields, ArticleRecord


class ArticleView(ArticleFields):
    """A record as clients see it: everything but internal bookkeeping and the full text."""

    has_text: bool = Field(description="whether GET /articles/{id}/text has the full text")

    @classmethod
    def from_record(cls, record: ArticleRecord) -> ArticleView:
        data = record.model_dump(exclude={"text_key", "revision", "pending_events"})
        return cls(**data, has_text=record.text_key is not None)


class ArticlePage(BaseModel):
    """One page of articles, newest first."""

    items: list[ArticleView]
    next_cursor: str | None = Field(
        default=None, description="pass as ?cursor= for the next page; absent on the last page"
    )


class ArticleText(BaseModel):
    """An article's full text, or a short-lived link to it when it is too large to inline."""

    id: str
    title: str | None = None
    text: str | None = Field(default=None, description="the full text; absent when text_url is set")
    text_url: str | None = Field(
        default=None,
        description="a short-lived download link, given instead of text for a text too large "
        "for one API response",
    )
    text_bytes: int = Field(description="size of the text in UTF-8 bytes")


class UploadRequest(BaseModel):
    """A file the browser wants to upload straight to the bucket."""

    filename: str = Field(min_length=1, max_length=255, description="the file's name")
    size: int = Field(ge=1, description="the file's size in bytes")
    content_type: str | None = Field(
        default=None, max_length=255, description="the file's media type, if known"
    )


class UploadTicket(BaseModel):
    """A presigned S3 POST: send ``fields`` and then the file as multipart/form-data to ``url``."""

    id: str = Field(description="the id the article's record will have")
    key: str = Field(description="the object key the file is stored under")
    url: str = Field(description="where to POST the form")
    fields: dict[str, str] = Field(description="form fields to send before the file, unchanged")
    max_bytes: int = Field(description="the largest file the bucket accepts through this form")
    expires_at: str = Field(description="when the form stops being accepted (ISO 8601, UTC)")


class ApiErrorBody(BaseModel):
    code: str = Field(description="stable machine-readable error code")
    message: str = Field(description="what went wrong, for a person")


class ApiError(BaseModel):
    """Every error answer: ``{"error": {"code": ..., "message": ...}}``."""

    error: ApiErrorBody
