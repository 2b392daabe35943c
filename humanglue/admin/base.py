"""Admin base classes shared by every app.

The admin runs under the request security context like every request, so row level security decides
what a staff user may change or delete: a row can be readable but not updatable or deletable. PostgreSQL
then answers an UPDATE or DELETE with "0 rows", not an error, and Django would either crash with a 500
(``Save with update_fields did not affect any rows``), fall back to an INSERT, or report a deletion that
did not happen. ``RowSecurityAdminMixin`` turns each of these into a refusal: the write is rolled back
and the admin shows an error message instead of a success.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db import DatabaseError, models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from humanglue.db.columns import defer_related_secrets
from humanglue.db.errors import classify


class SecretSafeChangeList(ChangeList):
    def apply_select_related(self, qs: models.QuerySet) -> models.QuerySet:
        return defer_related_secrets(super().apply_select_related(qs))


class SecretSafeAdminMixin:
    """Change lists never select a joined model's secret columns."""

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return SecretSafeChangeList

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        # The history page joins each log entry's user.
        response = super().history_view(request, object_id, extra_context)
        page = getattr(response, "context_data", None) and response.context_data.get("action_list")
        if page is not None:
            page.object_list = defer_related_secrets(page.object_list)
        return response


class RowRefused(Exception):
    """The database's policies left a row unchanged or undeleted; the message says which."""


def _did_not_update(exc: DatabaseError) -> bool:
    """Django's own "did not affect any rows" errors carry no database error (and no SQLSTATE)."""
    return classify(exc) is None and exc.__cause__ is None


def save_or_refuse(obj: models.Model, *, change: bool) -> None:
    """Save ``obj``; an existing row that the policies do not let the caller update raises RowRefused."""
    if not change:
        obj.save()
        return
    try:
        # force_update: never fall back to an INSERT when the UPDATE matched no visible row.
        obj.save(force_update=True)
    except DatabaseError as exc:
        if not _did_not_update(exc):
            raise  # a database refusal (guard, constraint): the middleware answers it
        raise RowRefused(
            f"The {obj._meta.verbose_name} “{obj}” was not changed: you may view it but not change it."
        ) from exc


def delete_or_refuse(obj: models.Model) -> None:
    _total, per_model = obj.delete()
    if not per_model.get(obj._meta.label):
        raise RowRefused(f"The {obj._meta.verbose_name} “{obj}” was not deleted: you may not delete it.")


class RowSecurityAdminMixin:
    """Refuse, with an admin error message, the saves and deletions that row level security ignored."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        save_or_refuse(obj, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            delete_or_refuse(obj)
        for obj in instances:
            save_or_refuse(obj, change=not obj._state.adding)
        formset.save_m2m()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        delete_or_refuse(obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        selected = len(queryset)
        _total, per_model = queryset.delete()
        deleted = per_model.get(queryset.model._meta.label, 0)
        if deleted < selected:
            raise RowRefused(
                f"{selected - deleted} of the {selected} selected {queryset.model._meta.verbose_name_plural} "
                f"may not be deleted by you: nothing was deleted."
            )

    def _refusing(self, request: HttpRequest, view: Any, redirect_to: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            # Everything the view wrote (inline rows, admin log entries) goes with the refused row.
            with transaction.atomic():
                return view(request, *args, **kwargs)
        except RowRefused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(redirect_to)

    def changeform_view(self, request: HttpRequest, object_id: str | None = None, form_url: str = "",
                        extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return self._refusing(request, super().changeform_view, request.get_full_path(),  # type: ignore[misc]
                              object_id, form_url, extra_context)

    def delete_view(self, request: HttpRequest, object_id: str,
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        change_page = request.path.removesuffix("delete/") + "change/"
        return self._refusing(request, super().delete_view, change_page,  # type: ignore[misc]
                              object_id, extra_context)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return self._refusing(request, super().changelist_view, request.get_full_path(),  # type: ignore[misc]
                              extra_context)


class ContractModelAdmin(RowSecurityAdminMixin, SecretSafeAdminMixin, admin.ModelAdmin):
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
