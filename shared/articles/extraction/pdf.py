"""PDF text layer via pypdf: paragraphs rebuilt, hyphenation undone, page furniture dropped."""

from __future__ import annotations

import io
import re
from collections import Counter
from typing import Any

from articles.errors import CorruptDocumentError, EncryptedDocumentError, NoTextFoundError
from articles.extraction.decoding import strip_controls
from articles.extraction.fields import DocumentFields

MAX_PAGES = 500
# Running heads are short; a full-width line repeated on every page is more likely content.
FURNITURE_MAX_CHARS = 70
HEADING_MAX_SHARE = 0.6
_PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I
)
_HYPHENATED = re.compile(r"(\w)[-\u00ad]\n(\w)")
# pypdf joins two text runs without a space when the second starts a little lower on the page
# than a new line would ("overnight.The river"): a sentence end after a word of two or more
# lower-case letters, then a capitalised word, is such a seam (initials like "U.S." are not).
_RUN_ON_SENTENCE = re.compile(r"(?<=[^\W\d_]{2}[.!?])(?=[^\W\d_]{2})")
_DIGITS = re.compile(r"\d+")
_BULLET = re.compile(r"^\s*[•●▪◦‣\-–*]\s+")
_SENTENCE_END = (".", "!", "?", ":", "”", '"', "…")
_PLACEHOLDER_TITLES = {"untitled", "microsoft word", "document", "title", "none"}


def _open(data: bytes) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PdfReadError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # An owner password alone (the empty user password opens it) is only a
            # restriction on editing; any reader can display the text, and so can we.
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError) as exc:
                raise EncryptedDocumentError(f"the PDF is encrypted: {exc}") from exc
            if not opened:
                raise EncryptedDocumentError("the PDF is password-protected")
        _ = len(reader.pages)
    except EncryptedDocumentError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise CorruptDocumentError(f"the PDF could not be read: {exc}") from exc
    return reader


def _page_lines(reader: Any) -> list[list[str]]:
    pages: list[list[str]] = []
    for number, page in enumerate(reader.pages):
        if number >= MAX_PAGES:
            break
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # pypdf raises many kinds on damaged content streams
            raise CorruptDocumentError(f"page {number + 1} could not be read: {exc}") from exc
        text = _HYPHENATED.sub(r"\1\2", strip_controls(text.replace("\r", "\n")))
        text = _separate_sentences(text)
        pages.append([" ".join(line.split()) for line in text.split("\n")])
    return pages


def _separate_sentences(text: str) -> str:
    pieces = []
    start = 0
    for seam in _RUN_ON_SENTENCE.finditer(text):
        at = seam.start()
        before, after = text[at - 3 : at - 1], text[at : at + 2]
        if before.islower() and after[0].isupper() and after[1].islower():
            pieces.append(text[start:at])
            start = at
    pieces.append(text[start:])
    return " ".join(pieces)


def _furniture(pages: list[list[str]]) -> set[str]:
    """Lines repeated at the top or bottom of many pages (digits ignored): running heads."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        content = [line for line in lines if line]
        edges = {
            _DIGITS.sub("#", line)
            for line in content[:2] + content[-2:]
            if len(line) <= FURNITURE_MAX_CHARS and not line.endswith(_SENTENCE_END)
        }
        counts.update(edges)
    return {line for line, n in counts.items() if n >= max(3, len(pages) // 2)}


def _is_heading(line: str, width: int) -> bool:
    """A short line that is not a sentence, standing at the start of a paragraph."""
    return (
        len(line) < HEADING_MAX_SHARE * width
        and len(line.split()) <= 15
        and not line.endswith((*_SENTENCE_END, ",", ";"))
        and not _BULLET.match(line)
    )


def _paragraphs(lines: list[str]) -> list[str]:
    """Join layout lines into paragraphs: a short line ending a sentence closes one."""
    content = [line for line in lines if line]
    if not content:
        return []
    width = sorted(len(line) for line in content)[int(len(content) * 0.9)]
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if _BULLET.match(line) and current:
            paragraphs.append(" ".join(current))
            current = []
        if not current and _is_heading(line, width):
            paragraphs.append(line)
            continue
        current.append(_BULLET.sub("- ", line))
        if line.endswith(_SENTENCE_END) and len(line) < 0.8 * width:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _metadata_title(reader: Any) -> tuple[str | None, list[str], str | None]:
    try:
        info = reader.metadata
    except Exception:  # a broken info dictionary must not sink a readable text layer
        return None, [], None
    if not info:
        return None, [], None
    title = " ".join(str(info.title or "").split()) or None
    if title and (title.lower() in _PLACEHOLDER_TITLES or re.search(r"\.\w{2,4}$", title)):
        title = None
    authors = [a.strip() for a in re.split(r"[;,]| and ", str(info.author or "")) if a.strip()]
    published = None
    try:
        created = info.creation_date
        published = created.isoformat() if created else None
    except Exception:  # malformed date strings are common and harmless
        published = None
    return title, authors, published


def extract_pdf(data: bytes) -> DocumentFields:
    reader = _open(data)
    pages = _page_lines(reader)
    furniture = _furniture(pages)
    blocks: list[str] = []
    for lines in pages:
        kept = [
            line
            for line in lines
            if not _PAGE_NUMBER.match(line) and _DIGITS.sub("#", line) not in furniture
        ]
        blocks.extend(_paragraphs(kept))
    if not blocks:
        raise NoTextFoundError("the PDF has no text layer (scanned or image-only)")

    title, authors, published = _metadata_title(reader)
    first = blocks[0]
    if title is None and len(first.split()) <= 20 and not first.endswith("."):
        title = first
    if title and blocks and " ".join(blocks[0].split()).lower() == title.lower():
        blocks.pop(0)  # the title is metadata, not body
    return DocumentFields(
        text="\n\n".join(blocks).replace("\n\n- ", "\n- "),
        title=title,
        authors=authors,
        published=published,
    )
