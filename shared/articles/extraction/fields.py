"""What a format-specific extractor found, before the finishing steps common to all formats."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DocumentFields:
    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    language: str | None = None  # when the document declares it; detected from text otherwise
    site_name: str | None = None
    url: str | None = None
    description: str | None = None
