"""Query filters of the certificate list."""

from __future__ import annotations

import django_filters

from ..models import CERTIFICATE_TYPES, Certificate


class CertificateFilter(django_filters.FilterSet):
    certificate_type = django_filters.ChoiceFilter(choices=[(t, t) for t in CERTIFICATE_TYPES])

    class Meta:
        model = Certificate
        fields = ["certificate_type"]
