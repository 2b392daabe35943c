"""The 16 PostgreSQL enum types of the contract (spec 10 §1), as TextChoices with the same values.

The database types are created by ``sql/0001_enums.sql``; a test checks both against
``spec/contract.json``. Declaration order is the database's sort order.
"""

from django.db import models


class UserRole(models.TextChoices):
    ADMIN = "admin"
    ORG_ADMIN = "org_admin"
    TEAM_LEAD = "team_lead"
    MEMBER = "member"


class AssessmentStatus(models.TextChoices):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ARCHIVED = "archived"


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "enrolled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DROPPED = "dropped"


class WorkshopStatus(models.TextChoices):
    DRAFT = "draft"
    PUBLISHED = "published"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    ATTENDED = "attended"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class ConsultationStatus(models.TextChoices):
    REQUESTED = "requested"
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class PaymentStatus(models.TextChoices):
    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"
    REFUNDED = "refunded"


class ContentType(models.TextChoices):
    """Kept because the contract has exactly 16 enums; no column uses it (lessons use LessonType)."""

    VIDEO = "video"
    ARTICLE = "article"
    QUIZ = "quiz"
    ASSIGNMENT = "assignment"
    RESOURCE = "resource"


class AiPillar(models.TextChoices):
    ADAPTABILITY = "adaptability"
    COACHING = "coaching"
    MARKETPLACE = "marketplace"


class CourseStatus(models.TextChoices):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class CourseDifficulty(models.TextChoices):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class LessonType(models.TextChoices):
    VIDEO = "video"
    ARTICLE = "article"
    QUIZ = "quiz"
    ASSIGNMENT = "assignment"
    LIVE_SESSION = "live_session"


class WorkshopType(models.TextChoices):
    ONLINE = "online"
    IN_PERSON = "in_person"
    HYBRID = "hybrid"


class ActivityType(models.TextChoices):
    ENROLLED = "enrolled"
    LESSON_STARTED = "lesson_started"
    LESSON_COMPLETED = "lesson_completed"
    QUIZ_PASSED = "quiz_passed"
    QUIZ_FAILED = "quiz_failed"
    ASSIGNMENT_SUBMITTED = "assignment_submitted"
    COURSE_COMPLETED = "course_completed"
    WORKSHOP_REGISTERED = "workshop_registered"
    WORKSHOP_ATTENDED = "workshop_attended"
    CERTIFICATE_EARNED = "certificate_earned"
    COMMENT_POSTED = "comment_posted"
    QUESTION_ASKED = "question_asked"


class TransactionType(models.TextChoices):
    COURSE_ENROLLMENT = "course_enrollment"
    WORKSHOP_REGISTRATION = "workshop_registration"
    CONSULTATION = "consultation"
    REFUND = "refund"


class PayoutSchedule(models.TextChoices):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


# PostgreSQL type name -> choices class, in the order the types are created.
ENUM_TYPES: dict[str, type[models.TextChoices]] = {
    "user_role": UserRole,
    "assessment_status": AssessmentStatus,
    "enrollment_status": EnrollmentStatus,
    "workshop_status": WorkshopStatus,
    "registration_status": RegistrationStatus,
    "consultation_status": ConsultationStatus,
    "payment_status": PaymentStatus,
    "content_type": ContentType,
    "ai_pillar": AiPillar,
    "course_status": CourseStatus,
    "course_difficulty": CourseDifficulty,
    "lesson_type": LessonType,
    "workshop_type": WorkshopType,
    "activity_type": ActivityType,
    "transaction_type": TransactionType,
    "payout_schedule": PayoutSchedule,
}
