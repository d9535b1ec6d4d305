"""Make moto's S3 event notifications carry what S3's do.

moto delivers bucket notifications to SQS itself (the real path, kept), but its messages lack
two fields the extract stage relies on, one event is missing and one is extra:

* ``s3.object.sequencer``: S3 orders the events of one key by it. Without it every version of
  a key looks like the same version, so a re-upload would be ignored as a duplicate. Each
  object version gets one sequencer, whichever events name it.
* ``s3.object.versionId`` on a versioned bucket: which version the event is about.
* ``ObjectRemoved:DeleteMarkerCreated``: a plain delete on a versioned bucket sends nothing.
* Completing a multipart upload (boto3 and the aws CLI split files over 8 MB) sends an
  ``ObjectCreated:Put`` before the ``ObjectCreated:CompleteMultipartUpload``; S3 sends only the
  second, so the first is dropped: one upload, one event.

``install()`` patches moto in this process (the local stack runs moto in-process), once.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from moto.s3 import models, notifications


class _State:
    lock = threading.Lock()
    last_sequencer = 0
    originals: tuple[Any, Any, Any, Any] | None = None
    # Set while this thread (one moto request) completes a multipart upload.
    completing = threading.local()


_SEQUENCER_ATTRIBUTE = "_articles_sequencer"


def next_sequencer() -> str:
    """Increasing hex strings, as S3's sequencers are for the events of one key."""
    with _State.lock:
        _State.last_sequencer = max(_State.last_sequencer + 1, time.time_ns())
        return f"{_State.last_sequencer:016X}"


def _sequencer_of(key: Any) -> str:
    """The one sequencer of an object version (a key or a delete marker), made on first use."""
    sequencer: str | None = getattr(key, _SEQUENCER_ATTRIBUTE, None)
    if sequencer is None:
        sequencer = next_sequencer()
        setattr(key, _SEQUENCER_ATTRIBUTE, sequencer)
    return sequencer


def install() -> None:
    with _State.lock:
        if _State.originals is not None:
            return
        _State.originals = (
            notifications._get_s3_event,
            models.S3Backend._set_delete_marker,
            notifications.send_event,
            models.S3Backend.complete_multipart_upload,
        )
    original_event, original_marker, original_send, original_complete = _State.originals

    def s3_event(event_name: str, bucket: Any, key: Any, notification_id: str) -> dict[str, Any]:
        if isinstance(key, models.FakeDeleteMarker):
            event = original_event(event_name, bucket, key.key, notification_id)
            obj = event["Records"][0]["s3"]["object"]
            obj.pop("size", None)
            obj.pop("eTag", None)
        else:
            event = original_event(event_name, bucket, key, notification_id)
            obj = event["Records"][0]["s3"]["object"]
        version_id = getattr(key, "version_id", None)
        if version_id and version_id != "null":
            obj["versionId"] = str(version_id)
        obj["sequencer"] = _sequencer_of(key)
        return event

    notifications._get_s3_event = s3_event

    def send_event(account_id: str, event_name: Any, bucket: Any, key: Any) -> None:
        put = notifications.S3NotificationEvent.OBJECT_CREATED_PUT_EVENT
        if event_name == put and getattr(_State.completing, "active", False):
            return  # the CompleteMultipartUpload event that follows is the upload's one event
        original_send(account_id, event_name, bucket, key)

    notifications.send_event = send_event

    def complete_multipart_upload(self: Any, *args: Any, **kwargs: Any) -> Any:
        _State.completing.active = True
        try:
            return original_complete(self, *args, **kwargs)
        finally:
            _State.completing.active = False

    models.S3Backend.complete_multipart_upload = complete_multipart_upload  # type: ignore[method-assign]

    def set_delete_marker(self: Any, bucket_name: str, key_name: str) -> Any:
        marker = original_marker(self, bucket_name, key_name)
        notifications.send_event(
            self.account_id,
            notifications.S3NotificationEvent.OBJECT_REMOVED_DELETE_MARKER_CREATED_EVENT,
            self.get_bucket(bucket_name),
            marker,
        )
        return marker

    models.S3Backend._set_delete_marker = set_delete_marker  # type: ignore[method-assign]


def uninstall() -> None:
    """Put moto back as it was (tests that share the process with other moto users)."""
    with _State.lock:
        if _State.originals is None:
            return
        (
            notifications._get_s3_event,
            models.S3Backend._set_delete_marker,  # type: ignore[method-assign]
            notifications.send_event,
            models.S3Backend.complete_multipart_upload,  # type: ignore[method-assign]
        ) = _State.originals
        _State.originals = None
