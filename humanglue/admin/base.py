"""Admin base classes shared by every app.

The admin runs under the request security context like every request, so row level security decides
what a staff user may change or delete: a row can be readable but not updatable or deletable. PostgreSQL
then answers an UPDATE or DELETE with "0 rows", not an error, and Django would either crash with a 500
(``Save with update_fields did not affect any rows``), fall back to an INSERT, or report a deletion that
did not happen. ``RowSecurityAdminMixin`` turns each of these into a refusal: the write is rolled back
and the admin shows an error message instead of a success. A write the database refuses (a guard, a
constraint) is rolled back to its savepoint too and shown in words (``humanglue.admin.refusals``): on the
form, with the input kept, for a save; as a message, with nothing deleted, for a delete.

``ContractModelAdmin`` adds what every app's admin needs on top (issue 12): lists whose count matches
their rows (``humanglue.admin.changelist``, ``humanglue.admin.people``), delete confirmations that say
what the database will delete or detach (``humanglue.admin.deletion``), one-line inputs for short text,
and CSV export of every list under the caller's row level security.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.utils import lookup_spawns_duplicates, unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.db import DatabaseError, models, transaction
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.text import smart_split, unescape_string_literal
from import_export import resources
from import_export.admin import ExportMixin
from import_export.formats import base_formats

from humanglue.db import bounds
from humanglue.db.columns import defer_related_secrets
from humanglue.db.errors import classify

from .changelist import ContractChangeList
from .deletion import delete_effects
from .people import split_user_path, with_person_columns
from .refusals import Explanation, explain

# The request attribute that carries a refused save into the form's second rendering.
REFUSAL_ATTR = "_admin_refusal"


class SecretSafeChangeList(ChangeList):
    def apply_select_related(self, qs: models.QuerySet) -> models.QuerySet:
        return defer_related_secrets(super().apply_select_related(qs))


class SecretSafeAdminMixin:
    """Change lists never select a joined model's secret columns."""

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        # Joins nothing (related rows are prefetched), so no joined secret column either.
        return ContractChangeList

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        # The history page joins each log entry's user.
        response = super().history_view(request, object_id, extra_context)
        page = getattr(response, "context_data", None) and response.context_data.get("action_list")
        if page is not None:
            page.object_list = defer_related_secrets(page.object_list)
        return response


def refused_form(form: type[BaseForm], explanation: Explanation) -> type[BaseForm]:
    """``form`` reporting the database's refusal of its last submission (on its field when known)."""

    class RefusedForm(form):  # type: ignore[misc,valid-type]
        def clean(self) -> Any:
            cleaned = super().clean()
            field = explanation.field if explanation.field in self.fields else None
            self.add_error(field, explanation.message)
            return cleaned

    RefusedForm.__name__ = form.__name__
    return RefusedForm


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

    def _refusing(self, request: HttpRequest, view: Any, redirect_to: str, *args: Any,
                  on_form: bool = False, subject: str | None = None, **kwargs: Any) -> HttpResponse:
        try:
            # Everything the view wrote (inline rows, admin log entries) goes with the refused row.
            with transaction.atomic():
                return view(request, *args, **kwargs)
        except RowRefused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(redirect_to)
        except DatabaseError as exc:
            pks = [subject] if subject else None
            explanation = explain(exc, self.model, pks)  # type: ignore[attr-defined]
            if explanation is None:
                raise  # a server error, or a conflict the middleware retries
        if on_form and request.method == "POST":
            # The same view again: its form reports the refusal (get_form), so nothing is saved and the
            # page shows the posted values with the error.
            setattr(request, REFUSAL_ATTR, explanation)
            with transaction.atomic():
                return view(request, *args, **kwargs)
        self.message_user(request, explanation.message, messages.ERROR)  # type: ignore[attr-defined]
        return HttpResponseRedirect(redirect_to)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> type[BaseForm]:
        form = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        explanation = getattr(request, REFUSAL_ATTR, None)
        return form if explanation is None else refused_form(form, explanation)

    def changeform_view(self, request: HttpRequest, object_id: str | None = None, form_url: str = "",
                        extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return self._refusing(request, super().changeform_view, request.get_full_path(),  # type: ignore[misc]
                              object_id, form_url, extra_context, on_form=True,
                              subject=unquote(object_id) if object_id else None)

    def delete_view(self, request: HttpRequest, object_id: str,
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        change_page = request.path.removesuffix("delete/") + "change/"
        return self._refusing(request, super().delete_view, change_page,  # type: ignore[misc]
                              object_id, extra_context, subject=unquote(object_id))

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return self._refusing(request, super().changelist_view, request.get_full_path(),  # type: ignore[misc]
                              extra_context)


SHORT_TEXT_KINDS = {"name", "label", "short_title", "short", "code", "url", "email", "currency", "slug"}
SHORT_TEXT_NAMES = {"title", "name", "slug", "currency", "language", "timezone", "code", "tagline", "location"}
SHORT_TEXT_SUFFIXES = ("_url", "_code", "_number", "_name", "_title", "_id")


def is_short_text(field: models.Field) -> bool:
    """A TextField that holds a one-line value: bounded short by ``humanglue.db.bounds`` or named so."""
    if not isinstance(field, models.TextField) or field.max_length is not None:
        return False
    table = getattr(field.model, "_meta", None) and field.model._meta.db_table
    kind = bounds.COLUMNS.get(table, (None, {}))[1].get(field.column)
    if kind is not None:
        return kind in SHORT_TEXT_KINDS
    return field.column in SHORT_TEXT_NAMES or field.column.endswith(SHORT_TEXT_SUFFIXES)


class OneLineTextMixin:
    """Short text columns as ``<input type=text>``; long text keeps its textarea. For inlines too."""

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest, **kwargs: Any) -> Any:
        if is_short_text(db_field) and not db_field.choices:
            kwargs.setdefault("widget", widgets.AdminTextInputWidget)
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]


def export_resource(model: type[models.Model]) -> type[resources.ModelResource]:
    """Every column but the secret ones, foreign keys as their ids (no related row is loaded, so none the
    caller cannot see is needed)."""
    secret = set(getattr(model, "secret_fields", ()))
    columns = {
        f.name: resources.Field(attribute=f.attname, column_name=f.name)
        for f in model._meta.concrete_fields if f.name not in secret
    }
    meta = type("Meta", (), {"model": model, "fields": tuple(columns)})
    return type(f"{model.__name__}ExportResource", (resources.ModelResource,), {**columns, "Meta": meta})


class ArchiveInstead:
    """The contract prefers archiving: a row that rows of ``when_referenced_by`` tables point at is not
    deleted from the admin; the confirmation offers setting ``field`` to ``value`` instead."""

    def __init__(self, *, field: str, value: str, when_referenced_by: tuple[str, ...]) -> None:
        self.field, self.value, self.when_referenced_by = field, value, when_referenced_by


SEARCH_PREFIXES = {"^": "istartswith", "=": "iexact", "@": "search"}


class ContractModelAdmin(ExportMixin, OneLineTextMixin, RowSecurityAdminMixin, SecretSafeAdminMixin,
                         admin.ModelAdmin):
    """The base of every app's admin.

    On the add page, hide read-only fields whose value the database fills in (defaults, counters kept by
    triggers): a new instance holds only a placeholder for them, nothing worth showing."""

    export_formats = [base_formats.CSV]
    delete_confirmation_template = "admin/contract_delete_confirmation.html"
    #: Set to an ArchiveInstead to offer archiving where deleting would take referencing rows with it.
    archive_instead_of_delete: ArchiveInstead | None = None

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

    # --- lists: people through the projection, searches through users as subqueries -----------------

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        return with_person_columns(self.model, super().get_list_display(request))

    def get_list_display_links(self, request: HttpRequest, list_display: Any) -> Any:
        links = super().get_list_display_links(request, list_display)
        return with_person_columns(self.model, links) if links else links

    def get_search_results(self, request: HttpRequest, queryset: models.QuerySet,
                           search_term: str) -> tuple[models.QuerySet, bool]:
        search_fields = [str(f) for f in self.get_search_fields(request)]
        through_users = {f: split_user_path(self.model, f.lstrip("^=@")) for f in search_fields}
        if not search_term or not any(through_users.values()):
            return super().get_search_results(request, queryset, search_term)
        users = get_user_model()._default_manager
        may_have_duplicates = False
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            matches = models.Q()
            for spec in search_fields:
                lookup = SEARCH_PREFIXES.get(spec[:1], "icontains")
                name = spec.lstrip("^=@")
                if through_users[spec]:
                    # A subquery on users (RLS-filtered): it narrows the list, it never joins users into it.
                    relation, rest = through_users[spec]
                    matches |= models.Q(**{f"{relation}__in": users.filter(**{f"{rest}__{lookup}": bit}).values("pk")})
                else:
                    matches |= models.Q(**{f"{name}__{lookup}": bit})
                    may_have_duplicates |= lookup_spawns_duplicates(self.model._meta, name)
            queryset = queryset.filter(matches)
        return queryset, may_have_duplicates

    # --- deletes: what the database will do ---------------------------------------------------------------

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[list, dict, set, list]:
        objs = list(objs)
        meta = self.model._meta
        perms_needed = set() if self.has_delete_permission(request) else {meta.verbose_name}
        effects = delete_effects(self.model, [obj.pk for obj in objs])
        model_count = {meta.verbose_name_plural: len(objs)}
        for effect in effects:
            if effect.action != "refuse":
                label = effect.noun if effect.action == "delete" else f"{effect.noun} detached"
                model_count[label] = model_count.get(label, 0) + effect.total
        deleted = [str(obj) for obj in objs] + [e.sentence() for e in effects if e.action != "refuse"]
        protected = [e.sentence() for e in effects if e.action == "refuse"]
        archive = self.archive_instead_of_delete
        # Platform admins may still delete (the confirmation lists every row that goes, and offers archiving);
        # other staff archive.
        if archive is not None and not request.user.is_superuser:
            blocking = [e for e in effects if e.depth == 1 and e.table in archive.when_referenced_by]
            if blocking:
                what = " and ".join(f"{e.total} {e.noun}" for e in blocking)
                protected.insert(0, f"It has {what}: deleting would remove them. Archive it instead "
                                    f"({archive.field} “{archive.value}”).")
        return deleted, model_count, perms_needed, protected

    def delete_view(self, request: HttpRequest, object_id: str,
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        archive = self.archive_instead_of_delete
        if archive is not None and request.method == "POST" and request.POST.get("archive") == "yes":
            return self._archive(request, object_id, archive)
        extra_context = {**(extra_context or {}), "archive_offer": archive}
        return super().delete_view(request, object_id, extra_context)

    def _archive(self, request: HttpRequest, object_id: str, archive: ArchiveInstead) -> HttpResponse:
        change_page = request.path.removesuffix("delete/") + "change/"
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_change_permission(request, obj):
            self.message_user(request, "You may not archive this.", messages.ERROR)
            return HttpResponseRedirect(change_page)

        def archive_view(request: HttpRequest) -> HttpResponse:
            setattr(obj, archive.field, archive.value)
            save_or_refuse(obj, change=True)
            self.log_change(request, obj, [{"changed": {"fields": [archive.field]}}])
            self.message_user(request, f"The {self.model._meta.verbose_name} “{obj}” was archived.", messages.SUCCESS)
            return HttpResponseRedirect(change_page)

        return self._refusing(request, archive_view, change_page)

    # --- CSV export -----------------------------------------------------------------------------------------

    def get_export_resource_classes(self, request: HttpRequest) -> list[type[resources.ModelResource]]:
        return [export_resource(self.model)]
