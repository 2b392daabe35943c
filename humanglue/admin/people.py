"""Related people in the admin's lists, read through the people projection, never through a join.

Row level security hides some users from a caller who sees rows pointing at them (an org admin sees a
course review whose author belongs to another organization). An inner join to ``users`` would drop
such rows from a list while its count still includes them, and ``str(row.user)`` would fail. So a list
shows a user foreign key through the projection named by ``settings.HUMANGLUE_PEOPLE_RESOLVER`` (one
call per page; the platform does not import a domain app), and searches through users as a subquery
that RLS filters, which narrows the list but never drops a row the caller may see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.module_loading import import_string

RESOLVER_SETTING = "HUMANGLUE_PEOPLE_RESOLVER"
# The attribute on each row of a list page that holds the page's people (set once per page).
PEOPLE_ATTR = "_admin_people"
HIDDEN = "(hidden)"


@cache
def people_resolver() -> Callable[[Iterable[Any]], dict[Any, Any]]:
    """``people_by_id(ids) -> {id: person with .full_name}`` as configured."""
    return import_string(getattr(settings, RESOLVER_SETTING))


def is_person_field(field: Any) -> bool:
    """A concrete foreign key to the user model."""
    return (
        isinstance(field, models.ForeignKey)
        and field.related_model is get_user_model()
    )


def person_field(model: type[models.Model], name: Any) -> models.ForeignKey | None:
    if not isinstance(name, str):
        return None
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - not a field: a method, a callable's name, "__str__"
        return None
    return field if is_person_field(field) else None


class PersonColumn:
    """A list column for a user foreign key: the person's name as the caller may know it."""

    def __init__(self, field: models.ForeignKey) -> None:
        self.field = field
        self.__name__ = field.name
        self.short_description = field.verbose_name

    def __call__(self, obj: models.Model) -> str | None:
        person_id = getattr(obj, self.field.attname)
        if person_id is None:
            return None  # the admin's empty value
        people = getattr(obj, PEOPLE_ATTR, None)
        if people is None:  # a row outside a list page (e.g. a test calling the column)
            people = people_resolver()([person_id])
        person = people.get(person_id)
        return person.full_name if person is not None else HIDDEN

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PersonColumn) and other.field is self.field

    def __hash__(self) -> int:
        return hash(self.field)


def with_person_columns(model: type[models.Model], list_display: Iterable[Any]) -> list[Any]:
    """``list_display`` with each user foreign key replaced by its PersonColumn."""
    shown = []
    for name in list_display:
        field = person_field(model, name)
        shown.append(PersonColumn(field) if field is not None else name)
    return shown


def attach_people(rows: list[models.Model], columns: Iterable[Any]) -> None:
    """One projection call for the people of every person column of a page."""
    attnames = [column.field.attname for column in columns if isinstance(column, PersonColumn)]
    if not attnames or not rows:
        return
    ids = {getattr(row, attname) for row in rows for attname in attnames}
    people = people_resolver()(ids - {None})
    for row in rows:
        setattr(row, PEOPLE_ATTR, people)


def split_user_path(model: type[models.Model], path: str) -> tuple[str, str] | None:
    """``("assessment__user", "email")`` for ``assessment__user__email``: the relation path up to the first
    user foreign key and the lookup on users after it; None when the path reaches no user."""
    parts = path.split("__")
    opts = model._meta
    for index, part in enumerate(parts):
        try:
            field = opts.get_field(part)
        except Exception:  # noqa: BLE001 - a lookup name (icontains...) ends the walk
            return None
        if is_person_field(field):
            rest = "__".join(parts[index + 1:])
            return ("__".join(parts[: index + 1]), rest) if rest else None
        if not field.is_relation or field.related_model is None:
            return None
        opts = field.related_model._meta
    return None
