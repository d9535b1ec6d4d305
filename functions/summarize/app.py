"""SummarizeFunction: extracted records from the summarize queue get their key points."""

from __future__ import annotations

from articles.pipeline.handlers import sqs_stage_handler
from articles.pipeline.summarize_stage import handle_summarize_message
from articles.settings import SummarizeSettings

handler = sqs_stage_handler(handle_summarize_message, SummarizeSettings)
