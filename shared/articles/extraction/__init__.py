"""Clean article text and metadata from whatever was uploaded: HTML, plain text, Markdown, PDF.

``extract`` is the one entry point. Importing this package is cheap: the parsing libraries
(trafilatura, lxml, pypdf, charset-normalizer) load the first time a document needs them.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from articles import __version__
from articles.errors import ArticleError, CorruptDocumentError, NoTextFoundError
from articles.extraction import html, pdf
from articles.extraction import text as plain
from articles.extraction.decoding import decode
from articles.extraction.detect import HTML, MARKDOWN, PDF, TEXT, detect_format
from articles.extraction.fields import DocumentFields
from articles.extraction.language import choose_language
from articles.extraction.limits import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_OUTPUT_CHARS,
    DEFAULT_TIMEOUT_SECONDS,
    Limits,
    check_size,
    time_budget,
    truncate_text,
)
from articles.extraction.page_metadata import read_metadata
from articles.models import ExtractedArticle, text_length

__all__ = [
    "DEFAULT_MAX_BYTES",
    "HTML",
    "MARKDOWN",
    "PDF",
    "TEXT",
    "Limits",
    "detect_format",
    "extract",
    "extractor_name",
]


@cache
def extractor_name(content_type: str) -> str:
    """Name and version of the library doing the heavy lifting for a format."""

    library = {HTML: "trafilatura", PDF: "pypdf"}.get(content_type)
    if library is None:
        return f"articles-text {__version__}"
    try:
        return f"{library} {version(library)}"
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return library


def _extract_html(data: bytes, content_type: str | None, url: str | None) -> DocumentFields:

    text, _codec = decode(data, html=True, content_type=content_type)
    tree = html.parse(text)
    body, metadata = html.extract_body(tree, read_metadata(tree, url_hint=url))
    return DocumentFields(**metadata.model_dump(), text=body)


def _extract_text(data: bytes, content_type: str | None, markdown: bool) -> DocumentFields:
    decoded, _codec = decode(data, content_type=content_type)
    return plain.extract_text(decoded, markdown=markdown)


def extract(
    data: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_output_chars: int = DEFAULT_MAX_OUTPUT_CHARS,
    timeout_seconds: float | None = DEFAULT_TIMEOUT_SECONDS,
    url: str | None = None,
) -> ExtractedArticle:
    """Extract clean text and metadata from one document.

    ``filename`` (an S3 key or path) and ``content_type`` are hints; the content decides first.
    Every failure is an ``ArticleError`` subclass with a stable ``code``.
    """
    limits = Limits(max_bytes, max_output_chars, timeout_seconds)
    check_size(data, limits.max_bytes)
    kind = detect_format(data, filename=filename, content_type=content_type)
    try:
        with time_budget(limits.timeout_seconds):
            if kind == HTML:
                fields = _extract_html(data, content_type, url)
            elif kind == PDF:
                fields = pdf.extract_pdf(data)
            else:
                fields = _extract_text(data, content_type, markdown=kind == MARKDOWN)
    except ArticleError:
        raise
    except RecursionError as exc:
        raise CorruptDocumentError("the document is nested too deeply to process") from exc
    except (ValueError, TypeError, AttributeError, IndexError, KeyError, MemoryError) as exc:
        # Parsers raise these on input they cannot make sense of; the caller gets a code.
        raise CorruptDocumentError(f"the document could not be processed: {exc}") from exc

    text, truncated = truncate_text(fields.text.strip(), limits.max_output_chars)
    if not any(char.isalnum() for char in text):  # nothing, or only punctuation and rules
        raise NoTextFoundError("the document contains no text")
    length = text_length(text)
    metadata = fields.model_dump(exclude={"text", "language"})
    return ExtractedArticle(
        **metadata,
        text=text,
        text_truncated=truncated,
        language=choose_language(text, fields.language),
        content_type=kind,
        word_count=length.words,
        reading_minutes=length.reading_minutes,
        content_sha256=hashlib.sha256(data).hexdigest(),
        extractor=extractor_name(kind),
    )
