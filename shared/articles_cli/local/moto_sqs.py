"""Keep moto's SQS linear in the number of waiting messages.

moto 5.2 answers every ``ReceiveMessage`` by checking each message it hands out against the
queue's retention period, and reads that period through ``get_queue_attributes``, which builds
the whole attribute map: three passes over every message in the queue, each message's
visibility and delay read with a fresh clock reading. ``SendMessage`` builds the same map once
per message. With a backlog of N messages a receive of a batch costs O(N) per message, so a
run of N articles costs O(N^2): with 2000 waiting, one receive and delete of 5 messages took
half a second instead of a millisecond.

``install()`` replaces, in this process (the local stack runs moto in-process), three pieces of
moto's SQS models with equivalents that give the same answers:

* ``SQSBackend.is_message_valid_based_on_retention_period`` reads the queue's retention period
  directly instead of through the attribute map;
* ``Queue.attributes`` counts visible, delayed and in-flight messages in one pass with one clock
  reading;
* ``Queue.messages`` (the visible, undelayed messages) takes one clock reading per call.

``tests/unit/test_local_moto_sqs.py`` checks the answers against moto's own and fails when the
pinned moto's versions of these pieces change, so an upgrade is looked at again.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.utils import camelcase_to_underscores, unix_time, unix_time_millis
from moto.sqs import models

from articles_cli.local.patching import Patches

_COUNTED = (
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesDelayed",
    "ApproximateNumberOfMessagesNotVisible",
)


def message_counts(queue: Any) -> dict[str, int]:
    """The three approximate counts of a queue, from one pass at one instant."""
    now = unix_time_millis()
    visible = delayed = in_flight = 0
    for message in queue._messages:
        is_delayed = now < message.delayed_until
        is_visible = now > message.visible_at
        delayed += is_delayed
        in_flight += not is_visible
        visible += is_visible and not is_delayed
    return dict(zip(_COUNTED, (visible, delayed, in_flight), strict=True))


def _attributes(queue: Any) -> dict[str, Any]:
    names = list(queue.BASE_ATTRIBUTES)
    if queue.fifo_queue:
        names += queue.FIFO_ATTRIBUTES
    if queue.kms_master_key_id:
        names += queue.KMS_ATTRIBUTES
    counts = message_counts(queue)
    result = {
        name: counts[name] if name in counts else getattr(queue, camelcase_to_underscores(name))
        for name in names
    }
    if queue.policy:
        result["Policy"] = queue.policy
    if queue.redrive_policy:
        result["RedrivePolicy"] = json.dumps(queue.redrive_policy)
    return {
        name: str(value).lower() if isinstance(value, bool) else value
        for name, value in result.items()
    }


def _visible_messages(queue: Any) -> list[Any]:
    now = unix_time_millis()
    return [m for m in queue._messages if now > m.visible_at and not now < m.delayed_until]


def _within_retention(backend: Any, queue_name: str, message: Any) -> bool:
    retention = float(backend.get_queue(queue_name).message_retention_period)
    return retention + message.sent_timestamp / 1000 > unix_time()


def _replacements() -> list[tuple[type, str, Any]]:
    return [
        (models.Queue, "attributes", property(_attributes)),
        (models.Queue, "messages", property(_visible_messages)),
        (models.SQSBackend, "is_message_valid_based_on_retention_period", _within_retention),
    ]


_PATCHES = Patches(_replacements)
install = _PATCHES.install
uninstall = _PATCHES.uninstall  # moto as it was (tests that share the process with moto users)
