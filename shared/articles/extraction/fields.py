"""What a format-specific extractor found, before the finishing steps common to all formats."""

from __future__ import annotations

from articles.models import ArticleMetadata


class DocumentFields(ArticleMetadata):
    """The text and the metadata the document itself gives.

    ``language`` here is what the document declares (an HTML tag, a PDF's catalogue); the
    finishing step weighs it against the language detected from the text.
    """

    text: str
