"""Bytes to text: byte-order mark, in-document declaration, Content-Type charset, detection."""

from __future__ import annotations

import codecs
import re

from articles.errors import DecodingError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Browsers decode these labels with a superset codec; pages labelled latin-1 routinely use
# curly quotes from windows-1252, and Shift_JIS pages use the Windows (cp932) extensions.
_SUPERSETS = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "shift_jis": "cp932",
    "euc_jp": "euc_jp",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "tis-620": "cp874",
}
# Languages written with the Western European repertoire of windows-1252. Single-byte
# detection cannot tell cp1252 from cp1250 or cp1257 on such text (the bytes are valid in all),
# and cp1252 is by far the most common of them on the web.
_WESTERN_LANGUAGES = frozenset(
    {
        "English",
        "French",
        "German",
        "Spanish",
        "Portuguese",
        "Italian",
        "Dutch",
        "Danish",
        "Swedish",
        "Norwegian",
        "Finnish",
        "Catalan",
        "Indonesian",
        "Malay",
        "Unknown",
    }
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_CT_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_DECLARATION_BYTES = 8192
_DETECTION_BYTES = 64 * 1024


def normalize_codec(label: str) -> str | None:
    """A Python codec name for an encoding label, or None when Python does not know it."""
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None
    return _SUPERSETS.get(name, name)


def declared_in_html(data: bytes) -> str | None:
    head = data[:_DECLARATION_BYTES]
    match = _XML_DECL.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def declared_in_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _CT_CHARSET.search(content_type)
    return match.group(1) if match else None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode(data: bytes, *, html: bool = False, content_type: str | None = None) -> tuple[str, str]:
    """Return ``(text, codec)``; raise DecodingError when no encoding fits."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], codec)
            if text is None:
                raise DecodingError(f"the {codec} byte-order mark is followed by invalid bytes")
            return text, codec

    # A declaration that does not fit the bytes is a lie; fall through to the next source.
    labels = [declared_in_html(data) if html else None, declared_in_content_type(content_type)]
    for label in labels:
        declared = normalize_codec(label) if label else None
        # A UTF-16 label without a BOM inside an ASCII-compatible page is a common mistake.
        if declared and not declared.startswith(("utf-16", "utf-32")):
            text = _strict(data, declared)
            if text is not None:
                return text, declared

    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"

    from charset_normalizer import from_bytes

    best = from_bytes(data[:_DETECTION_BYTES]).best()
    if best is not None:
        codec = normalize_codec(best.encoding) or best.encoding
        single_byte = len(str(best)) == len(data[:_DETECTION_BYTES])
        if single_byte and best.language in _WESTERN_LANGUAGES:
            text = _strict(data, "cp1252")
            if text is not None:
                return text, "cp1252"
        text = _strict(data, codec)
        if text is not None:
            return text, codec
        # Detection looked only at the head; tolerate a stray bad byte further on.
        return data.decode(codec, errors="replace"), codec
    raise DecodingError("could not determine the text encoding")
