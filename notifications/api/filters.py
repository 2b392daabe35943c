"""Filters of the notification list."""

from __future__ import annotations

import django_filters

from ..models import Notification


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull",
                                          label="true: unread only; false: read only")
    type = django_filters.ChoiceFilter(choices=Notification.Type.choices)

    class Meta:
        model = Notification
        fields = ["unread", "type"]
