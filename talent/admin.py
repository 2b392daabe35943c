"""Admin for the talent marketplace. Trigger-maintained columns are read-only (spec 60, Django notes)."""

from django.contrib import admin

from humanglue.admin.base import ContractModelAdmin

from .models import Consultation, EngagementRequest, TalentProfile


@admin.register(TalentProfile)
class TalentProfileAdmin(ContractModelAdmin):
    list_display = ["user", "title", "availability", "accepting_clients", "is_public", "rating", "review_count",
                    "hourly_rate", "currency"]
    list_filter = ["availability", "accepting_clients", "is_public", "coaching_style"]
    search_fields = ["user__email", "user__full_name", "title", "tagline"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]
    readonly_fields = ["rating", "review_count", "total_sessions", "created_at", "updated_at"]


class SessionInline(admin.TabularInline):
    """The engagement's sessions (rows of consultations with engagement_request set)."""

    model = Consultation
    fk_name = "engagement_request"
    extra = 0
    fields = ["title", "session_type", "status", "pillar", "scheduled_start", "scheduled_end", "duration_minutes",
              "user", "expert"]
    raw_id_fields = ["user", "expert"]


@admin.register(EngagementRequest)
class EngagementRequestAdmin(ContractModelAdmin):
    list_display = ["__str__", "client", "expert", "status", "hours_total", "hours_used", "payment_status",
                    "organization", "created_at"]
    list_filter = ["status", "payment_status", "organization"]
    search_fields = ["title", "focus_area", "client__email", "expert__email"]
    raw_id_fields = ["client", "expert", "organization"]
    list_select_related = ["client", "expert", "organization"]
    readonly_fields = ["hours_used", "payment", "payment_status", "created_at", "updated_at"]
    inlines = [SessionInline]


@admin.register(Consultation)
class ConsultationAdmin(ContractModelAdmin):
    list_display = ["__str__", "user", "expert", "status", "pillar", "scheduled_start", "amount", "currency",
                    "payment_status"]
    list_filter = ["status", "pillar", "session_type", "payment_status", "organization"]
    search_fields = ["title", "user__email", "expert__email"]
    raw_id_fields = ["organization", "user", "expert", "engagement_request"]
    list_select_related = ["user", "expert"]
    readonly_fields = ["payment", "payment_status", "created_at", "updated_at"]
    date_hierarchy = "scheduled_start"
