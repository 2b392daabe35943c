"""Query filters of the learning endpoints (django-filter)."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django_filters import rest_framework as filters

from organizations.enums import AiPillar, CourseDifficulty, CourseStatus, EnrollmentStatus

from ..models import Course, Enrollment
from ..selectors import TitleContains


class CourseFilter(filters.FilterSet):
    """``search`` matches the title (case-insensitive substring, served by the title's trigram index);
    ``mine`` and ``status`` widen or narrow the catalog (see ``selectors.course_catalog``, applied by the view)."""

    pillar = filters.ChoiceFilter(choices=AiPillar.choices)
    level = filters.ChoiceFilter(choices=CourseDifficulty.choices, help_text="Difficulty.")
    status = filters.ChoiceFilter(
        choices=CourseStatus.choices,
        help_text="Every course of this status the caller may see (own, organization's, all for a platform "
                  "admin) instead of the catalog.")
    mine = filters.BooleanFilter(method="noop", help_text="Only the caller's own courses (any status).")
    instructor = filters.UUIDFilter(field_name="instructor_id")
    is_free = filters.BooleanFilter(method="filter_is_free", help_text="Free (price 0) or paid courses.")
    price_min = filters.NumberFilter(field_name="price_amount", lookup_expr="gte")
    price_max = filters.NumberFilter(field_name="price_amount", lookup_expr="lte")
    search = filters.CharFilter(method="filter_search", max_length=200, help_text="Words of the title.")

    class Meta:
        model = Course
        fields = ["pillar", "level", "status", "mine", "instructor", "is_free", "price_min", "price_max", "search"]

    def noop(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        return queryset  # read by the view, which chooses the base queryset

    def filter_is_free(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(price_amount=0) if value else queryset.filter(price_amount__gt=0)

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(TitleContains(F("title"), value)) if value else queryset


class EnrollmentFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=EnrollmentStatus.choices)
    course = filters.UUIDFilter(field_name="course_id")

    class Meta:
        model = Enrollment
        fields = ["status", "course"]
