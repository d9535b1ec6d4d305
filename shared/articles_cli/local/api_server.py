"""A local HTTP server that turns requests into API Gateway REST proxy events (payload 1.0).

The template routes every method of ``/`` and ``/{proxy+}`` of the REST API to one function
through an AWS_PROXY integration; this server does the same on 127.0.0.1, calling that
function's handler with the method, headers, query and body (base64 when it is not UTF-8 text)
as API Gateway passes them. Paths are served without the stage prefix, as ``sam local
start-api`` does, so the event's ``requestContext.path`` has none either.
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from articles_cli.local.dispatcher import LambdaContext

if TYPE_CHECKING:
    from articles_cli.local.dispatcher import Handler
    from articles_cli.local.provision import FunctionSpec

log = logging.getLogger("articles_cli.local.api")
STAGE = "v1"


def proxy_event(
    method: str,
    target: str,
    headers: list[tuple[str, str]],
    body: bytes | None,
    *,
    source_ip: str = "127.0.0.1",
    account_id: str = "123456789012",
) -> dict[str, Any]:
    """The event API Gateway sends a Lambda proxy integration for one request."""
    parts = urlsplit(target)
    path = unquote(parts.path) or "/"
    query = parse_qsl(parts.query, keep_blank_values=True)
    multi_query: dict[str, list[str]] = {}
    for name, value in query:
        multi_query.setdefault(name, []).append(value)
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers:
        multi_headers.setdefault(name, []).append(value)
    is_binary = body is not None and not _is_text(body)
    now = time.time()
    resource = "/" if path == "/" else "/{proxy+}"
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {name: values[-1] for name, values in multi_headers.items()} or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {name: values[-1] for name, values in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": None if path == "/" else {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourceId": "local",
            "resourcePath": resource,
            "httpMethod": method,
            "extendedRequestId": str(uuid.uuid4()),
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "path": path,
            "accountId": account_id,
            "protocol": "HTTP/1.1",
            "stage": STAGE,
            "domainPrefix": "localhost",
            "requestTimeEpoch": int(now * 1000),
            "requestId": str(uuid.uuid4()),
            "identity": {
                "sourceIp": source_ip,
                "userAgent": dict(headers).get("User-Agent"),
            },
            "domainName": "localhost",
            "apiId": "local",
        },
        "body": None
        if body is None
        else (base64.b64encode(body).decode() if is_binary else body.decode("utf-8")),
        "isBase64Encoded": is_binary,
    }


def _is_text(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class LocalApi:
    """Serves one function's handler over HTTP in a background thread."""

    def __init__(
        self,
        spec: FunctionSpec,
        handler: Handler,
        *,
        host: str = "127.0.0.1",
        port: int = 3000,
        minimum_compression_size: int | None = None,
    ) -> None:
        self.spec = spec
        self.handler = handler
        # The REST API's MinimumCompressionSize: gzip answers this large for clients that ask.
        self.minimum_compression_size = minimum_compression_size
        # The Powertools resolver keeps the current event on the app object: one call at a time.
        self._invoke_lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, port), self._request_handler_class())
        self.server.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        host = self.server.server_address[0]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://{host}:{self.port}"

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        with self._invoke_lock:
            result: dict[str, Any] = self.handler(event, LambdaContext.for_function(self.spec))
            return result

    def _request_handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class RequestHandler(BaseHTTPRequestHandler):
            server_version = "articles-local"
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle's algorithm on, the second
            # waits for the client's delayed ACK (~40 ms) on every keep-alive request.
            disable_nagle_algorithm = True

            def _serve(self) -> None:
                started = time.perf_counter()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                event = proxy_event(
                    self.command,
                    self.path,
                    list(self.headers.items()),
                    body,
                    source_ip=self.client_address[0],
                )
                try:
                    result = api.invoke(event)
                except Exception as exc:  # what API Gateway shows when the function errors
                    log.warning("ApiFunction raised %s: %s", type(exc).__name__, exc)
                    self._reply(502, {}, json.dumps({"message": "Internal server error"}).encode())
                    return
                payload = result.get("body") or ""
                data = (
                    base64.b64decode(payload)
                    if result.get("isBase64Encoded")
                    else str(payload).encode("utf-8")
                )
                headers: dict[str, list[str]] = {
                    name: [str(value)] for name, value in (result.get("headers") or {}).items()
                }
                for name, values in (result.get("multiValueHeaders") or {}).items():
                    headers.setdefault(name, [])
                    headers[name].extend(str(v) for v in values if str(v) not in headers[name])
                status = int(result.get("statusCode", 200))
                data = self._compressed(headers, data)
                self._reply(status, headers, data)
                log.info(
                    "%s %s %d %.1fms",
                    self.command,
                    self.path,
                    status,
                    (time.perf_counter() - started) * 1000,
                )

            def _compressed(self, headers: dict[str, list[str]], data: bytes) -> bytes:
                """Gzip as API Gateway does with MinimumCompressionSize set, else unchanged."""
                threshold = api.minimum_compression_size
                accepted = self.headers.get("Accept-Encoding") or ""
                encoded = any(name.lower() == "content-encoding" for name in headers)
                if threshold is None or len(data) < threshold or encoded or not data:
                    return data
                if "gzip" not in [part.split(";")[0].strip() for part in accepted.split(",")]:
                    return data
                headers["Content-Encoding"] = ["gzip"]
                return gzip.compress(data)

            def _reply(self, status: int, headers: dict[str, list[str]], data: bytes) -> None:
                self.send_response(status)
                lowered = {name.lower() for name in headers}
                if "content-type" not in lowered:
                    headers["Content-Type"] = ["application/json"]
                for name, values in headers.items():
                    if name.lower() in ("content-length", "connection"):
                        continue
                    for value in values:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass  # one line per request is logged by _serve

        return RequestHandler

    def start(self) -> None:
        self.thread = threading.Thread(
            target=self.server.serve_forever, name="local-api", daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self.thread is not None:
            self.thread.join(5)
