"""Make moto's EventBridge route events as EventBridge does.

A rule with a ``ScheduleExpression`` and no ``EventPattern`` (SAM's ``Schedule`` event: the
sweep's hourly rule) fires on its schedule only; EventBridge never matches it against events put
on the bus. moto 5.2 matches a rule without a pattern against every event and then fails the
whole PutEvents call on its Lambda target, which it cannot invoke. ``install()`` makes such
rules match no events, in this process (the local stack and the tests run moto in-process).
"""

from __future__ import annotations

from typing import Any

from moto.events import models

from articles_cli.local.patching import Patches, Replacement


def _send_to_targets(self: Any, *args: Any, **kwargs: Any) -> None:
    if self.scheduled_expression and not self.event_pattern.dump():
        return  # a schedule rule: it matches no event on the bus
    _PATCHES.original(models.Rule, "send_to_targets")(self, *args, **kwargs)


def _replacements() -> list[Replacement]:
    return [(models.Rule, "send_to_targets", _send_to_targets)]


_PATCHES = Patches(_replacements)
install = _PATCHES.install
uninstall = _PATCHES.uninstall
