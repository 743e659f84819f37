"""Records to and from the JSON forms the native module speaks: decimals and dates as
strings, instants as RFC 3339 UTC, records as objects; and the native methods'
arguments (`arg`) and answers (`answer`, `unwrap`)."""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
import typing
from datetime import date, datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import Any, Callable, TypeVar, Union

from . import _records
from .errors import DatabaseError, ValidationError, raise_for

_I = TypeVar("_I")

# The most significant digits a decimal may have to be held exactly (rust_decimal).
_MAX_DIGITS = 28


def _refuse(field: str, reason: str, code: str) -> ValidationError:
    refused = {"field": field, "code": code, "limit": None, "reason": reason}
    return ValidationError(
        f"`{field}` {reason}",
        {"entity": "argument", "field": field, "fields": [refused]},
    )


def _text(value: str, field: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _refuse(field, "is not valid text (it holds a lone surrogate)", "invisible") from None
    return value


def encode(value: Any, field: str = "value") -> Any:
    """A JSON-able form of a record, list, decimal, date or instant. A value the
    library would not receive as it is (a float, a naive datetime, a decimal it cannot
    hold exactly, text with a lone surrogate) raises `ValidationError` naming the field."""
    kind = type(value)
    if kind is str:  # ids and text, the most common arguments: checked first
        return _text(value, field)
    if value is None or kind is int or kind is bool:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name), f.name) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _refuse(field, "is not a finite number", "invalid_number")
        if len(value.as_tuple().digits) > _MAX_DIGITS:
            raise _refuse(field, f"has more than {_MAX_DIGITS} significant digits", "too_precise")
        return str(value)
    if isinstance(value, float):
        # No input takes a float: money and quantities are exact, percentages whole.
        raise _refuse(
            field, "is a float, which is not exact: pass a Decimal, an int or a str", "invalid_number"
        )
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise _refuse(
                field, "must be a timezone-aware datetime (tzinfo=timezone.utc)", "invalid_date"
            )
        text = value.astimezone(timezone.utc).isoformat(timespec="milliseconds")
        return text.replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return _text(value, field)
    if isinstance(value, (list, tuple)):
        return [encode(v, field) for v in value]
    if isinstance(value, dict):
        return {k: encode(v, k if isinstance(k, str) else field) for k, v in value.items()}
    return value


def arg(value: Any, name: str) -> Any:
    """An argument as the native methods read it: a record through its generated
    `_json`, any other value through `encode`, which names the argument in its errors."""
    return value._json() if hasattr(type(value), "_json") else encode(value, name)


def unwrap(envelope: str) -> Any:
    """The value of an envelope, `{"ok": value}`; an `{"error": ...}` raises it."""
    reply = json.loads(envelope)
    if "error" in reply:
        raise_for(reply["error"])
    return reply.get("ok")


def answer(reply: Union[str, tuple[Any]]) -> Any:
    """A native call's reply: `(the answer,)`, built by the native module, or an
    envelope, whose error this raises."""
    if isinstance(reply, tuple):
        return reply[0]
    return unwrap(reply)


@functools.lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))


def decode(tp: Any, value: Any) -> Any:
    """A value of type `tp` from its JSON form. A stored value Python cannot represent
    (written outside the library) raises `DatabaseError`, never a plain ValueError."""
    try:
        return _decoder(tp)(value)
    except (ValueError, ArithmeticError, TypeError) as e:
        raise DatabaseError(f"a stored value cannot be read in Python ({type(e).__name__})") from None


def _same(value: Any) -> Any:
    return value


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@functools.lru_cache(maxsize=None)
def _decoder(tp: Any) -> Callable[[Any], Any]:
    """The function that decodes a JSON value into `tp`, built once per type: a call
    then costs a function per field instead of inspecting the type hints again."""
    origin = typing.get_origin(tp)
    if origin is Union:
        # Every decoder passes None through.
        return _decoder(next(a for a in typing.get_args(tp) if a is not type(None)))
    if origin is list:
        (item,) = typing.get_args(tp)
        each = _decoder(item)
        if each is _same:
            return lambda v: None if v is None else list(v)
        return lambda v: None if v is None else [each(x) for x in v]
    if origin is tuple:
        parts = [_decoder(t) for t in typing.get_args(tp)]
        return lambda v: None if v is None else tuple(d(x) for d, x in zip(parts, v))
    if origin is typing.Literal or tp is Any:
        return _same
    if isinstance(tp, type) and issubclass(tp, Enum):
        return lambda v: None if v is None else tp(v)
    if tp is Decimal:
        return lambda v: None if v is None else Decimal(v)
    if tp is datetime:
        return lambda v: None if v is None else _instant(v)
    if tp is date:
        return lambda v: None if v is None else date.fromisoformat(v)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        fields = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(tp)]
        plain = [name for name, d in fields if d is _same]
        typed = [(name, d) for name, d in fields if d is not _same]

        def record(v: Any) -> Any:
            if v is None:
                return None
            get = v.get
            args = {name: get(name) for name in plain}
            for name, d in typed:
                args[name] = d(get(name))
            return tp(**args)

        return record
    return _same


def input_of(record: Any, tp: type[_I]) -> _I:
    """The input of `record` (its editable fields), computed by the core."""
    import json

    from ._sfa import record_input
    from .errors import raise_for

    reply = json.loads(record_input(type(record).__name__, json.dumps(encode(record))))
    if "error" in reply:
        raise_for(reply["error"])
    result: _I = decode(tp, reply["ok"])
    return result


__all__ = ["encode", "decode", "input_of", "_records"]
