"""ApiFunction against moto: the sample API events, pagination, filters and errors."""

from __future__ import annotations

import copy
import json
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


def test_get_and_text_of_a_processed_article(stack: Stack) -> None:
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
