"""Metadata values, made clean the same way whatever format they came from.

Entities decoded, authors split into people, dates in ISO 8601. The HTML reader
(``page_metadata``), the plain-text reader and the PDF reader all finish their values here.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

_BY_PREFIX = re.compile(r"^\s*(by|von|par|por|di|door|av|af)\s+", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\bund\b|\bet\b|\by\b|\be\b)\s*")
MAX_AUTHORS = 20
MAX_AUTHOR_CHARS = 80


def clean(value: Any) -> str | None:
    """A metadata string with entities decoded (also doubly encoded ones) and spaces folded."""
    if not isinstance(value, str):
        return None
    for _ in range(2):  # "&amp;#8217;" in an attribute is "&#8217;" once lxml has read it
        if "&" not in value:
            break
        value = html.unescape(value)
    value = " ".join(value.split())
    return value or None


def split_authors(raw: list[str]) -> list[str]:
    authors: list[str] = []
    for entry in raw:
        for part in _AUTHOR_SPLIT.split(_BY_PREFIX.sub("", clean(entry) or "")):
            name = part.strip(" .|")
            if 1 < len(name) <= MAX_AUTHOR_CHARS and name.lower() not in (
                n.lower() for n in authors
            ):
                authors.append(name)
    return authors[:MAX_AUTHORS]


def normalize_date(value: str | None) -> str | None:
    """ISO 8601 (date or date-time) from the formats pages actually use, else None."""
    if not value:
        return None
    value = value.strip()
    candidate = value.replace("Z", "+00:00").replace(" ", "T", 1)
    for text in (candidate, candidate[:19], candidate[:10]):
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            continue
        if not 1900 <= parsed.year <= 2100:
            return None
        if len(text) <= 10:
            return parsed.date().isoformat()
        return parsed.isoformat()
    match = re.search(r"((?:19|20)\d\d)[/.-](\d{1,2})[/.-](\d{1,2})", value)
    if match:
        try:
            year, month, day = (int(g) for g in match.groups())
            return datetime(year, month, day).date().isoformat()
        except ValueError:
            return None
    return None
