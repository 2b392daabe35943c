"""Model fields every app shares: the contract's PostgreSQL enum types and the secret columns.

``EnumField(enum_type="user_role", choices=UserRole.choices)`` stores into the real ``user_role``
type (created by ``organizations/sql/0001_enums.sql``); Python code uses the TextChoices class.
Values are sent as untyped literals, which PostgreSQL coerces to the enum; the cast placeholder
covers inserts and updates where the literal would otherwise be typed text (arrays).

``SecretCharField`` and ``SecretJSONField`` are for secret columns with a database default (see
``humanglue.db.columns.SecretColumnsModel``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import models


class EnumField(models.CharField):
    description = "PostgreSQL enum"

    def __init__(self, *args: Any, enum_type: str, **kwargs: Any) -> None:
        self.enum_type = enum_type
        kwargs.setdefault("max_length", None)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["enum_type"] = self.enum_type
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def db_type(self, connection: Any) -> str:
        return self.enum_type

    def rel_db_type(self, connection: Any) -> str:
        return self.enum_type

    def cast_db_type(self, connection: Any) -> str:
        return self.enum_type

    def get_placeholder(self, value: Any, compiler: Any, connection: Any) -> str:
        return f"%s::{self.enum_type}"


class NotReadBackMixin:
    """For a secret field with a database default: Django reads every such column back with
    ``INSERT ... RETURNING``, which needs SELECT on it, and the app role has none. The instance already holds
    the value it wrote, so the column is never returned."""

    @property
    def db_returning(self) -> bool:
        return False


class SecretCharField(NotReadBackMixin, models.CharField):
    pass


class SecretJSONField(NotReadBackMixin, models.JSONField):
    pass


class EnumArrayField(ArrayField):
    """An array of a contract enum (``ai_pillar[]``). psycopg knows no loader for an enum array type, so such
    a column comes back as its text form ``{a,b}``; this field turns it into a list. The contract's enum
    labels are plain lowercase words, never quoted in an array literal, so splitting on commas is exact.
    Migrations see a plain ``ArrayField`` (same column)."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if isinstance(value, str):
            inner = value[1:-1]
            return inner.split(",") if inner else []
        return value

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.contrib.postgres.fields.ArrayField", args, kwargs
