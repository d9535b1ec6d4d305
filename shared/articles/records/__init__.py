"""Article records: their model, life cycle and DynamoDB persistence."""

from __future__ import annotations

from articles.records.models import (
    ArticleRecord,
    ErrorInfo,
    SourceObject,
    Status,
    TokenUsage,
    record_id,
)

__all__ = ["ArticleRecord", "ErrorInfo", "SourceObject", "Status", "TokenUsage", "record_id"]
