"""HTTP routes of the read API on Powertools' REST resolver, with request validation."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from articles import __version__
from articles.api.models import ApiError, ArticlePage, ArticleText, ArticleView
from articles.api.service import ArticleQueries
from articles.errors import ArticleError, InvalidCursorError, NotFoundError
from articles.observability import logger
from articles.records.models import Status
from articles.settings import ApiSettings, get_settings

app = APIGatewayRestResolver(enable_validation=True)


def _error_response(description: str) -> OpenAPIResponse:
    return {"description": description, "content": {"application/json": {"model": ApiError}}}


BAD_REQUEST: dict[int, OpenAPIResponse] = {
    400: _error_response("a parameter or the cursor is invalid")
}
NOT_FOUND: dict[int, OpenAPIResponse] = {404: _error_response("no such article, or it has no text")}


@lru_cache(maxsize=1)
def queries() -> ArticleQueries:
    return ArticleQueries.from_settings(get_settings(ApiSettings))


def _error(status: int, code: str, message: str) -> Response[str]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps({"error": {"code": code, "message": message}}),
    )


@app.get("/articles", responses=BAD_REQUEST)
def list_articles(
    status: Annotated[Status | None, Query(description="only records in this status")] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="page size")] = 20,
    cursor: Annotated[str | None, Query(max_length=2048, description="from next_cursor")] = None,
) -> ArticlePage:
    """Articles, newest first."""
    return queries().list(status=status, limit=limit, cursor=cursor)


@app.get("/articles/<article_id>", responses=NOT_FOUND)
def get_article(article_id: Annotated[str, Path(max_length=128)]) -> ArticleView:
    """One article's record: metadata, key points and status, without the full text."""
    return queries().get(article_id)


@app.get("/articles/<article_id>/text", responses=NOT_FOUND)
def get_article_text(article_id: Annotated[str, Path(max_length=128)]) -> ArticleText:
    """The full extracted text of one article."""
    return queries().text(article_id)


@app.get("/openapi.json", include_in_schema=False)
def openapi() -> Response[str]:
    return Response(
        status_code=200, content_type=content_types.APPLICATION_JSON, body=openapi_document()
    )


@lru_cache(maxsize=1)
def openapi_document() -> str:
    return app.get_openapi_json_schema(
        title="article-pipeline", version=__version__, description="Read extracted articles."
    )


@app.exception_handler(RequestValidationError)
def _bad_request(exc: RequestValidationError) -> Response[str]:
    problems = "; ".join(
        f"{'.'.join(str(part) for part in err.get('loc', ())[1:]) or 'request'}: {err.get('msg')}"
        for err in exc.errors()
    )
    return _error(400, "invalid_parameter", problems or "invalid request")


@app.exception_handler(InvalidCursorError)
def _bad_cursor(exc: InvalidCursorError) -> Response[str]:
    return _error(400, exc.code, exc.message)


@app.exception_handler(NotFoundError)
def _not_found(exc: NotFoundError) -> Response[str]:
    return _error(404, exc.code, exc.message)


@app.exception_handler(ArticleError)
def _unavailable(exc: ArticleError) -> Response[str]:
    # What failed inside stays in the log: the caller learns only whether to try again.
    logger.warning("request failed", extra={"error_code": exc.code, "detail": exc.message})
    if exc.retryable:
        return _error(503, exc.code, "the service is unavailable for a moment; try again")
    return _error(500, "internal_error", "internal error")


@app.not_found
def _no_route(_: Any) -> Response[str]:
    return _error(404, "not_found", "no such route")


@app.exception_handler(Exception)
def _internal(exc: Exception) -> Response[str]:
    logger.exception("unhandled error")
    return _error(500, "internal_error", "internal error")
