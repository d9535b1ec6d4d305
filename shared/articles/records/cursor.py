"""Opaque, tamper-evident pagination cursors.

A cursor names the month partition to continue in and DynamoDB's LastEvaluatedKey inside it.
It is signed so that a client cannot hand us a forged key: a changed cursor is a clear 400,
never a confusing page or a DynamoDB validation error.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from articles.errors import InvalidCursorError

_SIGNATURE_BYTES = 12


@dataclass(frozen=True)
class Cursor:
    month: str
    status: str | None
    last_key: dict[str, str] | None


def encode_cursor(cursor: Cursor, secret: bytes) -> str:
    payload = json.dumps(
        {"m": cursor.month, "s": cursor.status, "k": cursor.last_key},
        separators=(",", ":"),
        sort_keys=True,
    ).encode()
    signature = hmac.new(secret, payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(signature + payload).decode().rstrip("=")


def decode_cursor(token: str, secret: bytes, *, status: str | None) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError) as exc:
        raise InvalidCursorError("cursor is not valid base64") from exc
    signature, payload = raw[:_SIGNATURE_BYTES], raw[_SIGNATURE_BYTES:]
    expected = hmac.new(secret, payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]
    if not payload or not hmac.compare_digest(signature, expected):
        raise InvalidCursorError("cursor was not issued by this API or has been altered")
    data: dict[str, Any] = json.loads(payload)
    if data.get("s") != status:
        raise InvalidCursorError("cursor belongs to a listing with a different status filter")
    last_key = data.get("k")
    return Cursor(month=str(data["m"]), status=status, last_key=last_key)
