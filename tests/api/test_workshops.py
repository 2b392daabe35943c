"""/api/v1/workshops/, /api/v1/workshop-registrations/ and /api/v1/instructor/workshops/: the catalog, one
workshop, registering (seat, waitlist, payment hold), cancelling with promotion, attendance, feedback, the
history, the instructor's side, and the hold sweep command. Two organizations, every role; seats, prices and
holds are the database's (spec 50 §6), the tests check what the API makes of them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.api_client import assert_error, client_for
from tests.factories import WorkshopFactory
from tests.world import World, build_world
from workshops.models import Workshop, WorkshopFeedback, WorkshopRegistration

pytestmark = pytest.mark.django_db

CATALOG = "/api/v1/workshops/"
MINE = "/api/v1/instructor/workshops/"
HISTORY = "/api/v1/workshop-registrations/"


@pytest.fixture
def world() -> World:
    return build_world()


def ids(response: Any, key: str = "id") -> set[str]:
    assert response.status_code == 200, response.content[:500]
    return {row[key] for row in response.json()["results"]}


def published(world: World, tenant: str = "a", **extra: Any) -> Workshop:
    """A published workshop of ``tenant``'s instructor and organization (free, 10 seats, next week)."""
    t = getattr(world, tenant)
    values = {"instructor": t.instructor, "organization": t.org, "meeting_url": "https://meet.example/w",
              "materials_url": "https://files.example/w", **extra}
    return WorkshopFactory(**values)


def register(user: Any, workshop: Workshop) -> Any:
    return client_for(user).post(f"{CATALOG}{workshop.pk}/register/")


def registration(workshop: Workshop, user: Any) -> WorkshopRegistration:
    return WorkshopRegistration.objects.get(workshop=workshop, user=user)


def queued(user: Any, workshop: Workshop, minutes_ago: int) -> dict[str, Any]:
    """Register ``user``; the row's status time is set ``minutes_ago`` in the past (a test runs in one
    transaction, where now() never moves: the FIFO order needs distinct times)."""
    body = register(user, workshop).json()
    WorkshopRegistration.objects.filter(pk=body["id"]).update(
        status_changed_at=timezone.now() - timedelta(minutes=minutes_ago))
    return body


def started(workshop: Workshop) -> None:
    """Move the workshop to have begun an hour ago (owner write; the status stays)."""
    now = timezone.now()
    Workshop.objects.filter(pk=workshop.pk).update(start_time=now - timedelta(hours=1),
                                                   end_time=now + timedelta(hours=1))


# --- the catalog -------------------------------------------------------------------------------------------


def test_the_catalog_lists_open_workshops_to_everyone(world: World) -> None:
    a, b = published(world, "a", pillar="coaching", level="beginner"), published(world, "b", pillar="adaptability",
                                                                                 level="advanced")
    full_waitlist = published(world, "b", capacity_total=1, waitlist_enabled=True)
    full_closed = published(world, "a", capacity_total=1)
    WorkshopRegistration.objects.create(workshop=full_waitlist, user=world.outsider, price_paid=0)
    WorkshopRegistration.objects.create(workshop=full_closed, user=world.outsider, price_paid=0)
    ended = published(world, "a")
    Workshop.objects.filter(pk=ended.pk).update(start_time=timezone.now() - timedelta(days=2),
                                                end_time=timezone.now() - timedelta(days=1))
    draft = published(world, "a", status="draft")
    open_ids = {str(a.pk), str(b.pk), str(full_waitlist.pk)}
    for who in (None, world.a.student, world.b.instructor, world.a.org_admin, world.outsider, world.platform_admin):
        response = client_for(who).get(CATALOG)
        assert ids(response) == open_ids, who
        assert response.json()["count"] == 3
    rows = {row["id"]: row for row in client_for(None).get(CATALOG).json()["results"]}
    assert rows[str(full_waitlist.pk)]["capacity_remaining"] == 0 and rows[str(full_waitlist.pk)]["waitlist_enabled"]
    assert rows[str(a.pk)]["is_free"] and rows[str(a.pk)]["instructor_name"] == "Teacher"
    assert "meeting_url" not in rows[str(a.pk)]
    assert str(draft.pk) not in rows and str(ended.pk) not in rows and str(full_closed.pk) not in rows
    assert ids(client_for(None).get(CATALOG, {"pillar": "adaptability"})) == {str(b.pk)}
    assert ids(client_for(None).get(CATALOG, {"level": "beginner", "pillar": "coaching"})) == {
        str(a.pk), str(full_waitlist.pk)}
    assert_error(client_for(None).get(CATALOG, {"pillar": "cooking"}), 400, "invalid_choice", "pillar")
    assert_error(client_for(None).get(CATALOG, {"level": "expert"}), 400, "invalid_choice", "level")
    page = client_for(None).get(CATALOG, {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]


def test_the_catalog_shows_the_early_bird_price_while_it_applies(world: World) -> None:
    soon = timezone.now() + timedelta(days=2)
    early = published(world, price_amount=Decimal("80.00"), price_early_bird=Decimal("60.00"), early_bird_deadline=soon)
    late = published(world, price_amount=Decimal("80.00"), price_early_bird=Decimal("60.00"))
    Workshop.objects.filter(pk=late.pk).update(early_bird_deadline=timezone.now() - timedelta(minutes=1))
    rows = {row["id"]: row for row in client_for(None).get(CATALOG).json()["results"]}
    assert (rows[str(early.pk)]["current_price"], rows[str(early.pk)]["is_free"]) == ("60.00", False)
    assert rows[str(late.pk)]["current_price"] == "80.00"
    assert client_for(None).get(f"{CATALOG}{early.pk}/").json()["current_price"] == "60.00"


# --- one workshop ------------------------------------------------------------------------------------------


def test_a_published_workshop_is_public_but_its_links_are_for_confirmed_seats_and_staff(world: World) -> None:
    workshop = published(world, "a")
    WorkshopRegistration.objects.create(workshop=workshop, user=world.a.student, price_paid=0)
    url = f"{CATALOG}{workshop.pk}/"
    for who in (world.a.student, world.a.instructor, world.platform_admin):
        body = client_for(who).get(url).json()
        assert (body["meeting_url"], body["materials_url"]) == ("https://meet.example/w", "https://files.example/w")
    for who in (None, world.b.student, world.a.member, world.a.org_admin, world.outsider):
        response = client_for(who).get(url)
        assert response.status_code == 200, who
        assert (response.json()["meeting_url"], response.json()["materials_url"]) == (None, None)
        assert response.json()["my_registration"] is None
    body = client_for(world.a.student).get(url).json()
    assert body["my_registration"]["status"] == "registered" and body["instructor"]["full_name"] == "Teacher"
    assert "total_revenue" not in body and "metadata" not in body
    assert client_for(None).get(f"{CATALOG}{workshop.slug}/").json()["id"] == str(workshop.pk)  # by slug


def test_an_unpaid_hold_does_not_see_the_meeting_link(world: World) -> None:
    workshop = published(world, "a", price_amount=Decimal("50.00"))
    assert register(world.b.student, workshop).json()["payment_status"] == "pending"
    assert client_for(world.b.student).get(f"{CATALOG}{workshop.pk}/").json()["meeting_url"] is None


def test_a_draft_is_visible_to_its_instructor_org_admin_and_platform_admin_only(world: World) -> None:
    draft = published(world, "a", status="draft")
    url = f"{CATALOG}{draft.pk}/"
    for who in (world.a.instructor, world.a.org_admin, world.platform_admin):
        assert client_for(who).get(url).status_code == 200, who
    for who in (None, world.a.member, world.a.student, world.b.org_admin, world.b.instructor, world.outsider):
        assert_error(client_for(who).get(url), 404)
    assert_error(client_for(None).get(f"{CATALOG}no-such-workshop/"), 404)


# --- the instructor's workshops ----------------------------------------------------------------------------


def new_workshop(**extra: Any) -> dict[str, Any]:
    start = timezone.now() + timedelta(days=10)
    return {"title": "Coaching clinic", "pillar": "coaching", "level": "intermediate", "start_time": start.isoformat(),
            "end_time": (start + timedelta(hours=3)).isoformat(), "capacity_total": 12, **extra}


def test_instructors_create_draft_workshops(world: World) -> None:
    response = client_for(world.a.instructor).post(MINE, new_workshop(is_featured=True, status="published",
                                                                      total_revenue="100.00"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["is_featured"], body["total_revenue"], body["published_at"]) == (
        "draft", False, "0.00", None)
    assert body["organization"] == str(world.a.org.pk) and body["instructor"]["id"] == str(world.a.instructor.pk)
    assert (body["duration_minutes"], body["capacity_remaining"], body["slug"].startswith("coaching-clinic-")) == (
        180, 12, True)
    assert ids(client_for(world.a.instructor).get(MINE)) >= {body["id"]}
    assert body["id"] not in ids(client_for(None).get(CATALOG))  # a draft is not listed
    independent = client_for(world.a.instructor).post(MINE, new_workshop(organization=None), format="json")
    assert independent.status_code == 201 and independent.json()["organization"] is None


def test_creating_a_workshop_is_refused_with_a_reason(world: World) -> None:
    assert_error(client_for(None).post(MINE, new_workshop(), format="json"), 401)
    assert_error(client_for(world.a.student).post(MINE, new_workshop(), format="json"), 403, "not_an_instructor")
    assert_error(client_for(world.a.instructor).post(MINE, new_workshop(organization=str(world.b.org.pk)),
                                                     format="json"), 400, "foreign_organization", "organization")
    client = client_for(world.a.instructor)
    assert_error(client.post(MINE, new_workshop(capacity_total=0), format="json"), 400, "min_value", "capacity_total")
    start = timezone.now() + timedelta(days=3)
    assert_error(client.post(MINE, new_workshop(end_time=start.isoformat(), start_time=start.isoformat()),
                             format="json"), 400, "invalid", "end_time")
    assert_error(client.post(MINE, new_workshop(timezone="Mars/Olympus"), format="json"), 400, "invalid_timezone")
    assert_error(client.post(MINE, new_workshop(price_amount="10.00", price_early_bird="20.00"), format="json"), 400,
                 "workshops_price_early_bird_check")
    assert_error(client.post(MINE, new_workshop(title="  "), format="json"), 400, "blank", "title")
    assert_error(client.post(MINE, new_workshop(meeting_url="javascript:alert(1)"), format="json"), 400, "invalid",
                 "meeting_url")
    taken = published(world, "b")
    assert_error(client.post(MINE, new_workshop(slug=taken.slug), format="json"), 409, "workshops_slug_key")


def test_each_instructor_lists_exactly_their_workshops(world: World) -> None:
    mine = published(world, "a")
    expected = {str(mine.pk), str(world.a.rows["workshop"].pk)}
    assert ids(client_for(world.a.instructor).get(MINE)) == expected
    assert ids(client_for(world.b.instructor).get(MINE)) == {str(world.b.rows["workshop"].pk)}
    for who in (world.a.student, world.a.org_admin, world.platform_admin, world.outsider):
        assert ids(client_for(who).get(MINE)) == set()
    assert ids(client_for(world.a.instructor).get(MINE, {"status": "draft"})) == {str(world.a.rows["workshop"].pk)}
    assert ids(client_for(world.a.instructor).get(MINE, {"upcoming": "true", "status": "published"})) == {str(mine.pk)}
    assert_error(client_for(world.a.instructor).get(MINE, {"status": "archived"}), 400, "invalid_choice", "status")
    assert_error(client_for(None).get(MINE), 401)


def test_editing_a_workshop(world: World) -> None:
    workshop = published(world, "a", capacity_total=3)
    url = f"{MINE}{workshop.pk}/"
    for user in (world.a.student, world.outsider):
        WorkshopRegistration.objects.create(workshop=workshop, user=user, price_paid=0)
    response = client_for(world.a.instructor).patch(url, {"title": "New title", "capacity_total": 4,
                                                          "enrolled_count": 0}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["capacity_remaining"], response.json()["enrolled_count"]) == (
        "New title", 2, 2)
    assert_error(client_for(world.a.instructor).patch(url, {"capacity_total": 1}, format="json"), 409,
                 "capacity_below_taken_seats")
    assert client_for(world.platform_admin).patch(url, {"waitlist_enabled": True}, format="json").status_code == 200
    # a published workshop is visible to all: others may read it, not change it
    for who in (world.b.instructor, world.a.org_admin, world.a.member, world.a.student):
        assert_error(client_for(who).patch(url, {"title": "Mine"}, format="json"), 403, "not_workshop_instructor")
        assert_error(client_for(who).get(url), 403, "not_workshop_instructor")
    draft = world.a.rows["workshop"]
    assert_error(client_for(world.b.instructor).patch(f"{MINE}{draft.pk}/", {"title": "x"}, format="json"), 404)
    assert_error(client_for(None).patch(url, {"title": "x"}, format="json"), 401)
    assert Workshop.objects.get(pk=workshop.pk).title == "New title"
    assert client_for(world.a.instructor).get(url).json()["total_revenue"] == "0.00"


def test_publishing_and_cancelling_a_workshop(world: World) -> None:
    draft = world.a.rows["workshop"]
    client = client_for(world.a.instructor)
    assert_error(client_for(world.b.instructor).post(f"{MINE}{draft.pk}/publish/"), 404)
    assert_error(client_for(world.a.org_admin).post(f"{MINE}{draft.pk}/publish/"), 403, "not_workshop_instructor")
    response = client.post(f"{MINE}{draft.pk}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert response.json()["published_at"] is not None
    assert str(draft.pk) in ids(client_for(None).get(CATALOG))
    assert_error(client.post(f"{MINE}{draft.pk}/publish/"), 409, "already_published")
    assert_error(client_for(world.b.instructor).post(f"{MINE}{draft.pk}/cancel/"), 403, "not_workshop_instructor")
    cancelled = client.post(f"{MINE}{draft.pk}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert str(draft.pk) not in ids(client_for(None).get(CATALOG))
    assert_error(client.post(f"{MINE}{draft.pk}/cancel/"), 409, "already_cancelled")
    assert_error(register(world.a.member, draft), 400, "workshop_not_open")  # members read non-drafts
    Workshop.objects.filter(pk=draft.pk).update(status="completed")
    assert_error(client.post(f"{MINE}{draft.pk}/publish/"), 400, "invalid_status_transition")
    assert_error(client.post(f"{MINE}{draft.pk}/cancel/"), 400, "invalid_status_transition")
    ended = published(world, "a", status="draft")
    Workshop.objects.filter(pk=ended.pk).update(start_time=timezone.now() - timedelta(days=2),
                                                end_time=timezone.now() - timedelta(days=1))
    assert_error(client.post(f"{MINE}{ended.pk}/publish/"), 409, "workshop_ended")
    admin = client_for(world.platform_admin).post(f"{MINE}{published(world, 'b').pk}/cancel/")
    assert admin.status_code == 200 and admin.json()["status"] == "cancelled"


def test_an_instructor_reads_the_registrations_of_their_workshop(world: World) -> None:
    workshop = published(world, "a", capacity_total=1, waitlist_enabled=True)
    register(world.b.student, workshop)
    register(world.a.member, workshop)
    url = f"{MINE}{workshop.pk}/registrations/"
    rows = client_for(world.a.instructor).get(url, {"ordering": "status_changed_at"}).json()["results"]
    assert [(r["user"]["id"], r["status"]) for r in rows] == [(str(world.b.student.pk), "registered"),
                                                              (str(world.a.member.pk), "waitlisted")]
    assert rows[0]["workshop"]["id"] == str(workshop.pk)
    assert ids(client_for(world.a.instructor).get(url, {"status": "waitlisted"})) == {rows[1]["id"]}
    assert len(ids(client_for(world.platform_admin).get(url))) == 2
    for who in (world.b.instructor, world.a.org_admin, world.a.student, world.b.student):
        assert_error(client_for(who).get(url), 403, "not_workshop_instructor")
    assert_error(client_for(world.b.instructor).get(f"{MINE}{world.a.rows['workshop'].pk}/registrations/"), 404)
    assert_error(client_for(None).get(url), 401)


# --- registering -------------------------------------------------------------------------------------------


def test_registering_for_a_free_workshop_then_the_waitlist(world: World) -> None:
    workshop = published(world, "a", capacity_total=1, waitlist_enabled=True)
    first = register(world.b.student, workshop)
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["status"], body["payment_status"], body["price_paid"], body["payment_required"],
            body["payment_request"], body["waitlist_position"]) == ("registered", None, "0.00", False, None, None)
    assert body["organization"] == str(world.b.org.pk) and body["user"]["id"] == str(world.b.student.pk)
    assert_error(register(world.b.student, workshop), 409, "already_registered")
    second, third = queued(world.a.member, workshop, 2), queued(world.outsider, workshop, 1)
    assert (second["status"], third["status"]) == ("waitlisted", "waitlisted")
    positions = {r["registration_id"]: r["waitlist_position"] for who in (world.a.member, world.outsider)
                 for r in client_for(who).get(HISTORY).json()["results"]}
    assert (positions[second["id"]], positions[third["id"]]) == (1, 2)
    assert register(world.platform_admin, workshop).json()["waitlist_position"] == 3
    assert Workshop.objects.get(pk=workshop.pk).waitlist_count == 3


def test_registering_is_refused_with_a_reason(world: World) -> None:
    full = published(world, "a", capacity_total=1)
    assert register(world.a.student, full).status_code == 201
    assert_error(register(world.b.student, full), 409, "workshop_full")
    assert not WorkshopRegistration.objects.filter(workshop=full, user=world.b.student).exists()
    draft = world.a.rows["workshop"]
    assert_error(register(world.a.org_admin, draft), 400, "workshop_not_open")  # the org admin reads drafts
    for who in (world.b.student, world.a.member, world.outsider):
        assert_error(register(who, draft), 404)
    assert_error(register(None, full), 401)
    assert_error(client_for(world.a.student).post(f"{CATALOG}{full.slug}/register/"), 404)  # ids only


def test_registering_for_a_paid_workshop_holds_a_seat_until_payment(world: World) -> None:
    workshop = published(world, "b", price_amount=Decimal("80.00"), price_early_bird=Decimal("60.00"),
                         early_bird_deadline=timezone.now() + timedelta(days=1), currency="EUR", capacity_total=1,
                         waitlist_enabled=True)
    response = register(world.a.student, workshop)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["payment_status"], body["price_paid"], body["payment_required"]) == (
        "registered", "pending", "60.00", True)
    assert body["payment_request"] == {"payment_type": "workshop", "item_id": str(workshop.pk), "amount": "60.00",
                                       "currency": "EUR"}
    assert Workshop.objects.get(pk=workshop.pk).capacity_remaining == 0  # the hold takes the seat
    waiting = register(world.b.student, workshop).json()
    assert (waiting["status"], waiting["payment_status"], waiting["payment_required"]) == ("waitlisted", None, False)


def test_a_cancelled_registration_registers_again(world: World) -> None:
    workshop = published(world, "a", price_amount=Decimal("30.00"))
    reg_id = register(world.b.student, workshop).json()["id"]
    assert client_for(world.b.student).post(f"{HISTORY}{reg_id}/cancel/").json()["status"] == "cancelled"
    again = register(world.b.student, workshop)
    assert again.status_code == 201
    assert (again.json()["id"], again.json()["status"], again.json()["payment_status"]) == (
        reg_id, "registered", "pending")


# --- cancelling --------------------------------------------------------------------------------------------


def test_cancelling_promotes_the_first_in_line(world: World) -> None:
    workshop = published(world, "a", capacity_total=1, waitlist_enabled=True)
    holder = register(world.a.student, workshop).json()["id"]
    first = queued(world.b.student, workshop, 2)["id"]
    second = queued(world.outsider, workshop, 1)["id"]
    url = f"{HISTORY}{holder}/cancel/"
    assert_error(client_for(world.b.student).post(url), 404)
    assert_error(client_for(world.b.org_admin).post(url), 404)
    assert_error(client_for(world.a.org_admin).post(url), 403, "not_your_registration")  # reads, may not cancel
    response = client_for(world.a.student).post(url)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert WorkshopRegistration.objects.get(pk=first).status == "registered"  # promoted
    assert WorkshopRegistration.objects.get(pk=second).status == "waitlisted"
    assert_error(client_for(world.a.student).post(url), 409, "already_cancelled")
    # the instructor takes someone off the waitlist; a platform admin cancels a seat
    assert client_for(world.a.instructor).post(f"{HISTORY}{second}/cancel/").json()["status"] == "cancelled"
    assert client_for(world.platform_admin).post(f"{HISTORY}{first}/cancel/").json()["status"] == "cancelled"
    assert_error(client_for(None).post(url), 401)


def test_attended_and_paid_registrations_are_not_cancelled_here(world: World) -> None:
    attended = world.a.rows["workshop_registration"]
    assert_error(client_for(world.a.student).post(f"{HISTORY}{attended.pk}/cancel/"), 409, "registration_closed")
    workshop = published(world, "a", price_amount=Decimal("20.00"))
    reg_id = register(world.b.student, workshop).json()["id"]
    WorkshopRegistration.objects.filter(pk=reg_id).update(payment_status="completed")
    assert_error(client_for(world.b.student).post(f"{HISTORY}{reg_id}/cancel/"), 409, "registration_paid")
    assert WorkshopRegistration.objects.get(pk=reg_id).status == "registered"


# --- attendance --------------------------------------------------------------------------------------------


def test_the_instructor_records_attendance_once_the_workshop_started(world: World) -> None:
    workshop = published(world, "a")
    reg_id = register(world.b.student, workshop).json()["id"]
    url = f"{HISTORY}{reg_id}/attendance/"
    instructor = client_for(world.a.instructor)
    assert_error(instructor.post(url, {"status": "attended"}, format="json"), 409, "workshop_not_started")
    started(workshop)
    assert_error(instructor.post(url, {"status": "cancelled"}, format="json"), 400, "invalid_choice", "status")
    assert_error(instructor.post(url, {"status": "attended", "attendance_percentage": 101}, format="json"), 400,
                 "max_value", "attendance_percentage")
    for who in (world.b.student, world.b.org_admin):  # they read the registration (own; their organization's)
        assert_error(client_for(who).post(url, {"status": "attended"}, format="json"), 403, "not_workshop_instructor")
    for who in (world.b.instructor, world.a.org_admin, world.a.member, world.outsider):
        assert_error(client_for(who).post(url, {"status": "attended"}, format="json"), 404)
    response = instructor.post(url, {"status": "attended", "attendance_duration_minutes": 100,
                                     "attendance_percentage": 90}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["attendance_percentage"], body["completed_at"] is not None) == ("attended", 90, True)
    assert Workshop.objects.get(pk=workshop.pk).attended_count == 1
    corrected = client_for(world.platform_admin).post(url, {"status": "no_show"}, format="json").json()
    assert (corrected["status"], corrected["completed_at"]) == ("no_show", None)


def test_an_unpaid_seat_is_not_checked_in(world: World) -> None:
    workshop = published(world, "a", price_amount=Decimal("20.00"))
    reg_id = register(world.b.student, workshop).json()["id"]
    started(workshop)
    assert_error(client_for(world.a.instructor).post(f"{HISTORY}{reg_id}/attendance/", {"status": "attended"},
                                                     format="json"), 409, "payment_pending")


def test_a_walk_in_needs_a_free_seat(world: World) -> None:
    workshop = published(world, "a", capacity_total=1, waitlist_enabled=True)
    register(world.a.student, workshop)
    waiting = register(world.b.student, workshop).json()["id"]
    started(workshop)
    assert_error(client_for(world.a.instructor).post(f"{HISTORY}{waiting}/attendance/", {"status": "attended"},
                                                     format="json"), 409, "workshop_full")


# --- feedback ----------------------------------------------------------------------------------------------


def test_feedback_after_attending(world: World) -> None:
    workshop = published(world, "a")
    reg_id = register(world.b.student, workshop).json()["id"]
    url = f"{HISTORY}{reg_id}/feedback/"
    student = client_for(world.b.student)
    assert_error(student.post(url, {"overall_satisfaction": 4}, format="json"), 400, "feedback_requires_attendance")
    started(workshop)
    client_for(world.a.instructor).post(f"{HISTORY}{reg_id}/attendance/", {"status": "attended"}, format="json")
    assert_error(student.post(url, {"overall_satisfaction": 6}, format="json"), 400, "max_value",
                 "overall_satisfaction")
    assert_error(student.post(url, {}, format="json"), 400, "required", "overall_satisfaction")
    assert_error(client_for(world.a.instructor).post(url, {"overall_satisfaction": 5}, format="json"), 403,
                 "not_your_registration")
    assert_error(client_for(world.a.student).post(url, {"overall_satisfaction": 5}, format="json"), 404)
    response = student.post(url, {"overall_satisfaction": 4, "nps_score": 9, "what_went_well": "Cases"},
                            format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["workshop"], response.json()["user"]) == (str(workshop.pk), str(world.b.student.pk))
    detail = client_for(None).get(f"{CATALOG}{workshop.pk}/").json()
    assert (detail["average_satisfaction"], detail["feedback_count"]) == ("4.00", 1)
    assert_error(student.post(url, {"overall_satisfaction": 5}, format="json"), 409, "feedback_exists")
    changed = student.patch(url, {"overall_satisfaction": 2}, format="json")
    assert changed.status_code == 200 and changed.json()["overall_satisfaction"] == 2
    assert_error(client_for(world.platform_admin).patch(url, {"overall_satisfaction": 5}, format="json"), 403,
                 "not_your_registration")
    for who in (world.b.student, world.a.instructor, world.platform_admin):
        assert client_for(who).get(url).json()["overall_satisfaction"] == 2
    for who in (world.b.org_admin, world.a.org_admin):  # org admins read registrations, not surveys
        assert_error(client_for(who).get(url), 404)
    assert_error(client_for(world.b.member).get(url), 404)


# --- history and one registration --------------------------------------------------------------------------


def test_my_workshop_history(world: World) -> None:
    workshop = published(world, "b", capacity_total=1, waitlist_enabled=True)
    register(world.b.student, workshop)
    register(world.a.student, workshop)
    mine = client_for(world.a.student).get(HISTORY).json()
    rows = {row["workshop_id"]: row for row in mine["results"]}
    assert mine["count"] == 2 and set(rows) == {str(workshop.pk), str(world.a.rows["workshop"].pk)}
    assert (rows[str(workshop.pk)]["status"], rows[str(workshop.pk)]["waitlist_position"]) == ("waitlisted", 1)
    assert rows[str(world.a.rows["workshop"].pk)]["rating"] == 5  # the sample feedback
    assert ids(client_for(world.a.student).get(HISTORY, {"status": "attended"}), "registration_id") == {
        str(world.a.rows["workshop_registration"].pk)}
    for who in (world.a.member, world.outsider, world.platform_admin):
        assert ids(client_for(who).get(HISTORY), "registration_id") == set()
    other = {"user": str(world.a.student.pk)}
    for who in (world.a.org_admin, world.platform_admin, world.a.student):
        assert client_for(who).get(HISTORY, other).json()["count"] == 2, who
    for who in (world.b.org_admin, world.a.member, world.a.instructor, world.b.student):
        assert_error(client_for(who).get(HISTORY, other), 403, "history_forbidden")
    assert_error(client_for(world.a.student).get(HISTORY, {"status": "lost"}), 400, "invalid_choice", "status")
    assert_error(client_for(None).get(HISTORY), 401)


def test_a_registration_is_read_by_its_registrant_instructor_org_admin_and_platform_admin(world: World) -> None:
    reg = world.a.rows["workshop_registration"]
    url = f"{HISTORY}{reg.pk}/"
    for who in (world.a.student, world.a.instructor, world.a.org_admin, world.platform_admin):
        response = client_for(who).get(url)
        assert response.status_code == 200, who
        assert response.json()["workshop"]["id"] == str(reg.workshop_id)
    for who in (world.a.member, world.b.student, world.b.org_admin, world.b.instructor, world.outsider):
        assert_error(client_for(who).get(url), 404)
    assert_error(client_for(None).get(url), 401)


# --- the hold sweep ----------------------------------------------------------------------------------------


def test_the_sweep_releases_expired_holds_to_the_waitlist(world: World) -> None:
    workshop = published(world, "a", price_amount=Decimal("40.00"), capacity_total=1, waitlist_enabled=True)
    holder = register(world.a.student, workshop).json()["id"]
    waiting = register(world.b.student, workshop).json()["id"]
    out = StringIO()
    call_command("release_workshop_holds", stdout=out)
    assert "Released 0" in out.getvalue()
    WorkshopRegistration.objects.filter(pk=holder).update(status_changed_at=timezone.now() - timedelta(minutes=31))
    call_command("release_workshop_holds", "--older-than", "30", stdout=out)
    assert "Released 1" in out.getvalue()
    assert WorkshopRegistration.objects.filter(pk=holder).values_list("status", "payment_status").get() == (
        "cancelled", "pending")
    assert WorkshopRegistration.objects.filter(pk=waiting).values_list("status", "payment_status").get() == (
        "registered", "pending")  # promoted into a new hold
    with pytest.raises(CommandError):
        call_command("release_workshop_holds", "--older-than", "0")


def test_a_registrant_cannot_touch_server_columns_through_the_api(world: World) -> None:
    workshop = published(world, "a", price_amount=Decimal("25.00"))
    response = client_for(world.b.student).post(f"{CATALOG}{workshop.pk}/register/",
                                                {"status": "attended", "price_paid": "0.00",
                                                 "payment_status": "completed"}, format="json")
    assert (response.json()["status"], response.json()["price_paid"], response.json()["payment_status"]) == (
        "registered", "25.00", "pending")
    assert WorkshopFeedback.objects.filter(workshop=workshop).count() == 0
