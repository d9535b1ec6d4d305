"""Completion events: one EventBridge event per terminal transition of a record.

``models`` declares the event (source, detail types, the detail's shape); ``publisher`` sends
the events a record holds and clears them once EventBridge has taken them.
"""

from __future__ import annotations

from articles.events.models import (
    DETAIL_TYPES,
    EVENT_SOURCE,
    ArticleEventDetail,
    detail_type,
    event_detail,
)

__all__ = ["DETAIL_TYPES", "EVENT_SOURCE", "ArticleEventDetail", "detail_type", "event_detail"]
