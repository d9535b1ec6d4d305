"""The article formats the pipeline reads: media types and the file extensions that name them.

One home for the list, used by format detection in the extract stage and by the tools that
pick files to process or upload (``articles process``, ``articles upload``, the local stack).
"""

from __future__ import annotations

from pathlib import PurePath

HTML = "text/html"
TEXT = "text/plain"
MARKDOWN = "text/markdown"
PDF = "application/pdf"

# File extension (lower case, with the dot) -> media type.
EXTENSIONS: dict[str, str] = {
    ".html": HTML,
    ".htm": HTML,
    ".xhtml": HTML,
    ".txt": TEXT,
    ".text": TEXT,
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
    ".pdf": PDF,
}
# Content-Type (without parameters) -> media type.
CONTENT_TYPES: dict[str, str] = {
    "text/html": HTML,
    "application/xhtml+xml": HTML,
    "text/plain": TEXT,
    "text/markdown": MARKDOWN,
    "text/x-markdown": MARKDOWN,
    "application/pdf": PDF,
}
UNKNOWN_CONTENT_TYPE = "application/octet-stream"


def extension(name: str | None) -> str | None:
    """The lower-case extension of a file name, S3 key or path (``None`` without one)."""
    if not name:
        return None
    suffix = PurePath(name.rsplit("/", 1)[-1]).suffix.lower()
    return suffix or None


def is_supported(name: str) -> bool:
    """Whether a file name carries one of the extensions above."""
    return extension(name) in EXTENSIONS


def content_type_for(name: str) -> str:
    """The Content-Type to upload a file with: its format's, else ``application/octet-stream``."""
    ext = extension(name)
    return EXTENSIONS.get(ext, UNKNOWN_CONTENT_TYPE) if ext else UNKNOWN_CONTENT_TYPE
