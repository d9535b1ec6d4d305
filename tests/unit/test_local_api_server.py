"""The local HTTP server sends API Gateway REST proxy events to the handler."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from articles_cli.local.api_server import LocalApi, proxy_event
from articles_cli.local.provision import FunctionSpec


def test_proxy_event_has_the_rest_api_shape() -> None:
    event = proxy_event(
        "GET",
        "/articles/abc%20d?status=FAILED&limit=5&limit=6",
        [("Accept", "application/json"), ("User-Agent", "curl")],
        None,
    )
    assert event["httpMethod"] == "GET" and event["path"] == "/articles/abc d"
    assert event["resource"] == "/{proxy+}" and event["pathParameters"] == {
        "proxy": "articles/abc d"
    }
    assert event["queryStringParameters"] == {"status": "FAILED", "limit": "6"}
    assert event["multiValueQueryStringParameters"]["limit"] == ["5", "6"]
    assert event["headers"]["Accept"] == "application/json"
    assert event["requestContext"]["stage"] == "v1"
    # Served without the stage prefix, so the path the client used has none either.
    assert event["requestContext"]["path"] == "/articles/abc d"
    assert event["body"] is None and event["isBase64Encoded"] is False
    bare = proxy_event("GET", "/articles", [], None)
    assert bare["queryStringParameters"] is None
    root = proxy_event("GET", "/", [], None)
    assert root["resource"] == "/" and root["pathParameters"] is None


def test_bodies_pass_as_text_or_base64_as_api_gateway_sends_them() -> None:
    text = proxy_event(
        "POST", "/uploads", [("Content-Type", "application/json")], b'{"a":"\xc3\xa9"}'
    )
    assert text["body"] == '{"a":"é"}' and text["isBase64Encoded"] is False
    binary = proxy_event("PUT", "/x", [], b"%PDF\xff\xfe")
    assert binary["isBase64Encoded"] is True and binary["body"] == "JVBERv/+"


@pytest.fixture
def api(tmp_path: Path) -> Any:
    seen: list[dict[str, Any]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.append(event)
        if event["path"] == "/boom":
            raise RuntimeError("handler crashed")
        return {
            "statusCode": 404 if event["path"] == "/missing" else 200,
            "headers": {"Content-Type": "application/json"},
            "multiValueHeaders": {"X-Trace": ["a", "b"]},
            "body": json.dumps({"path": event["path"], "fn": context.function_name}),
            "isBase64Encoded": False,
        }

    spec = FunctionSpec("ApiFunction", "local-Api", "arn:x", tmp_path, "app.handler", 10, 256, {})
    server = LocalApi(spec, handler, port=0)
    server.start()
    yield server, seen
    server.stop()


def test_requests_round_trip_through_the_handler(api: Any) -> None:
    server, seen = api
    with urllib.request.urlopen(f"{server.url}/articles?limit=2") as response:
        assert response.status == 200
        assert response.headers.get_all("X-Trace") == ["a", "b"]
        assert json.load(response) == {"path": "/articles", "fn": "local-Api"}
    assert seen[-1]["queryStringParameters"] == {"limit": "2"}
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{server.url}/missing")
    assert missing.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as crashed:
        urllib.request.urlopen(f"{server.url}/boom")
    assert crashed.value.code == 502  # API Gateway's answer when the function errors
    # Every method reaches the function (the template routes ANY), with its body.
    posted = urllib.request.Request(f"{server.url}/uploads", data=b'{"n": 1}', method="POST")
    with urllib.request.urlopen(posted) as response:
        assert response.status == 200
    assert seen[-1]["httpMethod"] == "POST" and seen[-1]["body"] == '{"n": 1}'
    for method in ("DELETE", "OPTIONS", "PATCH"):
        with urllib.request.urlopen(urllib.request.Request(server.url + "/a", method=method)):
            assert seen[-1]["httpMethod"] == method
    head = urllib.request.Request(f"{server.url}/articles", method="HEAD")
    with urllib.request.urlopen(head) as response:
        assert response.status == 200 and response.read() == b""
        assert int(response.headers["Content-Length"]) > 0


def test_keep_alive_answers_do_not_wait_for_a_delayed_ack(api: Any) -> None:
    """Headers and body are two writes: with Nagle's algorithm each answer waited ~40 ms."""
    import http.client
    import time
    from urllib.parse import urlsplit

    server, _ = api
    connection = http.client.HTTPConnection(urlsplit(server.url).hostname, server.port)
    try:
        connection.request("GET", "/articles")  # connect and warm up
        connection.getresponse().read()
        started = time.perf_counter()
        for _ in range(20):
            connection.request("GET", "/articles")
            response = connection.getresponse()
            assert response.status == 200
            response.read()
        elapsed = time.perf_counter() - started
    finally:
        connection.close()
    assert elapsed < 0.4, f"20 keep-alive answers took {elapsed:.2f} s"


def test_answers_are_gzipped_from_the_templates_minimum_size(tmp_path: Path) -> None:
    import gzip

    from articles_cli.local.stack import minimum_compression_size

    threshold = minimum_compression_size(None)
    assert threshold == 1024  # template.yaml's MinimumCompressionSize
    text = json.dumps({"text": "a tidal barrier " * 200})

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        body = text if event["path"] == "/big" else '{"small": true}'
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": body}

    spec = FunctionSpec("ApiFunction", "local-Api", "arn:x", tmp_path, "app.handler", 10, 256, {})
    server = LocalApi(spec, handler, port=0, minimum_compression_size=threshold)
    server.start()
    try:
        asked = {"Accept-Encoding": "gzip, deflate"}
        request = urllib.request.Request(f"{server.url}/big", headers=asked)
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            raw = response.read()
            assert len(raw) < len(text) and gzip.decompress(raw).decode() == text
        with urllib.request.urlopen(f"{server.url}/big") as response:  # not asked for
            assert response.headers["Content-Encoding"] is None and response.read() == text.encode()
        small = urllib.request.Request(f"{server.url}/small", headers=asked)
        with urllib.request.urlopen(small) as response:  # under the threshold
            assert response.headers["Content-Encoding"] is None
    finally:
        server.stop()
