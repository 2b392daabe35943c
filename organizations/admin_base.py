"""Admin base class shared by every app."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ContractModelAdmin(admin.ModelAdmin):
    """On the add page, hide read-only fields whose value the database fills in (defaults, counters
    kept by triggers): a new instance holds only a placeholder for them, nothing worth showing."""

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_fields(request, obj))
        if obj is not None:
            return fields
        readonly = set(self.get_readonly_fields(request, obj))
        meta = self.model._meta
        db_filled = {
            f.name for f in meta.concrete_fields
            if f.name in readonly and (f.has_db_default() or getattr(f, "generated", False))
        }
        db_filled |= readonly & set(getattr(self.model, "maintained_fields", ()))
        return [name for name in fields if name not in db_filled]
