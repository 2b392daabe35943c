"""Admin for inbox rows and presence (spec 40). Both tables are mostly written by the database and
the websocket consumer, so their machine-kept columns are read-only here."""

from django.contrib import admin

from humanglue.admin.base import ContractModelAdmin

from .models import Notification, StudentPresence


@admin.register(Notification)
class NotificationAdmin(ContractModelAdmin):
    list_display = ("title", "type", "user", "read_at", "created_at", "expires_at")
    list_filter = ("type", ("read_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("title", "message", "user__email", "user__full_name")
    raw_id_fields = ("user",)
    list_select_related = ("user",)
    readonly_fields = ("created_at", "txid")
    date_hierarchy = "created_at"


@admin.register(StudentPresence)
class StudentPresenceAdmin(ContractModelAdmin):
    list_display = ("user", "status", "course", "workshop", "connection_count", "last_seen_at")
    list_filter = ("status",)
    search_fields = ("user__email", "user__full_name")
    raw_id_fields = ("user",)
    autocomplete_fields = ("course", "workshop")
    list_select_related = ("user", "course", "workshop")
    readonly_fields = ("connection_count",)
