"""Admin for the talent marketplace. Trigger-maintained columns are read-only (spec 60, Django notes)."""

from django.contrib import admin

from humanglue.admin.base import ContractModelAdmin
from humanglue.admin.forms import ExpertChoiceMixin, GroupedFormMixin

from .models import Consultation, EngagementRequest, TalentProfile


@admin.register(TalentProfile)
class TalentProfileAdmin(GroupedFormMixin, ContractModelAdmin):
    list_display = ["user", "title", "availability", "accepting_clients", "is_public", "rating", "review_count",
                    "hourly_rate", "currency"]
    list_filter = ["availability", "accepting_clients", "is_public", "coaching_style"]
    search_fields = ["user__email", "user__full_name", "title", "tagline"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
    readonly_fields = ["rating", "review_count", "total_sessions", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("user", "title", "tagline", "bio", "location", "timezone", "languages", "is_public")}),
        ("Expertise", {"fields": ("expertise", "certifications", "pillars", "industries", "transformation_stages",
                                  "coaching_style", "years_experience")}),
        ("Track record", {"fields": ("transformation_success_rate", "behavior_change_score", "client_retention_rate",
                                     "cultures_transformed", "clients_transformed", "employees_reframed",
                                     "testimonials")}),
        ("Booking", {"fields": ("availability", "accepting_clients", "hourly_rate", "currency",
                                "min_engagement_hours", "max_hours_per_week", "session_duration_minutes",
                                "buffer_minutes", "booking_advance_days", "weekly_availability")}),
        ("Media", {"fields": ("avatar_url", "video_intro_url", "metadata")}),
        ("Kept by the database", {"fields": ("rating", "review_count", "total_sessions", "created_at",
                                             "updated_at")}),
    )


class SessionInline(ExpertChoiceMixin, admin.TabularInline):
    """The engagement's sessions (rows of consultations with engagement_request set)."""

    model = Consultation
    fk_name = "engagement_request"
    extra = 0
    fields = ["title", "session_type", "status", "pillar", "scheduled_start", "scheduled_end", "duration_minutes",
              "user", "expert"]
    raw_id_fields = ["user"]


@admin.register(EngagementRequest)
class EngagementRequestAdmin(ExpertChoiceMixin, GroupedFormMixin, ContractModelAdmin):
    list_display = ["subject", "client", "expert", "status", "hours_total", "hours_used", "payment_status",
                    "organization", "created_at"]
    list_filter = ["status", "payment_status", "organization"]
    search_fields = ["title", "focus_area", "client__email", "expert__email"]
    raw_id_fields = ["client"]
    autocomplete_fields = ["organization"]
    list_select_related = ["client", "expert", "organization"]
    readonly_fields = ["hours_used", "payment", "payment_status", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("title", "client", "expert", "organization", "status")}),
        ("Request", {"fields": ("focus_area", "description", "initial_message", "timeline", "responded_at")}),
        ("Hours and price", {"fields": ("hours_total", "hourly_rate", "currency")}),
        ("Plan", {"fields": ("start_date", "end_date", "estimated_completion_date", "completed_at", "deliverables",
                             "milestones", "outcomes", "client_satisfaction_score", "metadata")}),
        ("Kept by the database", {"fields": ("hours_used", "payment", "payment_status", "created_at",
                                             "updated_at")}),
    )
    inlines = [SessionInline]

    @admin.display(description="engagement", ordering="title")
    def subject(self, obj: EngagementRequest) -> str:
        return obj.title or obj.focus_area or "Engagement"


@admin.register(Consultation)
class ConsultationAdmin(ExpertChoiceMixin, GroupedFormMixin, ContractModelAdmin):
    list_display = ["subject", "user", "expert", "status", "pillar", "scheduled_start", "amount", "currency",
                    "payment_status"]
    list_filter = ["status", "pillar", "session_type", "payment_status", "organization"]
    search_fields = ["title", "user__email", "expert__email"]
    raw_id_fields = ["user", "engagement_request"]
    autocomplete_fields = ["organization"]
    list_select_related = ["user", "expert"]
    readonly_fields = ["payment", "payment_status", "created_at", "updated_at"]
    date_hierarchy = "scheduled_start"
    fieldsets = (
        (None, {"fields": ("title", "user", "expert", "organization", "engagement_request", "status",
                           "session_type", "pillar")}),
        ("Schedule", {"fields": ("scheduled_start", "scheduled_end", "actual_start", "actual_end",
                                 "duration_minutes", "meeting_url")}),
        ("Content", {"fields": ("description", "topics", "meeting_notes", "action_items", "expert_notes")}),
        ("Outcome", {"fields": ("cancellation_reason", "user_rating", "user_feedback")}),
        ("Price", {"fields": ("amount", "currency", "metadata")}),
        ("Kept by the database", {"fields": ("payment", "payment_status", "created_at", "updated_at")}),
    )

    @admin.display(description="consultation", ordering="title")
    def subject(self, obj: Consultation) -> str:
        return obj.title or obj.get_session_type_display()
