"""/api/v1/instructor/: the instructor portal. Every figure is the caller's own (the spec 30 functions always
get the caller's id); non-instructors get 403 not_an_instructor; nothing names another instructor's students."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from instructors.models import Enrollment, InstructorProfile, InstructorSettings, StudentActivity
from payments.models import RevenueTransaction
from tests.api_client import assert_error, client_for
from tests.factories import UserFactory
from tests.notifications.builders import course, enroll
from tests.world import build_world

pytestmark = pytest.mark.django_db

BASE = "/api/v1/instructor/"
PORTAL = ["dashboard/", "students/", "activity/", "revenue/", "settings/"]


@pytest.fixture
def world():
    """Two organizations, plus a second instructor in organization a with one student of their own."""
    world = build_world()
    second = UserFactory(full_name="Second Teacher", organization=world.a.org)
    InstructorProfile.objects.create(user=second, professional_title="Mentor")
    second_course = course(second, title="Second course", organization=world.a.org)
    world.extra.update(second=second, second_course=second_course,
                       second_enrollment=enroll(world.a.member, second_course))
    return world


def student_rows(client, query: str = "") -> list[dict]:
    rows, url = [], BASE + "students/" + query
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        url = response.json()["next"]
    return rows


def enrollment_ids(instructor) -> set[str]:
    """The enrollments of the instructor's courses, read as the owner."""
    return {str(pk) for pk in Enrollment.objects.filter(course__instructor=instructor).values_list("pk", flat=True)}


@pytest.mark.parametrize("path", [*PORTAL, "students/00000000-0000-0000-0000-000000000001/", "profile/"])
def test_the_portal_needs_authentication(path: str) -> None:
    assert_error(client_for(None).get(BASE + path), 401, "not_authenticated")


@pytest.mark.parametrize("who", ["a_student", "a_member", "a_org_admin", "b_student", "platform_admin", "outsider"])
def test_non_instructors_get_403_with_a_clear_code(world, who: str) -> None:
    people = {"a_student": world.a.student, "a_member": world.a.member, "a_org_admin": world.a.org_admin,
              "b_student": world.b.student, "platform_admin": world.platform_admin, "outsider": world.outsider}
    client = client_for(people[who])
    for path in [*PORTAL, f"students/{world.a.student.pk}/"]:
        assert_error(client.get(BASE + path), 403, "not_an_instructor")
    assert_error(client.patch(BASE + "settings/", {"currency": "EUR"}, format="json"), 403, "not_an_instructor")
    # No profile of one's own: profile/ answers 404 (PATCH creates it, see below).
    assert_error(client.get(BASE + "profile/"), 404)


def test_dashboard_figures_are_the_callers_own(world) -> None:
    RevenueTransaction.objects.create(
        instructor=world.a.instructor, student=world.a.student, course=world.a.rows["course"],
        transaction_type="course_enrollment", amount=Decimal("100.00"), platform_fee_amount=Decimal("20.00"),
        instructor_earnings=Decimal("80.00"), payment_status="completed")
    body = client_for(world.a.instructor).get(BASE + "dashboard/").json()
    assert body["total_students"] == 1 and body["total_enrollments"] == 1
    assert body["total_revenue"] == "100.00" and body["total_earnings"] == "80.00"
    assert body["average_rating"] == "5.00" and body["total_reviews"] == 1
    second = client_for(world.extra["second"]).get(BASE + "dashboard/").json()
    assert (second["total_students"], second["total_revenue"], second["total_reviews"]) == (1, "0.00", 0)


def test_each_instructor_lists_exactly_their_own_students(world) -> None:
    for instructor in (world.a.instructor, world.extra["second"], world.b.instructor):
        rows = student_rows(client_for(instructor))
        assert {row["enrollment_id"] for row in rows} == enrollment_ids(instructor), instructor.email
    rows = student_rows(client_for(world.a.instructor))
    assert [row["student_id"] for row in rows] == [str(world.a.student.pk)]
    row = rows[0]
    assert (row["full_name"], row["email"], row["avatar_url"]) == ("Student", world.a.student.email, None)
    assert {"progress_percentage", "status", "last_accessed_at", "enrolled_at", "completed_at", "course_id",
            "course_title", "time_spent", "time_spent_seconds"} <= row.keys()
    # The sample student has one quiz attempt (8/10) and one submitted assignment in the course.
    assert row["quiz_stats"]["total_attempts"] == 1 and row["quiz_stats"]["average_score"] == "80.00"
    assert row["assignment_stats"]["total_submissions"] == 1
    assert row["time_spent"] == "0h 0m"


def test_no_parameter_shows_another_instructors_students(world) -> None:
    client = client_for(world.a.instructor)
    second, member = world.extra["second"], world.a.member
    for query in (f"?course_id={world.extra['second_course'].pk}", f"?course_id={world.b.rows['course'].pk}",
                  f"?instructor_id={second.pk}", f"?search={member.email}", "?search=Member",
                  f"?instructor_id={second.pk}&ordering=full_name", "?status=enrolled&search=%"):
        rows = student_rows(client, query)
        assert str(member.pk) not in {row["student_id"] for row in rows}, query
        assert {row["enrollment_id"] for row in rows} <= enrollment_ids(world.a.instructor), query
    assert client.get(BASE + f"students/?course_id={world.extra['second_course'].pk}").json()["count"] == 0
    for other in (member, world.b.student, second):
        assert_error(client.get(f"{BASE}students/{other.pk}/"), 404)
    assert_error(client.get(f"{BASE}students/{member.pk}/?instructor_id={second.pk}"), 404)
    # The other way round too: the second instructor never sees the first one's student.
    assert_error(client_for(second).get(f"{BASE}students/{world.a.student.pk}/"), 404)


def test_student_list_pages_filters_searches_and_sorts(world) -> None:
    instructor, the_course = world.a.instructor, world.a.rows["course"]
    now = timezone.now()
    learners = [UserFactory(full_name=f"Learner {i:02d}") for i in range(25)]
    for i, learner in enumerate(learners):
        row = enroll(learner, the_course)
        Enrollment.objects.filter(pk=row.pk).update(last_accessed_at=now - datetime.timedelta(minutes=i))
    Enrollment.objects.filter(user=learners[3], course=the_course).update(status="dropped")
    client = client_for(instructor)
    first = client.get(BASE + "students/").json()
    assert first["count"] == 26 and len(first["results"]) == 20 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 6 and second["next"] is None
    everything = first["results"] + second["results"]
    assert len({row["enrollment_id"] for row in everything}) == 26
    # The function's order: most recently active first, never-active last.
    assert [row["full_name"] for row in everything[:3]] == ["Learner 00", "Learner 01", "Learner 02"]
    assert everything[-1]["full_name"] == "Student"
    assert len(client.get(BASE + "students/?page_size=500").json()["results"]) == 26
    assert client.get(f"{BASE}students/?course_id={the_course.pk}").json()["count"] == 26
    assert client.get(BASE + "students/?page_size=5&page=2").json()["results"][0]["full_name"] == "Learner 05"
    assert_error(client.get(BASE + "students/?page=9"), 404)

    dropped = client.get(BASE + "students/?status=dropped").json()
    assert dropped["count"] == 1 and dropped["results"][0]["full_name"] == "Learner 03"
    found = client.get(BASE + "students/?search=learner 1").json()
    assert found["count"] == 10 and {r["full_name"] for r in found["results"]} == {f"Learner 1{i}" for i in range(10)}
    assert client.get(BASE + "students/?search=a-student@").json()["count"] == 1
    assert client.get(BASE + "students/?search=100%25").json()["count"] == 0  # % is matched literally
    by_name = student_rows(client, "?ordering=full_name&page_size=7")
    assert [r["full_name"] for r in by_name] == sorted(r["full_name"] for r in by_name)
    oldest_access = student_rows(client, "?ordering=last_accessed_at")
    assert oldest_access[0]["full_name"] == "Learner 24" and oldest_access[-1]["full_name"] == "Student"
    paged = client.get(BASE + "students/?status=enrolled&page_size=10&page=3").json()
    assert paged["count"] == 25 and len(paged["results"]) == 5

    assert_error(client.get(BASE + "students/?status=lost"), 400, "invalid_choice", "status")
    assert_error(client.get(BASE + "students/?course_id=nope"), 400, "invalid", "course_id")
    assert_error(client.get(BASE + "students/?ordering=password"), 400, "invalid_choice", "ordering")
    assert_error(client.get(BASE + "students/?search=" + "x" * 201), 400, "max_length", "search")


def test_one_student_across_the_callers_courses_with_recent_activity(world) -> None:
    instructor, student = world.a.instructor, world.a.student
    another = course(instructor, title="Another course", organization=world.a.org)
    enroll(student, another)
    # The student also learns from the second instructor: that enrollment must not appear.
    enroll(student, world.extra["second_course"])
    body = client_for(instructor).get(f"{BASE}students/{student.pk}/").json()
    assert (body["student_id"], body["full_name"], body["email"]) == (str(student.pk), "Student", student.email)
    assert {row["course_id"] for row in body["enrollments"]} == {str(world.a.rows["course"].pk), str(another.pk)}
    expected = {str(pk) for pk in StudentActivity.objects.filter(instructor=instructor, student=student)
                .values_list("pk", flat=True)}
    assert {row["id"] for row in body["recent_activity"]} == expected
    assert all(row["student"]["id"] == str(student.pk) for row in body["recent_activity"])


def test_activity_feed_is_the_callers_own(world) -> None:
    for instructor in (world.a.instructor, world.extra["second"], world.b.instructor):
        expected = {str(pk) for pk in StudentActivity.objects.filter(instructor=instructor)
                    .values_list("pk", flat=True)}
        seen, url = set(), BASE + "activity/?page_size=2"
        client = client_for(instructor)
        while url:
            body = client.get(url).json()
            seen |= {row["id"] for row in body["results"]}
            url = body["next"]
        assert seen == expected and expected, instructor.email
    client = client_for(world.a.instructor)
    enrolled = client.get(BASE + "activity/?activity_type=enrolled").json()["results"]
    assert enrolled and {row["activity_type"] for row in enrolled} == {"enrolled"}
    row = enrolled[0]
    assert row["course_title"] == "Course" and row["student"]["full_name"] == "Student"
    assert client.get(f"{BASE}activity/?student_id={world.a.member.pk}").json()["results"] == []
    assert_error(client.get(BASE + "activity/?activity_type=hacking"), 400, "invalid_choice", "activity_type")


def test_revenue_breakdown_and_its_date_checks(world) -> None:
    instructor = world.a.instructor
    RevenueTransaction.objects.create(
        instructor=instructor, student=world.a.student, course=world.a.rows["course"],
        transaction_type="course_enrollment", amount=Decimal("100.00"), platform_fee_amount=Decimal("20.00"),
        instructor_earnings=Decimal("80.00"), payment_status="completed")
    RevenueTransaction.objects.create(
        instructor=world.b.instructor, student=world.b.student, course=world.b.rows["course"],
        transaction_type="course_enrollment", amount=Decimal("7.00"), platform_fee_amount=Decimal("1.40"),
        instructor_earnings=Decimal("5.60"), payment_status="completed")
    client = client_for(instructor)
    today = timezone.now().date()
    body = client.get(f"{BASE}revenue/?start={today}&end={today}").json()
    assert body["breakdown"] == [{"transaction_type": "course_enrollment", "transaction_count": 1,
                                  "total_amount": "100.00", "total_fees": "20.00", "total_earnings": "80.00"}]
    assert body["totals"] == {"transaction_count": 1, "total_amount": "100.00", "total_fees": "20.00",
                              "total_earnings": "80.00"}
    assert client.get(BASE + "revenue/").json()["totals"]["total_amount"] == "100.00"
    yesterday = today - datetime.timedelta(days=1)
    assert client.get(f"{BASE}revenue/?end={yesterday}").json()["breakdown"] == []
    assert_error(client.get(f"{BASE}revenue/?start={today}&end={yesterday}"), 400, "start_after_end", "start")
    assert_error(client.get(f"{BASE}revenue/?start=2025-13-45"), 400, "invalid", "start")
    assert_error(client.get(f"{BASE}revenue/?end=yesterday"), 400, "invalid", "end")
    second = client_for(world.extra["second"]).get(BASE + "revenue/").json()
    assert second["breakdown"] == [] and second["totals"]["transaction_count"] == 0


def test_profile_read_update_and_its_protected_columns(world) -> None:
    instructor = world.a.instructor
    client = client_for(instructor)
    mine = client.get(BASE + "profile/").json()
    assert mine["user_id"] == str(instructor.pk) and mine["pillars"] == []
    bio = "I help teams adopt AI with care, one workshop at a time, across the whole organization."
    response = client.patch(BASE + "profile/", {
        "bio": bio, "pillars": ["coaching", "adaptability"], "expertise_tags": [" change ", "change", "AI"],
        "social_links": {"linkedin": "https://linkedin.com/in/x"}, "education": [{"degree": "MSc", "year": 2010}],
        # privileged and maintained columns: ignored
        "is_verified": True, "is_featured": True, "total_students": 999, "average_rating": "1.00",
        "user_id": str(world.b.instructor.pk), "id": str(world.b.rows["instructor_profile"].pk),
    }, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["bio"] == bio and body["pillars"] == ["coaching", "adaptability"]
    assert body["expertise_tags"] == ["change", "AI"]
    row = InstructorProfile.objects.get(user=instructor)
    assert (row.is_verified, row.is_featured, row.total_students, row.average_rating) == (
        False, False, 1, Decimal("5.00"))
    assert row.bio == bio and row.pk == world.a.rows["instructor_profile"].pk
    # read back from the database: an enum array is a list, not its text form "{coaching,adaptability}"
    assert row.pillars == ["coaching", "adaptability"]
    assert client.get(BASE + "profile/").json()["pillars"] == ["coaching", "adaptability"]
    assert InstructorProfile.objects.get(user=world.b.instructor).bio == ""


@pytest.mark.parametrize("body, attr, code", [
    ({"bio": "Too short."}, "bio", "min_length"),
    ({"bio": "x" * 2001}, "bio", "max_length"),
    ({"professional_title": "   "}, "professional_title", "blank"),
    ({"tagline": "t" * 201}, "tagline", "max_length"),
    ({"cover_photo_url": "javascript:alert(1)"}, "cover_photo_url", "invalid"),
    ({"pillars": ["wizardry"]}, "pillars", "invalid_choice"),
    ({"pillars": "coaching"}, "pillars", "not_a_list"),
    ({"expertise_tags": ["ok"] * 31}, "expertise_tags", "max_length"),
    ({"expertise_tags": [" "]}, "expertise_tags", "blank"),
    ({"social_links": {"site": "ftp://x"}}, "social_links", "invalid"),
    ({"education": [{"notes": "x" * 20001}]}, "education", "max_length"),
    ({"is_accepting_students": "perhaps"}, "is_accepting_students", "invalid"),
])
def test_bad_profile_input_answers_400_and_changes_nothing(world, body: dict, attr: str, code: str) -> None:
    before = InstructorProfile.objects.get(user=world.a.instructor)
    response = client_for(world.a.instructor).patch(BASE + "profile/", body, format="json")
    error = assert_error(response, 400)
    assert any(e["attr"] is not None and e["attr"].startswith(attr) for e in error["errors"]), error
    assert code in {e["code"] for e in error["errors"]}, error
    after = InstructorProfile.objects.get(user=world.a.instructor)
    assert (after.bio, after.professional_title, after.tagline, after.updated_at) == (
        before.bio, before.professional_title, before.tagline, before.updated_at)


def test_first_profile_patch_creates_the_profile_and_opens_the_portal(world) -> None:
    member = world.b.member
    client = client_for(member)
    assert_error(client.patch(BASE + "profile/", {"tagline": "Hi"}, format="json"), 400, "required",
                 "professional_title")
    assert not InstructorProfile.objects.filter(user=member).exists()
    response = client.patch(BASE + "profile/", {"professional_title": "Facilitator", "is_verified": True},
                            format="json")
    assert response.status_code == 201, response.content
    assert response.json()["is_verified"] is False and response.json()["total_students"] == 0
    assert InstructorProfile.objects.filter(user=member, is_verified=False).count() == 1
    assert client.get(BASE + "dashboard/").status_code == 200
    assert client.get(BASE + "students/").json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_settings_never_show_secrets_and_update_only_the_callers_row(world) -> None:
    instructor = world.a.instructor
    client = client_for(instructor)
    body = client.get(BASE + "settings/").json()
    assert "payment_details" not in body and "calendar_sync_token" not in body
    response = client.patch(BASE + "settings/", {
        "email_notifications": {"weekly_summary": False}, "payout_schedule": "weekly", "currency": "EUR",
        "minimum_payout_amount": "50.00", "payment_method": "paypal",
        "payment_details": {"iban": "attacker"}, "calendar_sync_token": "stolen", "user_id": str(world.b.instructor.pk),
    }, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert "payment_details" not in body and "calendar_sync_token" not in body
    assert body["email_notifications"]["weekly_summary"] is False
    assert body["email_notifications"]["new_enrollment"] is True  # other keys kept
    row = InstructorSettings.objects.with_secrets().get(user=instructor)
    assert (row.payout_schedule, row.currency, row.minimum_payout_amount, row.payment_method) == (
        "weekly", "EUR", Decimal("50.00"), "paypal")
    assert row.payment_details == {} and row.calendar_sync_token is None
    other = InstructorSettings.objects.get(user=world.b.instructor)
    assert (other.currency, other.payout_schedule) == ("USD", "monthly")


@pytest.mark.parametrize("body, attr, code", [
    ({"minimum_payout_amount": "NaN"}, "minimum_payout_amount", "invalid"),
    ({"minimum_payout_amount": "-1"}, "minimum_payout_amount", "min_value"),
    ({"minimum_payout_amount": "123456789.00"}, "minimum_payout_amount", "max_digits"),
    ({"currency": "usd"}, "currency", "invalid"),
    ({"payout_schedule": "hourly"}, "payout_schedule", "invalid_choice"),
    ({"calendar_provider": "myspace"}, "calendar_provider", "invalid_choice"),
    ({"email_notifications": {"spam": True}}, "email_notifications", "invalid"),
    ({"push_notifications": ["new_enrollment"]}, "push_notifications", "not_a_dict"),
    ({"show_revenue_stats": "sometimes"}, "show_revenue_stats", "invalid"),
])
def test_bad_settings_input_answers_400_and_changes_nothing(world, body: dict, attr: str, code: str) -> None:
    before = InstructorSettings.objects.get(user=world.a.instructor)
    error = assert_error(client_for(world.a.instructor).patch(BASE + "settings/", body, format="json"), 400, code)
    assert any(e["attr"] is not None and e["attr"].startswith(attr) for e in error["errors"]), error
    after = InstructorSettings.objects.get(user=world.a.instructor)
    assert (after.currency, after.minimum_payout_amount, after.email_notifications, after.updated_at) == (
        before.currency, before.minimum_payout_amount, before.email_notifications, before.updated_at)


def test_settings_are_created_on_the_first_patch(world) -> None:
    second = world.extra["second"]
    client = client_for(second)
    assert_error(client.get(BASE + "settings/"), 404)
    response = client.patch(BASE + "settings/", {"push_notifications": {"assignment_submitted": True}},
                            format="json")
    assert response.status_code == 201, response.content
    assert response.json()["push_notifications"]["assignment_submitted"] is True
    assert response.json()["push_notifications"]["new_enrollment"] is True
    assert client.get(BASE + "settings/").json()["id"] == str(InstructorSettings.objects.get(user=second).pk)
