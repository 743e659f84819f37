"""Records to and from the JSON forms the native module speaks: decimals and dates as
strings, instants as RFC 3339 UTC, records as objects."""

from __future__ import annotations

import dataclasses
import functools
import sys
import typing
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Union

from . import _records


def encode(value: Any) -> Any:
    """A JSON-able form of a record, list, decimal, date or instant."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("datetimes must be timezone-aware (use tzinfo=timezone.utc)")
        text = value.astimezone(timezone.utc).isoformat(timespec="milliseconds")
        return text.replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


@functools.lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))


def decode(tp: Any, value: Any) -> Any:
    """A value of type `tp` from its JSON form."""
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin is Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return decode(args[0], value)
    if origin is list:
        (item,) = typing.get_args(tp)
        return [decode(item, v) for v in value]
    if origin is tuple:
        return tuple(decode(t, v) for t, v in zip(typing.get_args(tp), value))
    if origin is typing.Literal or tp is Any:
        return value
    if tp is Decimal:
        return Decimal(value)
    if tp is datetime:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    if tp is date:
        return date.fromisoformat(value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        return tp(**{f.name: decode(hints[f.name], value.get(f.name)) for f in dataclasses.fields(tp)})
    return value


__all__ = ["encode", "decode", "_records"]
