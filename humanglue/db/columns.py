"""Column definitions every app shares, the rule for trigger-maintained columns and the secret columns.

Keys, timestamps, jsonb documents and text arrays have database defaults (``gen_random_uuid()``,
``now()``, ``'{}'``) so rows inserted by SQL functions and triggers are valid without Django.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.functions import TransactionNow
from django.db import models

# gen_random_uuid() as the landed migrations record it. django.contrib.postgres's RandomUUID() writes the
# same default but deconstructs differently: makemigrations would then alter every primary key.
GEN_RANDOM_UUID = models.Func(function="gen_random_uuid", output_field=models.UUIDField())
EMPTY_JSON_OBJECT = models.Value({}, output_field=models.JSONField())
EMPTY_JSON_ARRAY = models.Value([], output_field=models.JSONField())
EMPTY_TEXT_ARRAY = models.Value([], output_field=ArrayField(models.TextField()))


def uuid_pk() -> models.UUIDField:
    return models.UUIDField(primary_key=True, default=uuid.uuid4, db_default=GEN_RANDOM_UUID, editable=False)


def created_at() -> models.DateTimeField:
    return models.DateTimeField(db_default=TransactionNow(), editable=False)


def updated_at() -> models.DateTimeField:
    """Written by the ``update_<table>_updated_at`` trigger; never by Django."""
    return models.DateTimeField(db_default=TransactionNow(), editable=False)


def json_object() -> models.JSONField:
    return models.JSONField(default=dict, db_default=EMPTY_JSON_OBJECT, blank=True)


def json_array() -> models.JSONField:
    return models.JSONField(default=list, db_default=EMPTY_JSON_ARRAY, blank=True)


def text_array() -> ArrayField:
    """A NOT NULL ``text[]`` column defaulting to ``'{}'``."""
    return ArrayField(models.TextField(), default=list, db_default=EMPTY_TEXT_ARRAY, blank=True)


class MaintainedColumnsModel(models.Model):
    """A model whose ``maintained_fields`` (counters, ratings, totals, ``updated_at``) belong to triggers.

    ``save()`` never writes them: an INSERT leaves them to their database default, an UPDATE leaves
    them out of the SET list, so a stale instance cannot overwrite what a trigger computed. After
    saving, they are read back so the instance shows what the database holds. Declare the fields
    ``editable=False`` so forms and serializers treat them as read-only too.
    """

    maintained_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        maintained = set(self.maintained_fields)
        if maintained:
            if self._state.adding:
                for field in self._meta.concrete_fields:
                    if field.name in maintained:
                        setattr(self, field.attname, field.get_default())
            else:
                update_fields = kwargs.get("update_fields")
                if update_fields is None:
                    deferred = self.get_deferred_fields()
                    update_fields = [
                        f.name for f in self._meta.concrete_fields
                        if not f.primary_key and not f.generated and f.name not in maintained
                        and f.attname not in deferred
                    ]
                kwargs["update_fields"] = [name for name in update_fields if name not in maintained]
        super().save(*args, **kwargs)
        if maintained and not self._state.adding:
            self.refresh_from_db(fields=[f for f in self.maintained_fields])


class SecretColumnsQuerySet(models.QuerySet):
    def with_secrets(self) -> SecretColumnsQuerySet:
        """Load the secret columns too: only in the system context (the app role may not SELECT them)."""
        clone = self._chain()
        clone.query.clear_deferred_loading()
        return clone


class SecretColumnsManager(models.Manager.from_queryset(SecretColumnsQuerySet)):  # type: ignore[misc]
    """Defers the model's ``secret_fields``: the app role has no SELECT privilege on those columns, so
    every query (request traffic included) must leave them out unless it asks ``with_secrets()``."""

    def get_queryset(self) -> SecretColumnsQuerySet:
        return super().get_queryset().defer(*self.model.secret_fields)


class SecretColumnsModel(models.Model):
    """A model with columns the app role may not read (password hashes, payout details, paid content).

    The default and base managers defer them; reading one on an instance issues its own query, which
    only the system context may run (the app role gets ``permission denied``). Saving an instance never
    writes a deferred column back. The migration that restricts the columns is
    ``humanglue.db.operations.RestrictColumnSelect``; ``manage.py verify`` checks it.
    """

    secret_fields: ClassVar[tuple[str, ...]] = ()

    objects = SecretColumnsManager()

    class Meta:
        abstract = True  # a subclass's Meta sets base_manager_name = "objects" (related lookups defer too)

    def refresh_from_db(self, using: str | None = None, fields: Any = None, from_queryset: Any = None) -> None:
        if from_queryset is None and fields is not None and set(fields) & set(self.secret_fields):
            from_queryset = type(self)._default_manager.with_secrets()
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)


def _select_related_paths(model: type[models.Model], tree: Any, prefix: str = "", depth: int = 0) -> list[str]:
    """The relation paths a select_related tree joins (``True``: every non-null FK, as Django follows)."""
    if tree is True:
        if depth >= 5:
            return []
        tree = {f.name: True for f in model._meta.concrete_fields if f.is_relation and not f.null}
    paths = []
    for name, subtree in (tree or {}).items():
        related = model._meta.get_field(name).related_model
        path = f"{prefix}{name}"
        paths.append(path)
        paths += _select_related_paths(related, subtree if subtree else {}, f"{path}__", depth + 1)
    return paths


def defer_related_secrets(queryset: models.QuerySet) -> models.QuerySet:
    """Leave the secret columns of joined models (e.g. ``users.password``) out of the SELECT list: the
    app role may not read them, and a query that joins users would otherwise fail."""
    deferred = []
    for path in _select_related_paths(queryset.model, queryset.query.select_related):
        related = queryset.model
        for part in path.split("__"):
            related = related._meta.get_field(part).related_model
        deferred += [f"{path}__{name}" for name in getattr(related, "secret_fields", ())]
    return queryset.defer(*deferred) if deferred else queryset
