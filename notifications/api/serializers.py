"""Serializers of ``/api/v1/notifications/``. Only the read state is writable (spec 40: PATCH may change
``read_at`` only); ``txid`` is internal and never leaves the database."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "type", "title", "message", "data", "read_at", "is_read", "created_at", "expires_at"]
        read_only_fields = fields

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class NotificationReadStateSerializer(serializers.Serializer):
    """PATCH body: ``is_read`` true sets ``read_at`` to now (kept if already read), false clears it."""

    is_read = serializers.BooleanField()


class UnreadCountSerializer(serializers.Serializer):
    count = serializers.IntegerField(read_only=True)


class MarkedReadSerializer(serializers.Serializer):
    updated = serializers.IntegerField(read_only=True, help_text="Number of notifications marked read.")
