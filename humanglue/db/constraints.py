"""Helpers for the CHECK constraints models declare in ``Meta.constraints``.

The value bounds that later migrations added as SQL (lengths, sizes, formats) are in ``bounds``.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.lookups import Exact

ISO_CURRENCY_REGEX = r"^[A-Z]{3}$"
iso_currency = RegexValidator(ISO_CURRENCY_REGEX, "Use an upper-case ISO 4217 code, e.g. USD.")


def jsonb_typeof_is(column: str, kind: str) -> Exact:
    """``jsonb_typeof(column) = kind`` ('object' or 'array') as a CHECK condition."""
    return Exact(models.Func(models.F(column), function="jsonb_typeof", output_field=models.TextField()), kind)


def jsonb_type_check(table: str, column: str, kind: str) -> models.CheckConstraint:
    """The CHECK ``<table>_<column>_check``: ``jsonb_typeof(column) = kind``."""
    return models.CheckConstraint(condition=jsonb_typeof_is(column, kind), name=f"{table}_{column}_check")


def between(column: str, low: int, high: int) -> Q:
    """``column >= low AND column <= high`` (NULL passes, as in SQL)."""
    return Q(**{f"{column}__gte": low, f"{column}__lte": high})
