import json
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from humanglue.admin.base import ArchiveInstead, ContractModelAdmin, OneLineTextMixin, save_or_refuse
from humanglue.admin.forms import GroupedFormMixin, InstructorChoiceMixin
from organizations.enums import LessonType

from .models import (
    AssignmentSubmission,
    Course,
    CourseLesson,
    CourseReview,
    CourseSection,
    Enrollment,
    InstructorProfile,
    InstructorSettings,
    QuizAttempt,
    StudentActivity,
    StudentProgress,
)


@admin.register(InstructorProfile)
class InstructorProfileAdmin(GroupedFormMixin, ContractModelAdmin):
    list_display = ["user", "professional_title", "total_courses", "total_students", "average_rating",
                    "total_reviews", "is_verified", "is_featured", "is_accepting_students"]
    list_filter = ["is_verified", "is_featured", "is_accepting_students"]
    search_fields = ["user__email", "user__full_name", "professional_title", "tagline"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
    readonly_fields = [*InstructorProfile.maintained_fields, "created_at"]
    fieldsets = (
        (None, {"fields": ("user", "professional_title", "tagline", "bio")}),
        ("Expertise", {"fields": ("expertise_tags", "pillars", "education", "certifications", "work_experience")}),
        ("Media and links", {"fields": ("cover_photo_url", "video_intro_url", "social_links")}),
        ("Standing", {"fields": ("is_verified", "is_featured", "is_accepting_students", "metadata")}),
        ("Kept by the database", {"fields": (*InstructorProfile.maintained_fields, "created_at")}),
    )


@admin.register(InstructorSettings)
class InstructorSettingsAdmin(ContractModelAdmin):
    list_display = ["user", "payout_schedule", "minimum_payout_amount", "currency", "payment_method",
                    "calendar_sync_enabled"]
    list_filter = ["payout_schedule", "payment_method", "calendar_sync_enabled"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
    # Application-encrypted secrets: never shown or edited here.
    exclude = ["payment_details", "calendar_sync_token"]
    readonly_fields = ["created_at", "updated_at"]


class SectionWithLessonForm(forms.ModelForm):
    """A course section, plus an optional lesson to create in it: Django has no inlines within inlines,
    and staff create a course with a section and a lesson in one go. Other lessons: the section's page."""

    new_lesson_title = forms.CharField(label="add a lesson", required=False, max_length=500,
                                       help_text="Title of a lesson to create in this section.")
    new_lesson_type = forms.ChoiceField(label="lesson type", choices=LessonType.choices, initial=LessonType.VIDEO,
                                        required=False)

    class Meta:
        model = CourseSection
        fields = ["sort_order", "title", "duration_minutes"]


class CourseSectionInline(OneLineTextMixin, admin.TabularInline):
    model = CourseSection
    form = SectionWithLessonForm
    extra = 1
    fields = ["sort_order", "title", "duration_minutes", "new_lesson_title", "new_lesson_type"]
    show_change_link = True  # lessons are edited on the section's page


class CourseLessonInline(OneLineTextMixin, admin.StackedInline):
    model = CourseLesson
    extra = 0
    # The paid content is not readable by the app role (CourseLesson.secret_fields): see the lesson's page.
    fields = ["sort_order", "title", "content_type", "is_preview", "duration_minutes", "video_duration_seconds",
              "quiz_passing_score"]


@admin.register(Course)
class CourseAdmin(InstructorChoiceMixin, GroupedFormMixin, ContractModelAdmin):
    # The contract prefers archiving a course that students enrolled in or paid for to deleting it.
    archive_instead_of_delete = ArchiveInstead(field="status", value="archived",
                                               when_referenced_by=("enrollments", "payments"))
    list_display = ["title", "instructor", "organization", "status", "pillar", "level", "price_amount",
                    "enrolled_count", "completed_count", "average_rating", "total_revenue"]
    list_filter = ["status", "pillar", "level", "organization"]
    search_fields = ["title", "slug", "category", "instructor__email", "instructor__full_name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organization"]
    list_select_related = ["instructor", "organization"]
    readonly_fields = [*Course.maintained_fields, "is_published", "created_at"]
    fieldsets = (
        (None, {"fields": ("title", "slug", "instructor", "organization", "status", "published_at")}),
        ("Catalogue", {"fields": ("description", "pillar", "level", "category", "tags", "language",
                                  "thumbnail_url", "trailer_url")}),
        ("Audience", {"fields": ("what_you_will_learn", "target_audience", "prerequisites", "duration_hours",
                                 "estimated_effort")}),
        ("Price", {"fields": ("price_amount", "currency")}),
        ("Options", {"fields": ("certificate_enabled", "certificate_template_url", "allow_comments", "allow_qa",
                                "drip_content", "drip_schedule", "sort_order", "metadata")}),
        ("Kept by the database", {"fields": ("is_published", *Course.maintained_fields, "created_at")}),
    )
    inlines = [CourseSectionInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is CourseSection:
            for section_form in formset.forms:
                self._add_lesson(section_form, formset)

    @staticmethod
    def _add_lesson(section_form: SectionWithLessonForm, formset: Any) -> None:
        """The lesson typed on a section's row, created last in that (now saved) section."""
        data = getattr(section_form, "cleaned_data", None) or {}
        title = (data.get("new_lesson_title") or "").strip()
        section = section_form.instance
        if not title or section.pk is None or section_form in formset.deleted_forms:
            return
        save_or_refuse(CourseLesson(section=section, title=title,
                                    content_type=data.get("new_lesson_type") or LessonType.VIDEO,
                                    sort_order=section.lessons.count() + 1), change=False)


@admin.register(CourseSection)
class CourseSectionAdmin(ContractModelAdmin):
    list_display = ["title", "course", "sort_order", "duration_minutes"]
    search_fields = ["title", "course__title"]
    autocomplete_fields = ["course"]
    list_select_related = ["course"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [CourseLessonInline]


@admin.register(CourseLesson)
class CourseLessonAdmin(ContractModelAdmin):
    list_display = ["title", "section", "content_type", "sort_order", "is_preview"]
    list_filter = ["content_type", "is_preview"]
    search_fields = ["title", "section__title", "section__course__title"]
    autocomplete_fields = ["section"]
    list_select_related = ["section", "section__course"]
    # The admin runs under the app role, which may not SELECT the paid content: it is shown read-only through
    # app.lesson_content() (everything for a platform admin, nothing for an org admin) and edited via the API.
    exclude = list(CourseLesson.secret_fields)
    readonly_fields = ["content", "created_at", "updated_at"]

    @admin.display(description="content")
    def content(self, obj: CourseLesson) -> str:
        content = obj.content() if obj.pk else None
        if content is None:
            return "-"
        shown = {"video_url": content.video_url, "article_content": content.article_content,
                 "resource_url": content.resource_url, "quiz_questions": content.quiz_questions}
        return json.dumps({k: v for k, v in shown.items() if v is not None}, indent=2, ensure_ascii=False)


@admin.register(Enrollment)
class EnrollmentAdmin(ContractModelAdmin):
    list_display = ["user", "course", "status", "progress_percentage", "enrolled_at", "last_accessed_at",
                    "completed_at", "expires_at"]
    list_filter = ["status", "organization"]
    search_fields = ["user__email", "user__full_name", "course__title"]
    date_hierarchy = "enrolled_at"
    raw_id_fields = ["user"]  # students are many
    autocomplete_fields = ["course", "organization"]
    list_select_related = ["user", "course"]
    readonly_fields = [*Enrollment.maintained_fields, "created_at"]


@admin.register(StudentProgress)
class StudentProgressAdmin(ContractModelAdmin):
    list_display = ["user", "course", "lesson", "is_completed", "completion_percentage", "time_spent_seconds",
                    "last_accessed_at"]
    list_filter = ["is_completed"]
    search_fields = ["user__email", "course__title", "lesson__title"]
    raw_id_fields = ["enrollment", "user"]
    autocomplete_fields = ["course", "lesson"]
    list_select_related = ["user", "course", "lesson"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(StudentActivity)
class StudentActivityAdmin(ContractModelAdmin):
    """Read-only: rows are written only by database triggers (spec 20, student_activity)."""

    list_display = ["occurred_at", "activity_type", "activity_title", "student", "instructor", "course", "workshop"]
    list_filter = ["activity_type"]
    search_fields = ["activity_title", "student__email", "instructor__email", "course__title"]
    date_hierarchy = "occurred_at"
    list_select_related = ["student", "instructor", "course", "workshop"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: StudentActivity | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: StudentActivity | None = None) -> bool:
        return False


@admin.register(CourseReview)
class CourseReviewAdmin(ContractModelAdmin):
    list_display = ["course", "user", "rating", "title", "is_published", "helpful_count", "created_at"]
    list_filter = ["is_published", "rating"]
    search_fields = ["title", "review_text", "user__email", "course__title"]
    raw_id_fields = ["user", "enrollment"]
    autocomplete_fields = ["course"]
    list_select_related = ["course", "user"]
    readonly_fields = [*CourseReview.maintained_fields, "instructor_responded_at", "created_at"]


@admin.register(QuizAttempt)
class QuizAttemptAdmin(ContractModelAdmin):
    list_display = ["user", "course", "lesson", "attempt_number", "score", "max_score", "percentage", "passed",
                    "created_at"]
    list_filter = ["passed"]
    search_fields = ["user__email", "course__title", "lesson__title"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["course", "lesson"]
    list_select_related = ["user", "course", "lesson"]
    readonly_fields = ["percentage", "created_at", "updated_at"]


@admin.register(AssignmentSubmission)
class AssignmentSubmissionAdmin(ContractModelAdmin):
    list_display = ["user", "course", "lesson", "status", "grade", "submitted_at", "graded_by", "graded_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "course__title", "lesson__title"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["course", "lesson"]
    list_select_related = ["user", "course", "lesson", "graded_by"]
    # graded_by and graded_at are stamped by the database when a grade is given.
    readonly_fields = ["graded_by", "graded_at", "created_at", "updated_at"]
