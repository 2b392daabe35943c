"""Admin base class shared by every app."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.http import HttpRequest


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
    app role may not read them, and a list page that joins users would otherwise fail."""
    deferred = []
    for path in _select_related_paths(queryset.model, queryset.query.select_related):
        related = queryset.model
        for part in path.split("__"):
            related = related._meta.get_field(part).related_model
        deferred += [f"{path}__{name}" for name in getattr(related, "secret_fields", ())]
    return queryset.defer(*deferred) if deferred else queryset


class SecretSafeChangeList(ChangeList):
    def apply_select_related(self, qs: models.QuerySet) -> models.QuerySet:
        return defer_related_secrets(super().apply_select_related(qs))


class SecretSafeAdminMixin:
    """Change lists never select a joined model's secret columns."""

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return SecretSafeChangeList

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        from humanglue.admin_site import defer_history_user_secrets

        return defer_history_user_secrets(super().history_view(request, object_id, extra_context))


class ContractModelAdmin(SecretSafeAdminMixin, admin.ModelAdmin):
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
