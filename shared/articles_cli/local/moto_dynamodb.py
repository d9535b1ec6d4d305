"""Keep moto's DynamoDB answers cheap for items with many attributes.

moto 5.2 writes every response through one shape-driven serializer (``moto.core.serialize``):
each value is looked up through an attribute picker with alias providers and written member by
member following the service model. A DynamoDB item is a tree of ``AttributeValue``
structures, each with ten possible members, so a GetItem of one article record (key points,
keywords, authors: a few hundred attribute values) took about 3 ms of moto's time, and a Query
page of twenty of them most of 40 ms.

The values moto hands that serializer for an ``AttributeValue`` are already DynamoDB's wire
form (``{"S": "..."}``, ``{"M": {...}}``, ``{"L": [...]}``; binaries as bytes, from
``moto.dynamodb.models.utilities.dynamo_to_dict``). ``install()`` replaces, in this process,
``BaseJSONSerializer._serialize_type_structure`` with one that writes an ``AttributeValue``
in a single recursive pass (binaries base64-encoded, as the generic path does for blobs) and
hands every other structure to moto's own code.

``tests/unit/test_local_moto_dynamodb.py`` checks the answers against moto's own serializer
and fails when the pinned moto's version of the replaced method changes.
"""

from __future__ import annotations

import base64
import threading
from typing import Any, ClassVar

from moto.core import serialize

ATTRIBUTE_VALUE_SHAPE = "AttributeValue"
_MEMBERS = frozenset({"S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"})


class _State:
    lock = threading.Lock()
    originals: ClassVar[list[tuple[type, str, Any]]] = []


def _base64(value: str | bytes) -> str:
    data = value.encode("utf-8") if isinstance(value, str) else value
    return base64.b64encode(data).strip().decode("utf-8")


def wire_value(value: dict[str, Any]) -> dict[str, Any]:
    """One AttributeValue as DynamoDB's JSON carries it (what moto's serializer writes)."""
    result: dict[str, Any] = {}
    for member, inner in value.items():
        if inner is None or member not in _MEMBERS:
            continue
        if member == "M":
            result[member] = {name: wire_value(item) for name, item in inner.items()}
        elif member == "L":
            result[member] = [wire_value(item) for item in inner]
        elif member == "B":
            result[member] = _base64(inner)
        elif member == "BS":
            result[member] = [_base64(item) for item in inner]
        elif member in ("S", "N"):
            result[member] = str(inner) if inner not in ({}, []) else inner
        elif member in ("SS", "NS"):
            result[member] = [str(item) for item in inner]
        else:  # NULL, BOOL
            result[member] = inner
    return result


def _serialize_type_structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
    if shape.name == ATTRIBUTE_VALUE_SHAPE and key and isinstance(value, dict):
        serialized[self.get_serialized_name(shape, key)] = wire_value(value)
        return
    _State.originals[0][2](self, serialized, value, shape, key)


def _replacements() -> list[tuple[type, str, Any]]:
    return [(serialize.BaseJSONSerializer, "_serialize_type_structure", _serialize_type_structure)]


def install() -> None:
    with _State.lock:
        if _State.originals:
            return
        for owner, name, replacement in _replacements():
            _State.originals.append((owner, name, owner.__dict__[name]))
            setattr(owner, name, replacement)


def uninstall() -> None:
    """Put moto back as it was (tests that share the process with other moto users)."""
    with _State.lock:
        for owner, name, original in _State.originals:
            setattr(owner, name, original)
        _State.originals.clear()
