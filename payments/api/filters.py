"""Query filters of the certificate list."""

from __future__ import annotations

import django_filters

from ..models import Certificate, CertificateType


class CertificateFilter(django_filters.FilterSet):
    certificate_type = django_filters.ChoiceFilter(choices=CertificateType.choices)

    class Meta:
        model = Certificate
        fields = ["certificate_type"]
