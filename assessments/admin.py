from django.contrib import admin

from humanglue.admin.base import ContractModelAdmin

from .models import Assessment, AssessmentResponse


class AssessmentResponseInline(admin.TabularInline):
    model = AssessmentResponse
    extra = 0
    fields = ["question_number", "question_id", "dimension", "answer_type", "answer_value", "question_weight",
              "skipped", "answered_at"]
    show_change_link = True


@admin.register(Assessment)
class AssessmentAdmin(ContractModelAdmin):
    list_display = ["user", "pillar", "assessment_type", "status", "overall_score", "completed_at", "created_at"]
    list_filter = ["status", "pillar", "assessment_type", "organization"]
    search_fields = ["user__email", "user__full_name"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["organization"]
    list_select_related = ["user"]
    readonly_fields = ["overall_score", *Assessment.maintained_fields, "created_at"]
    inlines = [AssessmentResponseInline]


@admin.register(AssessmentResponse)
class AssessmentResponseAdmin(ContractModelAdmin):
    list_display = ["assessment", "question_id", "dimension", "answer_type", "answer_value", "skipped", "answered_at"]
    list_filter = ["dimension", "answer_type", "skipped"]
    search_fields = ["question_id", "question_text", "assessment__user__email"]
    autocomplete_fields = ["assessment"]
    list_select_related = ["assessment__user"]
    readonly_fields = ["created_at"]
