"""SweepFunction: on a schedule, ends records that stopped moving as FAILED (stalled).

See articles.pipeline.sweep for why a record can stop moving and why ending it is safe.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from articles.observability import logger, metrics
from articles.pipeline.sweep import sweep_with_settings
from articles.settings import SweepSettings, get_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = sweep_with_settings(get_settings(SweepSettings))
    logger.info("sweep finished", extra=report.as_dict())
    return report.as_dict()
