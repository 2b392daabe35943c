from django.contrib import admin

from humanglue.admin.base import ContractModelAdmin

from .models import Workshop, WorkshopFeedback, WorkshopRegistration


@admin.register(Workshop)
class WorkshopAdmin(ContractModelAdmin):
    list_display = ["title", "instructor", "status", "format", "start_time", "capacity_total", "enrolled_count",
                    "waitlist_count", "price_amount", "is_featured"]
    list_filter = ["status", "pillar", "level", "format", "is_featured", "organization"]
    search_fields = ["title", "slug", "instructor__email", "instructor__full_name"]
    date_hierarchy = "start_time"
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["instructor", "organization"]
    list_select_related = ["instructor", "organization"]
    readonly_fields = [*Workshop.maintained_fields, "created_at"]


@admin.register(WorkshopRegistration)
class WorkshopRegistrationAdmin(ContractModelAdmin):
    list_display = ["workshop", "user", "status", "payment_status", "price_paid", "registered_at", "status_changed_at"]
    list_filter = ["status", "payment_status", "organization"]
    search_fields = ["user__email", "user__full_name", "workshop__title"]
    raw_id_fields = ["workshop", "user", "organization", "payment", "certificate"]
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
