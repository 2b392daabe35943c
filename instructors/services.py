"""Writes of the instructors domain that carry business rules (keyword-only arguments).

Every write runs under the caller's rights: the policies and guard triggers of spec 20 are the rules,
these services only add the checks that turn a refusal into a clear answer (who may do what, which
state allows it) and the values the server decides (attempt numbers, which enrollment a review
belongs to).
"""

from __future__ import annotations

# --- Reviews, quizzes, assignments ---
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import IntegrityError, connection, transaction
from django.db.models import Max

from humanglue.db.errors import classify

from .models import AssignmentSubmission, CourseLesson, CourseReview, Enrollment, QuizAttempt

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


class LearningRefused(Exception):
    """A learning write was refused; ``status`` is the HTTP status, ``code`` stable, ``message`` for people."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


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
