"""Names for ``__str__``: what a row is, in words, as the caller may see it.

A model's ``__str__`` shows up in admin titles, breadcrumbs, choices, delete confirmations and messages.
It must never show a bare UUID and never raise: row level security may hide the user or the related row
an instance points at. Users are named through the people projection (``people_by_id``: the users the
caller's policies show, then public profiles), never by following the foreign key to ``users``.
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError, models, transaction
from django.utils import timezone

HIDDEN_PERSON = "someone you cannot see"


def person_name(user_id: UUID | str | None, *, nobody: str = "nobody") -> str:
    """The full name of a user the caller may name, a neutral phrase otherwise."""
    if not user_id:
        return nobody
    # Imported here: the models of this app use this module and the selectors import those models.
    from .selectors import people_by_id

    try:
        with transaction.atomic():  # a failed read must not break the caller's transaction
            person = people_by_id([user_id]).get(UUID(str(user_id)))
    except (DatabaseError, ValueError):
        person = None
    return person.full_name if person and person.full_name else HIDDEN_PERSON


def user_name(obj: models.Model, field: str, *, nobody: str = "nobody") -> str:
    """The name of the user ``obj.<field>`` points at: the loaded user when the query already joined it,
    else the people projection."""
    cached = obj._state.fields_cache.get(field)
    if cached is not None and getattr(cached, "full_name", ""):
        return cached.full_name
    return person_name(getattr(obj, f"{field}_id"), nobody=nobody)


def related_label(obj: models.Model, field: str, *, none: str = "") -> str:
    """``str()`` of the row ``obj.<field>`` points at, or "a hidden <model>" when the caller may not read it."""
    if getattr(obj, f"{field}_id") is None:
        return none
    field_object: Any = obj._meta.get_field(field)
    if field_object.is_cached(obj):
        # A list prefetches related rows under RLS: one the caller may not read is cached as None.
        related = field_object.get_cached_value(obj)
        return str(related) if related is not None else f"a hidden {field_object.related_model._meta.verbose_name}"
    try:
        with transaction.atomic():
            return str(getattr(obj, field))
    except (ObjectDoesNotExist, DatabaseError):
        return f"a hidden {field_object.related_model._meta.verbose_name}"


def day(value: Any) -> str:
    """A date or datetime as ``YYYY-MM-DD`` (in the current time zone), or "" when there is none yet."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date().isoformat() if timezone.is_aware(value) else value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
