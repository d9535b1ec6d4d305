"""Make moto's S3 event notifications carry what S3's do.

moto delivers bucket notifications to SQS itself (the real path, kept), but its messages lack
two fields the extract stage relies on, and one event is missing:

* ``s3.object.sequencer``: S3 orders the events of one key by it. Without it every version of
  a key looks like the same version, so a re-upload would be ignored as a duplicate.
* ``s3.object.versionId`` on a versioned bucket: which version the event is about.
* ``ObjectRemoved:DeleteMarkerCreated``: a plain delete on a versioned bucket sends nothing.

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
    originals: tuple[Any, Any] | None = None


def next_sequencer() -> str:
    """Increasing hex strings, as S3's sequencers are for the events of one key."""
    with _State.lock:
        _State.last_sequencer = max(_State.last_sequencer + 1, time.time_ns())
        return f"{_State.last_sequencer:016X}"


def install() -> None:
    with _State.lock:
        if _State.originals is not None:
            return
        _State.originals = (notifications._get_s3_event, models.S3Backend._set_delete_marker)
    original_event, original_marker = _State.originals

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
        obj["sequencer"] = next_sequencer()
        return event

    notifications._get_s3_event = s3_event

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
        notifications._get_s3_event, models.S3Backend._set_delete_marker = _State.originals  # type: ignore[method-assign]
        _State.originals = None
