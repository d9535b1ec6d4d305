"""The messages that travel through the pipeline's queues, parsed at the edge with pydantic.

The ingest queue carries what S3 sends (event notifications and the one-off ``s3:TestEvent``)
and our own reprocess requests; the summarize queue carries hand-overs from the extract stage.
"""

from __future__ import annotations

import json
from typing import Literal
from urllib.parse import unquote_plus

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from articles.errors import PermanentError
from articles.records.models import SourceObject, normalise_sequencer


class MalformedMessageError(PermanentError):
    code = "malformed_message"


class _S3Bucket(BaseModel):
    name: str


class _S3Object(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    key: str
    size: int | None = None
    etag: str | None = Field(default=None, alias="eTag")
    version_id: str | None = Field(default=None, alias="versionId")
    sequencer: str | None = None


class _S3Entity(BaseModel):
    bucket: _S3Bucket
    object: _S3Object


class S3EventRecord(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    event_name: str = Field(alias="eventName")
    event_time: str | None = Field(default=None, alias="eventTime")
    s3: _S3Entity

    @property
    def is_removal(self) -> bool:
        return self.event_name.startswith("ObjectRemoved")

    @property
    def is_creation(self) -> bool:
        return self.event_name.startswith("ObjectCreated")

    def source(self) -> SourceObject:
        obj = self.s3.object
        return SourceObject(
            bucket=self.s3.bucket.name,
            # S3 URL-encodes keys in notifications, with '+' for a space.
            key=unquote_plus(obj.key),
            version_id=obj.version_id,
            etag=obj.etag,
            size=obj.size,
            sequencer=normalise_sequencer(obj.sequencer),
        )


class S3EventNotification(BaseModel):
    records: list[S3EventRecord] = Field(alias="Records")


class S3TestEvent(BaseModel):
    event: Literal["s3:TestEvent"] = Field(alias="Event")


class ReprocessRequest(BaseModel):
    """Hand an existing record back to the extract stage (``articles reprocess``)."""

    type: Literal["reprocess"]
    id: str


class SummarizeRequest(BaseModel):
    """Extract stage -> summarize stage."""

    id: str
    content_sha256: str
    sequencer: str


IngestMessage = S3EventNotification | S3TestEvent | ReprocessRequest


def parse_ingest_message(body: str) -> IngestMessage:
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise MalformedMessageError(f"message body is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise MalformedMessageError("message body is not a JSON object")
    model: type[IngestMessage]
    if "Records" in data:
        model = S3EventNotification
    elif data.get("Event") == "s3:TestEvent":
        model = S3TestEvent
    elif data.get("type") == "reprocess":
        model = ReprocessRequest
    else:
        raise MalformedMessageError("not an S3 event notification or a reprocess request")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise MalformedMessageError(f"invalid {model.__name__}: {exc.errors()[0]['msg']}") from exc


def parse_summarize_message(body: str) -> SummarizeRequest:
    try:
        return SummarizeRequest.model_validate_json(body)
    except ValidationError as exc:
        raise MalformedMessageError(f"invalid summarize request: {exc.errors()[0]['msg']}") from exc
