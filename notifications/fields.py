"""The ``xid8`` column type behind the realtime resume cursor (spec 40, "Resume").

``notifications.txid`` holds the id of the inserting transaction (``pg_current_xact_id()``, filled by
the column's database default). PostgreSQL has no ``xid8``/integer operators and psycopg returns the
type as text, so Python works with ``int`` and sends values as untyped strings, which PostgreSQL
coerces to ``xid8`` (``txid > '123'`` works, ``txid > 123`` does not; checked on 15).
"""

from __future__ import annotations

from typing import Any

from django.core import exceptions
from django.db import models


class Xid8Field(models.Field):
    description = "PostgreSQL 64-bit transaction id (xid8)"
    empty_strings_allowed = False

    def db_type(self, connection: Any) -> str:
        return "xid8"

    def rel_db_type(self, connection: Any) -> str:
        return "xid8"

    def cast_db_type(self, connection: Any) -> str:
        return "xid8"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> int | None:
        # psycopg has no loader for xid8: the value arrives as its text form.
        return None if value is None else int(value)

    def to_python(self, value: Any) -> int | None:
        if value is None or isinstance(value, int):
            return value
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise exceptions.ValidationError(f"{value!r} is not a transaction id.", code="invalid") from exc

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None:
            return None
        # A str is sent with an unknown type and cast to xid8 by the server; an int would be bigint.
        return str(int(value))


class CurrentXactId(models.Func):
    """``pg_current_xact_id()``: the current transaction's id (assigns one if needed)."""

    function = "pg_current_xact_id"
    arity = 0
    output_field = Xid8Field()


class SnapshotXmin(models.Func):
    """``pg_snapshot_xmin(pg_current_snapshot())``: every transaction below it has finished.

    The resume watermark of spec 40 ("Resume"), read in the same snapshot as the replayed rows.
    """

    template = "pg_snapshot_xmin(pg_current_snapshot())"
    arity = 0
    output_field = Xid8Field()
