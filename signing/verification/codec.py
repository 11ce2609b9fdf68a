"""The child's answer as plain JSON: what crosses from the limited child to the app.

The child that parsed an untrusted PDF is the one process we do not trust, so what it sends
back is data, not objects: JSON of the report's plain fields (str, int, bool, ISO 8601 times),
checked field by field on arrival. Unpickling it instead would run whatever a subverted child
chose to send, in the worker and then in the web process.

It is also small and fast. pyHanko's strings (a signature's field name, /Reason, /Location)
are ``TextStringObject`` values that keep the whole parsed document alive: pickling the
report used to carry the document along (0.9 MB for a 0.18 MB file with five signatures),
and four pickle passes cost ~38 ms of a ~180 ms verification. This encodes the same report in
a few kilobytes in well under a millisecond.

The schema is read from :class:`~signing.pades.verify.VerificationReport` and
:class:`~signing.pades.verify.SignatureReport` themselves, so a field added there travels
without a change here (a field of a type this module does not know fails at import).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from typing import Any

from signing.pades.verify import SignatureReport, VerificationReport

__all__ = ["AnswerError", "decode_answer", "encode_answer"]


class AnswerError(ValueError):
    """The child's answer is not a well-formed answer."""


@dataclasses.dataclass(frozen=True)
class _Field:
    name: str
    #: "bool", "int", "str", "datetime", "strs" (tuple[str, ...]) or "records".
    kind: str
    optional: bool
    record: type | None = None


def _fields_of(cls: type) -> tuple[_Field, ...]:
    hints = typing.get_type_hints(cls)
    result = []
    for field in dataclasses.fields(cls):
        tp = hints[field.name]
        optional = False
        if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            optional = len(args) < len(typing.get_args(tp))
            if len(args) != 1:
                raise TypeError(f"{cls.__name__}.{field.name}: unsupported type {tp!r}")
            tp = args[0]
        record = None
        if tp in (bool, int, str):
            kind = tp.__name__
        elif tp is dt.datetime:
            kind = "datetime"
        elif typing.get_origin(tp) is tuple and typing.get_args(tp)[1:] == (Ellipsis,):
            item = typing.get_args(tp)[0]
            if item is str:
                kind = "strs"
            elif dataclasses.is_dataclass(item):
                kind, record = "records", item
            else:
                raise TypeError(f"{cls.__name__}.{field.name}: unsupported type {tp!r}")
        else:
            raise TypeError(f"{cls.__name__}.{field.name}: unsupported type {tp!r}")
        result.append(_Field(field.name, kind, optional, record))
    return tuple(result)


_SCHEMAS: dict[type, tuple[_Field, ...]] = {
    cls: _fields_of(cls) for cls in (VerificationReport, SignatureReport)
}


# ---------------------------------------------------------------------------- in the child


def _plain(field: _Field, value: Any) -> Any:
    if value is None:
        if field.optional:
            return None
        raise TypeError(f"{field.name} is None")
    kind = field.kind
    if kind == "bool":
        return bool(value)
    if kind == "int":
        return int(value)
    if kind == "str":
        if isinstance(value, str):
            return str.__str__(value)  # a plain str, whatever subclass pyHanko returned
        # A /Reason that is a number or a dictionary in a crafted file: not text.
        return None if field.optional else str(value)
    if kind == "datetime":
        if isinstance(value, dt.datetime):
            return value.isoformat()
        # asn1crypto's extended_datetime (year 0) is no datetime: no usable time.
        if field.optional:
            return None
        raise TypeError(f"{field.name} is not a time")
    if kind == "strs":
        return [_plain(_Field(field.name, "str", False), item) for item in value]
    assert field.record is not None
    return [_record(field.record, item) for item in value]


def _record(cls: type, obj: Any) -> dict[str, Any]:
    return {field.name: _plain(field, getattr(obj, field.name)) for field in _SCHEMAS[cls]}


def encode_answer(outcome: str, value: Any = None) -> bytes:
    """The child's answer: ``("ok", report)``, ``("memory", None)`` or ``("error", text)``."""
    if outcome == "ok":
        body: dict[str, Any] = {"outcome": "ok", "report": _record(VerificationReport, value)}
    elif outcome == "error":
        body = {"outcome": "error", "detail": str(value)}
    elif outcome == "memory":
        body = {"outcome": "memory"}
    else:
        raise ValueError(outcome)
    return json.dumps(body, separators=(",", ":")).encode()


# ---------------------------------------------------------------------------- in the app


def _value(field: _Field, raw: Any) -> Any:
    if raw is None:
        if field.optional:
            return None
        raise AnswerError(f"{field.name}: missing")
    kind = field.kind
    if kind in ("bool", "int", "str"):
        if type(raw) is not {"bool": bool, "int": int, "str": str}[kind]:
            raise AnswerError(f"{field.name}: not {kind}")
        return raw
    if kind == "datetime":
        if type(raw) is not str:
            raise AnswerError(f"{field.name}: not a time")
        try:
            return dt.datetime.fromisoformat(raw)
        except ValueError as exc:
            raise AnswerError(f"{field.name}: not a time") from exc
    if type(raw) is not list:
        raise AnswerError(f"{field.name}: not a list")
    if kind == "strs":
        return tuple(_value(_Field(field.name, "str", False), item) for item in raw)
    assert field.record is not None
    return tuple(_object(field.record, item) for item in raw)


def _object(cls: type, raw: Any) -> Any:
    schema = _SCHEMAS[cls]
    if type(raw) is not dict or set(raw) != {field.name for field in schema}:
        raise AnswerError(f"{cls.__name__}: unexpected fields")
    return cls(**{field.name: _value(field, raw[field.name]) for field in schema})


def decode_answer(data: bytes) -> tuple[str, Any]:
    """``(outcome, value)`` from :func:`encode_answer`'s bytes; :class:`AnswerError` if the
    bytes are anything else."""
    try:
        body = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise AnswerError("not JSON") from exc
    if type(body) is not dict:
        raise AnswerError("not an object")
    outcome = body.get("outcome")
    if outcome == "ok" and set(body) == {"outcome", "report"}:
        return "ok", _object(VerificationReport, body["report"])
    if outcome == "error" and set(body) == {"outcome", "detail"} and type(body["detail"]) is str:
        return "error", body["detail"]
    if outcome == "memory" and set(body) == {"outcome"}:
        return "memory", None
    raise AnswerError("unknown outcome")
