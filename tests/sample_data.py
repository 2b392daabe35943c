"""One valid row in every contract table, written through the ORM (admin and schema tests use it)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from assessments.models import Assessment, AssessmentResponse
from instructors.models import (
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
from notifications.models import Notification, StudentPresence
from organizations.models import Organization, Team, TeamMember, User, UserRoleGrant
from payments.models import Certificate, Payment, RevenueTransaction
from talent.models import Consultation, EngagementRequest, TalentProfile
from workshops.models import Workshop, WorkshopFeedback, WorkshopRegistration

PASSWORD = "sample-Password-42"


def build_one_of_each(prefix: str = "s") -> dict[str, Any]:
    now = timezone.now()
    rows: dict[str, Any] = {}
    org = rows["organization"] = Organization.objects.create(name=f"{prefix} Org", slug=f"{prefix}-org")
    team = rows["team"] = Team.objects.create(organization=org, name="Team")
    instructor = rows["instructor"] = User.objects.create_user(
        f"{prefix}-teacher@example.com", PASSWORD, full_name="Teacher", organization=org)
    student = rows["student"] = User.objects.create_user(
        f"{prefix}-student@example.com", PASSWORD, full_name="Student", organization=org)
    rows["team_member"] = TeamMember.objects.create(team=team, user=student)
    rows["user_role"] = UserRoleGrant.objects.create(user=instructor, role="instructor")

    rows["instructor_profile"] = InstructorProfile.objects.create(user=instructor, professional_title="Coach")
    rows["instructor_settings"] = InstructorSettings.objects.create(user=instructor)
    course = rows["course"] = Course.objects.create(
        title="Course", slug=f"{prefix}-course", pillar="coaching", instructor=instructor, organization=org)
    section = rows["course_section"] = CourseSection.objects.create(course=course, title="Section")
    lesson = rows["course_lesson"] = CourseLesson.objects.create(
        section=section, title="Lesson", content_type="video")
    enrollment = rows["enrollment"] = Enrollment.objects.create(user=student, course=course, organization=org)
    # auto_create_student_progress (spec 30 §2.1) may already have made this row: services upsert it.
    rows["student_progress"] = StudentProgress.objects.get_or_create(
        enrollment=enrollment, lesson=lesson, defaults={"user": student, "course": course})[0]
    rows["student_activity"] = StudentActivity.objects.create(
        instructor=instructor, student=student, course=course, activity_type="enrolled", activity_title="Enrolled")
    rows["course_review"] = CourseReview.objects.create(course=course, user=student, enrollment=enrollment, rating=5)
    rows["quiz_attempt"] = QuizAttempt.objects.create(
        user=student, course=course, lesson=lesson, score=8, max_score=10)
    rows["assignment_submission"] = AssignmentSubmission.objects.create(
        user=student, course=course, lesson=lesson, submission_text="Done")

    workshop = rows["workshop"] = Workshop.objects.create(
        instructor=instructor, organization=org, title="Workshop", slug=f"{prefix}-workshop", pillar="coaching",
        level="beginner", start_time=now + timedelta(days=7), end_time=now + timedelta(days=7, hours=2),
        duration_minutes=120, capacity_total=10)
    registration = rows["workshop_registration"] = WorkshopRegistration.objects.create(
        workshop=workshop, user=student, price_paid=Decimal("0.00"), status="attended")
    # bulk_create skips save(), which leaves workshop/user to the trigger that derives them from the
    # registration (spec 50); this row must be valid before that trigger exists too.
    rows["workshop_feedback"] = WorkshopFeedback.objects.bulk_create([WorkshopFeedback(
        workshop=workshop, user=student, registration=registration, overall_satisfaction=5)])[0]

    assessment = rows["assessment"] = Assessment.objects.create(user=student, organization=org)
    rows["assessment_response"] = AssessmentResponse.objects.create(
        assessment=assessment, question_id="q1", dimension="individual", answer_value=4)

    expert = rows["expert"] = User.objects.create_user(f"{prefix}-expert@example.com", PASSWORD, full_name="Expert")
    rows["talent_profile"] = TalentProfile.objects.create(
        user=expert, tagline="Change leadership coach", bio="Twenty years of helping teams adapt to change.",
        years_experience=20, hourly_rate=Decimal("150.00"))
    engagement = rows["engagement_request"] = EngagementRequest.objects.create(
        client=student, expert=expert, focus_area="Leadership", hours_total=10, hourly_rate=Decimal("150.00"))
    rows["consultation"] = Consultation.objects.create(
        user=student, expert=expert, pillar="coaching", scheduled_start=now + timedelta(days=3),
        scheduled_end=now + timedelta(days=3, hours=1), engagement_request=engagement)

    rows["payment"] = Payment.objects.create(
        user=student, amount=Decimal("49.00"), provider="stripe", transaction_id=f"pi_{prefix}", payment_type="course",
        course=course)
    rows["certificate"] = Certificate.objects.create(
        user=student, certificate_type="course", title="Course certificate", course=course,
        certificate_number=f"CERT-{prefix}", issuer_name="HumanGlue")
    rows["revenue_transaction"] = RevenueTransaction.objects.create(
        instructor=instructor, student=student, course=course, transaction_type="course_enrollment",
        amount=Decimal("49.00"), platform_fee_amount=Decimal("9.80"), instructor_earnings=Decimal("39.20"))

    # trigger_notify_new_enrollment (spec 40) already wrote the instructor's enrollment notification.
    rows["notification"] = Notification.objects.get_or_create(
        user=instructor, type="enrollment", defaults={"title": "New", "message": "A student enrolled"})[0]
    rows["student_presence"] = StudentPresence.objects.create(user=student, course=course)
    return rows
