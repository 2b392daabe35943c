"""Instructor profiles and settings, courses and their structure, enrollments and learning records (spec 20).

Every table has a UUID key and timestamps with database defaults, so rows that SQL functions and
triggers insert (student_progress, student_activity) are valid without Django. ON DELETE actions live
in the database (``humanglue.db.operations.SetOnDelete``); Django's side is ``DO_NOTHING``. The
composite FKs that tie student_progress and course_reviews to their enrollment's user and course are
in ``sql/composite_fks.sql`` (Django cannot express multi-column FKs).

The models are split by topic: ``profiles`` (instructor_profiles, instructor_settings), ``courses``
(courses, course_sections, course_lessons), ``enrollments`` (enrollments, student_progress,
student_activity), ``reviews`` (course_reviews) and ``coursework`` (quiz_attempts,
assignment_submissions). Every name is re-exported here, so ``instructors.models.X`` keeps working
(landed migrations refer to it).
"""

# Imported in table order: the app registry lists the models in import order, as before the split.
# isort: off
from .profiles import (
    EMAIL_NOTIFICATION_DEFAULTS,
    EMPTY_PILLAR_ARRAY,
    PUSH_NOTIFICATION_DEFAULTS,
    CalendarProvider,
    InstructorProfile,
    InstructorSettings,
    PaymentMethod,
    default_email_notifications,
    default_push_notifications,
)
from .courses import Course, CourseLesson, CourseSection
from .enrollments import Enrollment, StudentActivity, StudentProgress
from .reviews import CourseReview
from .coursework import AssignmentSubmission, QuizAttempt, SubmissionStatus
# isort: on

__all__ = [
    "DB_ON_DELETE",
    "EMAIL_NOTIFICATION_DEFAULTS",
    "EMPTY_PILLAR_ARRAY",
    "PUSH_NOTIFICATION_DEFAULTS",
    "AssignmentSubmission",
    "CalendarProvider",
    "Course",
    "CourseLesson",
    "CourseReview",
    "CourseSection",
    "Enrollment",
    "InstructorProfile",
    "InstructorSettings",
    "PaymentMethod",
    "QuizAttempt",
    "StudentActivity",
    "StudentProgress",
    "SubmissionStatus",
    "default_email_notifications",
    "default_push_notifications",
]

# The ON DELETE action the database performs for every FK of this app (spec 20), as
# "<model>.<field>": action. Migrations apply them with humanglue.db.operations.SetOnDelete.
DB_ON_DELETE = {
    "instructorprofile.user": "CASCADE",
    "instructorsettings.user": "CASCADE",
    "course.instructor": "SET NULL",
    "course.organization": "CASCADE",
    "coursesection.course": "CASCADE",
    "courselesson.section": "CASCADE",
    "enrollment.organization": "SET NULL",
    "enrollment.user": "CASCADE",
    "enrollment.course": "CASCADE",
    "enrollment.last_accessed_lesson": "SET NULL",
    "studentprogress.enrollment": "CASCADE",
    "studentprogress.user": "CASCADE",
    "studentprogress.course": "CASCADE",
    "studentprogress.lesson": "CASCADE",
    "studentactivity.instructor": "CASCADE",
    "studentactivity.student": "CASCADE",
    "studentactivity.course": "CASCADE",
    "studentactivity.workshop": "CASCADE",
    "studentactivity.lesson": "CASCADE",
    "coursereview.course": "CASCADE",
    "coursereview.user": "CASCADE",
    "coursereview.enrollment": "CASCADE",
    "quizattempt.user": "CASCADE",
    "quizattempt.course": "CASCADE",
    "quizattempt.lesson": "CASCADE",
    "assignmentsubmission.user": "CASCADE",
    "assignmentsubmission.course": "CASCADE",
    "assignmentsubmission.lesson": "CASCADE",
    "assignmentsubmission.graded_by": "SET NULL",
}
