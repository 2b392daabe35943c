"""/api/v1/certificates/: one's own certificates, issuing one for a completed source (spec 60's API rule,
enforced by the database since contract v2) and the public verification of a number."""

from __future__ import annotations

from typing import Any

import pytest

from instructors.models import Enrollment
from payments.models import Certificate
from tests.api_client import assert_error, client_for
from tests.world import World, build_world

pytestmark = pytest.mark.django_db

LIST = "/api/v1/certificates/"


@pytest.fixture
def world() -> World:
    return build_world()


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def course_certificate(world: World, **extra: Any) -> dict[str, Any]:
    return {"user": str(world.a.student.pk), "certificate_type": "course", "course": str(world.a.rows["course"].pk),
            "title": "AI Coaching Foundations", **extra}


def completed_without_certificate(world: World) -> None:
    """a's student completed a's course; the sample certificate for it is gone."""
    Certificate.objects.filter(pk=world.a.rows["certificate"].pk).delete()
    Enrollment.objects.filter(pk=world.a.rows["enrollment"].pk).update(status="completed")


def test_each_caller_lists_exactly_their_certificates(world: World) -> None:
    assert ids(client_for(world.a.student).get(LIST)) == {str(world.a.rows["certificate"].pk)}
    assert ids(client_for(world.b.student).get(LIST)) == {str(world.b.rows["certificate"].pk)}
    for who in (world.a.instructor, world.a.org_admin, world.b.org_admin, world.platform_admin, world.outsider):
        assert ids(client_for(who).get(LIST)) == set()
    assert_error(client_for(None).get(LIST), 401)
    assert ids(client_for(world.a.student).get(LIST, {"certificate_type": "workshop"})) == set()
    assert_error(client_for(world.a.student).get(LIST, {"certificate_type": "diploma"}), 400)


def test_a_certificate_is_read_by_its_holder_and_platform_admins(world: World) -> None:
    certificate = world.a.rows["certificate"]
    path = f"{LIST}{certificate.pk}/"
    for who in (world.a.student, world.platform_admin):
        body = client_for(who).get(path).json()
        assert body["certificate_number"] == "CERT-a" and body["holder"]["id"] == str(world.a.student.pk)
        assert "metadata" not in body
    for who in (world.a.instructor, world.a.org_admin, world.b.student, world.b.instructor, world.outsider):
        assert_error(client_for(who).get(path), 404)
    assert_error(client_for(None).get(path), 401)


def test_the_course_instructor_issues_a_certificate_for_a_completed_course(world: World) -> None:
    completed_without_certificate(world)
    response = client_for(world.a.instructor).post(LIST, course_certificate(
        world, is_verified=True, skills_demonstrated=["coaching"], certificate_url="https://c.example.com/1.pdf",
        certificate_number="CERT-MINE", issued_by=str(world.b.instructor.pk), issue_date="2001-01-01"),
        format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    # The issuer may not read someone else's certificate back (no SELECT policy): no number in the answer.
    assert body["certificate_number"] is None
    assert body["issued_by"]["id"] == str(world.a.instructor.pk) and body["issuer_name"] == "Teacher"
    stored = Certificate.objects.get(pk=body["id"])
    assert stored.certificate_number.startswith("CERT-CRS-") and stored.issue_date.year != 2001
    assert stored.issued_by_id == world.a.instructor.pk and stored.user_id == world.a.student.pk
    # The holder sees it with its number.
    mine = client_for(world.a.student).get(LIST).json()["results"]
    assert [c["certificate_number"] for c in mine] == [stored.certificate_number]
    # One per holder and course.
    assert_error(client_for(world.a.instructor).post(LIST, course_certificate(world), format="json"), 409,
                 "certificate_exists")
    assert Certificate.objects.filter(user=world.a.student, course=world.a.rows["course"]).count() == 1


def test_a_platform_admin_issues_and_reads_back(world: World) -> None:
    response = client_for(world.platform_admin).post(LIST, {
        "user": str(world.b.student.pk), "certificate_type": "program", "title": "Leadership program",
        "issuer_name": "HumanGlue Academy"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["certificate_number"].startswith("CERT-PRG-")
    assert response.json()["holder"]["id"] == str(world.b.student.pk)


def test_a_source_that_is_not_completed_is_refused(world: World) -> None:
    Certificate.objects.filter(pk=world.a.rows["certificate"].pk).delete()  # the enrollment is still 'enrolled'
    for who in (world.a.instructor, world.platform_admin):
        assert_error(client_for(who).post(LIST, course_certificate(world), format="json"), 400,
                     "certificate_source_not_completed")
    assert not Certificate.objects.filter(user=world.a.student).exists()


def test_who_may_not_issue(world: World) -> None:
    completed_without_certificate(world)
    before = set(Certificate.objects.values_list("pk", flat=True))
    # Sees the course but does not teach it.
    for who in (world.a.student, world.a.org_admin):
        assert_error(client_for(who).post(LIST, course_certificate(world), format="json"), 403,
                     "not_certificate_issuer")
    # Program and assessment certificates: platform admins only.
    assert_error(client_for(world.a.instructor).post(LIST, {
        "user": str(world.a.student.pk), "certificate_type": "program", "title": "P"}, format="json"), 403,
        "not_certificate_issuer")
    # Another organization's holder or course: not visible, a 400 on that field.
    assert_error(client_for(world.b.instructor).post(LIST, course_certificate(world), format="json"), 400,
                 attr="user")
    assert_error(client_for(world.b.instructor).post(LIST, course_certificate(
        world, user=str(world.b.student.pk)), format="json"), 400, attr="course")
    assert_error(client_for(None).post(LIST, course_certificate(world), format="json"), 401)
    assert set(Certificate.objects.values_list("pk", flat=True)) == before


@pytest.mark.parametrize(("changes", "attr"), [
    ({"certificate_type": "diploma"}, "certificate_type"),
    ({"course": None}, "course"),
    ({"workshop": "not-a-uuid"}, "workshop"),
    ({"title": "   "}, "title"),
    ({"title": "t" * 201}, "title"),
    ({"user": 42}, "user"),
    ({"certificate_url": "ftp://c.example.com/1.pdf"}, "certificate_url"),
    ({"expiry_date": "tomorrow"}, "expiry_date"),
    ({"skills_demonstrated": "coaching"}, "skills_demonstrated"),
    ({"is_verified": "perhaps"}, "is_verified"),
])
def test_invalid_issuances_are_400(world: World, changes: dict[str, Any], attr: str) -> None:
    completed_without_certificate(world)
    body = course_certificate(world, **changes)
    assert_error(client_for(world.a.instructor).post(LIST, body, format="json"), 400, attr=attr)
    assert not Certificate.objects.filter(user=world.a.student).exists()


def test_an_expiry_before_the_issue_date_is_400(world: World) -> None:
    completed_without_certificate(world)
    response = client_for(world.a.instructor).post(LIST, course_certificate(world, expiry_date="2000-01-01"),
                                                   format="json")
    assert_error(response, 400, "certificates_expiry_date_check")


def test_verification_answers_only_for_verified_numbers(world: World) -> None:
    Certificate.objects.filter(pk=world.a.rows["certificate"].pk).update(is_verified=True)
    response = client_for(None).get("/api/v1/certificates/verify/CERT-a/")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "certificate_number": "CERT-a", "title": "Course certificate", "certificate_type": "course",
        "holder_name": "Student", "issue_date": world.a.rows["certificate"].issue_date.isoformat(),
        "expiry_date": None, "issuer_name": "HumanGlue"}
    # Unverified, unknown and oversized numbers are the same 404, whoever asks.
    for number in ("CERT-b", "CERT-nope", "x" * 500):
        for who in (None, world.b.student, world.platform_admin):
            assert_error(client_for(who).get(f"/api/v1/certificates/verify/{number}/"), 404)
    # A stale token does not stand in the way of a public check.
    stale = client_for(None)
    stale.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert stale.get("/api/v1/certificates/verify/CERT-a/").status_code == 200
