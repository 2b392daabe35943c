from django.contrib import admin

from humanglue.admin.base import ContractModelAdmin
from humanglue.admin.forms import GroupedFormMixin, InstructorChoiceMixin

from .models import Workshop, WorkshopFeedback, WorkshopRegistration


class RegistrationInline(admin.TabularInline):
    """The workshop's registrations; seats, waitlist and the price paid are kept by the database."""

    model = WorkshopRegistration
    extra = 0
    fields = ["user", "status", "payment_status", "price_paid", "attendance_percentage", "registered_at"]
    raw_id_fields = ["user"]  # students are many
    readonly_fields = ["registered_at"]
    show_change_link = True


@admin.register(Workshop)
class WorkshopAdmin(InstructorChoiceMixin, GroupedFormMixin, ContractModelAdmin):
    list_display = ["title", "instructor", "status", "format", "start_time", "capacity_total", "enrolled_count",
                    "waitlist_count", "price_amount", "is_featured"]
    list_filter = ["status", "pillar", "level", "format", "is_featured", "organization"]
    search_fields = ["title", "slug", "instructor__email", "instructor__full_name"]
    date_hierarchy = "start_time"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organization"]
    list_select_related = ["instructor", "organization"]
    readonly_fields = [*Workshop.maintained_fields, "created_at"]
    fieldsets = (
        (None, {"fields": ("title", "slug", "instructor", "organization", "status", "is_featured")}),
        ("Content", {"fields": ("description", "pillar", "level", "outcomes", "prerequisites", "tags", "syllabus")}),
        ("Schedule and place", {"fields": ("format", "start_time", "end_time", "timezone", "duration_minutes",
                                           "location", "meeting_url")}),
        ("Seats and price", {"fields": ("capacity_total", "waitlist_enabled", "price_amount", "price_early_bird",
                                        "early_bird_deadline", "currency")}),
        ("Media", {"fields": ("thumbnail_url", "video_url", "materials_url", "recording_url")}),
        ("Certificate", {"fields": ("certificate_enabled", "certificate_template_url", "metadata")}),
        ("Kept by the database", {"fields": (*Workshop.maintained_fields, "created_at")}),
    )
    inlines = [RegistrationInline]


@admin.register(WorkshopRegistration)
class WorkshopRegistrationAdmin(ContractModelAdmin):
    list_display = ["workshop", "user", "status", "payment_status", "price_paid", "registered_at", "status_changed_at"]
    list_filter = ["status", "payment_status", "organization"]
    search_fields = ["user__email", "user__full_name", "workshop__title"]
    raw_id_fields = ["user", "payment", "certificate"]
    autocomplete_fields = ["workshop", "organization"]
    list_select_related = ["workshop", "user"]
    readonly_fields = [*WorkshopRegistration.maintained_fields, "registered_at"]


@admin.register(WorkshopFeedback)
class WorkshopFeedbackAdmin(ContractModelAdmin):
    list_display = ["workshop", "user", "overall_satisfaction", "nps_score", "would_recommend", "submitted_at"]
    list_filter = ["overall_satisfaction", "would_recommend"]
    search_fields = ["user__email", "workshop__title", "what_went_well", "what_could_improve"]
    raw_id_fields = ["registration"]
    list_select_related = ["workshop", "user"]
    # workshop and user are copied from the registration by the database.
    readonly_fields = [*WorkshopFeedback.maintained_fields, "submitted_at"]
