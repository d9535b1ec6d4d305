"""ExtractFunction: S3 notifications from the ingest queue become extracted records."""

from __future__ import annotations

from articles.pipeline.extract_stage import handle_ingest_message
from articles.pipeline.handlers import sqs_stage_handler
from articles.settings import ExtractSettings

handler = sqs_stage_handler(handle_ingest_message, ExtractSettings)
