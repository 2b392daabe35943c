"""The platform's own bookkeeping: not a contract table, and no role but the owner may touch it."""

from __future__ import annotations

from django.db import models


class SchemaDefinition(models.Model):
    """The hash of one function, view, policy or trigger definition as the last ``migrate`` left it
    (``humanglue.contract.definitions``); ``manage.py verify`` reports every live definition that differs."""

    kind = models.TextField()
    name = models.TextField()
    definition_hash = models.TextField()
    recorded_at = models.DateTimeField()

    class Meta:
        db_table = "humanglue_schema_definition"
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="humanglue_schema_definition_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"
