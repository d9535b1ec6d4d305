"""ApiFunction against moto: the sample API events, pagination, filters and errors."""

from __future__ import annotations

import copy
import json
import time
import urllib.parse
from typing import Any

import pytest

from articles.aws import AwsClients
from articles.records.models import ArticleRecord, SourceObject, Status, record_id
from articles.records.repository import ArticleRepository
from tests.functional.conftest import BUCKET, Stack, load_event


def call(stack: Stack, event: dict[str, Any]) -> tuple[int, Any]:
    response = stack.invoke("api", event)
    body = response["body"]
    content_type = (
        response.get("headers", {}).get("Content-Type", "")
        or response.get("multiValueHeaders", {}).get("Content-Type", [""])[0]
    )
    return response["statusCode"], json.loads(body) if "json" in content_type else body


def request(path: str, query: dict[str, str] | None = None) -> dict[str, Any]:
    event = copy.deepcopy(load_event("api-list.json"))
    event["path"] = path
    event["pathParameters"] = {"proxy": path.lstrip("/")}
    event["queryStringParameters"] = query
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} if query else None
    return event


def seed(
    stack: Stack, count: int, *, month: str = "2026-11", status: Status = Status.SUMMARIZED
) -> list[str]:
    repo = ArticleRepository(stack.table_name, AwsClients(dynamodb=stack.dynamodb))
    ids = []
    for index in range(count):
        key = f"incoming/{month}-{status.value.lower()}-{index:03d}.txt"
        created = f"{month}-{1 + index % 28:02d}T{index % 24:02d}:00:{index % 60:02d}.000Z"
        record = ArticleRecord(
            id=record_id(BUCKET, key),
            status=status,
            source=SourceObject(bucket=BUCKET, key=key, sequencer="1".ljust(64, "0")),
            title=f"Article {month} {index}",
            key_points=["One point.", "Another point.", "A third point."],
            created_at=created,
            updated_at=created,
        )
        repo.save(record, expected_revision=None)
        ids.append(record.id)
    return ids


def test_list_event_returns_newest_first_with_a_cursor(stack: Stack) -> None:
    seed(stack, 5)
    status, body = call(stack, load_event("api-list.json"))  # limit=2
    assert status == 200
    assert len(body["items"]) == 2
    assert body["next_cursor"]
    created = [item["created_at"] for item in body["items"]]
    assert created == sorted(created, reverse=True)
    assert "text" not in body["items"][0] and "text_key" not in body["items"][0]


def test_pagination_walks_every_record_once_across_months(stack: Stack) -> None:
    ids = set(seed(stack, 23, month="2026-11")) | set(seed(stack, 17, month="2026-09"))
    ids |= set(seed(stack, 4, month="2026-10", status=Status.FAILED))
    seen: list[dict[str, Any]] = []
    cursor = None
    pages = 0
    while True:
        query = {"limit": "7"} | ({"cursor": cursor} if cursor else {})
        status, body = call(stack, request("/articles", query))
        assert status == 200
        seen.extend(body["items"])
        pages += 1
        cursor = body.get("next_cursor")
        if not cursor:
            break
    assert pages == 7  # 44 records, 7 a page
    assert [item["id"] for item in seen if item["id"] in ids] == [item["id"] for item in seen]
    assert {item["id"] for item in seen} == ids
    assert len(seen) == len(ids)
    created = [item["created_at"] for item in seen]
    assert created == sorted(created, reverse=True)


def test_status_filter_reads_only_that_status(stack: Stack) -> None:
    failed = set(seed(stack, 3, status=Status.FAILED)) | set(
        seed(stack, 2, month="2026-08", status=Status.FAILED)
    )
    seed(stack, 6)
    status, body = call(stack, load_event("api-list-failed.json"))
    assert status == 200
    assert {item["id"] for item in body["items"]} == failed
    assert all(item["status"] == "FAILED" for item in body["items"])


def processed_article(stack: Stack) -> str:
    """The sample page uploaded and extracted; its record id."""
    from tests.functional.test_pipeline_handlers import (
        HTML,
        KEY,
        KEY_IN_EVENT,
        SEQ_1,
        upload_and_extract,
    )

    upload_and_extract(stack, KEY, KEY_IN_EVENT, HTML, SEQ_1)
    return record_id(BUCKET, KEY)


def event_for(name: str, path: str) -> dict[str, Any]:
    """A sample API event of events/ pointed at another path."""
    event = load_event(name)
    event["path"] = path
    event["pathParameters"] = {"proxy": path.lstrip("/")}
    return event


def test_get_and_text_of_aprocessed_article(stack: Stack) -> None:
    article_id = processed_article(stack)
    status, body = call(stack, event_for("api-get.json", f"/articles/{article_id}"))
    assert status == 200
    assert body["id"] == article_id
    assert body["title"] == "Harbour wind farm cleared to connect to the grid"
    assert body["has_text"] is True
    assert "text" not in body

    status, body = call(stack, event_for("api-text.json", f"/articles/{article_id}/text"))
    assert status == 200
    assert "400,000 homes" in body["text"]


def test_unknown_id_is_404_json(stack: Stack) -> None:
    status, body = call(stack, load_event("api-get.json"))
    assert status == 404
    assert body["error"]["code"] == "not_found"
    status, body = call(stack, load_event("api-text.json"))
    assert status == 404


def test_article_without_text_is_404_on_text(stack: Stack) -> None:
    (article_id,) = seed(stack, 1, status=Status.FAILED)
    status, body = call(stack, request(f"/articles/{article_id}/text"))
    assert status == 404
    assert "no text" in body["error"]["message"]


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "500"},
        {"limit": "0"},
        {"limit": "ten"},
        {"status": "DONE"},
    ],
)
def test_bad_parameters_are_400(stack: Stack, query: dict[str, str]) -> None:
    status, body = call(stack, request("/articles", query))
    assert status == 400
    assert body["error"]["code"] == "invalid_parameter"
    assert "Traceback" not in json.dumps(body)


def test_bad_limit_event(stack: Stack) -> None:
    status, body = call(stack, load_event("api-bad-limit.json"))
    assert status == 400
    assert "limit" in body["error"]["message"]


def test_tampered_cursor_is_400(stack: Stack) -> None:
    seed(stack, 5)
    status, body = call(stack, load_event("api-bad-cursor.json"))
    assert status == 400
    assert body["error"]["code"] == "invalid_cursor"

    _, first = call(stack, request("/articles", {"limit": "2"}))
    cursor = first["next_cursor"]
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    status, body = call(stack, request("/articles", {"limit": "2", "cursor": tampered}))
    assert status == 400
    # A cursor from an unfiltered listing cannot be replayed against a filtered one.
    status, body = call(stack, request("/articles", {"status": "FAILED", "cursor": cursor}))
    assert status == 400


def test_openapi_document_describes_the_routes(stack: Stack) -> None:
    status, body = call(stack, request("/openapi.json"))
    assert status == 200
    assert body["openapi"].startswith("3.")
    assert {"/articles", "/articles/{article_id}", "/articles/{article_id}/text"} <= set(
        body["paths"]
    )
    params = {p["name"] for p in body["paths"]["/articles"]["get"]["parameters"]}
    assert params == {"status", "limit", "cursor"}


def test_unknown_route_is_404_json(stack: Stack) -> None:
    status, body = call(stack, request("/nothing-here"))
    assert status == 404
    assert body["error"]["code"] == "not_found"


def test_aws_error_detail_reaches_the_log_not_the_caller(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    from botocore.stub import Stubber

    from articles.api import routes
    from tests.conftest import load_function
    from tests.functional.conftest import FakeLambdaContext

    article_id = processed_article(stack)
    event = event_for("api-text.json", f"/articles/{article_id}/text")
    # What S3 says to a role without s3:GetObject on the text: its ARN, the account, the bucket.
    role = "arn:aws:sts::123456789012:assumed-role/article-pipeline-ApiFunctionRole-7Q2/api"
    detail = (
        f"User: {role} is not authorized to perform: s3:GetObject on resource: "
        f'"arn:aws:s3:::{BUCKET}/texts/{article_id}/x.txt" because no identity-based policy '
        "allows the s3:GetObject action"
    )
    stack.use_function("ApiFunction")
    module = load_function("api")
    stubber = Stubber(routes.queries().clients.s3)
    stubber.add_client_error(
        "get_object",
        service_error_code="AccessDenied",
        service_message=detail,
        http_status_code=403,
    )
    caplog.clear()
    with stubber:
        response = module.handler(event, FakeLambdaContext())
    log = " ".join(str(vars(record)) for record in caplog.records)

    assert response["statusCode"] == 503
    body = json.loads(response["body"])
    assert body == {
        "error": {
            "code": "storage_unavailable",
            "message": "the service is unavailable for a moment; try again",
        }
    }
    for secret in ("arn:", "123456789012", BUCKET, "ApiFunctionRole", "AccessDenied"):
        assert secret not in response["body"]
    assert role in log and "AccessDenied" in log  # the operator still sees what happened


# -- browser-ready HTTP ------------------------------------------------------------------------

ORIGIN = "https://reader.example.org"


def send(
    stack: Stack,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: str | None = None,
    **environment: str,
) -> dict[str, Any]:
    """One request as API Gateway passes it, and the raw proxy response."""
    event = request(path)
    event["httpMethod"] = method
    event["headers"] = dict(event["headers"] or {}) | (headers or {})
    event["multiValueHeaders"] = {name: [value] for name, value in event["headers"].items()}
    event["body"] = body
    return stack.invoke("api", event, **environment)


def header(response: dict[str, Any], name: str) -> str | None:
    for key, values in (response.get("multiValueHeaders") or {}).items():
        if key.lower() == name.lower():
            return ", ".join(values)
    for key, value in (response.get("headers") or {}).items():
        if key.lower() == name.lower():
            return str(value)
    return None


def error_of(response: dict[str, Any]) -> dict[str, str]:
    assert "application/json" in (header(response, "Content-Type") or "")
    error: dict[str, str] = json.loads(response["body"])["error"]
    assert set(error) == {"code", "message"}
    return error


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("POST", "/articles", "GET, HEAD, OPTIONS"),
        ("DELETE", "/articles/abc", "GET, HEAD, OPTIONS"),
        ("PUT", "/articles/abc/text", "GET, HEAD, OPTIONS"),
        ("GET", "/uploads", "OPTIONS, POST"),
        ("PATCH", "/openapi.json", "GET, HEAD, OPTIONS"),
        ("POST", "/", "GET, HEAD, OPTIONS"),  # the open page method takes nothing else
    ],
)
def test_a_wrong_method_is_405_in_the_error_shape(
    stack: Stack, method: str, path: str, allowed: str
) -> None:
    response = send(stack, method, path)
    assert response["statusCode"] == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert set((header(response, "Allow") or "").split(", ")) == set(allowed.split(", "))


def test_unknown_routes_are_404_in_the_error_shape_whatever_the_method(stack: Stack) -> None:
    for method in ("GET", "POST", "OPTIONS"):
        response = send(stack, method, "/admin")
        assert response["statusCode"] == 404
        assert error_of(response) == {"code": "not_found", "message": "no such route"}


def test_head_answers_like_get_without_a_body(stack: Stack) -> None:
    seed(stack, 2)
    get = send(stack, "GET", "/articles")
    head = send(stack, "HEAD", "/articles")
    assert head["statusCode"] == 200 and head["body"] == ""
    assert header(head, "ETag") == header(get, "ETag") is not None


def test_cors_preflight_and_headers_for_allowed_origins_only(stack: Stack) -> None:
    origins = {"CORS_ALLOW_ORIGINS": f"{ORIGIN}, http://127.0.0.1:5700"}
    preflight = stack.invoke("api", load_event("api-preflight.json"), **origins)
    assert preflight["statusCode"] == 204 and not preflight["body"]
    assert header(preflight, "Access-Control-Allow-Origin") == ORIGIN
    assert "GET" in (header(preflight, "Access-Control-Allow-Methods") or "")
    assert "x-api-key" in (header(preflight, "Access-Control-Allow-Headers") or "").lower()
    assert header(preflight, "Access-Control-Max-Age") == "600"

    seed(stack, 1)
    listed = send(stack, "GET", "/articles", {"Origin": ORIGIN}, **origins)
    assert header(listed, "Access-Control-Allow-Origin") == ORIGIN
    assert "ETag" in (header(listed, "Access-Control-Expose-Headers") or "")
    assert "Origin" in (header(listed, "Vary") or "")
    # Errors carry the header too, so the page that caused them can read them.
    missing = send(stack, "GET", "/articles/nope", {"Origin": ORIGIN}, **origins)
    assert missing["statusCode"] == 404
    assert header(missing, "Access-Control-Allow-Origin") == ORIGIN

    stranger = send(stack, "GET", "/articles", {"Origin": "https://evil.example"}, **origins)
    assert header(stranger, "Access-Control-Allow-Origin") is None
    # No origins configured (the default): no CORS headers for anyone.
    closed = stack.invoke("api", load_event("api-preflight.json"))
    assert header(closed, "Access-Control-Allow-Origin") is None


def test_a_bad_cors_origin_setting_fails_with_its_name(stack: Stack) -> None:
    from articles.settings import ConfigurationError

    with pytest.raises(ConfigurationError, match="CORS_ALLOW_ORIGINS"):
        send(stack, "GET", "/articles", CORS_ALLOW_ORIGINS="reader.example.org/path")


def test_etag_and_if_none_match_give_304_until_the_record_changes(stack: Stack) -> None:
    (article_id,) = seed(stack, 1)
    first = send(stack, "GET", f"/articles/{article_id}")
    tag = header(first, "ETag")
    assert first["statusCode"] == 200 and tag and tag.startswith('W/"')
    assert header(first, "Cache-Control") == "no-cache"
    again = send(stack, "GET", f"/articles/{article_id}", {"If-None-Match": tag})
    assert again["statusCode"] == 304 and again["body"] == ""
    assert header(again, "ETag") == tag

    repo = ArticleRepository(stack.table_name, AwsClients(dynamodb=stack.dynamodb))
    record = repo.get(article_id)
    assert record is not None
    changed = record.model_copy(update={"title": "A corrected title"})
    repo.save(changed, expected_revision=record.revision)
    after = send(stack, "GET", f"/articles/{article_id}", {"If-None-Match": tag})
    assert after["statusCode"] == 200 and header(after, "ETag") != tag
    assert json.loads(after["body"])["title"] == "A corrected title"


def test_text_is_plain_text_when_accept_asks_and_json_otherwise(stack: Stack) -> None:
    article_id = processed_article(stack)
    plain = send(stack, "GET", f"/articles/{article_id}/text", {"Accept": "text/plain"})
    assert plain["statusCode"] == 200
    assert header(plain, "Content-Type") == "text/plain; charset=utf-8"
    assert "400,000 homes" in plain["body"] and not plain["body"].startswith("{")
    assert "Accept" in (header(plain, "Vary") or "")
    for accept in ("application/json", "*/*", "text/plain;q=0.5, application/json"):
        as_json = send(stack, "GET", f"/articles/{article_id}/text", {"Accept": accept})
        body = json.loads(as_json["body"])
        assert body["text"] == plain["body"], accept
        assert body["text_bytes"] == len(plain["body"].encode())
    tag = header(plain, "ETag")
    cached = send(
        stack, "GET", f"/articles/{article_id}/text", {"Accept": "text/plain", "If-None-Match": tag}
    )
    assert cached["statusCode"] == 304


def _store_text(stack: Stack, text: str) -> str:
    (article_id,) = seed(stack, 1)
    repo = ArticleRepository(stack.table_name, AwsClients(dynamodb=stack.dynamodb))
    record = repo.get(article_id)
    assert record is not None
    key = f"texts/{article_id}.txt"
    stack.s3.put_object(Bucket=BUCKET, Key=key, Body=text.encode("utf-8"))
    repo.save(record.model_copy(update={"text_key": key}), expected_revision=record.revision)
    return article_id


def test_a_large_non_ascii_text_stays_under_the_lambda_response_limit(stack: Stack) -> None:
    # 3.3 MB of Chinese in UTF-8: escaped as \\uXXXX it would be a 6.6 MB response.
    text = ("风电场获准并网，港口将为四十万户家庭供电。\n" * 52_000)[:1_100_000]
    article_id = _store_text(stack, text)
    response = send(stack, "GET", f"/articles/{article_id}/text")
    # What the python3.13 runtime sends back (its marshaller keeps non-ASCII as UTF-8).
    payload = json.dumps(response, ensure_ascii=False).encode()
    assert len(payload) < 6 * 1024 * 1024
    assert json.loads(response["body"])["text"] == text
    plain = send(stack, "GET", f"/articles/{article_id}/text", {"Accept": "text/plain"})
    assert plain["body"] == text


def test_a_text_too_large_to_inline_comes_as_a_short_lived_link(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from articles.api import routes

    text = "A long article line.\n" * 200
    article_id = _store_text(stack, text)
    monkeypatch.setattr(routes, "MAX_RESPONSE_BYTES", 1000)
    response = send(stack, "GET", f"/articles/{article_id}/text")
    body = json.loads(response["body"])
    assert response["statusCode"] == 200 and "text" not in body
    assert body["text_bytes"] == len(text.encode())
    link = urllib.parse.urlsplit(body["text_url"])
    assert link.scheme == "https" and link.path.endswith(f"/texts/{article_id}.txt")
    query = dict(urllib.parse.parse_qsl(link.query))
    lifetime = (
        int(query["X-Amz-Expires"])
        if "X-Amz-Expires" in query
        else int(query["Expires"]) - int(time.time())
    )
    assert 0 < lifetime <= 300
    assert query["response-content-type"] == "text/plain; charset=utf-8"
    redirect = send(stack, "GET", f"/articles/{article_id}/text", {"Accept": "text/plain"})
    assert redirect["statusCode"] == 303
    assert f"/texts/{article_id}.txt" in (header(redirect, "Location") or "")


# -- uploads ---------------------------------------------------------------------------------


def _policy(ticket: dict[str, Any]) -> dict[str, Any]:
    import base64

    policy: dict[str, Any] = json.loads(base64.b64decode(ticket["fields"]["policy"]))
    return policy


def test_uploads_are_refused_unless_enabled(stack: Stack) -> None:
    response = stack.invoke("api", load_event("api-upload.json"))  # WEB_UPLOADS as the template
    assert response["statusCode"] == 403
    assert error_of(response)["code"] == "uploads_disabled"


def test_an_upload_ticket_is_a_presigned_post_under_the_prefix_capped_and_short(
    stack: Stack,
) -> None:
    from datetime import UTC, datetime

    enabled = {"WEB_UPLOADS": "true", "MAX_OBJECT_BYTES": "5000"}
    before = datetime.now(UTC)
    response = stack.invoke("api", load_event("api-upload.json"), **enabled)
    assert response["statusCode"] == 200
    ticket = json.loads(response["body"])
    key = ticket["key"]
    assert key.startswith("incoming/") and key.endswith("/Harbour wind farm + grid notes.html")
    assert ticket["id"] == record_id(BUCKET, key)
    assert ticket["fields"]["key"] == key
    assert ticket["max_bytes"] == 5000
    policy = _policy(ticket)
    conditions = policy["conditions"]
    assert ["content-length-range", 1, 5000] in conditions
    assert {"key": key} in conditions and {"bucket": BUCKET} in conditions
    assert {"Content-Type": "text/html"} in conditions
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert 0 < (expires - before).total_seconds() <= 301
    assert ticket["expires_at"][:16] == policy["expiration"][:16]
    # Each upload gets its own key: two people dropping "notes.html" do not collide.
    second = json.loads(stack.invoke("api", load_event("api-upload.json"), **enabled)["body"])
    assert second["key"] != key


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"filename": "big.pdf", "size": 5001}, "too_large"),
        ({"filename": "", "size": 10}, "invalid_parameter"),
        ({"filename": "a.pdf", "size": 0}, "invalid_parameter"),
        ({"size": 10}, "invalid_parameter"),
    ],
)
def test_bad_upload_requests_are_400(stack: Stack, body: dict[str, Any], code: str) -> None:
    response = send(
        stack,
        "POST",
        "/uploads",
        {"Content-Type": "application/json"},
        json.dumps(body),
        WEB_UPLOADS="true",
        MAX_OBJECT_BYTES="5000",
    )
    assert response["statusCode"] == 400
    assert error_of(response)["code"] == code


def test_upload_keys_keep_only_the_file_name() -> None:
    from articles.api.uploads import upload_key

    assert upload_key("incoming/", "../../etc/passwd", "t") == "incoming/t/passwd"
    assert upload_key("incoming/", "C:\\Users\\me\\notes.md", "t") == "incoming/t/notes.md"
    assert upload_key("in/", "a\x00b\nc.txt", "t") == "in/t/a_b_c.txt"
    assert upload_key("in/", "..", "t") == "in/t/upload"
    long = upload_key("in/", "x" * 300 + ".pdf", "t")
    assert long.endswith(".pdf") and len(long.rsplit("/", 1)[1]) == 200


# -- the page ----------------------------------------------------------------------------------


def test_the_page_is_served_at_the_root_with_a_strict_policy(stack: Stack) -> None:
    import html
    import re

    from articles.api import page

    response = stack.invoke("api", load_event("api-page.json"), WEB_UPLOADS="true")
    assert response["statusCode"] == 200
    assert header(response, "Content-Type") == "text/html; charset=utf-8"
    document = response["body"]
    assert "<style>" in document and "<script>" in document
    assert 'src="app.js"' not in document
    match = re.search(r'<meta name="article-pipeline" content="([^"]*)">', document)
    assert match
    config = json.loads(html.unescape(match.group(1)))
    assert config["auth"] == "IAM" and config["uploads"] is True
    assert config["base"] == "/v1/"  # the stage, from the path the browser used
    assert ".pdf" in config["accept"].split(",")
    policy = header(response, "Content-Security-Policy") or ""
    assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy
    assert "script-src 'sha256-" in policy and "frame-ancestors 'none'" in policy
    # Uploads go to the bucket's endpoint, and nowhere else.
    (connect,) = [part for part in policy.split("; ") if part.startswith("connect-src")]
    assert connect == f"connect-src 'self' https://{BUCKET}.s3.amazonaws.com"
    assert page.assets_size() < 100 * 1024
    # Nothing in the page loads from elsewhere: no CDN, works offline.
    assert not re.search(r"(src|href)=\"(https?:)?//", document)


def test_the_page_without_uploads_allows_no_other_origin(stack: Stack) -> None:
    response = stack.invoke("api", load_event("api-page.json"))
    policy = header(response, "Content-Security-Policy") or ""
    assert "connect-src 'self';" in policy


# -- the OpenAPI document ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("auth", "scheme"), [("IAM", "sigv4"), ("API_KEY", "apiKey"), ("NONE", None)]
)
def test_openapi_document_is_valid_and_complete(
    stack: Stack, auth: str, scheme: str | None
) -> None:
    from openapi_spec_validator import validate

    response = send(stack, "GET", "/openapi.json", API_AUTH=auth)
    document = json.loads(response["body"])
    validate(document)
    operations = {
        (path, method): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert {(path, method) for path, method in operations} == {
        ("/articles", "get"),
        ("/articles/{article_id}", "get"),
        ("/articles/{article_id}/text", "get"),
        ("/uploads", "post"),
    }
    assert sorted(op["operationId"] for op in operations.values()) == [
        "createUpload",
        "getArticle",
        "getArticleText",
        "listArticles",
    ]
    schemas = document["components"]["schemas"]
    for (path, _), operation in operations.items():
        assert operation["summary"], path
        responses = operation["responses"]
        assert "422" not in responses, path
        success = responses["200"]["content"]["application/json"]["schema"]
        assert success["$ref"].rsplit("/", 1)[1] in schemas, path
        for code in ("400",):
            error = responses[code]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ApiError"}, (path, code)
    for path in ("/articles/{article_id}", "/articles/{article_id}/text"):
        error = operations[(path, "get")]["responses"]["404"]["content"]["application/json"]
        assert error["schema"] == {"$ref": "#/components/schemas/ApiError"}
    assert {"ArticlePage", "ArticleView", "ArticleText", "UploadTicket", "ApiError"} <= set(schemas)
    assert "HTTPValidationError" not in schemas
    upload_body = operations[("/uploads", "post")]["requestBody"]["content"]["application/json"]
    assert upload_body["schema"]["$ref"].endswith("/UploadRequest")
    text_content = operations[("/articles/{article_id}/text", "get")]["responses"]["200"]["content"]
    assert text_content["text/plain"]["schema"] == {"type": "string"}
    if scheme is None:
        assert "securitySchemes" not in document.get("components", {})
        assert "security" not in document
    else:
        assert list(document["components"]["securitySchemes"]) == [scheme]
        assert document["security"] == [{scheme: []}]


def test_the_readme_api_reference_matches_the_openapi_document(stack: Stack) -> None:
    import re

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## API reference", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(
        r"^\| `(GET|POST|PUT|DELETE|PATCH) ([^`?]+)[^`]*` \| `(\w+)` \|", section, re.M
    )
    documented = {
        (method.lower(), path.replace("{id}", "{article_id}"), op) for method, path, op in rows
    }
    document = json.loads(send(stack, "GET", "/openapi.json")["body"])
    operations = {
        (method, path, operation["operationId"])
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert documented == operations
