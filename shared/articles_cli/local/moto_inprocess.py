"""Answer the local stack's own AWS calls inside the process, without HTTP.

The local stack runs moto's server in its own process, so moto's backends (the buckets,
queues and tables) are this process's objects, and the server's request handlers only read
and write them. The functions' handlers run here too; sending their calls through HTTP to a
thread of the same process costs a connection, a request and a response per call (moto's
server speaks HTTP/1.0, so every call is also a new connection): for a GetItem that was most
of the API's answer time.

``attach(events, endpoint_url)`` registers a botocore ``before-send`` handler: a request to
``endpoint_url`` for one of :data:`SERVICES` is handed to the same moto handler the server
would call for it (the backend's URL table, matched as moto's own in-process mock matches
it), with the same method, URL, headers and body, and moto's answer goes back to botocore as
the HTTP response. The answer is moto's; only the socket is gone. Anything else (another
endpoint, another service, a path moto does not route) goes out over HTTP as before.

Who talks HTTP still does: the aws CLI, ``articles upload``, the browser, a user's boto3 and
the tests all reach the moto server over the network, and see the same state.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Any, cast

from botocore.awsrequest import AWSResponse
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.base_backend import BackendDict
from moto.core.botocore_stubber import MockRawResponse
from moto.core.exceptions import HTTPException
from moto.core.request import Request

if TYPE_CHECKING:
    from collections.abc import Callable

    from botocore.awsrequest import AWSPreparedRequest
    from botocore.hooks import BaseEventHooks

# The services the functions call, by botocore's service id (as in the event name): moto's
# backend and the AWS host its URL table expects (the path, query, headers and body go to moto
# as the client sent them).
SERVICES = {
    "s3": ("s3", "https://s3.amazonaws.com"),
    "sqs": ("sqs", "https://sqs.us-east-1.amazonaws.com"),
    "dynamodb": ("dynamodb", "https://dynamodb.us-east-1.amazonaws.com"),
    "eventbridge": ("events", "https://events.us-east-1.amazonaws.com"),
}
_Route = tuple["re.Pattern[str]", "Callable[..., Any]"]


class _Routes:
    lock = threading.Lock()
    by_service: dict[str, list[_Route]] = {}  # noqa: RUF012 - one table per process


def _routes(service: str) -> list[_Route]:
    """moto's URL table of one service: (pattern, handler), in moto's order."""
    routes = _Routes.by_service.get(service)
    if routes is None:
        from moto import backends

        with _Routes.lock:
            backend_dict = backends.get_backend(service)  # type: ignore[call-overload]
            if isinstance(backend_dict, BackendDict):
                regions = backend_dict[DEFAULT_ACCOUNT_ID]
                backend = regions["us-east-1"] if "us-east-1" in regions else regions["aws"]
            else:
                backend = backend_dict["global"]
            routes = [(re.compile(url), handler) for url, handler in backend.urls.items()]
            _Routes.by_service[service] = routes
    return routes


class InProcessMoto:
    """The ``before-send`` handler for one moto server running in this process."""

    def __init__(self, endpoint_url: str) -> None:
        self.endpoint_url = endpoint_url.rstrip("/")
        self.answered = 0  # calls answered here (the rest went over HTTP)

    def __call__(
        self, request: AWSPreparedRequest, event_name: str = "", **_: Any
    ) -> AWSResponse | None:
        url = str(request.url)
        if not url.startswith(self.endpoint_url + "/") and url != self.endpoint_url:
            return None
        service_id = event_name.split(".")[1] if event_name.count(".") >= 1 else ""
        if service_id not in SERVICES:
            return None
        backend, base = SERVICES[service_id]
        path = url[len(self.endpoint_url) :].split("?", 1)[0] or "/"
        routed = base + path
        for pattern, handler in _routes(backend):
            if pattern.match(routed):
                return self._answer(request, handler)
        return None

    def _answer(self, request: AWSPreparedRequest, handler: Callable[..., Any]) -> AWSResponse:
        normalized = Request.from_primitives(
            request.method, request.url, request.headers, request.body
        )
        try:
            status, headers, body = handler(normalized, normalized.raw_url, normalized.headers)
        except HTTPException as exc:  # what moto's server turns into an error response
            status, headers, body = exc.code, exc.get_headers(), exc.get_body()
        self.answered += 1
        return AWSResponse(str(request.url), status, headers, MockRawResponse(body))


def attach(events: BaseEventHooks, endpoint_url: str) -> InProcessMoto:
    """Answer in-process the calls that clients built on ``events`` make to ``endpoint_url``.

    ``events`` is a session's event system (clients created afterwards copy it) or one
    client's ``meta.events``.
    """
    handler = InProcessMoto(endpoint_url)
    # botocore's stubs type handlers as returning None; a before-send handler answers instead.
    hook = cast("Callable[..., None]", handler)
    events.register("before-send", hook, unique_id=f"articles-moto-{handler.endpoint_url}")
    return handler
