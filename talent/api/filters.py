"""Query filters of the talent endpoints (django-filter)."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters

from organizations.enums import AiPillar, ConsultationStatus

from ..models import Availability, Consultation, EngagementRequest, EngagementStatus, TalentProfile


class CommaList(filters.BaseCSVFilter, filters.CharFilter):
    """``?expertise=a,b`` (any of them)."""


class TalentSearchFilter(filters.FilterSet):
    """The marketplace's filters; the view hands them to ``selectors.talent_marketplace`` (which also ranks
    by relevance when ``q`` is given), so each method here is a no-op."""

    q = filters.CharFilter(method="noop", max_length=200,
                           help_text="Words: full text over tagline, title, expertise, industries, bio and "
                                     "location, or a fuzzy match of the tagline.")
    expertise = CommaList(method="noop", help_text="Comma-separated skills; profiles with any of them.")
    industries = CommaList(method="noop", help_text="Comma-separated industries; profiles with any of them.")
    pillars = filters.MultipleChoiceFilter(choices=AiPillar.choices, method="noop",
                                           help_text="Repeat for several; profiles with any of them.")
    availability = filters.ChoiceFilter(choices=Availability.choices, method="noop")
    min_rating = filters.NumberFilter(method="noop", min_value=0, max_value=5)
    rate_min = filters.NumberFilter(method="noop", min_value=0, max_value=99_999_999,
                                    help_text="Lowest hourly rate.")
    rate_max = filters.NumberFilter(method="noop", min_value=0, max_value=99_999_999,
                                    help_text="Highest hourly rate.")

    class Meta:
        model = TalentProfile
        fields = ["q", "expertise", "industries", "pillars", "availability", "min_rating", "rate_min", "rate_max"]

    def noop(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        return queryset


ROLE_CHOICES = [("client", "client"), ("expert", "expert")]


class EngagementFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=EngagementStatus.choices)
    role = filters.ChoiceFilter(choices=ROLE_CHOICES, method="filter_role",
                                help_text="Only the engagements where the caller is the client, or the expert.")

    class Meta:
        model = EngagementRequest
        fields = ["status", "role"]

    def filter_role(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        me = self.request.user.pk
        return queryset.filter(client_id=me) if value == "client" else queryset.filter(expert_id=me)


class ConsultationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ConsultationStatus.choices)
    role = filters.ChoiceFilter(choices=ROLE_CHOICES, method="filter_role",
                                help_text="Only the sessions where the caller is the client, or the expert.")
    engagement_request = filters.UUIDFilter(field_name="engagement_request_id")
    starts_after = filters.IsoDateTimeFilter(field_name="scheduled_start", lookup_expr="gte")
    starts_before = filters.IsoDateTimeFilter(field_name="scheduled_start", lookup_expr="lt")

    class Meta:
        model = Consultation
        fields = ["status", "role", "engagement_request", "starts_after", "starts_before"]

    def filter_role(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        me = self.request.user.pk
        return queryset.filter(user_id=me) if value == "client" else queryset.filter(expert_id=me)
