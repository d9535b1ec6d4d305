"""HTTP routes of the API on Powertools' REST resolver, with request validation.

``handle`` is the function's entry point: it resolves the request, then applies what the
resolver leaves to us (``articles.api.http``: HEAD, ETags, CORS on every answer). A path the API
knows asked with another method answers 405 with ``Allow``; ``OPTIONS`` on a known path is the
CORS preflight.
"""

from __future__ import annotations

import json
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlsplit

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import CORSConfig
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.shared.json_encoder import Encoder

from articles import __version__, formats
from articles.api import http, page
from articles.api.models import (
    ApiError,
    ArticlePage,
    ArticleText,
    ArticleView,
    UploadRequest,
    UploadTicket,
)
from articles.api.openapi import document as openapi_document_for
from articles.api.service import ArticleQueries
from articles.api.uploads import UploadsDisabledError, presign_upload
from articles.errors import ArticleError, InvalidCursorError, NotFoundError, PermanentError
from articles.observability import logger
from articles.records.models import Status
from articles.settings import ApiSettings, get_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
    from aws_lambda_powertools.utilities.typing import LambdaContext

# Lambda answers at most 6 MB; keep room for the headers and the response envelope.
MAX_RESPONSE_BYTES = 6 * 1024 * 1024 - 64 * 1024

app = APIGatewayRestResolver(
    enable_validation=True,
    # Unicode as UTF-8, not \uXXXX: a Chinese text would otherwise double in size.
    serializer=partial(json.dumps, separators=(",", ":"), ensure_ascii=False, cls=Encoder),
)


def _json(description: str, model: type) -> OpenAPIResponse:
    return {"description": description, "content": {"application/json": {"model": model}}}


BAD_REQUEST = _json("a parameter, the body or the cursor is invalid", ApiError)
NOT_FOUND = _json("no such article, or it has no text", ApiError)
FORBIDDEN = _json("uploads through the API are turned off", ApiError)


@lru_cache(maxsize=1)
def queries() -> ArticleQueries:
    return ArticleQueries.from_settings(get_settings(ApiSettings))


def cors_config() -> CORSConfig | None:
    origins = list(get_settings(ApiSettings).cors_allow_origins)
    if not origins:
        return None
    return CORSConfig(
        allow_origin=origins[0],
        extra_origins=origins[1:],
        allow_headers=http.CORS_ALLOW_HEADERS,
        expose_headers=http.CORS_EXPOSE_HEADERS,
        max_age=http.CORS_MAX_AGE,
    )


def handle(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Resolve one API Gateway proxy event."""
    method = str(event.get("httpMethod") or "GET").upper()
    routed = {**event, "httpMethod": "GET"} if method == "HEAD" else event
    response: dict[str, Any] = app.resolve(routed, context)
    return http.finish(event, response, cors=cors_config(), head=method == "HEAD")


def _error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response[str]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False),
        headers=headers,
    )


# -- the page ------------------------------------------------------------------------------


@app.get("/", include_in_schema=False)
def index() -> Response[str]:
    settings = get_settings(ApiSettings)
    base = str(app.current_event.request_context.path or "/")
    config = {
        "auth": settings.api_auth,
        "uploads": settings.web_uploads,
        "maxBytes": settings.max_object_bytes,
        "accept": ",".join(sorted(formats.EXTENSIONS)),
        "base": base if base.endswith("/") else base + "/",
        "version": __version__,
    }
    upload_origin = None
    if settings.web_uploads:
        upload_origin = _upload_origin(settings.bucket_name, settings.incoming_prefix)
    document, policy = page.render(config, upload_origin=upload_origin)
    return Response(
        status_code=200,
        content_type="text/html; charset=utf-8",
        body=document,
        headers={
            "Content-Security-Policy": policy,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


@lru_cache(maxsize=4)
def _upload_origin(bucket: str, prefix: str) -> str:
    """Where the browser posts uploads (the bucket's endpoint), for the page's CSP."""
    probe = queries().clients.s3.generate_presigned_post(
        bucket, prefix
    )  # signed here, nothing sent
    parts = urlsplit(probe["url"])
    return f"{parts.scheme}://{parts.netloc}"


# -- the API -------------------------------------------------------------------------------


@app.get(
    "/articles",
    summary="List articles",
    description="Articles newest first, optionally in one status; follow next_cursor for more.",
    operation_id="listArticles",
    tags=["articles"],
    responses={200: _json("one page of articles", ArticlePage), 400: BAD_REQUEST},
)
def list_articles(
    status: Annotated[Status | None, Query(description="only records in this status")] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="page size")] = 20,
    cursor: Annotated[str | None, Query(max_length=2048, description="from next_cursor")] = None,
) -> ArticlePage:
    return queries().list(status=status, limit=limit, cursor=cursor)


@app.get(
    "/articles/<article_id>",
    summary="Get one article",
    description="One article's record: metadata, key points and status, without the full text.",
    operation_id="getArticle",
    tags=["articles"],
    responses={200: _json("the article's record", ArticleView), 400: BAD_REQUEST, 404: NOT_FOUND},
)
def get_article(article_id: Annotated[str, Path(max_length=128)]) -> ArticleView:
    return queries().get(article_id)


@app.get(
    "/articles/<article_id>/text",
    summary="Get an article's full text",
    description=(
        "JSON by default; text/plain when the Accept header prefers it. A text too large for "
        "one response comes as text_url (JSON) or a 303 redirect (text/plain) to a "
        "short-lived download link."
    ),
    operation_id="getArticleText",
    tags=["articles"],
    responses={
        200: {
            "description": "the full text",
            "content": {
                "application/json": {"model": ArticleText},
                "text/plain": {"schema": {"type": "string"}},
            },
        },
        303: {
            "description": "text/plain asked for a text too large to inline: see Location",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
        400: BAD_REQUEST,
        404: NOT_FOUND,
    },
)
def get_article_text(article_id: Annotated[str, Path(max_length=128)]) -> Response[str]:
    text = queries().text(article_id, max_inline_bytes=MAX_RESPONSE_BYTES)
    vary = {"Vary": "Accept"}
    if not http.prefers_plain_text(app.current_event.headers.get("accept")):
        body = json.dumps(text.model_dump(exclude_none=True), ensure_ascii=False)
        return Response(200, content_types.APPLICATION_JSON, body, headers=vary)
    if text.text is None:
        note = f"the text has {text.text_bytes} bytes: download it from the Location given\n"
        headers = {**vary, "Location": str(text.text_url)}
        return Response(303, "text/plain; charset=utf-8", note, headers=headers)
    return Response(200, "text/plain; charset=utf-8", text.text, headers=vary)


@app.post(
    "/uploads",
    summary="Start an upload",
    description=(
        "A presigned S3 POST for one file: send the fields, then the file, as "
        "multipart/form-data to url. The record appears under the returned id once S3 has "
        "the file. Needs the WebUploads template parameter."
    ),
    operation_id="createUpload",
    tags=["uploads"],
    responses={
        200: _json("the form to post the file with", UploadTicket),
        400: BAD_REQUEST,
        403: FORBIDDEN,
    },
)
def create_upload(request: Annotated[UploadRequest, Body()]) -> UploadTicket:
    settings = get_settings(ApiSettings)
    if not settings.web_uploads:
        raise UploadsDisabledError(
            "uploads through the API are turned off (template parameter WebUploads)"
        )
    return presign_upload(
        queries().clients.s3,
        request,
        bucket=settings.bucket_name,
        prefix=settings.incoming_prefix,
        max_bytes=settings.max_object_bytes,
    )


@app.get("/openapi.json", include_in_schema=False)
def openapi() -> Response[str]:
    return Response(
        200, content_types.APPLICATION_JSON, openapi_document(get_settings(ApiSettings).api_auth)
    )


@lru_cache(maxsize=3)
def openapi_document(auth: str) -> str:
    return openapi_document_for(app, auth=auth)


# -- errors --------------------------------------------------------------------------------


def _allowed_methods(path: str) -> list[str]:
    """Methods the routes answer on this path (the resolver keeps no public index of them)."""
    routes = (*app._static_routes, *app._dynamic_routes)
    methods = {route.method for route in routes if route.rule.match(path)}
    return sorted(methods | ({"HEAD"} if "GET" in methods else set()))


@app.not_found
def _no_route(_: Any) -> Response[str]:
    event = app.current_event
    methods = _allowed_methods(event.path)
    if not methods:
        return _error(404, "not_found", "no such route")
    allow = ", ".join([*methods, "OPTIONS"])
    if event.http_method.upper() == "OPTIONS":
        return Response(
            204, None, "", headers={"Allow": allow, "Access-Control-Allow-Methods": allow}
        )
    return _error(
        405,
        "method_not_allowed",
        f"{event.http_method} is not allowed here; use {', '.join(methods)}",
        headers={"Allow": allow},
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


@app.exception_handler(UploadsDisabledError)
def _uploads_disabled(exc: UploadsDisabledError) -> Response[str]:
    return _error(403, exc.code, exc.message)


@app.exception_handler(ArticleError)
def _unavailable(exc: ArticleError) -> Response[str]:
    if isinstance(exc, PermanentError):  # the request's own fault (an upload too large)
        return _error(400, exc.code, exc.message)
    # What failed inside stays in the log: the caller learns only whether to try again.
    logger.warning("request failed", extra={"error_code": exc.code, "detail": exc.message})
    if exc.retryable:
        return _error(503, exc.code, "the service is unavailable for a moment; try again")
    return _error(500, "internal_error", "internal error")


@app.exception_handler(Exception)
def _internal(exc: Exception) -> Response[str]:
    logger.exception("unhandled error")
    return _error(500, "internal_error", "internal error")
