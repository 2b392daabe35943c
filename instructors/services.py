"""Writes of the learning domain that carry business rules (keyword-only arguments).

Everything runs under the caller's rights: RLS and the column guards decide, these functions only check
first what they can explain better than a bare refusal (who may write, which transition is legal) and
save exactly the columns they change (``update_fields``), then read the trigger-maintained columns back.
Paid enrollments are not created here: the payment-completion path does that in the system context
(spec 30 §9, conventions §8).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from rest_framework import exceptions, status

from organizations.models import User

from . import selectors
from .models import Course, CourseLesson, CourseSection, Enrollment, StudentProgress

NOT_YOUR_COURSE = "Only the course's instructor or a platform admin may change it."
NOT_AN_INSTRUCTOR = "Only instructors (with an instructor profile) may create courses."
ALREADY_PUBLISHED = "The course is already published."
ALREADY_ARCHIVED = "The course is already archived."
HAS_ENROLLMENTS = "A course with enrollments cannot be deleted; archive it instead."
NOT_ENROLLABLE = "Only published courses are open for enrollment."
PAYMENT_REQUIRED = "This course is paid: enrollment happens when its payment completes."
ALREADY_ENROLLED = "You are already enrolled in this course."
NOT_YOUR_ENROLLMENT = "Only the enrolled student, the course's instructor or a platform admin may do this."
ALREADY_DROPPED = "The enrollment is already dropped."
COMPLETED_ENROLLMENT = "A completed enrollment cannot be dropped."
ONLY_THE_STUDENT = "Only the enrolled student reports their progress."
INACTIVE_ENROLLMENT = "This enrollment is dropped or expired: progress cannot be reported."
NOT_A_LESSON_OF_THE_COURSE = "This lesson is not part of the enrollment's course."
ORDER_MISMATCH = "Give every id of the list exactly once."
FOREIGN_ORGANIZATION = "You can only attach a course to an organization you belong to."


class LearningError(exceptions.APIException):
    """A rule of the learning domain refused the request; ``code`` is stable, ``status_code`` says why
    (403 not allowed, 409 conflicting state, 402 payment needed)."""

    def __init__(self, detail: str, *, code: str, status_code: int = status.HTTP_409_CONFLICT) -> None:
        self.status_code = status_code
        super().__init__(detail=detail, code=code)


def _invalid(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def require_teacher(course_id: UUID) -> None:
    """403 unless the caller is the course's instructor or a platform admin (visibility is checked before:
    a course the caller cannot see is a 404, never this)."""
    if not selectors.caller_teaches(course_id):
        raise LearningError(NOT_YOUR_COURSE, code="not_course_instructor", status_code=status.HTTP_403_FORBIDDEN)


def _save(instance: Any, data: dict[str, Any]) -> Any:
    for field, value in data.items():
        setattr(instance, field, value)
    if data:
        instance.save(update_fields=list(data))
    return instance


def _check_organization(organization_id: UUID | None) -> None:
    if organization_id is not None and not selectors.caller_is_org_member(organization_id):
        raise _invalid("organization", FOREIGN_ORGANIZATION, "foreign_organization")


# --- courses -----------------------------------------------------------------------------------------------


def course_create(*, user: User, data: dict[str, Any]) -> Course:
    """A draft course taught by ``user``; its organization defaults to the instructor's own."""
    if not selectors.caller_is_instructor():
        raise LearningError(NOT_AN_INSTRUCTOR, code="not_an_instructor", status_code=status.HTTP_403_FORBIDDEN)
    data = dict(data)
    organization_id = data.pop("organization", user.organization_id)
    _check_organization(organization_id)
    course = Course(**data, instructor_id=user.pk, organization_id=organization_id)
    course.save()
    course.refresh_from_db()
    return course


def course_update(*, course: Course, data: dict[str, Any]) -> Course:
    require_teacher(course.pk)
    data = dict(data)
    if "organization" in data:
        data["organization_id"] = data.pop("organization")
        _check_organization(data["organization_id"])
    return _save(course, data)


def course_publish(*, course: Course) -> Course:
    """draft or archived -> published; ``published_at`` records the first publication only."""
    require_teacher(course.pk)
    if course.status == "published":
        raise LearningError(ALREADY_PUBLISHED, code="already_published")
    changes: dict[str, Any] = {"status": "published"}
    if course.published_at is None:
        changes["published_at"] = timezone.now()
    _save(course, changes)
    course.refresh_from_db()
    return course


def course_archive(*, course: Course) -> Course:
    """draft or published -> archived: no longer listed, enrolled students keep their access."""
    require_teacher(course.pk)
    if course.status == "archived":
        raise LearningError(ALREADY_ARCHIVED, code="already_archived")
    _save(course, {"status": "archived"})
    course.refresh_from_db()
    return course


def course_delete(*, course: Course) -> None:
    """Only a course without enrollments (``courses_delete_own``); a platform admin may delete any (the
    delete cascades)."""
    require_teacher(course.pk)
    if not selectors.caller_is_platform_admin() and Enrollment.objects.filter(course_id=course.pk).exists():
        raise LearningError(HAS_ENROLLMENTS, code="course_has_enrollments")
    deleted, _ = Course.objects.filter(pk=course.pk).delete()
    if not deleted:  # a policy kept it (an enrollment arrived meanwhile)
        raise LearningError(HAS_ENROLLMENTS, code="course_has_enrollments")


# --- sections and lessons ----------------------------------------------------------------------------------


def section_create(*, course: Course, data: dict[str, Any]) -> CourseSection:
    require_teacher(course.pk)
    section = CourseSection(course_id=course.pk, **data)
    section.save()
    return section


def section_update(*, section: CourseSection, data: dict[str, Any]) -> CourseSection:
    require_teacher(section.course_id)
    return _save(section, data)


def section_delete(*, section: CourseSection) -> None:
    """Deletes its lessons too; the progress of every enrollment is recomputed by the database."""
    require_teacher(section.course_id)
    CourseSection.objects.filter(pk=section.pk).delete()


def lesson_create(*, section: CourseSection, data: dict[str, Any]) -> CourseLesson:
    require_teacher(section.course_id)
    lesson = CourseLesson(section_id=section.pk, **data)
    lesson.save()
    return CourseLesson.objects.get(pk=lesson.pk)


def lesson_update(*, lesson: CourseLesson, course_id: UUID, data: dict[str, Any]) -> CourseLesson:
    """``section`` moves the lesson to another section the caller teaches (progress is recomputed)."""
    require_teacher(course_id)
    data = dict(data)
    if "section" in data:
        target: CourseSection = data.pop("section")
        if not selectors.caller_teaches(target.course_id):
            raise _invalid("section", NOT_YOUR_COURSE, "not_course_instructor")
        data["section_id"] = target.pk
    return _save(lesson, data)


def lesson_delete(*, lesson: CourseLesson, course_id: UUID) -> None:
    require_teacher(course_id)
    CourseLesson.objects.filter(pk=lesson.pk).delete()


def lesson_content_replace(*, lesson: CourseLesson, course_id: UUID, content: dict[str, Any]) -> None:
    """Write the four content columns (the app role may write them, never read them back)."""
    require_teacher(course_id)
    CourseLesson.objects.filter(pk=lesson.pk).update(**content)


def reorder(*, model: type[CourseSection] | type[CourseLesson], parent: dict[str, UUID], course_id: UUID,
            ids: Sequence[UUID]) -> None:
    """``sort_order`` = position in ``ids``, which must name every child of the parent exactly once."""
    require_teacher(course_id)
    children = set(model.objects.filter(**parent).values_list("pk", flat=True))
    if len(ids) != len(set(ids)) or set(ids) != children:
        raise _invalid("ids", ORDER_MISMATCH, "order_mismatch")
    rows = [model(pk=pk, sort_order=position) for position, pk in enumerate(ids)]
    model.objects.bulk_update(rows, ["sort_order"])


# --- enrollments and progress ------------------------------------------------------------------------------


def enrollment_create(*, user: User, course: Course) -> Enrollment:
    """The caller's own enrollment in a free published course (``enrollments_insert_own``), tagged with the
    learner's organization; a dropped enrollment of the same course is re-activated. A paid course answers
    402 ``payment_required``: its enrollment is made by the payment-completion path."""
    if course.status != "published":
        raise LearningError(NOT_ENROLLABLE, code="course_not_published")
    if course.price_amount > 0:
        raise LearningError(PAYMENT_REQUIRED, code="payment_required", status_code=status.HTTP_402_PAYMENT_REQUIRED)
    existing = Enrollment.objects.filter(user_id=user.pk, course_id=course.pk).first()
    if existing is not None:
        if existing.status != "dropped":
            raise LearningError(ALREADY_ENROLLED, code="already_enrolled")
        _save(existing, {"status": "enrolled"})
        existing.refresh_from_db()
        return existing
    enrollment = Enrollment(user_id=user.pk, course_id=course.pk, organization_id=user.organization_id)
    enrollment.save()
    enrollment.refresh_from_db()
    return enrollment


def enrollment_drop(*, enrollment: Enrollment, user: User) -> Enrollment:
    """The student leaves the course (or its instructor, a platform admin removes them). Dropped enrollments
    still count in the course's totals (spec 30 §0.3)."""
    if enrollment.user_id != user.pk and not selectors.caller_teaches(enrollment.course_id):
        raise LearningError(NOT_YOUR_ENROLLMENT, code="not_your_enrollment", status_code=status.HTTP_403_FORBIDDEN)
    if enrollment.status == "dropped":
        raise LearningError(ALREADY_DROPPED, code="already_dropped")
    if enrollment.status == "completed":
        raise LearningError(COMPLETED_ENROLLMENT, code="enrollment_completed")
    _save(enrollment, {"status": "dropped"})
    enrollment.refresh_from_db()
    return enrollment


# One report upserts the lesson's row (services never blind-insert student_progress, spec 20 §0): every report
# marks the lesson accessed now; ``seconds`` adds to the time spent; the other values replace the stored ones
# when given. The database's triggers stamp completed_at, log the activity and roll the enrollment up.
_UPSERT_PROGRESS = """
    INSERT INTO student_progress AS p (enrollment_id, user_id, course_id, lesson_id, is_completed,
                                       completion_percentage, time_spent_seconds, last_position_seconds,
                                       last_accessed_at)
    VALUES (%(enrollment)s, %(user)s, %(course)s, %(lesson)s, COALESCE(%(completed)s, false),
            COALESCE(%(percentage)s, 0), %(seconds)s, %(position)s, now())
    ON CONFLICT (enrollment_id, lesson_id) DO UPDATE SET
        is_completed = COALESCE(%(completed)s, p.is_completed),
        completion_percentage = COALESCE(%(percentage)s, p.completion_percentage),
        time_spent_seconds = p.time_spent_seconds + %(seconds)s,
        last_position_seconds = COALESCE(%(position)s, p.last_position_seconds),
        last_accessed_at = now()
    RETURNING p.id
"""


def progress_report(*, enrollment: Enrollment, user: User, lesson_id: UUID, completed: bool | None = None,
                    seconds_spent: int = 0, completion_percentage: int | None = None,
                    last_position_seconds: int | None = None) -> StudentProgress:
    """Record the caller's progress on one lesson of their enrollment; the enrollment's progress_percentage,
    status and completed_at follow (``update_enrollment_progress_trigger``). Completing a quiz lesson needs
    a passing attempt, an assignment lesson a submission (the database refuses otherwise, 400)."""
    if enrollment.user_id != user.pk:
        raise LearningError(ONLY_THE_STUDENT, code="not_your_enrollment", status_code=status.HTTP_403_FORBIDDEN)
    if enrollment.status == "dropped" or not selectors.caller_is_enrolled(enrollment.course_id):
        raise LearningError(INACTIVE_ENROLLMENT, code="enrollment_inactive")
    if not CourseLesson.objects.filter(pk=lesson_id, section__course_id=enrollment.course_id).exists():
        raise _invalid("lesson", NOT_A_LESSON_OF_THE_COURSE, "lesson_not_in_course")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_UPSERT_PROGRESS, {
            "enrollment": enrollment.pk, "user": user.pk, "course": enrollment.course_id, "lesson": lesson_id,
            "completed": completed, "percentage": completion_percentage, "seconds": seconds_spent,
            "position": last_position_seconds,
        })
        (progress_id,) = cursor.fetchone()
    enrollment.refresh_from_db()
    return StudentProgress.objects.get(pk=progress_id)
