"""The API's OpenAPI document, generated from the routes and their models.

Powertools documents a 422 on every validated operation; this API answers a failed validation
with 400 and its error model, so the 422 and its models are taken out. Security schemes follow
``ApiAuth``: SigV4 (as API Gateway describes it) for IAM, the ``x-api-key`` header for API_KEY,
none for NONE.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler.openapi.models import APIKey

from articles import __version__

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver

_POWERTOOLS_VALIDATION_MODELS = (
    "HTTPValidationError",
    "ValidationError",
    "ResponseValidationError",
)


def security_schemes(auth: str) -> dict[str, APIKey]:
    if auth == "IAM":
        scheme = {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "AWS Signature Version 4 (sign requests for the execute-api service)",
            "x-amazon-apigateway-authtype": "awsSigv4",
        }
        return {"sigv4": APIKey.model_validate(scheme)}
    if auth == "API_KEY":
        scheme = {"type": "apiKey", "in": "header", "name": "x-api-key"}
        return {"apiKey": APIKey.model_validate(scheme)}
    return {}


def document(app: APIGatewayRestResolver, *, auth: str) -> str:
    schemes = security_schemes(auth)
    schema = app.get_openapi_schema(
        title="article-pipeline",
        version=__version__,
        description="Read extracted articles and their key points; start uploads.",
        security_schemes=schemes or None,  # type: ignore[arg-type]
        security=[{name: []} for name in schemes] or None,
    )
    data: dict[str, Any] = schema.model_dump(mode="json", by_alias=True, exclude_none=True)
    for operations in data.get("paths", {}).values():
        for operation in operations.values():
            operation.get("responses", {}).pop("422", None)
    models = data.get("components", {}).get("schemas", {})
    for name in _POWERTOOLS_VALIDATION_MODELS:
        models.pop(name, None)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
