"""Powertools Tracer for the queue-driven functions.

Kept apart from articles.observability because loading the X-Ray SDK costs more at cold start
than the rest of a handler's imports together; the read API does without it (Lambda's active
tracing still records its invocations), the pipeline stages record subsegments.
"""

from __future__ import annotations

from aws_lambda_powertools import Tracer

from articles.observability import SERVICE

tracer = Tracer(service=SERVICE)
