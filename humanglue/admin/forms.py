"""Form helpers for the apps' admins: grouped forms and lookups limited to valid choices."""

from __future__ import annotations

from typing import Any

from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest


class GroupedFormMixin:
    """Declared ``fieldsets`` on the change page; on the add page only the fields ``get_fields`` keeps
    (``ContractModelAdmin`` leaves out the read-only columns the database fills in), empty groups dropped."""

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[tuple[str | None, dict[str, Any]]]:
        fieldsets = list(super().get_fieldsets(request, obj))  # type: ignore[misc]
        if obj is not None or not getattr(self, "fieldsets", None):
            return fieldsets
        shown = set(self.get_fields(request, obj))  # type: ignore[attr-defined]
        kept = []
        for name, options in fieldsets:
            fields = []
            for entry in options["fields"]:
                if isinstance(entry, (list, tuple)):  # several fields on one line
                    line = tuple(f for f in entry if f in shown)
                    if line:
                        fields.append(line)
                elif entry in shown:
                    fields.append(entry)
            if fields:
                kept.append((name, {**options, "fields": fields}))
        return kept


def instructors() -> QuerySet:
    """Users who may teach: the holders of an instructor profile (``app.is_instructor()``), as the caller
    may see them."""
    from instructors.models import InstructorProfile
    from organizations.models import User

    return User.objects.filter(id__in=InstructorProfile.objects.values("user_id")).order_by("full_name")


def experts() -> QuerySet:
    """Users who may be booked as experts: the holders of a talent profile, as the caller may see them."""
    from organizations.models import User
    from talent.models import TalentProfile

    return User.objects.filter(id__in=TalentProfile.objects.values("user_id")).order_by("full_name")


class InstructorChoiceMixin:
    """Only instructors may be chosen as a course's or a workshop's instructor. They are few: a select."""

    def formfield_for_foreignkey(self, db_field: ForeignKey, request: HttpRequest,
                                 **kwargs: Any) -> ModelChoiceField | None:
        if db_field.name == "instructor":
            kwargs["queryset"] = instructors()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class ExpertChoiceMixin:
    """Only experts may be chosen as a consultation's or an engagement's expert."""

    def formfield_for_foreignkey(self, db_field: ForeignKey, request: HttpRequest,
                                 **kwargs: Any) -> ModelChoiceField | None:
        if db_field.name == "expert":
            kwargs["queryset"] = experts()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
