"""A change list whose count always matches its rows, and whose filters never reach the database invalid.

Row level security may hide a related row (a user, a course of another organization) from a caller who
sees the row pointing at it. Any INNER JOIN to such a relation then drops visible rows from the page while
the count (which does not join) still includes them. So the list joins nothing:

- relations it would ``select_related`` are prefetched instead (one query per relation, under RLS: a
  hidden related row leaves the column empty, the row stays); user foreign keys are not loaded at all,
  their column shows the people projection (``humanglue.admin.people``);
- ordering by a relation sorts by the foreign key, or by a correlated subquery for ``course__title``.

Filter values that do not parse for their column (``?status=bogus`` for an enum, a malformed uuid) are
dropped before the query runs, with a warning on the page, instead of an error from the database.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.views.main import ERROR_FLAG, IGNORED_PARAMS, ChangeList
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest

from humanglue.db.columns import _select_related_paths

from .people import attach_people, is_person_field

# Lookups whose values are parsed as something other than the field's own type.
BOOLEAN_LOOKUPS = {"isnull", "isempty"}
INTEGER_LOOKUPS = {"year", "month", "day", "week", "week_day", "iso_week_day", "quarter", "hour", "minute",
                   "second", "iso_year"}
TEXT_LOOKUPS = {"contains", "icontains", "startswith", "istartswith", "endswith", "iendswith", "regex",
                "iregex", "search"}
NOT_FILTERS = {*IGNORED_PARAMS, ERROR_FLAG, IS_POPUP_VAR, TO_FIELD_VAR, "_changelist_filters"}


def prefetch_paths(model: type[models.Model], paths: list[str]) -> list[str]:
    """The relation paths to prefetch for ``paths``: each cut before its first user foreign key."""
    kept = set()
    for path in paths:
        opts, parts = model._meta, []
        for part in path.split("__"):
            field = opts.get_field(part)
            if is_person_field(field):
                break
            parts.append(part)
            opts = field.related_model._meta
        if parts:
            kept.add("__".join(parts))
    return sorted(kept)


def _joinless_ordering(model: type[models.Model], item: Any) -> Any:
    """An ordering item that joins no relation: ``course`` -> ``course_id``, ``course__title`` -> a
    correlated subquery (NULL, sorted last, where the course is hidden)."""
    if not isinstance(item, str) or item == "?":
        return item
    descending = item.startswith("-")
    name = item.lstrip("-")
    first, _, rest = name.partition("__")
    try:
        field = model._meta.get_field(first)
    except FieldDoesNotExist:
        return item  # an annotation or "pk"
    if not (field.many_to_one and field.concrete):
        return item
    if not rest:
        return f"{'-' if descending else ''}{field.attname}"
    related = field.related_model._base_manager.filter(pk=OuterRef(field.attname)).values(rest)[:1]
    expression = Subquery(related)
    return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)


class ContractChangeList(ChangeList):
    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> models.QuerySet:
        self._drop_invalid_filters(request)
        qs = super().get_queryset(request, exclude_parameters)
        ordering = [_joinless_ordering(self.model, item) for item in qs.query.order_by]
        return qs.order_by(*ordering)

    def apply_select_related(self, qs: models.QuerySet) -> models.QuerySet:
        if self.list_select_related is True:
            paths = _select_related_paths(self.model, True)
        elif self.list_select_related:
            paths = list(self.list_select_related)
        else:
            paths = [f.name for f in self._list_display_fields() if f.many_to_one]
        return qs.prefetch_related(*prefetch_paths(self.model, paths))

    def _list_display_fields(self) -> list[models.Field]:
        fields = []
        for name in self.list_display:
            if isinstance(name, str):
                try:
                    fields.append(self.lookup_opts.get_field(name))
                except FieldDoesNotExist:
                    pass
        return fields

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        # Evaluate the page once (the queryset keeps the rows) and name its people in one call.
        attach_people(list(self.result_list), self.list_display)

    # --- filters ---------------------------------------------------------------------------------------

    def _drop_invalid_filters(self, request: HttpRequest) -> None:
        for key in list(self.filter_params):
            if key in NOT_FILTERS:
                continue
            values = self.filter_params[key]
            bad = [value for value in values if not self._value_parses(key, value)]
            if not bad:
                continue
            del self.filter_params[key]
            self.params.pop(key, None)
            if not getattr(self, "_warned_filters", None):
                self._warned_filters = set()
            if key not in self._warned_filters:
                self._warned_filters.add(key)
                messages.warning(request, f"The filter {key} = “{bad[0]}” is not a valid value and was ignored.")

    def _value_parses(self, key: str, value: str) -> bool:
        """Whether ``value`` is valid for the lookup ``key``; unknown keys are left to Django."""
        opts, field, lookups = self.lookup_opts, None, []
        for part in key.split("__"):
            if lookups:
                lookups.append(part)
                continue
            try:
                field = opts.get_field(part)
            except FieldDoesNotExist:
                if field is None:
                    return True  # not a field: Django's own checks answer it
                lookups.append(part)
                continue
            if field.is_relation and field.related_model is not None:
                opts = field.related_model._meta
        if field is None:
            return True
        lookup = lookups[-1] if lookups else "exact"
        if lookup in BOOLEAN_LOOKUPS:
            return value.lower() in ("1", "0", "true", "false")
        if lookup in INTEGER_LOOKUPS:
            return value.lstrip("-").isdigit()
        if lookup in TEXT_LOOKUPS:
            return True
        items = value.split(",") if lookup == "in" else [value]
        if isinstance(field, models.ForeignKey):
            field = field.target_field
        elif field.is_relation:
            return True  # a reverse relation: Django's own checks answer it
        for item in items:
            try:
                field.to_python(item)
            except (ValidationError, ValueError, TypeError):
                return False
            if field.choices and lookup in ("exact", "iexact", "in"):
                if item not in {str(choice) for choice, _label in field.flatchoices}:
                    return False
        return True
