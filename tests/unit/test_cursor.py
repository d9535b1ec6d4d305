from __future__ import annotations

import base64

import pytest

from articles.errors import InvalidCursorError
from articles.records.cursor import Cursor, decode_cursor, encode_cursor

SECRET = b"secret"
KEY = {"pk": "abc", "list_pk": "M#2026-11", "created_sk": "2026-11-01T00:00:00.000Z#abc"}


def test_round_trip() -> None:
    cursor = Cursor(month="2026-11", status=None, last_key=KEY)
    assert decode_cursor(encode_cursor(cursor, SECRET), SECRET, status=None) == cursor


def test_cursor_is_url_safe_and_unpadded() -> None:
    token = encode_cursor(Cursor(month="2026-11", status="FAILED", last_key=KEY), SECRET)
    assert "=" not in token and "+" not in token and "/" not in token


@pytest.mark.parametrize("token", ["", "%%%", "bm90LWEtcmVhbC1jdXJzb3I", "A" * 40])
def test_garbage_is_rejected(token: str) -> None:
    with pytest.raises(InvalidCursorError):
        decode_cursor(token, SECRET, status=None)


def test_any_changed_byte_is_rejected() -> None:
    token = encode_cursor(Cursor(month="2026-11", status=None, last_key=KEY), SECRET)
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    for position in (0, len(raw) // 2, len(raw) - 1):
        changed = bytearray(raw)
        changed[position] ^= 0x01
        forged = base64.urlsafe_b64encode(bytes(changed)).decode().rstrip("=")
        with pytest.raises(InvalidCursorError):
            decode_cursor(forged, SECRET, status=None)


def test_other_secret_or_other_filter_is_rejected() -> None:
    token = encode_cursor(Cursor(month="2026-11", status=None, last_key=KEY), SECRET)
    with pytest.raises(InvalidCursorError):
        decode_cursor(token, b"another table", status=None)
    with pytest.raises(InvalidCursorError):
        decode_cursor(token, SECRET, status="FAILED")
