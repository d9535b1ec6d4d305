"""Replacing attributes of moto's classes in this process, once, and putting them back.

The ``moto_*`` modules each adapt one moto behaviour; this is how they install it. A
``Patches`` holds the replacements (built when installed, so a module imports moto only when its
patch is used) and the originals while installed; ``install`` is idempotent and thread-safe, and
``uninstall`` restores moto as it was (tests share the process with other moto users).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

Replacement = tuple[type, str, Any]  # owner class, attribute name, the new value


class Patches:
    def __init__(self, replacements: Callable[[], list[Replacement]]) -> None:
        self._replacements = replacements
        self._lock = threading.Lock()
        self._originals: dict[tuple[type, str], Any] = {}

    def install(self) -> None:
        with self._lock:
            if self._originals:
                return
            for owner, name, replacement in self._replacements():
                self._originals[owner, name] = owner.__dict__[name]
                setattr(owner, name, replacement)

    def uninstall(self) -> None:
        with self._lock:
            for (owner, name), original in self._originals.items():
                setattr(owner, name, original)
            self._originals.clear()

    def original(self, owner: type, name: str) -> Any:
        """moto's own ``owner.name``, installed or not (for a replacement that defers to it,
        and for the checks that moto's code is still the one reviewed)."""
        return self._originals.get((owner, name), owner.__dict__[name])
