"""Bytes to text: byte-order mark, in-document declaration, Content-Type charset, detection.

Also recognised: UTF-16 and UTF-32 without a byte-order mark (by where their NUL bytes fall),
and UTF-8 with a few invalid bytes (decoded as UTF-8, the bad bytes replaced). Whatever the
codec, the text comes out without NULs and control characters (newlines and tabs stay).
"""

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
_WIDE_SNIFF_BYTES = 4096
# Of the NUL bytes in a UTF-16 sample, this share at least falls on one parity (high bytes of
# Latin, Cyrillic, Greek... characters); stray NULs in UTF-8 text fall anywhere.
_WIDE_PARITY_SHARE = 0.95
# C0 and C1 controls and DEL, except tab, newline and carriage return; form and line feeds
# become newlines so the words on either side stay apart.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]+")
_BREAKS = re.compile("[\x0b\x0c\x85\u2028\u2029]")
_ANY_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
# The same characters as UTF-8 bytes: C0 and DEL are single bytes, C1 is 0xC2 then 0x80-0x9F,
# U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
_C0_BYTES = bytes((*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F))
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
_SEPARATORS_UTF8 = re.compile(rb"\xe2\x80[\xa8\xa9]")
_REPLACEMENT = "\ufffd"


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


def strip_controls(text: str) -> str:
    """Text without NULs and control characters; tabs and line breaks kept as such."""
    if _ANY_CONTROL.search(text) is None:  # the usual case: one scan, no copies
        return text
    return _CONTROLS.sub("", _BREAKS.sub("\n", text))


def _utf8_has_controls(data: bytes) -> bool:
    """Whether UTF-8 bytes hold a character ``strip_controls`` would change (false positives
    only: a stray byte that decoding replaces anyway). Byte scans in C, much cheaper than a
    scan of the decoded text."""
    return (
        len(data.translate(None, _C0_BYTES)) != len(data)
        or _C1_UTF8.search(data) is not None
        or _SEPARATORS_UTF8.search(data) is not None
    )


def wide_codec(data: bytes) -> str | None:
    """UTF-16 or UTF-32 (little or big endian) if the bytes are, by byte-order mark or by the
    pattern of NUL bytes their characters leave; None for any other encoding."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return None if codec == "utf-8" else codec
    sample = data[: _WIDE_SNIFF_BYTES - _WIDE_SNIFF_BYTES % 4]
    sample = sample[: len(sample) - len(sample) % 4]
    quads = len(sample) // 4
    if quads == 0 or not sample.count(0):
        return None
    nuls = [sample[offset::4].count(0) for offset in range(4)]
    if nuls[3] == quads and nuls[2] >= 0.9 * quads and nuls[0] < quads:
        return "utf-32-le"
    if nuls[0] == quads and nuls[1] >= 0.9 * quads and nuls[3] < quads:
        return "utf-32-be"
    even, odd = nuls[0] + nuls[2], nuls[1] + nuls[3]
    pairs = 2 * quads
    if odd >= 0.1 * pairs and odd >= _WIDE_PARITY_SHARE * (odd + even):
        return "utf-16-le"
    if even >= 0.1 * pairs and even >= _WIDE_PARITY_SHARE * (odd + even):
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few invalid bytes (a bad copy, a truncated character): more valid
    multi-byte characters than invalid bytes. Windows-1252 text is almost never valid UTF-8."""
    text = data.decode("utf-8", errors="replace")
    invalid = text.count(_REPLACEMENT) - data.count(_REPLACEMENT.encode())
    valid = sum(1 for char in text if char > "\x7f" and char != _REPLACEMENT)
    return text if valid > invalid else None


def decode(data: bytes, *, html: bool = False, content_type: str | None = None) -> tuple[str, str]:
    """Return ``(text, codec)``, the text free of control characters; raise DecodingError
    when no encoding fits."""
    text, codec = _decode(data, html=html, content_type=content_type)
    if codec == "utf-8" and not _utf8_has_controls(data):
        return text, codec
    return strip_controls(text), codec


def _decode(data: bytes, *, html: bool, content_type: str | None) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], codec)
            if text is None:
                raise DecodingError(f"the {codec} byte-order mark is followed by invalid bytes")
            return text, codec
    wide = wide_codec(data)
    if wide is not None:
        width = 4 if wide.startswith("utf-32") else 2
        text = _strict(data[: len(data) - len(data) % width], wide)
        if text is not None:
            return text, wide

    # A declaration that does not fit the bytes is a lie; fall through to the next source.
    labels = [declared_in_html(data) if html else None, declared_in_content_type(content_type)]
    for label in labels:
        declared = normalize_codec(label) if label else None
        # A UTF-16 label without a BOM inside an ASCII-compatible page is a common mistake.
        if declared and not declared.startswith(("utf-16", "utf-32")):
            text = _strict(data, declared)
            if text is not None:
                return text, declared

    text = _strict(data, "utf-8") or _mostly_utf8(data)
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
