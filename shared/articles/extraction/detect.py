"""Which kind of document the bytes are: content first, then file name, then Content-Type."""

from __future__ import annotations

import re

from articles.errors import EmptyDocumentError, UnsupportedFormatError
from articles.extraction.decoding import wide_codec
from articles.formats import CONTENT_TYPES, EXTENSIONS, HTML, MARKDOWN, PDF, TEXT, extension

__all__ = ["HTML", "MARKDOWN", "PDF", "TEXT", "detect_format", "looks_binary"]

# Formats we recognise only to refuse them with a clear message.
_FOREIGN_MAGIC = {
    b"PK\x03\x04": "a ZIP archive (DOCX, EPUB, ...)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "gzip-compressed data",
    b"\xd0\xcf\x11\xe0": "an OLE document (DOC, XLS, ...)",
    b"{\\rtf": "an RTF document",
}
# Markers that make a document HTML whatever its name says.
_STRONG_HTML = re.compile(rb"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)
# Markers that suggest HTML only when the name gives no other hint (Markdown may embed tags).
_WEAK_HTML = re.compile(
    rb"<(?:meta|title|article|div|p|section|main|h1|table|span|a)[\s>/]", re.IGNORECASE
)
_SNIFF_BYTES = 4096


def _sample(data: bytes) -> bytes:
    """The first few KB as ASCII-compatible bytes, so UTF-16 and UTF-32 sniff like any other."""
    head = data[:_SNIFF_BYTES]
    codec = wide_codec(head)
    if codec is not None:
        return head.decode(codec, errors="ignore").encode("ascii", errors="ignore")
    return head


# C0 control bytes that text does not use (tab, newlines, form feed and escape it does).
_BINARY_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def looks_binary(sample: bytes) -> bool:
    """Text has few C0 control bytes (a stray NUL at most); compressed or random data has many."""
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _BINARY_CONTROLS))
    return controls / len(sample) > 0.05


def _base_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def detect_format(
    data: bytes, *, filename: str | None = None, content_type: str | None = None
) -> str:
    """Return one of HTML, TEXT, MARKDOWN, PDF, or raise UnsupportedFormatError."""
    if not data or data.isspace():  # no copy of the document, unlike strip()
        raise EmptyDocumentError("the document is empty")
    if data[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return PDF
    for magic, what in _FOREIGN_MAGIC.items():
        if data.startswith(magic):
            raise UnsupportedFormatError(f"the content is {what}, not an article format")

    sample = _sample(data)
    if looks_binary(sample):
        raise UnsupportedFormatError("the content is binary data, not HTML, text or PDF")

    ext = extension(filename)
    by_name = EXTENSIONS.get(ext) if ext else None
    ctype = _base_content_type(content_type)
    by_type = CONTENT_TYPES.get(ctype) if ctype else None

    if _STRONG_HTML.search(sample):
        return HTML
    if by_name is None and by_type in (None, HTML) and _WEAK_HTML.search(sample.lstrip()[:512]):
        return HTML
    if by_name == PDF or (by_name is None and by_type == PDF):
        raise UnsupportedFormatError("named as a PDF but the content has no PDF header")
    if by_name:
        return by_name
    if ext and ext not in EXTENSIONS:
        raise UnsupportedFormatError(f"unsupported file type {ext!r}")
    if by_type:
        return by_type
    if ctype and ctype not in ("application/octet-stream", "binary/octet-stream"):
        raise UnsupportedFormatError(f"unsupported content type {ctype!r}")
    # No usable hint and the bytes look like text: treat it as plain text.
    return TEXT
