"""Writes of the learning domain that carry business rules (keyword-only arguments).

Everything runs under the caller's rights: RLS and the column guards decide, these functions only check
first what they can explain better than a bare refusal (who may write, which transition is legal, which
state allows it), save exactly the columns they change, add the values the server decides (attempt
numbers, which enrollment a review belongs to) and read the trigger-maintained columns back. Paid
enrollments are not created here: the payment-completion path does that in the system context
(spec 30 §9, conventions §8).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from rest_framework import exceptions, status

from humanglue.db.errors import classify
from organizations.models import User

from . import selectors
from .models import (
    AssignmentSubmission,
    Course,
    CourseLesson,
    CourseReview,
    CourseSection,
    Enrollment,
    QuizAttempt,
    StudentProgress,
)

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


# --- Reviews, quizzes, assignments ---

# Error codes, stable: the API returns them as the error's ``code``.
NOT_ENROLLED = "not_enrolled"
COURSE_NOT_COMPLETED = "course_not_completed"
REVIEW_EXISTS = "review_exists"
NOT_REVIEW_AUTHOR = "not_review_author"
REVIEW_DELETE_FORBIDDEN = "review_delete_forbidden"
NOT_COURSE_INSTRUCTOR = "not_course_instructor"
NOT_A_QUIZ = "not_a_quiz"
ATTEMPT_CONFLICT = "attempt_conflict"
NOT_AN_ASSIGNMENT = "not_an_assignment"
NOT_SUBMITTER = "not_submitter"
SUBMISSION_LOCKED = "submission_locked"
SUBMISSION_NOT_SUBMITTED = "submission_not_submitted"
EMPTY_SUBMISSION = "empty_submission"

REVIEW_UNIQUE = "course_reviews_course_id_user_id_key"
ATTEMPT_UNIQUE = "quiz_attempts_user_id_course_id_lesson_id_attempt_number_key"
# What a student may still edit (assignment_submissions_update_own's USING clause).
STUDENT_EDITABLE = ("draft", "submitted", "returned", "resubmitted")


class LearningRefused(LearningError):
    """``LearningError`` with the status first, as the grading services raise it."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message, code=code, status_code=status)


def _ask(question: str, *args: object) -> bool:
    """The answer of one of the app.* rule helpers the policies use, for the current caller."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {question}", [str(a) for a in args])
        return bool(cursor.fetchone()[0])


def may_grade(course_id: UUID) -> bool:
    """Whether the caller is the course's instructor or a platform admin (graders and repliers)."""
    return _ask("app.is_instructor_of_course(%s) OR app.is_platform_admin()", course_id)


def _is_enrolled(course_id: UUID) -> bool:
    """Actively enrolled (not dropped, not expired): the condition of the quiz and submission INSERT policies."""
    return _ask("app.is_enrolled_in_course(%s)", course_id)


def _is_platform_admin() -> bool:
    return _ask("app.is_platform_admin()")


def lesson_course_id(lesson: CourseLesson) -> UUID:
    return CourseLesson.objects.filter(pk=lesson.pk).values_list("section__course_id", flat=True).get()


def _unique_violation(error: IntegrityError, constraint: str) -> bool:
    refusal = classify(error)
    return refusal is not None and refusal.code == constraint


def review_create(*, user_id: UUID, course_id: UUID, rating: int, title: str | None = None,
                  review_text: str | None = None, content_quality_rating: int | None = None,
                  instructor_rating: int | None = None, value_rating: int | None = None) -> CourseReview:
    """The caller's review of a course they completed; one per student and course (409 on a second)."""
    enrollment = Enrollment.objects.filter(user_id=user_id, course_id=course_id).only("id", "status").first()
    if enrollment is None:
        raise LearningRefused(403, NOT_ENROLLED, "Only a student enrolled in this course may review it.")
    if enrollment.status != "completed":
        # course_reviews_insert_own would refuse too; this says why.
        raise LearningRefused(403, COURSE_NOT_COMPLETED, "A course is reviewed once it is completed.")
    try:
        with transaction.atomic():
            review = CourseReview.objects.create(
                course_id=course_id, user_id=user_id, enrollment_id=enrollment.pk, rating=rating, title=title,
                review_text=review_text, content_quality_rating=content_quality_rating,
                instructor_rating=instructor_rating, value_rating=value_rating)
    except IntegrityError as error:
        if _unique_violation(error, REVIEW_UNIQUE):
            raise LearningRefused(409, REVIEW_EXISTS, "You have already reviewed this course; edit that review.") \
                from error
        raise
    review.refresh_from_db()
    return review


def review_update(*, review: CourseReview, user_id: UUID, changes: Mapping[str, Any]) -> CourseReview:
    """The author's (or a platform admin's) change of a review's rating and text."""
    if review.user_id != user_id and not _is_platform_admin():
        raise LearningRefused(403, NOT_REVIEW_AUTHOR, "Only the author may change a review.")
    if changes:
        CourseReview.objects.filter(pk=review.pk).update(**changes)
    review.refresh_from_db()
    return review


def review_respond(*, review: CourseReview, response: str | None) -> CourseReview:
    """The course instructor's (or a platform admin's) public reply; the guard stamps its time."""
    if not may_grade(review.course_id):
        raise LearningRefused(403, NOT_COURSE_INSTRUCTOR, "Only the course's instructor may reply to a review.")
    CourseReview.objects.filter(pk=review.pk).update(instructor_response=response)
    review.refresh_from_db()
    return review


def review_delete(*, review: CourseReview) -> None:
    """Delete a review: moderation, a platform admin's right only (course_reviews has no other DELETE policy)."""
    deleted, _ = CourseReview.objects.filter(pk=review.pk).delete()
    if not deleted:
        raise LearningRefused(403, REVIEW_DELETE_FORBIDDEN,
                              "Only a platform admin may delete a review; its author may edit it.")


def quiz_attempt_submit(*, user_id: UUID, lesson: CourseLesson, answers: Any, time_spent_seconds: int = 0
                        ) -> QuizAttempt:
    """Record the caller's next attempt at a quiz lesson. The database grades it (guard_quiz_attempts_columns):
    score, max_score, passed and completed_at are the server's, whatever a client could send."""
    if lesson.content_type != "quiz":
        raise LearningRefused(400, NOT_A_QUIZ, "This lesson is not a quiz.")
    course_id = lesson_course_id(lesson)
    if not _is_enrolled(course_id):
        raise LearningRefused(403, NOT_ENROLLED, "Only a student enrolled in this course may take its quizzes.")
    last = QuizAttempt.objects.filter(user_id=user_id, course_id=course_id, lesson_id=lesson.pk).aggregate(
        n=Max("attempt_number"))["n"] or 0
    try:
        with transaction.atomic():
            # score and max_score are placeholders for the NOT NULL columns: the trigger replaces them.
            attempt = QuizAttempt.objects.create(
                user_id=user_id, course_id=course_id, lesson_id=lesson.pk, quiz_data={"answers": answers},
                score=Decimal("0"), max_score=Decimal("1"), attempt_number=last + 1,
                time_spent_seconds=time_spent_seconds)
    except IntegrityError as error:
        if _unique_violation(error, ATTEMPT_UNIQUE):  # a concurrent attempt took the same number
            raise LearningRefused(409, ATTEMPT_CONFLICT, "Another attempt was recorded at the same time; retry.") \
                from error
        raise
    attempt.refresh_from_db()
    return attempt


def submission_create(*, user_id: UUID, lesson: CourseLesson, submission_text: str | None = None,
                      submission_url: str | None = None, attachments: list[str] | None = None,
                      draft: bool = False) -> AssignmentSubmission:
    """The caller's submission (or draft) for an assignment lesson of a course they are enrolled in."""
    if lesson.content_type != "assignment":
        raise LearningRefused(400, NOT_AN_ASSIGNMENT, "This lesson is not an assignment.")
    if not draft and not (submission_text or submission_url or attachments):
        raise LearningRefused(400, EMPTY_SUBMISSION, "Submit a text, a link or attachments (or save a draft).")
    course_id = lesson_course_id(lesson)
    if not _is_enrolled(course_id):
        raise LearningRefused(403, NOT_ENROLLED, "Only a student enrolled in this course may submit its assignments.")
    submission = AssignmentSubmission.objects.create(
        user_id=user_id, course_id=course_id, lesson_id=lesson.pk, submission_text=submission_text,
        submission_url=submission_url, attachments=attachments or [], status="draft" if draft else "submitted")
    submission.refresh_from_db()
    return submission


def submission_update(*, submission: AssignmentSubmission, user_id: UUID, changes: Mapping[str, Any],
                      submit: bool = False) -> AssignmentSubmission:
    """The submitter's change of their work. A draft stays a draft until ``submit``; work the instructor
    returned becomes 'resubmitted'; work under review or graded is locked."""
    if submission.user_id != user_id:
        raise LearningRefused(403, NOT_SUBMITTER, "Only the submitter may change the submitted work.")
    if submission.status not in STUDENT_EDITABLE:
        raise LearningRefused(409, SUBMISSION_LOCKED, f"A submission that is {submission.status} cannot change.")
    values = dict(changes)
    if submission.status == "draft" and submit:
        values["status"] = "submitted"
    elif submission.status == "returned":
        values["status"] = "resubmitted"
    final = {"submission_text": submission.submission_text, "submission_url": submission.submission_url,
             "attachments": submission.attachments, **values}
    if values.get("status", submission.status) != "draft" and not (
            final["submission_text"] or final["submission_url"] or final["attachments"]):
        raise LearningRefused(400, EMPTY_SUBMISSION, "Submit a text, a link or attachments.")
    if values:
        AssignmentSubmission.objects.filter(pk=submission.pk).update(**values)
    submission.refresh_from_db()
    return submission


def submission_grade(*, submission: AssignmentSubmission, grade: Decimal | None = None, feedback: str | None = None,
                     status: str = "graded") -> AssignmentSubmission:
    """The course instructor's (or a platform admin's) decision; the guard stamps graded_by and graded_at.
    ``status`` is 'graded' (with a grade), 'returned' (for rework) or 'under_review'; a grade or feedback that
    is not given stays as it was."""
    if not may_grade(submission.course_id):
        raise LearningRefused(403, NOT_COURSE_INSTRUCTOR, "Only the course's instructor may grade this submission.")
    if submission.status == "draft":
        raise LearningRefused(409, SUBMISSION_NOT_SUBMITTED, "A draft is graded once it is submitted.")
    values: dict[str, Any] = {"status": status}
    if grade is not None:
        values["grade"] = grade
    if feedback is not None:
        values["feedback"] = feedback
    AssignmentSubmission.objects.filter(pk=submission.pk).update(**values)
    submission.refresh_from_db()
    return submission
