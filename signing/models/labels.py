"""String enums whose members carry their Indonesian label, written beside the value."""

from __future__ import annotations

import enum
from typing import Self

__all__ = ["LabelledEnum"]


class LabelledEnum(enum.StrEnum):
    """``MEMBER = "value", "Label"``: the member is the string ``"value"`` (as stored and
    compared) and ``member.label`` the text shown for it (translated by the catalogues)."""

    label: str

    def __new__(cls, value: str, label: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member
