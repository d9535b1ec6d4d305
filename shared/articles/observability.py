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
    _count_one("ArticlesFailed", stage=stage, error_code=code)


def count_fallback(reason: str) -> None:
    """SummarizerFallbacks, one metric per reason: the extractive backend wrote all or part
    of an answer the configured backend was asked for."""
    _count_one("SummarizerFallbacks", reason=str(reason))


def _count_one(name: str, **dimensions: str) -> None:
    """A count of one with its own dimensions, beside the handler's metric set."""
    from aws_lambda_powertools.metrics import single_metric

    with single_metric(
        name=name,
        unit=MetricUnit.Count,
        value=1,
        namespace="ArticlePipeline",
        default_dimensions={"service": SERVICE},
    ) as metric:
        for key, value in dimensions.items():
            metric.add_dimension(name=key, value=value)
