"""Row-level security of the instructors app (spec 20 policies, column guards, app.* helpers).

Every test builds the two-tenant world as the owner, then acts as each person through the same request
context the middleware opens (``acting_as``: SET LOCAL ROLE humanglue_app + app.current_user_id) and
checks what an UNFILTERED queryset returns and which writes the policies and guards let through.
Expectations are written relative to a tenant: ``"student"`` means "the student of the tenant that owns
the row", so tenant a's people must never reach tenant b's rows and vice versa. The platform admin is
expected to see everything; ``"public"`` means everyone, anonymous included.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import ProgrammingError, connection, transaction
from django.utils import timezone

from humanglue.contract import load_contract, secret_columns
from humanglue.contract.checks import SELECT_ONLY_TABLES
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
from organizations.models import User
from tests.catalog import assert_app_verified, assert_verified
from tests.db import refused
from tests.world import World, acting_as, build_world, person, visible_ids

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "a.student", "a.instructor", "a.member", "a.org_admin",
          "b.student", "b.instructor", "b.org_admin", "outsider", "platform_admin")
TENANTS = ("a", "b")

MODELS: dict[str, Any] = {
    "instructor_profile": InstructorProfile,
    "instructor_settings": InstructorSettings,
    "course": Course,
    "course_section": CourseSection,
    "course_lesson": CourseLesson,
    "enrollment": Enrollment,
    "student_progress": StudentProgress,
    "student_activity": StudentActivity,
    "course_review": CourseReview,
    "quiz_attempt": QuizAttempt,
    "assignment_submission": AssignmentSubmission,
}
TABLES = [model._meta.db_table for model in MODELS.values()]


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # build_world() creates a dozen users; the password hash is irrelevant to row security.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world() -> World:
    return build_world()


def allowed(actor: str, tenant: str, roles: set[str]) -> bool:
    """Whether ``actor`` is one of ``roles`` relative to ``tenant``'s rows (platform admin: always)."""
    if actor == "platform_admin" or "public" in roles:
        return True
    return actor.startswith(f"{tenant}.") and actor.split(".")[1] in roles


def row(world: World, tenant: str, key: str) -> Any:
    return getattr(world, tenant).rows[key]


def sqlstate(exc: BaseException) -> str | None:
    return getattr(exc.__cause__, "sqlstate", None)


def reason(exc: BaseException) -> str | None:
    diag = getattr(exc.__cause__, "diag", None)
    return diag.constraint_name if diag else None


def set_all(model: Any, **values: Any) -> None:
    """Owner write (system context, RLS off): change every row of ``model``."""
    model.objects.all().update(**values)


# --- visibility -----------------------------------------------------------------------------------

ALWAYS = {
    "instructor_settings": {"instructor"},
    "enrollment": {"student", "instructor", "org_admin"},
    "student_progress": {"student", "instructor"},
    "student_activity": {"student", "instructor"},
    "quiz_attempt": {"student", "instructor"},
    "assignment_submission": {"student", "instructor"},
}
COURSE_TREE = ("course", "course_section", "course_lesson")


def _draft(world: World) -> None:
    pass  # sample courses are drafts: only their instructor, enrolled student and org admin see them


def _published(world: World) -> None:
    set_all(Course, status="published")


def _archived(world: World) -> None:
    set_all(Course, status="archived")


def _hidden(world: World) -> None:
    set_all(Course, status="archived", organization=None)
    set_all(Enrollment, status="dropped")
    set_all(CourseReview, is_published=False)


STATES: dict[str, tuple[Callable[[World], None], dict[str, set[str]]]] = {
    "draft": (_draft, {
        "instructor_profile": {"instructor"},
        **dict.fromkeys(COURSE_TREE, {"student", "instructor", "org_admin"}),
        "course_review": {"public"},
    }),
    # a published course is public, and so is its instructor's profile (instructor_profiles_select_public)
    "published": (_published, {
        "instructor_profile": {"public"},
        **dict.fromkeys(COURSE_TREE, {"public"}),
        "course_review": {"public"},
    }),
    # non-draft org courses are visible to org members (courses_select_org_member)
    "archived": (_archived, {
        "instructor_profile": {"instructor"},
        **dict.fromkeys(COURSE_TREE, {"student", "instructor", "org_admin", "member"}),
        "course_review": {"public"},
    }),
    # a dropped student no longer reaches an archived standalone course (no org policy applies either);
    # an unpublished review is seen by its author and the course instructor only
    "hidden": (_hidden, {
        "instructor_profile": {"instructor"},
        **dict.fromkeys(COURSE_TREE, {"instructor"}),
        "course_review": {"student", "instructor"},
    }),
}


@pytest.mark.parametrize("state", STATES)
def test_unfiltered_querysets_show_exactly_the_policy_rows(world: World, state: str) -> None:
    prepare, specific = STATES[state]
    prepare(world)
    roles = {**ALWAYS, **specific}
    seen, expected = {}, {}
    for actor in ACTORS:
        with acting_as(person(world, actor)):
            for key, model in MODELS.items():
                seen[actor, key] = visible_ids(model)
        for key in MODELS:
            expected[actor, key] = {pk for t in TENANTS if allowed(actor, t, roles[key])
                                    for pk in tenant_pks(world, t, key)}
    assert seen == expected


def tenant_pks(world: World, tenant: str, key: str) -> set[Any]:
    """The tenant's rows of ``key``: its sample row, plus for student_activity the rows the activity
    triggers (spec 30 §2.4, §2.11) logged for the tenant's enrollment, quiz attempt and submission."""
    if key == "student_activity":
        rows = StudentActivity.objects.filter(instructor=row(world, tenant, "instructor"))
        return set(rows.values_list("pk", flat=True))
    return {row(world, tenant, key).pk}


# --- UPDATE and DELETE ----------------------------------------------------------------------------

# key -> (column, new value, who may update the tenant's row, who may delete it); platform admin: always.
WRITES: dict[str, tuple[str, Any, set[str], set[str]]] = {
    "instructor_profile": ("tagline", "Updated", {"instructor"}, set()),
    "instructor_settings": ("currency", "EUR", {"instructor"}, {"instructor"}),
    # the sample course has an enrollment: courses_delete_own refuses, it must be archived instead
    "course": ("title", "Updated", {"instructor"}, set()),
    "course_section": ("title", "Updated", {"instructor"}, {"instructor"}),
    "course_lesson": ("title", "Updated", {"instructor"}, {"instructor"}),
    "enrollment": ("metadata", {"touched": True}, {"student", "instructor"}, set()),
    "student_progress": ("time_spent_seconds", 60, {"student"}, set()),
    # the instructor changes only the reply (guard); helpful_count is maintained: kept, but the row is reached
    "course_review": ("helpful_count", 5, {"student", "instructor"}, set()),
    "quiz_attempt": ("metadata", {"touched": True}, set(), set()),
    "assignment_submission": ("metadata", {"touched": True}, {"student", "instructor"}, set()),
}


def try_update(model: Any, pk: Any, **values: Any) -> int:
    with transaction.atomic():
        return model.objects.filter(pk=pk).update(**values)


def try_delete(model: Any, pk: Any) -> int:
    # plain SQL: Django's collector would delete related rows itself; the database cascades decide here
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.rowcount


@pytest.mark.parametrize("key", WRITES)
def test_update_and_delete_reach_exactly_the_policy_rows(world: World, key: str) -> None:
    model = MODELS[key]
    column, value, may_update, may_delete = WRITES[key]
    got, expected = {}, {}
    for actor in ACTORS:
        for tenant in TENANTS:
            pk = row(world, tenant, key).pk
            with acting_as(person(world, actor)):
                got[actor, tenant, "update"] = try_update(model, pk, **{column: value})
                got[actor, tenant, "delete"] = try_delete(model, pk)
            expected[actor, tenant, "update"] = int(allowed(actor, tenant, may_update))
            expected[actor, tenant, "delete"] = int(allowed(actor, tenant, may_delete))
    assert got == expected
    # everything ran in rolled-back savepoints: the rows are untouched
    assert model.objects.filter(pk__in=[row(world, t, key).pk for t in TENANTS]).count() == 2


@pytest.mark.parametrize("actor", ["a.student", "a.instructor", "platform_admin"])
def test_student_activity_is_read_only_for_the_app_role(world: World, actor: str) -> None:
    activity = row(world, "a", "student_activity")
    with acting_as(person(world, actor)):
        assert activity.pk in visible_ids(StudentActivity)
        for attempt in (
            lambda: StudentActivity.objects.filter(pk=activity.pk).update(activity_title="Forged"),
            lambda: try_delete(StudentActivity, activity.pk),
            lambda: StudentActivity.objects.create(
                instructor=activity.instructor, student=activity.student, course=activity.course,
                activity_type="enrolled", activity_title="Forged"),
        ):
            with pytest.raises(ProgrammingError) as exc, transaction.atomic():
                attempt()
            assert sqlstate(exc.value) == "42501"


def test_instructor_deletes_own_course_only_without_enrollments(world: World) -> None:
    a_course = row(world, "a", "course")
    empty = Course.objects.create(title="Empty", slug="a-empty", pillar="coaching",
                                  instructor=world.a.instructor, organization=world.a.org)
    for actor, pk, deleted in [
        ("a.instructor", empty.pk, 1),
        ("a.instructor", a_course.pk, 0),  # has an enrollment
        ("b.instructor", empty.pk, 0),
        ("a.org_admin", empty.pk, 0),
        ("platform_admin", a_course.pk, 1),  # the admin may, and the delete cascades
    ]:
        with acting_as(person(world, actor)):
            assert try_delete(Course, pk) == deleted, (actor, pk)


# --- INSERT ---------------------------------------------------------------------------------------

def _profile_for(target: str) -> Callable[[World, str], tuple[Any, dict[str, Any]]]:
    return lambda w, actor: (InstructorProfile, {"user": person(w, target), "professional_title": "Coach"})


def _course(org: str | None, teacher: str) -> Callable[[World, str], tuple[Any, dict[str, Any]]]:
    return lambda w, actor: (Course, {"title": "New", "slug": f"new-{actor}", "pillar": "coaching",
                                      "instructor": person(w, teacher),
                                      "organization": getattr(w, org).org if org else None})


def _settings_for(target: str) -> Callable[[World, str], tuple[Any, dict[str, Any]]]:
    return lambda w, actor: (InstructorSettings, {"user": person(w, target)})


def _section(tenant: str) -> Callable[[World, str], tuple[Any, dict[str, Any]]]:
    return lambda w, actor: (CourseSection, {"course": row(w, tenant, "course"), "title": "New"})


def _lesson(tenant: str) -> Callable[[World, str], tuple[Any, dict[str, Any]]]:
    return lambda w, actor: (CourseLesson, {"section": row(w, tenant, "course_section"), "title": "New",
                                            "content_type": "article"})


def _enrollment(who: str, course_status: str = "published", price: str = "0", org: str | None = None,
                **extra: Any) -> Callable[[World, str], tuple[Any, dict[str, Any]]]:
    def build(w: World, actor: str) -> tuple[Any, dict[str, Any]]:
        Course.objects.filter(pk=row(w, "b", "course").pk).update(status=course_status, price_amount=Decimal(price))
        return Enrollment, {"user": person(w, who), "course": row(w, "b", "course"),
                            "organization": getattr(w, org).org if org else None, **extra}
    return build


def _progress(lesson_tenant: str, owner: str = "a.student") -> Callable[[World, str], tuple[Any, dict[str, Any]]]:
    def build(w: World, actor: str) -> tuple[Any, dict[str, Any]]:
        lesson = CourseLesson.objects.create(section=row(w, lesson_tenant, "course_section"), title="Later",
                                             content_type="video")
        return StudentProgress, {"enrollment": row(w, "a", "enrollment"), "user": person(w, owner),
                                 "course": row(w, "a", "course"), "lesson": lesson}
    return build


def _review(complete: bool, author: str = "a.student") -> Callable[[World, str], tuple[Any, dict[str, Any]]]:
    def build(w: World, actor: str) -> tuple[Any, dict[str, Any]]:
        CourseReview.objects.filter(pk=row(w, "a", "course_review").pk).delete()
        if complete:
            Enrollment.objects.filter(pk=row(w, "a", "enrollment").pk).update(
                status="completed", completed_at=timezone.now())
        return CourseReview, {"course": row(w, "a", "course"), "user": person(w, author),
                              "enrollment": row(w, "a", "enrollment"), "rating": 4}
    return build


def _quiz(course_tenant: str, owner: str = "a.student",
          dropped: bool = False) -> Callable[[World, str], tuple[Any, dict[str, Any]]]:
    def build(w: World, actor: str) -> tuple[Any, dict[str, Any]]:
        if dropped:
            Enrollment.objects.filter(pk=row(w, "a", "enrollment").pk).update(status="dropped")
        # attempts are graded by the server against the lesson's questions (issue 9 item 9)
        lesson = row(w, course_tenant, "course_lesson")
        CourseLesson.objects.filter(pk=lesson.pk).update(quiz_questions=[{"id": "q1", "answer": 1}])
        return QuizAttempt, {"user": person(w, owner), "course": row(w, course_tenant, "course"),
                             "lesson": lesson, "score": 5, "max_score": 10, "attempt_number": 2,
                             "quiz_data": {"answers": {"q1": 1}}}
    return build


def _submission(course_tenant: str, owner: str = "a.student",
                **extra: Any) -> Callable[[World, str], tuple[Any, dict[str, Any]]]:
    return lambda w, actor: (AssignmentSubmission, {"user": person(w, owner),
                                                    "course": row(w, course_tenant, "course"),
                                                    "submission_text": "Mine", **extra})


INSERTS: list[tuple[str, str, Callable[[World, str], tuple[Any, dict[str, Any]]], bool]] = [
    ("profile own", "outsider", _profile_for("outsider"), True),
    ("profile for someone else", "outsider", _profile_for("a.member"), False),
    ("profile anonymous", "anonymous", _profile_for("a.member"), False),
    ("profile by admin", "platform_admin", _profile_for("a.member"), True),
    ("settings own", "outsider", _settings_for("outsider"), True),
    ("settings for someone else", "a.instructor", _settings_for("b.member"), False),
    ("course own org", "a.instructor", _course("a", "a.instructor"), True),
    ("course standalone", "a.instructor", _course(None, "a.instructor"), True),
    ("course other org", "a.instructor", _course("b", "a.instructor"), False),
    ("course for other instructor", "a.instructor", _course("a", "b.instructor"), False),
    ("course into org a by b", "b.instructor", _course("a", "b.instructor"), False),
    ("course without profile", "a.member", _course("a", "a.member"), False),
    ("course by admin", "platform_admin", _course("b", "b.instructor"), True),
    ("section own course", "a.instructor", _section("a"), True),
    ("section other course", "a.instructor", _section("b"), False),
    ("section by student", "a.student", _section("a"), False),
    ("section by org admin", "a.org_admin", _section("a"), False),
    ("lesson own course", "a.instructor", _lesson("a"), True),
    ("lesson other course", "a.instructor", _lesson("b"), False),
    ("lesson by student", "b.student", _lesson("b"), False),
    ("enroll free published", "outsider", _enrollment("outsider"), True),
    ("enroll with own org", "a.member", _enrollment("a.member", org="a"), True),
    ("enroll claiming other org", "a.member", _enrollment("a.member", org="b"), False),
    ("enroll draft", "outsider", _enrollment("outsider", course_status="draft"), False),
    ("enroll paid", "outsider", _enrollment("outsider", price="49.00"), False),
    ("enroll someone else", "outsider", _enrollment("a.member"), False),
    ("enroll as completed", "outsider", _enrollment("outsider", status="completed"), False),
    ("enroll anonymous", "anonymous", _enrollment("outsider"), False),
    ("progress own lesson", "a.student", _progress("a"), True),
    ("progress lesson of other course", "a.student", _progress("b"), False),
    ("progress for other student", "b.student", _progress("a"), False),
    ("progress by instructor", "a.instructor", _progress("a"), False),
    ("review completed course", "a.student", _review(complete=True), True),
    ("review before completion", "a.student", _review(complete=False), False),
    ("review by instructor", "a.instructor", _review(complete=True, author="a.instructor"), False),
    ("review by other tenant", "b.student", _review(complete=True, author="b.student"), False),
    ("quiz enrolled", "a.student", _quiz("a"), True),
    ("quiz not enrolled", "a.student", _quiz("b"), False),
    ("quiz after drop", "a.student", _quiz("a", dropped=True), False),
    ("quiz for other student", "a.instructor", _quiz("a"), False),
    ("quiz other tenant", "b.student", _quiz("a", owner="b.student"), False),
    ("submission enrolled", "a.student", _submission("a"), True),
    ("submission with grade", "a.student", _submission("a", grade=Decimal("90")), False),
    ("submission graded status", "a.student", _submission("a", status="graded", grade=None), False),
    ("submission not enrolled", "a.student", _submission("b"), False),
    ("submission for student", "a.instructor", _submission("a"), False),
]


@pytest.mark.parametrize(("case", "actor", "build", "ok"), INSERTS, ids=[c[0] for c in INSERTS])
def test_insert(world: World, case: str, actor: str, build: Callable[..., Any], ok: bool) -> None:
    model, values = build(world, actor)  # setup runs as the owner
    with acting_as(person(world, actor)):
        if ok:
            with transaction.atomic():
                created = model.objects.create(**values)
            assert created.pk in visible_ids(model)
        else:
            with pytest.raises(ProgrammingError) as exc, transaction.atomic():
                model.objects.create(**values)
            assert sqlstate(exc.value) == "42501"


# --- column guards --------------------------------------------------------------------------------

def test_guard_instructor_profiles(world: World) -> None:
    profile = row(world, "a", "instructor_profile")
    qs = InstructorProfile.objects.filter(pk=profile.pk)
    InstructorProfile.objects.filter(pk=profile.pk).update(bio="x" * 60)  # long enough to be made public
    counters = ("total_students", "average_rating", "total_courses", "total_workshops", "total_reviews")
    before = qs.values_list(*counters).get()
    with acting_as(world.a.instructor):
        assert try_update(InstructorProfile, profile.pk, total_students=99, average_rating=Decimal("4.5"),
                          total_courses=7, total_workshops=3, total_reviews=8) == 1
        assert qs.values_list(*counters).get() == before
        with refused("42501", "restricted_column"):
            qs.update(is_verified=True)
        with refused("42501", "restricted_column"):
            qs.update(is_featured=True)
        with refused("42501", "restricted_column"):
            qs.update(user=world.a.member)
        assert qs.update(is_verified=False, tagline="same flags re-saved") == 1
    with acting_as(world.outsider):
        with refused("42501", "restricted_column"):
            InstructorProfile.objects.create(user=world.outsider, professional_title="X", bio="y" * 60,
                                             is_verified=True)
        created = InstructorProfile.objects.bulk_create([InstructorProfile(
            user=world.outsider, professional_title="X", total_students=5, total_reviews=2,
            average_rating=Decimal("5.00"))])[0]
        assert InstructorProfile.objects.values_list("total_students", "total_reviews", "average_rating").get(
            pk=created.pk) == (0, 0, None)
    with acting_as(world.platform_admin):
        assert qs.update(is_verified=True, is_featured=True) == 1
        assert qs.update(total_students=42) == 1
        assert qs.values_list("is_verified", "total_students").get() == (True, before[0])  # admins not exempt
    qs.update(total_students=42)  # the owner (system context) maintains counters
    assert qs.values_list("total_students", flat=True).get() == 42


def test_guard_courses_keeps_maintained_counters(world: World) -> None:
    course = row(world, "a", "course")
    qs = Course.objects.filter(pk=course.pk)
    counters = ("enrolled_count", "completed_count", "average_rating", "review_count", "total_revenue")
    qs.update(enrolled_count=3, completed_count=1, average_rating=Decimal("4.00"), review_count=2,
              total_revenue=Decimal("98.00"))
    for actor in ("a.instructor", "platform_admin"):
        with acting_as(person(world, actor)):
            assert qs.update(title="Renamed", enrolled_count=0, completed_count=9, average_rating=Decimal("1.00"),
                             review_count=0, total_revenue=Decimal("0")) == 1
            assert qs.values_list("title", *counters).get() == (
                "Renamed", 3, 1, Decimal("4.00"), 2, Decimal("98.00"))
    with acting_as(world.a.instructor):
        new = Course.objects.bulk_create([Course(
            title="Fresh", slug="a-fresh", pillar="coaching", instructor=world.a.instructor,
            organization=world.a.org, enrolled_count=10, completed_count=5, average_rating=Decimal("5.00"),
            review_count=4, total_revenue=Decimal("100.00"))])[0]
        assert Course.objects.values_list(*counters).get(pk=new.pk) == (0, 0, None, 0, Decimal("0"))


def test_guard_enrollments(world: World) -> None:
    enrollment = row(world, "a", "enrollment")
    qs = Enrollment.objects.filter(pk=enrollment.pk)
    lesson = row(world, "a", "course_lesson")
    with acting_as(world.a.student):
        assert qs.update(progress_percentage=100, last_accessed_lesson=lesson, last_accessed_at=timezone.now()) == 1
        assert qs.values_list("progress_percentage", "last_accessed_lesson").get() == (0, None)
        with refused("42501", "restricted_column"):
            qs.update(certificate_url="https://forged.example/cert")
        with refused("42501", "restricted_column"):
            qs.update(course=row(world, "b", "course"))
    with acting_as(world.a.instructor):
        assert qs.update(certificate_url="https://example.com/cert") == 1
        with refused("42501", "restricted_column"):
            qs.update(user=world.a.member)
        assert qs.update(status="completed") == 1
        assert qs.values_list("completed_at", flat=True).get() is not None  # stamped by the guard
    with acting_as(world.platform_admin):
        assert qs.update(course=row(world, "b", "course")) == 1


@pytest.mark.parametrize(("course_status", "price", "reactivated"), [
    ("published", "0", True),
    ("published", "49.00", False),
    ("archived", "0", False),
])
def test_guard_enrollments_reactivation(world: World, course_status: str, price: str, reactivated: bool) -> None:
    enrollment = row(world, "a", "enrollment")
    qs = Enrollment.objects.filter(pk=enrollment.pk)
    Course.objects.filter(pk=enrollment.course_id).update(status=course_status, price_amount=Decimal(price))
    qs.update(status="dropped")
    with acting_as(world.a.student):
        if reactivated:
            assert qs.update(status="enrolled") == 1
        else:
            with refused("42501", "enrollment_reactivation_forbidden"):
                qs.update(status="enrolled")
            assert qs.update(status="dropped", last_accessed_at=timezone.now()) == 1  # staying dropped is fine
    with acting_as(world.a.instructor):  # the course instructor may re-activate anyway
        assert qs.update(status="enrolled") == 1
    with transaction.atomic():  # the payment-completion path runs as the owner
        assert qs.update(status="enrolled") == 1


def test_guard_course_reviews(world: World) -> None:
    review = row(world, "a", "course_review")
    qs = CourseReview.objects.filter(pk=review.pk)
    with acting_as(world.a.student):
        assert qs.update(rating=3, title="Good", review_text="Solid", value_rating=4, helpful_count=50) == 1
        assert qs.values_list("rating", "helpful_count").get() == (3, 0)
        with refused("42501", "restricted_column"):
            qs.update(instructor_response="I am the teacher now")
        with refused("42501", "restricted_column"):
            qs.update(is_published=False)
        with refused("42501", "restricted_column"):
            qs.update(enrollment=row(world, "b", "enrollment"))
        assert qs.update(instructor_responded_at=timezone.now() - timedelta(days=9)) == 1
        assert qs.values_list("instructor_responded_at", flat=True).get() is None  # automatic only
    with acting_as(world.a.instructor):
        assert qs.update(instructor_response="Thanks!") == 1
        assert qs.values_list("instructor_responded_at", flat=True).get() is not None
        with refused("42501", "restricted_column"):
            qs.update(rating=1)
        with refused("42501", "restricted_column"):
            qs.update(review_text="Edited by the teacher")
        with refused("42501", "restricted_column"):
            qs.update(is_published=False)
    with acting_as(world.b.instructor):
        assert qs.update(instructor_response="Not my course") == 0
    with acting_as(world.platform_admin):
        assert qs.update(is_published=False, rating=2) == 1
        assert qs.values_list("is_published", "rating").get() == (False, 2)


def test_guard_assignment_submissions(world: World) -> None:
    submission = row(world, "a", "assignment_submission")
    qs = AssignmentSubmission.objects.filter(pk=submission.pk)
    with acting_as(world.a.student):
        with refused("42501", "restricted_column"):
            qs.update(grade=Decimal("100"))
        with refused("42501", "restricted_column"):
            qs.update(feedback="Self-praise")
        assert qs.update(graded_by=world.a.instructor, graded_at=timezone.now()) == 1
        assert qs.values_list("graded_by", "graded_at").get() == (None, None)  # automatic only
        assert qs.update(status="draft", submitted_at=None) == 1
        assert qs.update(status="submitted") == 1
        assert qs.values_list("submitted_at", flat=True).get() is not None  # stamped on draft -> submitted
    with acting_as(world.a.instructor):
        with refused("42501", "restricted_column"):
            qs.update(submission_text="Rewritten by the teacher")
        with refused("42501", "restricted_column"):
            qs.update(attachments=["https://example.com/x.pdf"])
        assert qs.update(grade=Decimal("88"), feedback="Well done", status="graded") == 1
        graded_by, graded_at = qs.values_list("graded_by", "graded_at").get()
        assert (graded_by, graded_at is not None) == (world.a.instructor.pk, True)
        with refused("42501", None):  # assignment_submissions_update_instructor CHECK
            qs.update(status="draft")
    with acting_as(world.b.instructor):
        assert qs.update(grade=Decimal("10")) == 0
    with acting_as(world.platform_admin):
        assert qs.update(grade=Decimal("95"), submission_text="Admin fix") == 1
        assert qs.values_list("graded_by", flat=True).get() == world.platform_admin.pk


# --- helpers, catalog -----------------------------------------------------------------------------

def call(sql: str, *args: Any) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(args))
        return cursor.fetchone()[0]


def test_helpers_answer_for_the_caller(world: World) -> None:
    a_course, b_course = row(world, "a", "course").pk, row(world, "b", "course").pk
    a_student, a_teacher = world.a.student.pk, world.a.instructor.pk
    cases = {
        # actor: (instructor of a, instructor of b, enrolled in a, enrolled in b, is_instructor,
        #         relation with a's student, relation with a's instructor)
        "anonymous": (False, False, False, False, False, False, False),
        "a.instructor": (True, False, False, False, True, True, False),
        "a.student": (False, False, True, False, False, False, True),
        "b.instructor": (False, True, False, False, True, False, False),
        "b.student": (False, False, False, True, False, False, False),
        "a.org_admin": (False, False, False, False, False, False, False),
        "platform_admin": (False, False, False, False, False, False, False),
    }
    got = {}
    for actor in cases:
        with acting_as(person(world, actor)):
            got[actor] = (
                call("SELECT app.is_instructor_of_course(%s)", a_course),
                call("SELECT app.is_instructor_of_course(%s)", b_course),
                call("SELECT app.is_enrolled_in_course(%s)", a_course),
                call("SELECT app.is_enrolled_in_course(%s)", b_course),
                call("SELECT app.is_instructor()"),
                call("SELECT app.has_teaching_relation(%s)", a_student),
                call("SELECT app.has_teaching_relation(%s)", a_teacher),
            )
            assert call("SELECT app.is_instructor_of_course(NULL)") is False
            assert call("SELECT app.has_teaching_relation(NULL)") is False
    assert got == cases


def test_helpers_respect_expiry_drop_and_inactive_users(world: World) -> None:
    a_course = row(world, "a", "course").pk
    enrollment = Enrollment.objects.filter(pk=row(world, "a", "enrollment").pk)
    enrollment.update(expires_at=timezone.now() + timedelta(days=1))
    with acting_as(world.a.student):
        assert call("SELECT app.is_enrolled_in_course(%s)", a_course) is True
    enrollment.update(enrolled_at=timezone.now() - timedelta(days=30), expires_at=timezone.now() - timedelta(days=1))
    with acting_as(world.a.student):
        assert call("SELECT app.is_enrolled_in_course(%s)", a_course) is False
        assert row(world, "a", "course").pk not in visible_ids(Course)
    enrollment.update(expires_at=None, status="dropped")
    with acting_as(world.a.student):
        assert call("SELECT app.is_enrolled_in_course(%s)", a_course) is False
        # past students keep the teaching relation (statuses are ignored)
        assert call("SELECT app.has_teaching_relation(%s)", world.a.instructor.pk) is True
    User.objects.filter(pk=world.a.instructor.pk).update(is_active=False)
    with acting_as(world.a.instructor):
        assert call("SELECT app.is_instructor_of_course(%s)", a_course) is False
        assert call("SELECT app.has_teaching_relation(%s)", world.a.student.pk) is False
        assert row(world, "a", "enrollment").pk not in visible_ids(Enrollment)


def test_catalog_matches_the_contract() -> None:
    """Exact policy names and commands (all PERMISSIVE, TO public), RLS enabled and not forced, the app role's
    grants (SELECT only on student_activity; instructor_settings and course_lessons readable on every column
    but their secret ones), the four helpers and the guard functions and triggers: verify's checks."""
    tables = load_contract()["tables"]
    assert {t for t, spec in tables.items() if spec["app"] == "instructors"} == set(TABLES)
    assert_app_verified("instructors")
    assert sum(len(tables[t]["policies"]) for t in TABLES) == 54
    assert set(TABLES) & SELECT_ONLY_TABLES == {"student_activity"}
    assert {t for t in TABLES if secret_columns().get(t)} == {"instructor_settings", "course_lessons"}
    guards = {f"guard_{t}_columns" for t in ("instructor_profiles", "courses", "enrollments", "course_reviews",
                                             "assignment_submissions")}
    assert_verified("function", {"is_instructor_of_course", "is_enrolled_in_course", "is_instructor",
                                 "has_teaching_relation", *guards})
    for guard in guards:
        table = guard.removeprefix("guard_").removesuffix("_columns")
        assert guard in tables[table]["triggers"]
    # Not in the contract, so not verify's: the guards carry no settings at all.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_proc WHERE proname = ANY(%s) AND proconfig IS NULL", [sorted(guards)])
        assert cursor.fetchone() == (len(guards),)
