"""Powertools Logger and Metrics shared by every function (the Tracer is in articles.tracing).

Powertools instances with the same service name share their configuration and buffers, so
the handlers' decorators and the domain code below them log and count into the same place.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

SERVICE = "article-pipeline"

logger = Logger(service=SERVICE)
metrics = Metrics(service=SERVICE, namespace="ArticlePipeline")

__all__ = ["SERVICE", "MetricUnit", "logger", "metrics"]


def count_failure(stage: str, code: str) -> None:
    """ArticlesFailed, one metric per error code and stage so alarms can pick one out."""
    from aws_lambda_powertools.metrics import single_metric

    with single_metric(
        name="ArticlesFailed",
        unit=MetricUnit.Count,
        value=1,
        namespace="ArticlePipeline",
        default_dimensions={"service": SERVICE},
    ) as metric:
        metric.add_dimension(name="stage", value=stage)
        metric.add_dimension(name="error_code", value=code)
