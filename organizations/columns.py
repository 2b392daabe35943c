"""Column definitions every app shares, and the rule for trigger-maintained columns.

Keys and timestamps have database defaults (``gen_random_uuid()``, ``now()``) so rows inserted by SQL
functions and triggers are valid without Django.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.postgres.functions import TransactionNow
from django.db import models

RandomUUID = models.Func(function="gen_random_uuid", output_field=models.UUIDField())
EMPTY_JSON_OBJECT = models.Value({}, output_field=models.JSONField())
EMPTY_JSON_ARRAY = models.Value([], output_field=models.JSONField())


def uuid_pk() -> models.UUIDField:
    return models.UUIDField(primary_key=True, default=uuid.uuid4, db_default=RandomUUID, editable=False)


def created_at() -> models.DateTimeField:
    return models.DateTimeField(db_default=TransactionNow(), editable=False)


def updated_at() -> models.DateTimeField:
    """Written by the ``update_<table>_updated_at`` trigger; never by Django."""
    return models.DateTimeField(db_default=TransactionNow(), editable=False)


def json_object() -> models.JSONField:
    return models.JSONField(default=dict, db_default=EMPTY_JSON_OBJECT, blank=True)


def json_array() -> models.JSONField:
    return models.JSONField(default=list, db_default=EMPTY_JSON_ARRAY, blank=True)


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
                    update_fields = [
                        f.name for f in self._meta.concrete_fields
                        if not f.primary_key and not f.generated and f.name not in maintained
                    ]
                kwargs["update_fields"] = [name for name in update_fields if name not in maintained]
        super().save(*args, **kwargs)
        if maintained and not self._state.adding:
            self.refresh_from_db(fields=[f for f in self.maintained_fields])
