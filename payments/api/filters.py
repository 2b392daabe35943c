"""Query filters of the certificate and revenue lists."""

from __future__ import annotations

import django_filters

from organizations.enums import TransactionType

from ..models import Certificate, CertificateType, PayoutStatus, RevenueTransaction


class CertificateFilter(django_filters.FilterSet):
    certificate_type = django_filters.ChoiceFilter(choices=CertificateType.choices)

    class Meta:
        model = Certificate
        fields = ["certificate_type"]


class RevenueFilter(django_filters.FilterSet):
    """Revenue rows by UTC day (``date_from``/``date_to``, both inclusive), item and kind."""

    date_from = django_filters.DateFilter(field_name="transaction_date", lookup_expr="date__gte",
                                          help_text="First UTC day, inclusive.")
    date_to = django_filters.DateFilter(field_name="transaction_date", lookup_expr="date__lte",
                                        help_text="Last UTC day, inclusive.")
    course = django_filters.UUIDFilter(field_name="course_id")
    workshop = django_filters.UUIDFilter(field_name="workshop_id")
    consultation = django_filters.UUIDFilter(field_name="consultation_id")
    engagement_request = django_filters.UUIDFilter(field_name="engagement_request_id")
    transaction_type = django_filters.ChoiceFilter(choices=TransactionType.choices)
    payout_status = django_filters.ChoiceFilter(choices=PayoutStatus.choices)

    class Meta:
        model = RevenueTransaction
        fields = ["date_from", "date_to", "course", "workshop", "consultation", "engagement_request",
                  "transaction_type", "payout_status"]
