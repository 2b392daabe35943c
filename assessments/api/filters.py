"""Query filters of the assessment endpoints (django-filter)."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters

from organizations.enums import AiPillar, AssessmentStatus

from .. import selectors
from ..models import ASSESSMENT_TYPES, Assessment, AssessmentResponse


class AssessmentFilter(filters.FilterSet):
    pillar = filters.ChoiceFilter(choices=AiPillar.choices)
    status = filters.ChoiceFilter(choices=AssessmentStatus.choices)
    assessment_type = filters.ChoiceFilter(choices=[(t, t) for t in ASSESSMENT_TYPES])

    class Meta:
        model = Assessment
        fields = ["pillar", "status", "assessment_type"]


class QuestionFilter(filters.FilterSet):
    pending = filters.BooleanFilter(method="filter_pending", help_text=(
        "true: the questions still to answer (neither answered nor skipped); false: the settled ones."))

    class Meta:
        model = AssessmentResponse
        fields = ["pending"]

    def filter_pending(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        return queryset if value is None else selectors.pending_questions(queryset, value)
