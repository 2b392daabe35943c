"""The small demo data set of ``python manage.py seed`` (about 290 rows in the 29 contract tables).

Two organizations (Acme, Globex) with teams and members, three instructors with courses, sections and
lessons, students at different stages, workshops (one full with a waitlist), assessments, four experts
(two independent, one in each organization) with engagements and consultations, payments (completed,
pending, failed, refunded), certificates, notifications and presence. Every role of the leak matrix has
a login: platform admin, the two org admins, an instructor, a student and a plain member per
organization, the experts, and an outsider who belongs to no organization and owns nothing (anonymous
needs no account).

How it is written:
- As the owner (no security context): the seed is an operator command (conventions §1).
- Through the ORM and the payments services, so the database's triggers produce what they own:
  per-lesson progress rows and the progress roll-up, course and workshop counters, seats and the
  waitlist, ratings, engagement hours, revenue rows and item totals, payment mirrors, activity and the
  instructors' notifications. No counter, mirror, revenue row or trigger notification is written here.
  Activity types and notification types that no trigger produces are inserted directly, as an API
  endpoint or a job would.
- Stable keys: every row the seed inserts has ``uuid5(SEED_NAMESPACE, <readable key>)`` as its id, or
  is found by its natural unique key (e-mail, slug, (user, course), transaction id...). A row that
  already exists is left alone, and the follow-up steps of a row (progress, payment completion,
  grading...) run only in the run that created it. The whole seed is one transaction.
- Two tenants in every private table: every table whose rows belong to users (each of its owner columns:
  user, student, client, expert, instructor...) has rows of an Acme user and of a Globex user, so that a
  leak test on the seed can see a row cross the tenant wall (tests/humanglue/test_seed.py derives the
  tables from the models).
- Coverage: every value of every enum that a column uses appears (the ``content_type`` enum has no
  column, so it has nothing to cover); all 12 ``activity_type`` values, all 4 ``transaction_type``
  values (course, workshop, consultation and engagement payments, two refunds) and the 3 payout
  schedules.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TextIO

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from assessments.models import Assessment, AssessmentResponse
from humanglue.contract import load_contract
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
from payments.models import Certificate, Payment
from payments.services import payment_complete, payment_fail, payment_refund
from talent.models import Consultation, EngagementRequest, TalentProfile
from workshops.models import Workshop, WorkshopFeedback, WorkshopRegistration

SEED_NAMESPACE = uuid.UUID("6f1c9a52-3b7e-5d4a-9c11-4e5b8f2a7d30")
DEMO_PASSWORD = "HumanGlue-demo-2025"

# (what the login shows, e-mail): printed by the command and listed in the README.
DEMO_LOGINS: tuple[tuple[str, str], ...] = (
    ("platform admin", "admin@humanglue.example"),
    ("org admin, Acme", "olivia.grant@acme.example"),
    ("org admin, Globex", "marcus.webb@globex.example"),
    ("instructor, Acme", "maya.chen@acme.example"),
    ("instructor, Globex", "leo.park@globex.example"),
    ("instructor, independent", "sam.rivera@humanglue.example"),
    ("student, Acme", "alice.kim@acme.example"),
    ("student, Globex", "chloe.dubois@globex.example"),
    ("member, Acme", "nina.alvarez@acme.example"),
    ("member, Globex", "omar.haddad@globex.example"),
    ("expert", "ava.johnson@humanglue.example"),
    ("outsider (no organization)", "outsider@humanglue.example"),
)


def sid(key: str) -> uuid.UUID:
    """The seed's stable id for ``key``."""
    return uuid.uuid5(SEED_NAMESPACE, key)


def contract_tables() -> list[str]:
    return sorted(load_contract()["tables"])


def table_counts() -> dict[str, int]:
    """Rows per contract table (as the owner: row-level security does not apply)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in contract_tables():
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def seed_small(stdout: TextIO) -> dict[str, int]:
    """Write the small data set where it is missing; return the rows created per contract table.

    The count includes the rows the triggers wrote (progress, activity, revenue, notifications). A
    second run creates nothing and returns zeros.
    """
    with transaction.atomic():
        before = table_counts()
        _Seed(stdout).run()
        after = table_counts()
    return {table: after[table] - before[table] for table in before}


Fields = dict[str, Any]


class _Seed:
    def __init__(self, stdout: TextIO) -> None:
        self.out = stdout
        self.now = timezone.now().replace(minute=0, second=0, microsecond=0)
        self._password_hash: str | None = None
        self.users: dict[str, User] = {}
        self.names: dict[uuid.UUID, str] = {}  # user id -> the seed's name for the user (readable keys)
        self.orgs: dict[str, Organization] = {}
        self.courses: dict[str, Course] = {}
        self.lessons: dict[str, CourseLesson] = {}
        self.workshops: dict[str, Workshop] = {}

    # --- primitives --------------------------------------------------------------------------------

    def row(self, model: type[models.Model], key: str, natural: Fields | None = None,
            **fields: Any) -> tuple[Any, bool]:
        """The row with id ``sid(key)`` (or the given natural key); inserted with ``fields`` when missing."""
        pk = sid(key)
        existing = model._default_manager.filter(pk=pk).first()
        if existing is None and natural:
            existing = model._default_manager.filter(**natural).first()
        if existing is not None:
            return existing, False
        obj = model(pk=pk, **(natural or {}), **fields)
        obj.save(force_insert=True)
        return obj, True

    def at(self, days: float, hour: int | None = None) -> datetime:
        moment = self.now + timedelta(days=days)
        return moment.replace(hour=hour) if hour is not None else moment

    def say(self, text: str) -> None:
        self.out.write(f"  {text}\n")

    # --- the data set ------------------------------------------------------------------------------

    def run(self) -> None:
        self.say("organizations, people, teams and role grants")
        self.people()
        self.say("instructors, courses, sections and lessons")
        self.catalog()
        self.say("enrollments, progress, quizzes, assignments and reviews")
        self.learning()
        self.say("workshops, registrations and feedback")
        self.workshop_events()
        self.say("assessments")
        self.assessment_attempts()
        self.say("talent marketplace: profiles, engagements and consultations")
        self.marketplace()
        self.say("subscription payment and certificates")
        self.billing()
        self.say("activity, notifications and presence")
        self.timeline()

    # --- organizations and people ------------------------------------------------------------------

    def people(self) -> None:
        self.orgs["acme"], _ = self.row(
            Organization, "org:acme", natural={"slug": "acme"}, name="Acme Corporation",
            website="https://acme.example", industry="Manufacturing", company_size="1000+",
            subscription_tier="enterprise", max_users=-1, max_teams=-1, settings={"billing_cycle": "annual"},
        )
        self.orgs["globex"], _ = self.row(
            Organization, "org:globex", natural={"slug": "globex"}, name="Globex Logistics",
            website="https://globex.example", industry="Logistics", company_size="201-500",
            subscription_tier="growth", subscription_status="trialing", max_users=50, max_teams=5,
            subscription_expires_at=self.at(30),
        )
        acme, globex = self.orgs["acme"], self.orgs["globex"]
        people: list[tuple[str, str, str, Organization | None, Fields]] = [
            ("admin", "admin@humanglue.example", "Priya Raman", None,
             {"role": "admin", "is_staff": True, "is_superuser": True, "job_title": "Platform operations"}),
            ("acme_admin", "olivia.grant@acme.example", "Olivia Grant", acme,
             {"role": "org_admin", "job_title": "Head of People"}),
            ("globex_admin", "marcus.webb@globex.example", "Marcus Webb", globex,
             {"role": "org_admin", "job_title": "COO"}),
            ("acme_lead", "tom.lee@acme.example", "Tom Lee", acme,
             {"role": "team_lead", "job_title": "Engineering Manager", "department": "Engineering"}),
            ("acme_member", "nina.alvarez@acme.example", "Nina Alvarez", acme, {"department": "People"}),
            ("globex_member", "omar.haddad@globex.example", "Omar Haddad", globex, {"department": "Sales"}),
            ("alice", "alice.kim@acme.example", "Alice Kim", acme,
             {"job_title": "Product Manager", "department": "Engineering", "onboarding_completed": True}),
            ("ben", "ben.ortiz@acme.example", "Ben Ortiz", acme, {"job_title": "Platform Engineer"}),
            ("chloe", "chloe.dubois@globex.example", "Chloe Dubois", globex,
             {"job_title": "Account Executive", "language": "fr", "timezone": "Europe/Paris"}),
            ("diego", "diego.santos@globex.example", "Diego Santos", globex, {"job_title": "Dispatcher"}),
            ("emma", "emma.wilson@humanglue.example", "Emma Wilson", None,
             {"company_name": "Wilson Studio", "job_title": "Founder"}),
            ("maya", "maya.chen@acme.example", "Dr. Maya Chen", acme, {"job_title": "Organizational psychologist"}),
            ("leo", "leo.park@globex.example", "Leo Park", globex, {"job_title": "Strategy lead"}),
            ("sam", "sam.rivera@humanglue.example", "Sam Rivera", None, {"company_name": "Rivera Coaching"}),
            ("ava", "ava.johnson@humanglue.example", "Ava Johnson", None, {"company_name": "Johnson Advisory"}),
            ("noah", "noah.patel@humanglue.example", "Noah Patel", None, {"timezone": "Asia/Kolkata"}),
            # Experts employed by the two organizations (internal coaches), so expert-side rows exist per tenant.
            ("grace", "grace.obi@acme.example", "Grace Obi", acme,
             {"job_title": "Internal agile coach", "department": "People"}),
            ("hugo", "hugo.brandt@globex.example", "Hugo Brandt", globex, {"job_title": "Operations excellence lead"}),
            ("outsider", "outsider@humanglue.example", "Owen Stone", None, {}),
        ]
        for name, email, full_name, org, extra in people:
            self.users[name] = self.user(email, full_name, org, **extra)
            self.names[self.users[name].pk] = name
        u = self.users
        Organization.objects.filter(pk=acme.pk, primary_contact__isnull=True).update(primary_contact=u["acme_admin"])
        Organization.objects.filter(pk=globex.pk, primary_contact__isnull=True).update(
            primary_contact=u["globex_admin"]
        )

        grants = [
            ("admin", "super_admin_full", None), ("acme_admin", "org_admin", acme),
            ("globex_admin", "org_admin", globex), ("acme_lead", "team_lead", acme),
            ("maya", "instructor", None), ("leo", "instructor", None), ("sam", "instructor", None),
            ("ava", "expert", None), ("noah", "expert", None), ("grace", "expert", None), ("hugo", "expert", None),
            ("emma", "client", None),
            ("diego", "member", acme),  # a second organization through an org-scoped grant
        ]
        for name, role, org in grants:
            self.row(UserRoleGrant, f"grant:{name}:{role}:{org.slug if org else '-'}",
                     natural={"user": u[name], "role": role, "organization": org}, granted_by=u["admin"])

        teams = {
            "engineering": (acme, "Engineering", None), "platform": (acme, "Platform", "engineering"),
            "people": (acme, "People & Culture", None), "sales": (globex, "Sales", None),
            "operations": (globex, "Operations", None),
        }
        team_rows: dict[str, Team] = {}
        for key, (org, name, parent) in teams.items():
            team_rows[key], _ = self.row(
                Team, f"team:{key}", natural={"organization": org, "name": name},
                parent_team=team_rows.get(parent) if parent else None, description=f"{name} at {org.name}",
            )
        memberships = [
            ("engineering", "acme_lead", "team_lead"), ("engineering", "alice", "member"),
            ("platform", "ben", "member"), ("people", "acme_member", "member"), ("people", "acme_admin", "team_lead"),
            ("sales", "chloe", "team_lead"), ("sales", "globex_member", "member"),
            ("operations", "diego", "member"),
        ]
        for team, name, role in memberships:
            self.row(TeamMember, f"team_member:{team}:{name}", natural={"team": team_rows[team], "user": u[name]},
                     role=role)

    def user(self, email: str, full_name: str, org: Organization | None, **extra: Any) -> User:
        pk = sid(f"user:{email}")
        existing = User.objects.filter(pk=pk).first() or User.objects.filter(email=email).first()
        if existing is not None:
            return existing
        if self._password_hash is None:
            self._password_hash = make_password(DEMO_PASSWORD)
        user = User(id=pk, email=email, full_name=full_name, organization=org, email_verified=True,
                    password=self._password_hash, **extra)
        user.save(force_insert=True)
        return user

    # --- instructors and the catalog ---------------------------------------------------------------

    def catalog(self) -> None:
        u = self.users
        instructors = {
            "maya": ("Organizational psychologist and change coach", ["adaptability", "coaching"], True, "weekly",
                     "stripe"),
            "leo": ("AI strategy and marketplace design", ["marketplace"], False, "biweekly", "paypal"),
            "sam": ("Executive coach for resilient teams", ["coaching", "adaptability"], False, "monthly",
                    "bank_transfer"),
        }
        for name, (title, pillars, featured, schedule, method) in instructors.items():
            self.row(
                InstructorProfile, f"instructor_profile:{name}", natural={"user": u[name]},
                professional_title=title, tagline=f"{title.split(' and ')[0]}.", pillars=pillars,
                bio=(f"{u[name].full_name} has spent over a decade helping teams change how they work, "
                     "with programmes used by companies on three continents."),
                expertise_tags=["change management", "leadership", *pillars], is_verified=True, is_featured=featured,
                social_links={"linkedin": f"https://www.linkedin.example/in/{name}"},
            )
            self.row(InstructorSettings, f"instructor_settings:{name}", natural={"user": u[name]},
                     payout_schedule=schedule, payment_method=method, minimum_payout_amount=Decimal("50.00"),
                     show_revenue_stats=featured)

        acme, globex = self.orgs["acme"], self.orgs["globex"]
        courses = {
            # slug: (title, instructor, org, status, level, pillar, price, lessons per section)
            "leading-through-change": ("Leading Through Change", "maya", acme, "published", "intermediate",
                                       "adaptability", "99.00", [["video", "article"], ["quiz", "assignment",
                                                                                        "live_session"]]),
            "coaching-fundamentals": ("Coaching Fundamentals", "maya", None, "published", "beginner", "coaching",
                                      "0.00", [["video", "article", "quiz"]]),
            "ai-marketplace-strategy": ("AI Marketplace Strategy", "leo", globex, "published", "advanced",
                                        "marketplace", "149.00", [["video", "article"], ["quiz", "assignment"]]),
            "resilient-teams": ("Resilient Teams", "sam", None, "published", "beginner", "adaptability", "49.99",
                                [["video", "article"], ["live_session"]]),
            "feedback-culture": ("Feedback Culture (draft)", "leo", globex, "draft", "intermediate", "coaching",
                                 "79.00", [["video"]]),
            "remote-work-101": ("Remote Work 101", "sam", None, "archived", "beginner", "marketplace", "0.00",
                                [["article", "video"]]),
        }
        for slug, (title, teacher, org, status, level, pillar, price, sections) in courses.items():
            course, _ = self.row(
                Course, f"course:{slug}", natural={"slug": slug}, title=title, instructor=u[teacher],
                organization=org, status=status, level=level, pillar=pillar, price_amount=Decimal(price),
                published_at=self.at(-60) if status != "draft" else None, category=pillar.capitalize(),
                description=f"{title}: a practical course by {u[teacher].full_name}.",
                tags=[pillar, level], what_you_will_learn=["Name the change you need", "Practise it with your team"],
                duration_hours=Decimal("3.50"),
            )
            self.courses[slug] = course
            number = 0
            for s_index, lesson_types in enumerate(sections, start=1):
                section, _ = self.row(CourseSection, f"section:{slug}:{s_index}", course=course,
                                      title=f"Part {s_index}", sort_order=s_index)
                for l_index, lesson_type in enumerate(lesson_types, start=1):
                    number += 1
                    self.lessons[f"{slug}:{number}"], _ = self.row(
                        CourseLesson, f"lesson:{slug}:{number}", section=section, sort_order=l_index,
                        title=f"{lesson_type.replace('_', ' ').capitalize()} {number}: {title}",
                        content_type=lesson_type, duration_minutes=15 + 5 * number, is_preview=number == 1,
                        **self.lesson_content(lesson_type, number),
                    )

    @staticmethod
    def lesson_content(lesson_type: str, number: int) -> Fields:
        if lesson_type == "video":
            return {"video_url": f"https://videos.example/lesson-{number}.mp4", "video_duration_seconds": 600}
        if lesson_type == "article":
            return {"article_content": "Change sticks when people can see, try and repeat the new behaviour."}
        if lesson_type == "quiz":
            return {"quiz_passing_score": 70, "quiz_questions": [
                {"id": "q1", "text": "What makes a change stick?", "options": ["Repetition", "Memos"], "answer": 0},
            ]}
        if lesson_type == "live_session":
            return {"resource_url": "https://meet.example/live-session"}
        return {"resource_url": "https://docs.example/assignment-brief"}

    # --- learning: enrollments and progress --------------------------------------------------------

    def learning(self) -> None:
        u, c = self.users, self.courses

        # Alice completes the free course: quiz passed, review, certificate later.
        enrollment, created = self.free_enrollment("alice", "coaching-fundamentals")
        if created:
            self.complete(enrollment, "coaching-fundamentals:1", minutes=12)
            self.complete(enrollment, "coaching-fundamentals:2", minutes=9)
            self.quiz(enrollment, "coaching-fundamentals:3", attempt=1, score=9)
            self.complete(enrollment, "coaching-fundamentals:3", minutes=5)
            self.row(CourseReview, "review:alice:coaching-fundamentals",
                     natural={"course": c["coaching-fundamentals"], "user": u["alice"]}, enrollment=enrollment,
                     rating=5, title="Clear and practical", review_text="Short lessons I could use the same day.",
                     content_quality_rating=5, instructor_rating=5, value_rating=5)

        # Alice buys "Leading Through Change" and is 60 % through (quiz failed once, assignment graded).
        enrollment, created = self.course_purchase("alice", "leading-through-change")
        if created:
            self.complete(enrollment, "leading-through-change:1", minutes=10)
            self.complete(enrollment, "leading-through-change:2", minutes=8)
            self.quiz(enrollment, "leading-through-change:3", attempt=1, score=4)
            self.quiz(enrollment, "leading-through-change:3", attempt=2, score=8)
            self.complete(enrollment, "leading-through-change:3", minutes=6)
            submission = self.submission(enrollment, "leading-through-change:4",
                                         "My change plan for the platform team.")
            AssignmentSubmission.objects.filter(pk=submission.pk).update(
                status="graded", grade=Decimal("92.00"), feedback="Strong plan; add a feedback loop.",
                graded_by=u["maya"], graded_at=timezone.now(),
            )
            self.touch(enrollment, "leading-through-change:4", minutes=4)

        # Ben buys the same course, starts it, then drops it.
        enrollment, created = self.course_purchase("ben", "leading-through-change")
        if created:
            self.touch(enrollment, "leading-through-change:1", minutes=3)
            Enrollment.objects.filter(pk=enrollment.pk).update(status="dropped")

        # Chloe buys the Globex strategy course (25 %), submits an assignment, gets a partial refund.
        enrollment, created = self.course_purchase("chloe", "ai-marketplace-strategy")
        if created:
            self.complete(enrollment, "ai-marketplace-strategy:1", minutes=14)
            self.quiz(enrollment, "ai-marketplace-strategy:3", attempt=1, score=7)
            self.submission(enrollment, "ai-marketplace-strategy:4", "Pricing experiment for our marketplace.")
            self.row(CourseReview, "review:chloe:ai-marketplace-strategy",
                     natural={"course": c["ai-marketplace-strategy"], "user": u["chloe"]}, enrollment=enrollment,
                     rating=4, title="Sharp frameworks", review_text="The pricing module changed how we quote.",
                     content_quality_rating=4, instructor_rating=5, value_rating=3)
            payment_refund(transaction_id=self.transaction_id("chloe", "ai-marketplace-strategy"),
                           amount_refunded=Decimal("49.00"), reason="Goodwill credit: live session moved")

        enrollment, created = self.free_enrollment("chloe", "coaching-fundamentals")
        if created:
            self.complete(enrollment, "coaching-fundamentals:1", minutes=11)
        self.free_enrollment("diego", "coaching-fundamentals")  # enrolled, not started

        # Diego's card is declined for the strategy course: a failed payment, no enrollment.
        payment, created = self.pending_payment("diego", "ai-marketplace-strategy", "course",
                                                amount=c["ai-marketplace-strategy"].price_amount,
                                                course=c["ai-marketplace-strategy"])
        if created:
            payment_fail(transaction_id=payment.transaction_id, failure_code="card_declined",
                         failure_message="Your card was declined.")

        # Emma (no organization) buys and completes "Resilient Teams", then reviews it.
        enrollment, created = self.course_purchase("emma", "resilient-teams", provider="paypal", method="paypal")
        if created:
            for number in (1, 2, 3):
                self.complete(enrollment, f"resilient-teams:{number}", minutes=10 + number)
            self.row(CourseReview, "review:emma:resilient-teams",
                     natural={"course": c["resilient-teams"], "user": u["emma"]}, enrollment=enrollment, rating=4,
                     title="Useful for small teams", review_text="Good exercises; the live session was the best part.",
                     instructor_response="Thank you, Emma! More live sessions are coming.",
                     instructor_responded_at=timezone.now())

    def free_enrollment(self, student: str, slug: str) -> tuple[Enrollment, bool]:
        user = self.users[student]
        return self.row(Enrollment, f"enrollment:{student}:{slug}",
                        natural={"user": user, "course": self.courses[slug]}, organization=user.organization)

    @staticmethod
    def transaction_id(student: str, item: str) -> str:
        return f"pi_seed_{student}_{item}".replace("-", "_")

    def pending_payment(self, student: str, item: str, payment_type: str, *, amount: Decimal,
                        provider: str = "stripe", method: str = "credit_card", **target: Any) -> tuple[Payment, bool]:
        """A checkout the payer started: a pending payment with the provider's intent id (flow step 2)."""
        user = self.users[student]
        transaction_id = self.transaction_id(student, item)
        return self.row(
            Payment, f"payment:{student}:{item}", natural={"transaction_id": transaction_id}, user=user,
            organization=user.organization, amount=amount, currency="USD", provider=provider, payment_method=method,
            payment_type=payment_type, provider_customer_id=f"cus_seed_{student}", provider_status="processing",
            **target,
        )

    def course_purchase(self, student: str, slug: str, **provider: str) -> tuple[Enrollment | None, bool]:
        """A paid enrollment: the payment completes through the payments service, which enrolls."""
        course = self.courses[slug]
        payment, created = self.pending_payment(student, slug, "course", amount=course.price_amount, course=course,
                                                **provider)
        if created:
            payment_complete(transaction_id=payment.transaction_id)
        return Enrollment.objects.filter(user=self.users[student], course=course).first(), created

    def progress(self, enrollment: Enrollment, lesson_key: str, **values: Any) -> None:
        """The service's upsert on (enrollment, lesson); the rows normally exist (auto_create_student_progress)."""
        lesson = self.lessons[lesson_key]
        values.setdefault("last_accessed_at", timezone.now())
        if not StudentProgress.objects.filter(enrollment=enrollment, lesson=lesson).update(**values):
            StudentProgress.objects.create(enrollment=enrollment, lesson=lesson, user_id=enrollment.user_id,
                                           course_id=enrollment.course_id, **values)

    def complete(self, enrollment: Enrollment, lesson_key: str, *, minutes: int) -> None:
        self.progress(enrollment, lesson_key, is_completed=True, completion_percentage=100,
                      time_spent_seconds=minutes * 60, completed_at=timezone.now())

    def touch(self, enrollment: Enrollment, lesson_key: str, *, minutes: int) -> None:
        self.progress(enrollment, lesson_key, completion_percentage=40, time_spent_seconds=minutes * 60,
                      last_position_seconds=minutes * 30)

    def quiz(self, enrollment: Enrollment, lesson_key: str, *, attempt: int, score: int) -> None:
        lesson = self.lessons[lesson_key]
        passed = score * 10 >= (lesson.quiz_passing_score or 0)
        self.row(QuizAttempt, f"quiz:{self.names[enrollment.user_id]}:{lesson_key}:{attempt}",
                 natural={"user_id": enrollment.user_id, "course_id": enrollment.course_id, "lesson": lesson,
                          "attempt_number": attempt},
                 score=Decimal(score), max_score=Decimal(10), passed=passed, time_spent_seconds=240,
                 quiz_data={"answers": {"q1": 0 if passed else 1}}, completed_at=timezone.now())

    def submission(self, enrollment: Enrollment, lesson_key: str, text: str) -> AssignmentSubmission:
        submission, _ = self.row(AssignmentSubmission, f"submission:{self.names[enrollment.user_id]}:{lesson_key}",
                                 user_id=enrollment.user_id, course_id=enrollment.course_id,
                                 lesson=self.lessons[lesson_key], submission_text=text,
                                 submission_url="https://docs.example/submission", status="submitted")
        return submission

    # --- workshops ---------------------------------------------------------------------------------

    def workshop_events(self) -> None:
        acme, globex = self.orgs["acme"], self.orgs["globex"]
        common = {"description": "A live, hands-on session with exercises in small groups.",
                  "outcomes": ["A plan for your team"], "tags": ["live"]}
        # W1: free and full (3 seats) with two people on the waitlist.
        w1, created = self.workshop(
            "adaptive-leadership-live", "Adaptive Leadership Live", "maya", acme, "online", "intermediate",
            "adaptability", start=self.at(14, 15), capacity=3, waitlist=True,
            meeting_url="https://meet.example/adaptive-leadership", **common)
        if created:
            for name in ("alice", "ben", "acme_lead", "chloe", "emma"):  # the last two end up waitlisted
                self.registration(w1, name)
        # W2: paid with an early-bird price: one paid seat, one checkout in progress, one refunded, one failed.
        w2, created = self.workshop(
            "coaching-masterclass", "Coaching Masterclass", "sam", None, "in_person", "advanced", "coaching",
            start=self.at(21, 9), capacity=12, price="79.00", early_bird="59.00",
            early_bird_deadline=self.at(10, 23), location="12 Market Street, Springfield", **common)
        if created:
            for name in ("alice", "emma", "ben", "diego"):
                self.registration(w2, name)
                self.registration_payment(w2, name)
            payment_complete(transaction_id=self.transaction_id("alice", w2.slug))
            payment_complete(transaction_id=self.transaction_id("ben", w2.slug))
            payment_refund(transaction_id=self.transaction_id("ben", w2.slug), amount_refunded=Decimal("59.00"),
                           reason="Requested by the customer: schedule conflict")
            payment_fail(transaction_id=self.transaction_id("diego", w2.slug), failure_code="insufficient_funds",
                         failure_message="Your card has insufficient funds.")
        # W3: a completed Globex workshop with attendance, a no-show and feedback.
        w3, created = self.workshop(
            "marketplace-playbook", "Marketplace Playbook", "leo", globex, "hybrid", "beginner", "marketplace",
            start=self.at(-10, 14), capacity=20, status="completed", location="Globex HQ, Room 4",
            meeting_url="https://meet.example/playbook", recording_url="https://videos.example/playbook.mp4",
            **common)
        if created:
            attended = {name: self.registration(w3, name, status="attended", attendance_duration_minutes=110,
                                                attendance_percentage=92) for name in ("chloe", "diego", "ben")}
            self.registration(w3, "emma", status="no_show")
            for name, score in (("chloe", 5), ("diego", 4), ("ben", 3)):
                self.row(WorkshopFeedback, f"feedback:{w3.slug}:{name}", registration=attended[name],
                         overall_satisfaction=score, content_rating=score, delivery_rating=5, interaction_rating=4,
                         would_recommend=True, nps_score=8 + score // 5, what_went_well="Real cases from the field.")
        # W4: running now (registrations taken while it was published, then started).
        w4, created = self.workshop(
            "change-sprint", "Change Sprint", "sam", None, "online", "intermediate", "adaptability",
            start=self.now - timedelta(minutes=30), capacity=30, duration=timedelta(hours=2),
            meeting_url="https://meet.example/change-sprint", **common)
        if created:
            self.registration(w4, "alice")
            self.registration(w4, "emma")
            Workshop.objects.filter(pk=w4.pk).update(status="in_progress")
        # W5: a draft; W6: cancelled before anyone registered.
        self.workshop("design-thinking-sprint", "Design Thinking Sprint", "leo", globex, "in_person", "beginner",
                      "coaching", start=self.at(45, 10), capacity=16, status="draft", location="Globex HQ", **common)
        self.workshop("culture-reset", "Culture Reset", "maya", acme, "hybrid", "advanced", "coaching",
                      start=self.at(30, 13), capacity=25, status="cancelled", location="Acme Campus",
                      **common)

    def workshop(self, slug: str, title: str, teacher: str, org: Organization | None, workshop_format: str,
                 level: str, pillar: str, *, start: datetime, capacity: int, status: str = "published",
                 waitlist: bool = False, price: str = "0.00", early_bird: str | None = None,
                 duration: timedelta = timedelta(hours=2), **extra: Any) -> tuple[Workshop, bool]:
        workshop, created = self.row(
            Workshop, f"workshop:{slug}", natural={"slug": slug}, title=title, instructor=self.users[teacher],
            organization=org, format=workshop_format, level=level, pillar=pillar, start_time=start,
            end_time=start + duration, duration_minutes=None, capacity_total=capacity, waitlist_enabled=waitlist,
            price_amount=Decimal(price), price_early_bird=Decimal(early_bird) if early_bird else None, status=status,
            is_featured=waitlist, **extra,
        )
        self.workshops[slug] = workshop
        return workshop, created

    def registration(self, workshop: Workshop, student: str, **fields: Any) -> WorkshopRegistration:
        """Register as the registration endpoint would: the trigger admits, waitlists and prices the row."""
        registration, _ = self.row(
            WorkshopRegistration, f"registration:{workshop.slug}:{student}",
            natural={"workshop": workshop, "user": self.users[student]}, price_paid=None, **fields,
        )
        registration.refresh_from_db()
        return registration

    def registration_payment(self, workshop: Workshop, student: str) -> None:
        registration = WorkshopRegistration.objects.get(workshop=workshop, user=self.users[student])
        self.pending_payment(student, workshop.slug, "workshop", amount=registration.price_paid, workshop=workshop)

    # --- assessments -------------------------------------------------------------------------------

    def assessment_attempts(self) -> None:
        u = self.users
        # Alice: a full adaptability assessment answered question by question, then completed.
        assessment, created = self.row(Assessment, "assessment:alice:full", user=u["alice"], pillar="adaptability",
                                       assessment_type="full")
        if created:
            answers = [("individual", 78), ("leadership", 64), ("cultural", 71), ("embedding", 58), ("velocity", 69)]
            for number, (dimension, value) in enumerate(answers, start=1):
                self.row(AssessmentResponse, f"response:alice:full:{dimension}",
                         natural={"assessment": assessment, "question_id": f"{dimension}-1"}, question_number=number,
                         question_text=f"How ready are you on {dimension}?", dimension=dimension,
                         answer_type="scale", answer_value=value, question_weight=2 if number == 1 else 1)
            self.row(AssessmentResponse, "response:alice:full:reflection",
                     natural={"assessment": assessment, "question_id": "reflection"}, question_number=6,
                     answer_type="text", response_text="I want my team to try small experiments every sprint.")
            Assessment.objects.filter(pk=assessment.pk).update(
                status="completed", results={"ai_insights": "Strong individual readiness; embed habits next."},
                recommendations=["Run a weekly retrospective", "Pair new habits with existing rituals"],
            )
        # Alice: an earlier quick assessment imported with its scores, since archived.
        self.row(Assessment, "assessment:alice:quick", user=u["alice"], pillar="adaptability",
                 assessment_type="quick", status="archived", individual_score=60, leadership_score=55,
                 cultural_score=62, embedding_score=48, velocity_score=57)
        # Chloe: a coaching assessment in progress.
        assessment, created = self.row(Assessment, "assessment:chloe:coaching", user=u["chloe"], pillar="coaching",
                                       assessment_type="full")
        if created:
            for number, (dimension, value) in enumerate((("individual", 70), ("leadership", 75)), start=1):
                self.row(AssessmentResponse, f"response:chloe:coaching:{dimension}",
                         natural={"assessment": assessment, "question_id": f"{dimension}-1"}, question_number=number,
                         dimension=dimension, answer_type="fearToConfidence", answer_value=value)
        # Tom: a marketplace follow-up not started yet; Diego: a completed quick assessment (imported scores).
        self.row(Assessment, "assessment:tom:followup", user=u["acme_lead"], pillar="marketplace",
                 assessment_type="follow_up")
        self.row(Assessment, "assessment:diego:quick", user=u["diego"], pillar="adaptability",
                 assessment_type="quick", status="completed", individual_score=66, leadership_score=52,
                 cultural_score=74, embedding_score=61, velocity_score=70)

    # --- talent marketplace ------------------------------------------------------------------------

    def marketplace(self) -> None:
        u, acme, globex = self.users, self.orgs["acme"], self.orgs["globex"]
        profiles = {
            "ava": ("AI Transformation Consultant", "Helping leadership teams adopt AI without losing people",
                    "200.00", ["adaptability", "coaching"], "available", "facilitative", ["assess", "reframe"]),
            "noah": ("Culture Change Coach", "Culture change that sticks, one team ritual at a time",
                     "150.00", ["coaching", "marketplace"], "limited", "directive", ["embed", "scale"]),
            "grace": ("Agile Transformation Coach", "Small experiments, every sprint, across the whole company",
                      "120.00", ["adaptability"], "available", "hybrid", ["assess", "embed"]),
            "hugo": ("Operations Change Lead", "Lean routines for teams that run around the clock",
                     "130.00", ["marketplace", "coaching"], "booked", "directive", ["reframe", "scale"]),
        }
        for name, (title, tagline, rate, pillars, availability, style, stages) in profiles.items():
            self.row(
                TalentProfile, f"talent:{name}", natural={"user": u[name]}, title=title, tagline=tagline,
                bio=f"{u[name].full_name} has guided more than forty organizations through large changes.",
                location="Remote", expertise=["change management", "AI adoption", "coaching"],
                industries=["technology", "logistics"], languages=["English"], pillars=pillars,
                years_experience=12, hourly_rate=Decimal(rate), availability=availability, coaching_style=style,
                transformation_stages=stages, min_engagement_hours=5, max_hours_per_week=20,
                weekly_availability=[{"day_of_week": 2, "start_time": "09:00", "end_time": "17:00",
                                      "is_active": True}],
                testimonials=[{"id": str(sid(f"testimonial:{name}")), "client_name": "Jordan Blake",
                               "client_company": "Northwind", "quote": "Our teams finally moved together.",
                               "verified": True, "is_featured": True, "display_order": 1,
                               "created_at": "2025-01-15T00:00:00Z"}],
            )

        # Alice's engagement with Ava: requested, paid (becomes active), one session done, one booked.
        engagement, created = self.row(
            EngagementRequest, "engagement:alice:ava", client=u["alice"], expert=u["ava"], organization=acme,
            title="Leadership transformation", description="Coaching for the engineering leadership team.",
            focus_area="Leadership", initial_message="Could you help our managers lead the AI rollout?",
            timeline="Next quarter", hours_total=Decimal("10.00"), hourly_rate=Decimal("200.00"),
            milestones=[{"title": "Kick-off", "status": "done"}, {"title": "Team offsite", "status": "planned"}],
        )
        if created:
            EngagementRequest.objects.filter(pk=engagement.pk).update(status="accepted", responded_at=timezone.now())
            payment, _ = self.pending_payment("alice", "engagement-ava", "engagement",
                                              amount=engagement.hours_total * engagement.hourly_rate,
                                              engagement_request=engagement)
            payment_complete(transaction_id=payment.transaction_id)
            self.row(Consultation, "session:alice:ava:1", user=u["alice"], expert=u["ava"], organization=acme,
                     engagement_request=engagement, status="completed", session_type="coaching",
                     title="Kick-off session", pillar="coaching", scheduled_start=self.at(-3, 10),
                     scheduled_end=self.at(-3, 12), actual_start=self.at(-3, 10), actual_end=self.at(-3, 12),
                     duration_minutes=90, meeting_notes="Agreed on three experiments.", user_rating=5,
                     action_items=[{"title": "Share the experiment board", "done": False}])
            self.row(Consultation, "session:alice:ava:2", user=u["alice"], expert=u["ava"], organization=acme,
                     engagement_request=engagement, status="scheduled", session_type="follow_up",
                     title="Follow-up", pillar="coaching", scheduled_start=self.at(9, 10),
                     scheduled_end=self.at(9, 11), meeting_url="https://meet.example/ava-alice")
        # Other requests: pending, declined, and a completed engagement rated by its client.
        self.row(EngagementRequest, "engagement:chloe:noah", client=u["chloe"], expert=u["noah"],
                 organization=globex, focus_area="Sales culture", initial_message="Our team needs a reset.",
                 timeline="Within two months", hours_total=Decimal("6.00"), hourly_rate=Decimal("150.00"))
        self.row(EngagementRequest, "engagement:marcus:ava", client=u["globex_admin"], expert=u["ava"],
                 organization=globex, focus_area="AI strategy", hours_total=Decimal("20.00"),
                 hourly_rate=Decimal("200.00"), status="declined", responded_at=self.at(-20))
        self.row(EngagementRequest, "engagement:diego:noah", client=u["diego"], expert=u["noah"],
                 organization=globex, title="Dispatch team rituals", focus_area="Team rituals",
                 hours_total=Decimal("5.00"), hourly_rate=Decimal("150.00"), status="completed",
                 start_date=self.at(-90).date(), end_date=self.at(-40).date(), completed_at=self.at(-40),
                 client_satisfaction_score=4, outcomes={"summary": "Daily stand-ups adopted by all shifts"})

        # Each organization's internal coach: a requested engagement and a requested session with a colleague.
        self.row(EngagementRequest, "engagement:tom:grace", client=u["acme_lead"], expert=u["grace"],
                 organization=acme, focus_area="Team retrospectives", initial_message="Could you run ours?",
                 hours_total=Decimal("4.00"), hourly_rate=Decimal("120.00"))
        self.row(EngagementRequest, "engagement:omar:hugo", client=u["globex_member"], expert=u["hugo"],
                 organization=globex, focus_area="Shift handovers", hours_total=Decimal("3.00"),
                 hourly_rate=Decimal("130.00"))
        self.row(Consultation, "consultation:nina:grace", user=u["acme_member"], expert=u["grace"], organization=acme,
                 pillar="adaptability", session_type="coaching", title="Onboarding rituals",
                 scheduled_start=self.at(4, 11), scheduled_end=self.at(4, 12), amount=Decimal("0.00"))
        self.row(Consultation, "consultation:omar:hugo", user=u["globex_member"], expert=u["hugo"],
                 organization=globex, pillar="marketplace", session_type="consultation", title="Depot routines",
                 scheduled_start=self.at(8, 9), scheduled_end=self.at(8, 10), amount=Decimal("0.00"))

        # Standalone consultations: Emma books and pays, Ava confirms; Ben's past session; Diego cancelled.
        consultation, created = self.row(
            Consultation, "consultation:emma:ava", user=u["emma"], expert=u["ava"], pillar="adaptability",
            session_type="consultation", title="AI readiness review", topics=["AI adoption", "hiring"],
            scheduled_start=self.at(5, 10), scheduled_end=self.at(5, 11), amount=Decimal("200.00"))
        if created:
            payment, _ = self.pending_payment("emma", "consultation-ava", "consultation", amount=consultation.amount,
                                              consultation=consultation, provider="stripe", method="debit_card")
            payment_complete(transaction_id=payment.transaction_id)
            Consultation.objects.filter(pk=consultation.pk).update(status="scheduled",
                                                                   meeting_url="https://meet.example/ava-emma")
        self.row(Consultation, "consultation:ben:noah", user=u["ben"], expert=u["noah"], organization=self.orgs["acme"],
                 pillar="coaching", session_type="coaching", title="Career conversation", status="completed",
                 scheduled_start=self.at(-7, 16), scheduled_end=self.at(-7, 17), actual_start=self.at(-7, 16),
                 actual_end=self.at(-7, 17), duration_minutes=60, amount=Decimal("150.00"), user_rating=4,
                 user_feedback="Direct and helpful.", expert_notes="Follow up in a month.")
        self.row(Consultation, "consultation:chloe:noah", user=u["chloe"], expert=u["noah"], organization=globex,
                 pillar="coaching", session_type="consultation", title="Coaching a new sales lead",
                 topics=["feedback", "one-to-ones"], scheduled_start=self.at(6, 15), scheduled_end=self.at(6, 16),
                 amount=Decimal("150.00"))  # requested: waits for Noah to pick the slot
        self.row(Consultation, "consultation:diego:ava", user=u["diego"], expert=u["ava"], organization=globex,
                 pillar="marketplace", title="Marketplace pricing", status="cancelled",
                 cancellation_reason="client_cancelled", scheduled_start=self.at(2, 14),
                 scheduled_end=self.at(2, 15), amount=Decimal("200.00"))

    # --- billing and certificates ------------------------------------------------------------------

    def billing(self) -> None:
        u, c, w = self.users, self.courses, self.workshops
        payment, created = self.row(
            Payment, "payment:acme:subscription", natural={"invoice_number": "INV-SEED-ACME-0001"},
            user=u["acme_admin"], organization=self.orgs["acme"], amount=Decimal("499.00"), provider="manual",
            payment_method="bank_transfer", payment_type="subscription", transaction_id="manual_seed_acme_2025",
            invoice_url="https://billing.example/INV-SEED-ACME-0001.pdf", metadata={"plan": "enterprise"},
        )
        if created:
            payment_complete(transaction_id=payment.transaction_id)

        self.row(Certificate, "certificate:alice:coaching-fundamentals",
                 natural={"user": u["alice"], "course": c["coaching-fundamentals"]}, certificate_type="course",
                 title="Coaching Fundamentals", issued_by=u["maya"], issuer_name="Dr. Maya Chen",
                 issuer_title="Instructor", is_verified=True, skills_demonstrated=["active listening", "feedback"],
                 verification_url="https://humanglue.example/verify")
        certificate, created = self.row(
            Certificate, "certificate:chloe:marketplace-playbook",
            natural={"user": u["chloe"], "workshop": w["marketplace-playbook"]}, certificate_type="workshop",
            title="Marketplace Playbook (attended)", issued_by=u["leo"], issuer_name="Leo Park")
        if created:
            WorkshopRegistration.objects.filter(workshop=w["marketplace-playbook"], user=u["chloe"]).update(
                certificate=certificate)
        self.row(Certificate, "certificate:alice:assessment",
                 natural={"user": u["alice"], "assessment_id": sid("assessment:alice:full")},
                 certificate_type="assessment", title="Adaptability Assessment", issued_by=u["admin"],
                 issuer_name="HumanGlue", competencies=[{"name": "adaptability", "level": "proficient"}])
        self.row(Certificate, "certificate:emma:program", certificate_type="program", user=u["emma"],
                 title="Change Leader Program", issuer_name="HumanGlue", expiry_date=self.at(730).date())

    # --- activity, notifications, presence ---------------------------------------------------------

    def timeline(self) -> None:
        u, c, w = self.users, self.courses, self.workshops
        activities = [
            # (key, type, student, instructor, course, workshop, lesson, title)
            ("certificate:alice", "certificate_earned", "alice", "maya", "coaching-fundamentals", None, None,
             "Earned the Coaching Fundamentals certificate"),
            ("certificate:chloe", "certificate_earned", "chloe", "leo", None, "marketplace-playbook", None,
             "Earned the Marketplace Playbook certificate"),
            ("comment:chloe", "comment_posted", "chloe", "leo", "ai-marketplace-strategy", None,
             "ai-marketplace-strategy:2", "Commented on the pricing article"),
            ("question:alice", "question_asked", "alice", "maya", "leading-through-change", None,
             "leading-through-change:5", "Asked about the live session recording"),
        ]
        # Workshop activity is the workshops triggers' to log; rows are added only where none exists.
        optional = [
            ("registered:alice", "workshop_registered", "alice", "maya", None, "adaptive-leadership-live", None,
             "Registered for Adaptive Leadership Live"),
            ("attended:chloe", "workshop_attended", "chloe", "leo", None, "marketplace-playbook", None,
             "Attended Marketplace Playbook"),
        ]
        produced = set(StudentActivity.objects.values_list("activity_type", flat=True).distinct())
        activities += [spec for spec in optional if spec[1] not in produced]
        for key, kind, student, teacher, course, workshop, lesson, title in activities:
            self.row(StudentActivity, f"activity:{key}", activity_type=kind, student=u[student], instructor=u[teacher],
                     course=c[course] if course else None, workshop=w[workshop] if workshop else None,
                     lesson=self.lessons[lesson] if lesson else None, activity_title=title)

        notifications = [
            ("question:maya", "maya", "question", "New question", "Alice Kim asked about the live session recording",
             {"course_id": str(c["leading-through-change"].pk)}, None),
            ("announcement:alice", "alice", "announcement", "Welcome to HumanGlue",
             "Your organization's learning space is ready.", {}, self.at(-1)),
            ("announcement:chloe", "chloe", "announcement", "New workshop dates",
             "Marketplace Playbook runs again next quarter.", {}, None),
            ("co_instructor:sam", "sam", "co_instructor_update", "Course outline updated",
             "Maya Chen suggested a new lesson for Resilient Teams.", {"course_id": str(c["resilient-teams"].pk)},
             None),
            ("checkin:emma", "emma", "workshop_checkin", "Check in now", "Change Sprint has started.",
             {"workshop_id": str(w["change-sprint"].pk)}, None),
        ]
        for key, user, kind, title, message, data, read_at in notifications:
            self.row(Notification, f"notification:{key}", user=u[user], type=kind, title=title, message=message,
                     data=data, read_at=read_at)

        presence = [
            ("alice", {"course": c["leading-through-change"]}, "online", {"lesson_id": str(
                self.lessons["leading-through-change:4"].pk)}),
            ("chloe", {"course": c["coaching-fundamentals"]}, "away", {}),
            ("emma", {"workshop": w["change-sprint"]}, "online", {"client": "web"}),
            ("ben", {"course": c["leading-through-change"]}, "offline", {}),
        ]
        for user, target, status, metadata in presence:
            (kind, item), = target.items()
            self.row(StudentPresence, f"presence:{user}:{kind}:{item.slug}", natural={"user": u[user], **target},
                     status=status, metadata=metadata, last_seen_at=timezone.now() - timedelta(minutes=2))
