"""HTTP details the resolver leaves to us, applied to the finished proxy response.

Everything here works on the API Gateway REST proxy event and response dictionaries, so it
applies alike to routed answers, error answers and the not-found answer:

* ``HEAD`` is answered as ``GET`` without the body;
* successful ``GET`` answers carry a weak ETag of their body, and ``If-None-Match`` with that
  tag turns them into ``304 Not Modified``;
* CORS: an allowed ``Origin`` gets ``Access-Control-Allow-Origin`` on every answer, including
  errors, so a page elsewhere can read the error it caused.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from aws_lambda_powertools.event_handler.api_gateway import CORSConfig

# Request headers a browser page sends: JSON bodies, the API key, SigV4, revalidation.
CORS_ALLOW_HEADERS = ["If-None-Match", "Accept"]
CORS_EXPOSE_HEADERS = ["ETag", "Location"]
CORS_MAX_AGE = 600


def request_header(event: Mapping[str, Any], name: str) -> str | None:
    """A request header, whatever its case (the last value when repeated)."""
    wanted = name.lower()
    for source in (event.get("multiValueHeaders") or {}, event.get("headers") or {}):
        for key, value in source.items():
            if key.lower() == wanted:
                return str(value[-1] if isinstance(value, list) and value else value)
    return None


def prefers_plain_text(accept: str | None) -> bool:
    """Whether an ``Accept`` header ranks text/plain above JSON (JSON wins a tie or no header)."""
    if not accept:
        return False
    plain = json_ = 0.0
    for part in accept.split(","):
        media, *params = (piece.strip().lower() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        # An exact media type counts a little more than a range that covers it.
        if media in ("text/plain", "text/*", "*/*"):
            plain = max(plain, quality + (0.001 if media == "text/plain" else 0.0))
        if media in ("application/json", "application/*", "*/*"):
            json_ = max(json_, quality + (0.001 if media == "application/json" else 0.0))
    return plain > json_


def entity_tag(body: str) -> str:
    return 'W/"' + hashlib.sha256(body.encode("utf-8")).hexdigest()[:32] + '"'


def _matches(if_none_match: str, tag: str) -> bool:
    candidates = [part.strip() for part in if_none_match.split(",")]
    bare = tag.removeprefix("W/")
    return "*" in candidates or any(part.removeprefix("W/") == bare for part in candidates)


def _headers(response: dict[str, Any]) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {
        name: [str(value)] for name, value in (response.pop("headers", None) or {}).items()
    }
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers.setdefault(name, []).extend(str(value) for value in values)
    response["multiValueHeaders"] = headers
    return headers


def _set(headers: dict[str, list[str]], name: str, value: str) -> None:
    for existing in [key for key in headers if key.lower() == name.lower()]:
        del headers[existing]
    headers[name] = [value]


def finish(
    event: Mapping[str, Any],
    response: dict[str, Any],
    *,
    cors: CORSConfig | None,
    head: bool = False,
) -> dict[str, Any]:
    """Apply conditional requests, HEAD and CORS to one finished proxy response."""
    headers = _headers(response)
    status = int(response.get("statusCode", 200))
    body = response.get("body") or ""
    if status == 200 and not response.get("isBase64Encoded") and body:
        tag = entity_tag(str(body))
        _set(headers, "ETag", tag)
        if not any(name.lower() == "cache-control" for name in headers):
            _set(headers, "Cache-Control", "no-cache")
        condition = request_header(event, "If-None-Match")
        if condition and _matches(condition, tag):
            response["statusCode"] = 304
            response["body"] = ""
            for name in [key for key in headers if key.lower() == "content-type"]:
                del headers[name]
    if cors is not None:
        origin = request_header(event, "Origin")
        allowed = cors.allowed_origin(origin) if origin else None
        if allowed:
            for name, value in cors.to_dict(allowed).items():
                _set(headers, name, value)
        existing = next((values for key, values in headers.items() if key.lower() == "vary"), [])
        _set(headers, "Vary", ", ".join(dict.fromkeys([*existing, "Origin"])))
    if head:
        response["body"] = ""
    return response
