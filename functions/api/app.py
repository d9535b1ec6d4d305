"""ApiFunction: the API and the web page behind API Gateway. Routes live in articles.api.routes.

No Powertools Tracer here: the X-Ray SDK would more than double this function's cold start,
and Lambda's active tracing already records each invocation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.logging import correlation_paths

from articles.api.routes import handle
from articles.observability import logger

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event, context)
