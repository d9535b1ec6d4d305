"""Make moto's EventBridge route events as EventBridge does.

A rule with a ``ScheduleExpression`` and no ``EventPattern`` (SAM's ``Schedule`` event: the
sweep's hourly rule) fires on its schedule only; EventBridge never matches it against events put
on the bus. moto 5.2 matches a rule without a pattern against every event and then fails the
whole PutEvents call on its Lambda target, which it cannot invoke. ``install()`` makes such
rules match no events, in this process (the local stack and the tests run moto in-process).
"""

from __future__ import annotations

import threading
from typing import Any

from moto.events import models


class _State:
    lock = threading.Lock()
    original: Any = None


def install() -> None:
    with _State.lock:
        if _State.original is not None:
            return
        _State.original = original = models.Rule.send_to_targets

    def send_to_targets(self: Any, *args: Any, **kwargs: Any) -> None:
        if self.scheduled_expression and not self.event_pattern.dump():
            return  # a schedule rule: it matches no event on the bus
        original(self, *args, **kwargs)

    models.Rule.send_to_targets = send_to_targets  # type: ignore[method-assign]


def uninstall() -> None:
    with _State.lock:
        if _State.original is None:
            return
        models.Rule.send_to_targets = _State.original  # type: ignore[method-assign]
        _State.original = None
