"""Uploads from the browser: a presigned S3 POST that lets one file into the incoming prefix.

The form S3 accepts is narrow: one exact key under the incoming prefix, a size between one byte
and the pipeline's object limit, and a few minutes to use it. The API function signs it with
its own role, which may put objects under that prefix only when uploads are enabled.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from articles.api.models import UploadRequest, UploadTicket
from articles.errors import PermanentError
from articles.records.models import iso_utc, record_id

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

UPLOAD_EXPIRY_SECONDS = 300
# What may not appear in the file-name part of a key: path separators and control characters.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]+")
MAX_NAME_CHARS = 200


class UploadsDisabledError(PermanentError):
    code = "uploads_disabled"


class UploadTooLargeError(PermanentError):
    code = "too_large"


def upload_key(prefix: str, filename: str, token: str) -> str:
    """``<prefix><token>/<file name>``: a fresh key per upload that keeps the file's name."""
    name = _UNSAFE.sub("_", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    if len(name) > MAX_NAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        keep = MAX_NAME_CHARS - len(ext) - 1
        name = f"{stem[:keep]}.{ext}" if dot and 0 < len(ext) < 16 else name[:MAX_NAME_CHARS]
    return f"{prefix}{token}/{name or 'upload'}"


def presign_upload(
    s3: S3Client,
    request: UploadRequest,
    *,
    bucket: str,
    prefix: str,
    max_bytes: int,
    expires_in: int = UPLOAD_EXPIRY_SECONDS,
    now: datetime | None = None,
) -> UploadTicket:
    """A presigned POST for one file; refuses a file the pipeline would refuse for its size."""
    if request.size > max_bytes:
        raise UploadTooLargeError(
            f"the file has {request.size} bytes; the pipeline takes at most {max_bytes}"
        )
    key = upload_key(prefix, request.filename, secrets.token_hex(8))
    fields: dict[str, str] = {}
    conditions: list[object] = [["content-length-range", 1, max_bytes]]
    if request.content_type:
        fields["Content-Type"] = request.content_type
        conditions.append({"Content-Type": request.content_type})
    issued = now or datetime.now(UTC)
    post = s3.generate_presigned_post(
        Bucket=bucket, Key=key, Fields=fields, Conditions=conditions, ExpiresIn=expires_in
    )
    return UploadTicket(
        id=record_id(bucket, key),
        key=key,
        url=post["url"],
        fields={name: str(value) for name, value in post["fields"].items()},
        max_bytes=max_bytes,
        expires_at=iso_utc(issued + timedelta(seconds=expires_in)),
    )
