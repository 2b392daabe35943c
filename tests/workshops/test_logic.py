"""Business logic of the workshops app (spec 50 §6.1–§6.8, §6.13–§6.15): admission, waitlist, payment holds,
derived counters, feedback rules and the two read functions.

Registrants act through ``as_user`` (the request security context: ``SET LOCAL ROLE humanglue_app`` and the
caller's id, kept until the end of the block, then back to the owner); owner writes are system context.
Every refusal is checked by SQLSTATE and by the reason in the error's CONSTRAINT field (conventions §10).
The real-concurrency tests are in ``test_concurrency.py``.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import factory
import pytest

from humanglue.contract import load_contract
from organizations.models import Organization, User
from tests.catalog import assert_verified
from tests.db import as_user, refused
from tests.db import fetch as sql
from tests.factories import UserFactory, WorkshopFactory
from workshops.models import Workshop, WorkshopFeedback, WorkshopRegistration

pytestmark = pytest.mark.django_db

_serial = itertools.count()


# ------------------------------------------------------------------------------------------------ helpers
def db_now() -> datetime:
    return sql("SELECT now()")[0][0]


@pytest.fixture
def org() -> Organization:
    return Organization.objects.create(name="Logic Org", slug="logic-org")


@pytest.fixture
def instructor(org: Organization) -> User:
    return UserFactory(full_name="Teacher", organization=org)


class SmallWorkshopFactory(WorkshopFactory):
    """This module's workshop: published a week ahead, 5 seats, free, no waitlist, and no duration given
    (the database derives it from start and end)."""

    pillar = "adaptability"
    start_time = factory.LazyFunction(lambda: db_now() + timedelta(days=7))
    capacity_total = 5
    duration_minutes = None


def register(user: User, workshop: Workshop, **columns: Any) -> WorkshopRegistration:
    """The registrant's own INSERT under the app role; returns the row as the database stored it."""
    with as_user(user):
        row = WorkshopRegistration.objects.create(workshop=workshop, user=user, price_paid=None, **columns)
    row.refresh_from_db()
    return row


def staff_insert(workshop: Workshop, user: User, **columns: Any) -> WorkshopRegistration:
    """An owner (system context) INSERT, e.g. a walk-in or an import."""
    columns.setdefault("price_paid", None)
    row = WorkshopRegistration.objects.create(workshop=workshop, user=user, **columns)
    row.refresh_from_db()
    return row


def set_status(row: WorkshopRegistration, status: str, by: User | None = None, **columns: Any) -> None:
    """UPDATE of the status (and ``columns``) as ``by`` under the app role, or as the owner when ``by`` is None."""
    def update() -> int:
        return WorkshopRegistration.objects.filter(pk=row.pk).update(status=status, **columns)

    if by is None:
        assert update() == 1
    else:
        with as_user(by):
            assert update() == 1


def status_of(*rows: WorkshopRegistration) -> list[str]:
    return [WorkshopRegistration.objects.get(pk=row.pk).status for row in rows]


def counters(workshop: Workshop) -> dict[str, Any]:
    w = Workshop.objects.get(pk=workshop.pk)
    return {"enrolled": w.enrolled_count, "waitlist": w.waitlist_count, "attended": w.attended_count,
            "remaining": w.capacity_remaining}


def backdate(row: WorkshopRegistration, minutes: int) -> None:
    """Owner repair of the FIFO/hold clock (system context may write status_changed_at)."""
    WorkshopRegistration.objects.filter(pk=row.pk).update(
        status_changed_at=db_now() - timedelta(minutes=minutes))


# ------------------------------------------------------------------------------ §6.1 workshop_current_price
@pytest.mark.parametrize(("early_bird", "deadline_hours", "expected"), [
    ("80.00", 24, Decimal("80.00")),  # deadline ahead: early bird
    ("80.00", -1, Decimal("100.00")),  # deadline passed: regular price
    ("80.00", None, Decimal("80.00")),  # early bird without deadline
    (None, None, Decimal("100.00")),  # no early bird
])
def test_current_price(instructor: User, early_bird: str | None, deadline_hours: int | None,
                       expected: Decimal) -> None:
    deadline = db_now() + timedelta(hours=deadline_hours) if deadline_hours is not None else None
    w = SmallWorkshopFactory(instructor=instructor, price_amount=Decimal("100.00"),
                             price_early_bird=Decimal(early_bird) if early_bird else None, early_bird_deadline=deadline)
    with as_user(None):  # anonymous callers may ask (price is public)
        assert sql("SELECT public.workshop_current_price(%s)", [w.pk]) == [(expected,)]


def test_current_price_of_unknown_workshop_is_null() -> None:
    assert sql("SELECT public.workshop_current_price(%s)", [uuid.uuid4()]) == [(None,)]


# ------------------------------------------------------------------------------ §6.4 derive_workshop_columns
def test_insert_ignores_supplied_derived_columns(instructor: User) -> None:
    start = db_now() + timedelta(days=3)
    (row,) = sql(
        """
        INSERT INTO workshops (instructor_id, title, slug, pillar, level, start_time, end_time, capacity_total,
                               status, enrolled_count, waitlist_count, attended_count, feedback_count,
                               average_satisfaction, total_revenue, capacity_remaining)
        VALUES (%s, 'Raw', 'raw-insert', 'coaching', 'advanced', %s, %s, 8, 'published', 3, 2, 1, 9, 4.5, 99, 1)
        RETURNING enrolled_count, waitlist_count, attended_count, feedback_count, average_satisfaction,
                  total_revenue, capacity_remaining, duration_minutes, published_at = now()
        """,
        [instructor.pk, start, start + timedelta(minutes=90, seconds=59)],
    )
    assert row == (0, 0, 0, 0, None, Decimal("0.00"), 8, 90, True)


def test_timezone_must_be_a_known_zone_name(instructor: User) -> None:
    w = SmallWorkshopFactory(instructor=instructor, timezone="Europe/Paris")
    with refused("23514", "invalid_timezone"):
        SmallWorkshopFactory(instructor=instructor, timezone="Mars/Olympus_Mons")
    with refused("23514", "invalid_timezone"):
        Workshop.objects.filter(pk=w.pk).update(timezone="Nowhere/Town")
    assert Workshop.objects.filter(pk=w.pk).update(timezone="America/New_York") == 1


def test_published_at_is_set_once_and_never_cleared(instructor: User) -> None:
    w = SmallWorkshopFactory(instructor=instructor, status="draft")
    assert Workshop.objects.get(pk=w.pk).published_at is None
    Workshop.objects.filter(pk=w.pk).update(status="published")
    first = Workshop.objects.get(pk=w.pk).published_at
    assert first == db_now()
    Workshop.objects.filter(pk=w.pk).update(status="draft", published_at=None)
    assert Workshop.objects.get(pk=w.pk).published_at == first
    Workshop.objects.filter(pk=w.pk).update(published_at=first - timedelta(days=30))
    assert Workshop.objects.get(pk=w.pk).published_at == first


def test_capacity_cannot_go_below_taken_seats(instructor: User) -> None:
    w = SmallWorkshopFactory(instructor=instructor, capacity_total=5)
    for i in range(3):
        register(UserFactory(full_name=f"S{i}"), w)
    with refused("23505", "capacity_below_taken_seats"):
        Workshop.objects.filter(pk=w.pk).update(capacity_total=2)
    with as_user(instructor), refused("23505", "capacity_below_taken_seats"):
        Workshop.objects.filter(pk=w.pk).update(capacity_total=2)
    Workshop.objects.filter(pk=w.pk).update(capacity_total=3)
    assert counters(w) == {"enrolled": 3, "waitlist": 0, "attended": 0, "remaining": 0}


def test_workshop_id_is_immutable(instructor: User) -> None:
    w = SmallWorkshopFactory(instructor=instructor)
    with refused("23514", "immutable_column"):
        Workshop.objects.filter(pk=w.pk).update(id=uuid.uuid4())


def test_instructor_cannot_write_counters(instructor: User) -> None:
    w = SmallWorkshopFactory(instructor=instructor, capacity_total=4)
    register(UserFactory(full_name="S"), w)
    with as_user(instructor):
        assert Workshop.objects.filter(pk=w.pk).update(
            enrolled_count=99, waitlist_count=7, capacity_remaining=4, attended_count=3, feedback_count=5,
            average_satisfaction=Decimal("5.00"), title="Renamed") == 1
    w.refresh_from_db()
    assert (w.title, w.enrolled_count, w.waitlist_count, w.capacity_remaining, w.attended_count,
            w.feedback_count, w.average_satisfaction) == ("Renamed", 1, 0, 3, 0, 0, None)


# ------------------------------------------------------------ §6.2 registration rules: registrant acting alone
def test_registrant_insert_gets_server_price_hold_and_org(org: Organization, instructor: User) -> None:
    w = SmallWorkshopFactory(instructor=instructor, price_amount=Decimal("50.00"), price_early_bird=Decimal("40.00"),
                             early_bird_deadline=db_now() + timedelta(days=1))
    student = UserFactory(full_name="Student", organization=org)
    row = register(student, w, attendance_percentage=100, attendance_duration_minutes=120,
                   payment_status="completed", status="waitlisted", metadata={"source": "web"})
    assert (row.status, row.price_paid, row.payment_status, row.attendance_percentage,
            row.attendance_duration_minutes, row.completed_at, row.organization_id, row.metadata) == (
        "registered", Decimal("40.00"), "pending", None, None, None, org.pk, {"source": "web"})
    assert row.status_changed_at == row.registered_at == db_now()
    assert counters(w) == {"enrolled": 1, "waitlist": 0, "attended": 0, "remaining": 4}


def test_registrant_supplied_price_is_recomputed(instructor: User) -> None:
    w = SmallWorkshopFactory(instructor=instructor, price_amount=Decimal("25.00"))
    student = UserFactory(full_name="Student")
    with as_user(student):
        (row,) = sql("INSERT INTO workshop_registrations (workshop_id, user_id, price_paid) VALUES (%s, %s, 0) "
                     "RETURNING status, price_paid, payment_status", [w.pk, student.pk])
    assert row == ("registered", Decimal("25.00"), "pending")


def test_free_workshop_needs_no_payment(instructor: User) -> None:
    row = register(UserFactory(full_name="Student"), SmallWorkshopFactory(instructor=instructor))
    assert (row.status, row.price_paid, row.payment_status) == ("registered", Decimal("0.00"), None)


@pytest.mark.parametrize("status", ["attended", "no_show", "cancelled"])
def test_registrant_may_only_ask_for_a_seat(instructor: User, status: str) -> None:
    w, student = SmallWorkshopFactory(instructor=instructor), UserFactory(full_name="Student")
    with as_user(student), refused("42501", "registration_transition_forbidden"):
        WorkshopRegistration.objects.create(workshop=w, user=student, price_paid=None, status=status)


def test_full_workshop_with_waitlist_waitlists(instructor: User) -> None:
    w = SmallWorkshopFactory(instructor=instructor, capacity_total=1, waitlist_enabled=True,
                             price_amount=Decimal("30.00"))
    first = register(UserFactory(full_name="First"), w)
    second = register(UserFactory(full_name="Second"), w)
    assert (first.status, first.payment_status) == ("registered", "pending")
    assert (second.status, second.price_paid, second.payment_status) == ("waitlisted", Decimal("30.00"), None)
    assert counters(w) == {"enrolled": 1, "waitlist": 1, "attended": 0, "remaining": 0}


def test_full_workshop_without_waitlist_refuses(instructor: User) -> None:
    w = SmallWorkshopFactory(instructor=instructor, capacity_total=1)
    register(UserFactory(full_name="First"), w)
    late = UserFactory(full_name="Late")
    with as_user(late), refused("23505", "workshop_full"):
        WorkshopRegistration.objects.create(workshop=w, user=late, price_paid=None)
    assert counters(w) == {"enrolled": 1, "waitlist": 0, "attended": 0, "remaining": 0}


@pytest.mark.parametrize(("status", "days"), [("draft", 7), ("cancelled", 7), ("completed", 7),
                                              ("in_progress", 7), ("published", -7)])
def test_registration_needs_an_open_workshop(instructor: User, status: str, days: int) -> None:
    w = SmallWorkshopFactory(instructor=instructor, status=status, start_time=db_now() + timedelta(days=days))
    student = UserFactory(full_name="Student")
    with as_user(student), refused("23514", "workshop_not_open"):
        WorkshopRegistration.objects.create(workshop=w, user=student, price_paid=None)
    with refused("23514", "workshop_not_open"):  # staff too, for registered/waitlisted
        staff_insert(w, student, status="waitlisted")


def test_registrant_cancels_and_re_registers_at_the_current_price(instructor: User) -> None:
    w = SmallWorkshopFactory(instructor=instructor, price_amount=Decimal("60.00"))
    student = UserFactory(full_name="Student")
    row = register(student, w)
    set_status(row, "cancelled", by=student)
    assert status_of(row) == ["cancelled"] and counters(w)["enrolled"] == 0
    # The payments path recorded a failed payment; then the price changes before the registrant comes back.
    WorkshopRegistration.objects.filter(pk=row.pk).update(payment_status="failed")
    Workshop.objects.filter(pk=w.pk).update(price_amount=Decimal("45.00"))
    set_status(row, "waitlisted", by=student, price_paid=Decimal("1.00"))  # requested waitlisted: registered
    row.refresh_from_db()
    assert (row.status, row.price_paid, row.payment_status, row.payment_id) == (
        "registered", Decimal("45.00"), "pending", None)
    assert counters(w)["enrolled"] == 1


@pytest.mark.parametrize(("start", "target"), [
    ("registered", "attended"), ("registered", "no_show"), ("registered", "waitlisted"),
    ("waitlisted", "registered"), ("waitlisted", "attended"), ("cancelled", "attended"),
    ("attended", "cancelled"), ("no_show", "registered"),
])
def test_registrant_transitions_refused(instructor: User, start: str, target: str) -> None:
    w = SmallWorkshopFactory(instructor=instructor, capacity_total=1, waitlist_enabled=True)
    student = UserFactory(full_name="Student")
    if start == "waitlisted":
        register(UserFactory(full_name="Holder"), w)
        row = register(student, w)
    elif start == "cancelled":
        row = staff_insert(w, student, status="cancelled")
    else:
        row = register(student, w)
        if start != "registered":
            set_status(row, start, by=instructor)  # the instructor marks attendance
    assert status_of(row) == [start]
    with as_user(student), refused("42501", "registration_transition_forbidden"):
        WorkshopRegistration.objects.filter(pk=row.pk).update(status=target)
    assert status_of(row) == [start]


def test_registrant_update_keeps_server_columns(instructor: User) -> None:
    w = SmallWorkshopFactory(instructor=instructor, price_amount=Decimal("20.00"))
    student = UserFactory(full_name="Student")
    row = register(student, w)
    with as_user(student):
        assert WorkshopRegistration.objects.filter(pk=row.pk).update(
            price_paid=Decimal("0.00"), payment_status="completed", attendance_percentage=100,
            registered_at=db_now() - timedelta(days=3), status_changed_at=db_now() - timedelta(days=3),
            metadata={"diet": "vegan"}) == 1
    row.refresh_from_db()
    assert (row.price_paid, row.payment_status, row.attendance_percentage, row.metadata) == (
        Decimal("20.00"), "pending", None, {"diet": "vegan"})
    assert row.registered_at == row.status_changed_at == db_now()


@pytest.mark.parametrize("column", ["workshop_id", "user_id"])
def test_registration_ids_are_immutable(instructor: User, column: str) -> None:
    w = SmallWorkshopFactory(instructor=instructor)
    row = register(UserFactory(full_name="Student"), w)
    other = (SmallWorkshopFactory(instructor=instructor) if column == "workshop_id"
             else UserFactory(full_name="Other")).pk
    with refused("23514", "immutable_column"):
        WorkshopRegistration.objects.filter(pk=row.pk).update(**{column: other})
    with as_user(instructor), refused("23514", "immutable_column"):
        WorkshopRegistration.objects.filter(pk=row.pk).update(**{column: other})


def test_unknown_workshop_is_a_foreign_key_error(instructor: User) -> None:
    with refused("23503", "workshop_not_found"):
        sql("INSERT INTO workshop_registrations (workshop_id, user_id) VALUES (%s, %s)",
            [uuid.uuid4(), instructor.pk])


# ------------------------------------------------------------------------- §6.2 registration rules: staff
def test_instructor_marks_attendance_and_completed_at_follows(instructor: User) -> None:
    w = SmallWorkshopFactory(instructor=instructor)
    row = register(UserFactory(full_name="Student"), w)
    set_status(row, "attended", by=instructor, attendance_percentage=95)
    row.refresh_from_db()
    assert (row.status, row.attendance_percentage, row.completed_at) == ("attended", 95, db_now())
    assert counters(w) == {"enrolled": 1, "waitlist": 0, "attended": 1, "remaining": 4}
    set_status(row, "no_show", by=instructor)
    row.refresh_from_db()
    assert (row.status, row.completed_at) == ("no_show", None)
    assert counters(w) == {"enrolled": 1, "waitlist": 0, "attended": 0, "remaining": 4}


def test_walk_in_skips_the_open_check_but_not_capacity(instructor: User) -> None:
    start = db_now() - timedelta(days=2)
    w = SmallWorkshopFactory(instructor=instructor, status="completed", start_time=start, capacity_total=1,
                             price_amount=Decimal("80.00"))
    # Instructors have no INSERT policy on registrations: walk-ins are recorded by staff in system context.
    row = staff_insert(w, UserFactory(full_name="Walkin"), status="attended", price_paid=Decimal("0.00"))
    assert (row.status, row.price_paid, row.payment_status, row.completed_at) == (
        "attended", Decimal("0.00"), None, db_now())
    assert counters(w) == {"enrolled": 1, "waitlist": 0, "attended": 1, "remaining": 0}
    with refused("23505", "workshop_full"):
        staff_insert(w, UserFactory(full_name="Second"), status="no_show", price_paid=Decimal("0.00"))


def test_staff_price_is_kept_and_null_price_is_computed(instructor: User) -> None:
    w = SmallWorkshopFactory(instructor=instructor, price_amount=Decimal("80.00"))
    free_seat = staff_insert(w, UserFactory(full_name="Guest"), price_paid=Decimal("0.00"))
    paid = staff_insert(w, UserFactory(full_name="Paid"))
    assert (free_seat.price_paid, free_seat.payment_status) == (Decimal("0.00"), None)
    assert (paid.price_paid, paid.payment_status) == (Decimal("80.00"), "pending")


def test_staff_promotion_without_a_free_seat_is_refused(instructor: User) -> None:
    w = SmallWorkshopFactory(instructor=instructor, capacity_total=1, waitlist_enabled=True)
    register(UserFactory(full_name="First"), w)
    waiting = register(UserFactory(full_name="Second"), w)
    with as_user(instructor), refused("23505", "workshop_full"):
        WorkshopRegistration.objects.filter(pk=waiting.pk).update(status="registered")
    assert status_of(waiting) == ["waitlisted"]


def test_staff_explicit_waitlist(instructor: User) -> None:
    """An explicit ``waitlisted`` with a free seat is promoted at once (§6.3 step 3); on a full workshop it
    waits when the waitlist is enabled and is refused otherwise."""
    w = SmallWorkshopFactory(instructor=instructor, capacity_total=1, waitlist_enabled=True)
    early = staff_insert(w, UserFactory(full_name="Early"), status="waitlisted")
    assert early.status == "registered"
    assert staff_insert(w, UserFactory(full_name="Queued"), status="waitlisted").status == "waitlisted"
    closed = SmallWorkshopFactory(instructor=instructor, capacity_total=1)
    staff_insert(closed, UserFactory(full_name="Seated"))
    with refused("23505", "workshop_full"):
        staff_insert(closed, UserFactory(full_name="Queued"), status="waitlisted")


def test_second_registration_of_the_same_user_is_a_duplicate(instructor: User) -> None:
    w, student = SmallWorkshopFactory(instructor=instructor), UserFactory(full_name="Student")
    register(student, w)
    with as_user(student), refused("23505", "workshop_registrations_workshop_id_user_id_key"):
        WorkshopRegistration.objects.create(workshop=w, user=student, price_paid=None)


def test_single_statement_overflow_is_waitlisted(instructor: User) -> None:
    """A BEFORE row trigger sees the rows the same statement admitted before it."""
    w = SmallWorkshopFactory(instructor=instructor, capacity_total=2, waitlist_enabled=True)
    users = [UserFactory(full_name=f"Bulk{i}") for i in range(5)]
    rows = sql("INSERT INTO workshop_registrations (workshop_id, user_id) SELECT %s, unnest(%s::uuid[]) "
               "RETURNING status", [w.pk, [u.pk for u in users]])
    assert sorted(status for (status,) in rows) == ["registered", "registered", "waitlisted", "waitlisted",
                                                   "waitlisted"]
    assert counters(w) == {"enrolled": 2, "waitlist": 3, "attended": 0, "remaining": 0}


# ----------------------------------------------------------------------- §6.3 / §6.14 FIFO waitlist promotion
@pytest.fixture
def full_paid_workshop(instructor: User) -> dict[str, Any]:
    """2 seats at 30.00 taken by ``holder1`` and ``holder2``; ``w_a`` (oldest, 3 min), ``w_b`` (2 min) and
    ``w_c`` (1 min) waitlisted, inserted in the order c, a, b so that FIFO is by status_changed_at."""
    w = SmallWorkshopFactory(instructor=instructor, capacity_total=2, waitlist_enabled=True,
                             price_amount=Decimal("30.00"))
    rows: dict[str, Any] = {"workshop": w}
    for name in ("holder1", "holder2", "w_c", "w_a", "w_b"):
        rows[f"{name}_user"] = UserFactory(full_name=name.title())
        rows[name] = register(rows[f"{name}_user"], w)
    for name, minutes in (("w_a", 3), ("w_b", 2), ("w_c", 1)):
        backdate(rows[name], minutes)
    assert status_of(*(rows[n] for n in ("holder1", "holder2", "w_a", "w_b", "w_c"))) == [
        "registered", "registered", "waitlisted", "waitlisted", "waitlisted"]
    return rows


def test_cancellation_promotes_the_oldest_waitlisted(full_paid_workshop: dict[str, Any]) -> None:
    rows = full_paid_workshop
    w = rows["workshop"]
    Workshop.objects.filter(pk=w.pk).update(price_amount=Decimal("99.00"))  # promotion keeps the agreed price
    set_status(rows["holder1"], "cancelled", by=rows["holder1_user"])
    assert status_of(rows["w_a"], rows["w_b"], rows["w_c"]) == ["registered", "waitlisted", "waitlisted"]
    promoted = WorkshopRegistration.objects.get(pk=rows["w_a"].pk)
    assert (promoted.price_paid, promoted.payment_status, promoted.status_changed_at) == (
        Decimal("30.00"), "pending", db_now())
    assert counters(w) == {"enrolled": 2, "waitlist": 2, "attended": 0, "remaining": 0}
    # A waitlisted registrant leaving frees no seat and promotes nobody.
    set_status(rows["w_c"], "cancelled", by=rows["w_c_user"])
    assert status_of(rows["w_b"]) == ["waitlisted"]
    assert counters(w) == {"enrolled": 2, "waitlist": 1, "attended": 0, "remaining": 0}


def test_fifo_ties_are_broken_by_id(instructor: User) -> None:
    w = SmallWorkshopFactory(instructor=instructor, capacity_total=1, waitlist_enabled=True)
    holder = register(UserFactory(full_name="Holder"), w)
    waiting = [register(UserFactory(full_name=f"Tie{i}"), w) for i in range(3)]
    same = db_now() - timedelta(minutes=5)
    WorkshopRegistration.objects.filter(pk__in=[r.pk for r in waiting]).update(status_changed_at=same)
    set_status(holder, "cancelled")
    first = min(waiting, key=lambda r: str(r.pk))
    assert {r.pk: s for r, s in zip(waiting, status_of(*waiting), strict=True)} == {
        r.pk: "registered" if r.pk == first.pk else "waitlisted" for r in waiting}


def test_payment_failure_releases_the_seat(full_paid_workshop: dict[str, Any]) -> None:
    rows = full_paid_workshop
    set_status(rows["holder2"], "cancelled", payment_status="failed")  # the payments path (system context)
    assert status_of(rows["holder2"], rows["w_a"]) == ["cancelled", "registered"]
    assert WorkshopRegistration.objects.get(pk=rows["holder2"].pk).payment_status == "failed"


def test_deleting_a_seat_promotes(full_paid_workshop: dict[str, Any]) -> None:
    rows = full_paid_workshop
    assert WorkshopRegistration.objects.filter(pk=rows["holder1"].pk).delete()[0] == 1
    assert status_of(rows["w_a"], rows["w_b"]) == ["registered", "waitlisted"]
    assert counters(rows["workshop"]) == {"enrolled": 2, "waitlist": 2, "attended": 0, "remaining": 0}


def test_raising_capacity_promotes_in_order(full_paid_workshop: dict[str, Any], instructor: User) -> None:
    rows = full_paid_workshop
    with as_user(instructor):
        assert Workshop.objects.filter(pk=rows["workshop"].pk).update(capacity_total=4) == 1
    assert status_of(rows["w_a"], rows["w_b"], rows["w_c"]) == ["registered", "registered", "waitlisted"]
    assert counters(rows["workshop"]) == {"enrolled": 4, "waitlist": 1, "attended": 0, "remaining": 0}
    Workshop.objects.filter(pk=rows["workshop"].pk).update(capacity_total=10)
    assert counters(rows["workshop"]) == {"enrolled": 5, "waitlist": 0, "attended": 0, "remaining": 5}


def test_closed_workshop_keeps_its_waitlist_until_republished(full_paid_workshop: dict[str, Any]) -> None:
    rows = full_paid_workshop
    w = rows["workshop"]
    Workshop.objects.filter(pk=w.pk).update(status="cancelled")
    set_status(rows["holder1"], "cancelled")
    assert status_of(rows["w_a"]) == ["waitlisted"]
    assert counters(w) == {"enrolled": 1, "waitlist": 3, "attended": 0, "remaining": 1}
    Workshop.objects.filter(pk=w.pk).update(status="published")
    assert status_of(rows["w_a"], rows["w_b"]) == ["registered", "waitlisted"]


def test_extending_an_ended_workshop_promotes(full_paid_workshop: dict[str, Any]) -> None:
    rows = full_paid_workshop
    w = rows["workshop"]
    past = db_now() - timedelta(days=1)
    Workshop.objects.filter(pk=w.pk).update(start_time=past, end_time=past + timedelta(hours=2))
    set_status(rows["holder1"], "cancelled")
    assert status_of(rows["w_a"]) == ["waitlisted"]
    Workshop.objects.filter(pk=w.pk).update(end_time=db_now() + timedelta(days=1))
    assert status_of(rows["w_a"]) == ["registered"]


def test_internal_functions_are_owner_only(full_paid_workshop: dict[str, Any]) -> None:
    w = full_paid_workshop["workshop"]
    for call in ("public.promote_workshop_waitlist(%s)", "public.refresh_workshop_stats(%s)"):
        with as_user(full_paid_workshop["holder1_user"]), refused("42501"):
            sql(f"SELECT {call}", [w.pk])
    with as_user(full_paid_workshop["holder1_user"]), refused("42501"):
        sql("SELECT public.release_expired_workshop_holds()")
    assert sql("SELECT public.promote_workshop_waitlist(%s), public.promote_workshop_waitlist(%s)",
               [w.pk, uuid.uuid4()]) == [(0, 0)]


def test_refresh_repairs_counters(full_paid_workshop: dict[str, Any]) -> None:
    w = full_paid_workshop["workshop"]
    sql("SET CONSTRAINTS ALL IMMEDIATE")  # no pending deferred FK checks, so the table can be altered
    sql("ALTER TABLE workshops DISABLE TRIGGER derive_workshop_columns_trigger")
    sql("UPDATE workshops SET enrolled_count = 0, waitlist_count = 0, capacity_remaining = 2 WHERE id = %s", [w.pk])
    sql("ALTER TABLE workshops ENABLE TRIGGER derive_workshop_columns_trigger")
    sql("SELECT public.refresh_workshop_stats(%s), public.refresh_workshop_stats(%s)", [w.pk, uuid.uuid4()])
    assert counters(w) == {"enrolled": 2, "waitlist": 3, "attended": 0, "remaining": 0}


# ----------------------------------------------------------------------------- §6.6 expired payment holds
def test_expired_holds_are_released_and_the_waitlist_promoted(full_paid_workshop: dict[str, Any],
                                                             instructor: User) -> None:
    rows = full_paid_workshop
    w = rows["workshop"]
    backdate(rows["holder1"], 31)  # abandoned checkout
    WorkshopRegistration.objects.filter(pk=rows["holder2"].pk).update(payment_status="completed")
    backdate(rows["holder2"], 120)  # paid long ago: not a hold
    other = SmallWorkshopFactory(instructor=instructor, price_amount=Decimal("10.00"))
    fresh = register(UserFactory(full_name="Fresh"), other)
    backdate(fresh, 29)

    assert sql("SELECT public.release_expired_workshop_holds()") == [(1,)]
    released = WorkshopRegistration.objects.get(pk=rows["holder1"].pk)
    assert (released.status, released.payment_status) == ("cancelled", "pending")
    assert status_of(rows["holder2"], rows["w_a"], rows["w_b"], fresh) == [
        "registered", "registered", "waitlisted", "registered"]
    assert WorkshopRegistration.objects.get(pk=rows["w_a"].pk).payment_status == "pending"
    assert counters(w) == {"enrolled": 2, "waitlist": 2, "attended": 0, "remaining": 0}
    # The promoted hold has just started; a shorter window releases the 29-minute-old one.
    assert sql("SELECT public.release_expired_workshop_holds()") == [(0,)]
    assert sql("SELECT public.release_expired_workshop_holds(interval '20 minutes')") == [(1,)]
    assert status_of(fresh) == ["cancelled"]

    # The late payment for the released hold: the workshop is full again and has a waitlist, so the paid
    # registration goes back on the waitlist (first in line once promoted).
    set_status(released, "registered", payment_status="completed")
    released.refresh_from_db()
    assert (released.status, released.payment_status) == ("waitlisted", "completed")


def test_late_payment_on_a_full_workshop_without_waitlist(instructor: User) -> None:
    w = SmallWorkshopFactory(instructor=instructor, capacity_total=1, price_amount=Decimal("10.00"))
    late = register(UserFactory(full_name="Late"), w)
    backdate(late, 45)
    assert sql("SELECT public.release_expired_workshop_holds()") == [(1,)]
    register(UserFactory(full_name="Taker"), w)
    with refused("23505", "workshop_full"):  # the webhook refunds
        set_status(late, "registered", payment_status="completed")
    Workshop.objects.filter(pk=w.pk).update(status="cancelled")
    with refused("23514", "workshop_not_open"):
        set_status(late, "registered", payment_status="completed")


def test_admission_state_counts_other_seats(instructor: User) -> None:
    w = SmallWorkshopFactory(instructor=instructor, capacity_total=3, waitlist_enabled=True)
    mine = register(UserFactory(full_name="Me"), w)
    register(UserFactory(full_name="Other"), w)
    with as_user(mine.user):
        assert sql("SELECT * FROM public.workshop_admission_state(%s, %s)", [w.pk, mine.pk]) == [(True, 3, True, 1)]
        assert sql("SELECT * FROM public.workshop_admission_state(%s, NULL)", [w.pk]) == [(True, 3, True, 2)]
        assert sql("SELECT * FROM public.workshop_admission_state(%s, NULL)", [uuid.uuid4()]) == []


@pytest.mark.parametrize("interval", ["0 minutes", "-5 minutes", None])
def test_release_needs_a_positive_interval(interval: str | None) -> None:
    with refused("22023"):
        sql("SELECT public.release_expired_workshop_holds(%s::interval)", [interval])


# -------------------------------------------------------------------------------- §6.7 / §6.8 feedback
@pytest.fixture
def attended_workshop(instructor: User) -> dict[str, Any]:
    """A completed workshop with 3 attended registrations (``att0``..``att2``) and one no-show."""
    start = db_now() - timedelta(days=3)
    w = SmallWorkshopFactory(instructor=instructor, status="completed", start_time=start, capacity_total=10)
    rows: dict[str, Any] = {"workshop": w}
    for name, status in (("att0", "attended"), ("att1", "attended"), ("att2", "attended"), ("absent", "no_show")):
        rows[f"{name}_user"] = UserFactory(full_name=name.title())
        rows[name] = staff_insert(w, rows[f"{name}_user"], status=status, price_paid=Decimal("0.00"))
    return rows


def give_feedback(user: User, registration: WorkshopRegistration, score: int, **columns: Any) -> WorkshopFeedback:
    with as_user(user):
        # bulk_create writes workshop and user as given (save() would leave them out): the trigger overrides.
        row = WorkshopFeedback.objects.bulk_create([WorkshopFeedback(
            registration=registration, overall_satisfaction=score, **columns)])[0]
    return WorkshopFeedback.objects.get(pk=row.pk)


def satisfaction(workshop: Workshop) -> tuple[Decimal | None, int]:
    w = Workshop.objects.get(pk=workshop.pk)
    return w.average_satisfaction, w.feedback_count


def test_feedback_average_and_count(attended_workshop: dict[str, Any], instructor: User) -> None:
    rows = attended_workshop
    w = rows["workshop"]
    decoy = SmallWorkshopFactory(instructor=instructor)
    first = give_feedback(rows["att0_user"], rows["att0"], 5, workshop_id=decoy.pk, user_id=rows["att1_user"].pk)
    assert (first.workshop_id, first.user_id) == (w.pk, rows["att0_user"].pk)
    assert satisfaction(w) == (Decimal("5.00"), 1)
    give_feedback(rows["att1_user"], rows["att1"], 4)
    third = give_feedback(rows["att2_user"], rows["att2"], 4)
    assert satisfaction(w) == (Decimal("4.33"), 3)
    with as_user(rows["att2_user"]):
        assert WorkshopFeedback.objects.filter(pk=third.pk).update(
            overall_satisfaction=1, submitted_at=db_now() - timedelta(days=9)) == 1
    assert satisfaction(w) == (Decimal("3.33"), 3)
    assert WorkshopFeedback.objects.get(pk=third.pk).submitted_at == third.submitted_at
    WorkshopFeedback.objects.filter(pk=first.pk).delete()
    assert satisfaction(w) == (Decimal("2.50"), 2)
    assert satisfaction(decoy) == (None, 0)


def test_feedback_requires_attendance(attended_workshop: dict[str, Any], instructor: User) -> None:
    rows = attended_workshop
    with refused("23514", "feedback_requires_attendance"):
        give_feedback(rows["absent_user"], rows["absent"], 3)
    registered = register(UserFactory(full_name="Future"), SmallWorkshopFactory(instructor=instructor))
    with refused("23514", "feedback_requires_attendance"):
        give_feedback(registered.user, registered, 3)


def test_feedback_for_someone_elses_registration_is_refused_by_rls(attended_workshop: dict[str, Any]) -> None:
    rows = attended_workshop
    with refused("42501"):  # user_id is derived from att1's registration; the WITH CHECK refuses it
        give_feedback(rows["att0_user"], rows["att1"], 5)


def test_feedback_unknown_registration(attended_workshop: dict[str, Any]) -> None:
    with refused("23503", "registration_not_found"):
        sql("INSERT INTO workshop_feedback (registration_id, overall_satisfaction) VALUES (%s, 4)", [uuid.uuid4()])


@pytest.mark.parametrize("column", ["registration_id", "workshop_id", "user_id"])
def test_feedback_ids_are_immutable(attended_workshop: dict[str, Any], instructor: User, column: str) -> None:
    rows = attended_workshop
    fb = give_feedback(rows["att0_user"], rows["att0"], 5)
    new_value = {"registration_id": rows["att1"].pk, "workshop_id": SmallWorkshopFactory(instructor=instructor).pk,
                 "user_id": rows["att1_user"].pk}[column]
    with refused("23514", "immutable_column"):
        WorkshopFeedback.objects.filter(pk=fb.pk).update(**{column: new_value})


# ------------------------------------------------------------------------------- §6.15 get_available_workshops
CATALOG_COLUMNS = ("id", "title", "description", "pillar", "level", "format", "schedule_date", "schedule_time",
                   "capacity_remaining", "price_amount", "price_early_bird", "instructor_name", "is_featured",
                   "slug", "start_time", "end_time", "timezone", "duration_minutes", "currency", "current_price",
                   "waitlist_enabled", "waitlist_count", "thumbnail_url", "average_satisfaction",
                   "instructor_avatar_url")


def catalog(*args: Any) -> list[dict[str, Any]]:
    placeholders = ", ".join(["%s"] * len(args))
    return [dict(zip(CATALOG_COLUMNS, row, strict=True))
            for row in sql(f"SELECT * FROM public.get_available_workshops({placeholders})", list(args))]


@pytest.fixture
def catalog_rows(instructor: User) -> dict[str, Workshop]:
    User.objects.filter(pk=instructor.pk).update(avatar_url="https://cdn.example.com/t.png")
    base = datetime(2031, 1, 15, 15, 30, tzinfo=UTC)
    w = {
        "late_featured": SmallWorkshopFactory(instructor=instructor, start_time=base + timedelta(days=20),
                                              is_featured=True),
        "soon": SmallWorkshopFactory(instructor=instructor, start_time=base, pillar="coaching", level="advanced",
                                     timezone="America/New_York", price_amount=Decimal("90.00"),
                                     price_early_bird=Decimal("70.00")),
        "later": SmallWorkshopFactory(instructor=instructor, start_time=base + timedelta(days=10)),
        "full_waitlist": SmallWorkshopFactory(instructor=instructor, start_time=base + timedelta(days=5),
                                              capacity_total=1, waitlist_enabled=True),
        "full": SmallWorkshopFactory(instructor=instructor, start_time=base + timedelta(days=6), capacity_total=1),
        "draft": SmallWorkshopFactory(instructor=instructor, start_time=base, status="draft"),
        "ended": SmallWorkshopFactory(instructor=instructor, start_time=db_now() - timedelta(days=1)),
    }
    register(UserFactory(full_name="A"), w["full_waitlist"])
    register(UserFactory(full_name="B"), w["full"])
    return w


def test_catalog_rows_order_and_columns(catalog_rows: dict[str, Workshop]) -> None:
    with as_user(None):  # anonymous visitors browse the catalog
        rows = catalog()
    assert [r["id"] for r in rows] == [catalog_rows[k].pk for k in ("late_featured", "soon", "full_waitlist", "later")]
    soon = rows[1]
    assert (soon["pillar"], soon["level"], soon["format"], soon["timezone"]) == (
        "coaching", "advanced", "online", "America/New_York")
    assert (str(soon["schedule_date"]), str(soon["schedule_time"])) == ("2031-01-15", "10:30:00")
    assert (soon["price_amount"], soon["price_early_bird"], soon["current_price"], soon["duration_minutes"]) == (
        Decimal("90.00"), Decimal("70.00"), Decimal("70.00"), 120)
    assert (soon["instructor_name"], soon["instructor_avatar_url"]) == ("Teacher", "https://cdn.example.com/t.png")
    full = rows[2]
    assert (full["capacity_remaining"], full["waitlist_enabled"], full["waitlist_count"]) == (0, True, 0)


def test_catalog_filters_and_paging(catalog_rows: dict[str, Workshop]) -> None:
    assert [r["slug"] for r in catalog("coaching")] == [catalog_rows["soon"].slug]
    assert [r["slug"] for r in catalog(None, "advanced")] == [catalog_rows["soon"].slug]
    assert catalog(None, "expert") == []
    assert len(catalog(None, None, None, None)) == 4
    assert [r["id"] for r in catalog(None, None, 2, 1)] == [catalog_rows["soon"].pk, catalog_rows["full_waitlist"].pk]
    assert [r["id"] for r in catalog(None, None, 0, -3)] == [catalog_rows["late_featured"].pk]  # clamped
    assert len(catalog(None, None, 1000, 0)) == 4
    with refused("22P02"):
        catalog("mindfulness")


# ----------------------------------------------------------------------------- §6.15 get_user_workshop_history
HISTORY_COLUMNS = ("workshop_id", "workshop_title", "status", "registered_at", "completed_at", "rating",
                   "certificate_id", "registration_id", "workshop_status", "start_time", "end_time", "price_paid",
                   "payment_status", "waitlist_position")


def history(user_id: Any) -> list[dict[str, Any]]:
    return [dict(zip(HISTORY_COLUMNS, row, strict=True))
            for row in sql("SELECT * FROM public.get_user_workshop_history(%s)", [user_id])]


@pytest.fixture
def history_rows(org: Organization, instructor: User) -> dict[str, Any]:
    """``student`` (of ``org``): attended a past workshop (rated 4) three days ago, is 2nd on a waitlist since
    two days, cancelled a third registration yesterday."""
    student = UserFactory(full_name="Student", organization=org)
    now = db_now()
    past = SmallWorkshopFactory(instructor=instructor, title="Past", status="completed",
                                start_time=now - timedelta(days=2))
    attended = staff_insert(past, student, status="attended", price_paid=Decimal("15.00"),
                            registered_at=now - timedelta(days=3))
    give_feedback(student, attended, 4)
    busy = SmallWorkshopFactory(instructor=instructor, title="Busy", capacity_total=1, waitlist_enabled=True)
    register(UserFactory(full_name="Holder"), busy)
    waiting = [register(u, busy) for u in (UserFactory(full_name="W1"), student, UserFactory(full_name="W3"))]
    for row, minutes in zip(waiting, (30, 20, 10), strict=True):
        backdate(row, minutes)
    WorkshopRegistration.objects.filter(pk=waiting[1].pk).update(registered_at=now - timedelta(days=2))
    dropped = SmallWorkshopFactory(instructor=instructor, title="Dropped")
    cancelled = staff_insert(dropped, student, registered_at=now - timedelta(days=1))
    set_status(cancelled, "cancelled")
    return {"student": student, "past": past, "attended": attended, "busy": busy, "waiting": waiting[1],
            "dropped": dropped, "cancelled": cancelled}


def test_history_rows(history_rows: dict[str, Any]) -> None:
    student = history_rows["student"]
    with as_user(student):
        rows = history(student.pk)
    assert [(r["workshop_title"], r["status"], r["rating"], r["waitlist_position"], r["workshop_status"])
            for r in rows] == [
        ("Dropped", "cancelled", None, None, "published"),
        ("Busy", "waitlisted", None, 2, "published"),
        ("Past", "attended", 4, None, "completed"),
    ]
    past = rows[2]
    assert (past["registration_id"], past["workshop_id"], past["price_paid"], past["payment_status"],
            past["completed_at"], past["registered_at"]) == (
        history_rows["attended"].pk, history_rows["past"].pk, Decimal("15.00"), None,
        history_rows["attended"].completed_at, history_rows["attended"].registered_at)


def test_history_access(history_rows: dict[str, Any], org: Organization) -> None:
    student = history_rows["student"]
    readers = {
        "org_admin": UserFactory(full_name="Orgadmin", organization=org, role="org_admin"),
        "platform": UserFactory(full_name="Platform", role="admin"),
    }
    # The org admin gets only the rows of workshops they may SELECT (issue 9, workshops/0007): "Past" is a
    # completed workshop of no organization, which only its instructor, registrants and platform admins read.
    for reader, titles in ((readers["org_admin"], {"Dropped", "Busy"}),
                           (readers["platform"], {"Dropped", "Busy", "Past"})):
        with as_user(reader):
            assert {row["workshop_title"] for row in history(student.pk)} == titles
    other_org = Organization.objects.create(name="Other", slug="other-org")
    other_admin = UserFactory(full_name="Other-Admin", organization=other_org, role="org_admin")
    for reader in (UserFactory(full_name="Peer", organization=org), other_admin, None):
        with as_user(reader), refused("42501", "history_forbidden"):
            history(student.pk)
    with as_user(None):
        assert history(None) == []
    with as_user(readers["platform"]):
        assert history(uuid.uuid4()) == []


# ---------------------------------------------------------------------------- catalog: security and triggers
CONTRACT = load_contract()
WORKSHOP_FUNCTIONS = {
    "workshop_current_price", "enforce_workshop_registration_rules", "workshop_admission_state",
    "update_workshop_registration_stats", "derive_workshop_columns", "promote_waitlist_on_workshop_change",
    "release_expired_workshop_holds", "enforce_workshop_feedback_rules", "update_workshop_satisfaction",
    "refresh_workshop_stats", "promote_workshop_waitlist", "get_available_workshops", "get_user_workshop_history",
}
def test_function_security_volatility_and_grants() -> None:
    """Result, security (definers pin the search_path), volatility, owner, EXECUTE for the app role exactly on
    the API functions and never for PUBLIC: verify's function checks."""
    assert_verified("function", WORKSHOP_FUNCTIONS)


TRIGGERS = {
    ("workshops", "derive_workshop_columns_trigger"): ("BEFORE", {"INSERT", "UPDATE"}, None),
    ("workshops", "promote_waitlist_on_workshop_change_trigger"): (
        "AFTER", {"UPDATE"}, "capacity_total, status, end_time"),
    ("workshop_registrations", "enforce_workshop_registration_rules_trigger"): ("BEFORE", {"INSERT", "UPDATE"}, None),
    ("workshop_registrations", "update_workshop_registration_stats_trigger"): (
        "AFTER", {"INSERT", "UPDATE", "DELETE"}, None),
    ("workshop_feedback", "enforce_workshop_feedback_rules_trigger"): ("BEFORE", {"INSERT", "UPDATE"}, None),
    ("workshop_feedback", "update_workshop_satisfaction_trigger"): ("AFTER", {"INSERT", "UPDATE", "DELETE"}, None),
}


@pytest.mark.parametrize(("table", "trigger"), sorted(TRIGGERS))
def test_trigger_names_timing_and_events(table: str, trigger: str) -> None:
    assert trigger in CONTRACT["tables"][table]["triggers"]
    timing, events, columns = TRIGGERS[(table, trigger)]
    rows = sql("SELECT action_timing, event_manipulation, action_orientation FROM information_schema.triggers "
               "WHERE event_object_table = %s AND trigger_name = %s", [table, trigger])
    assert {r[1] for r in rows} == events
    assert {(r[0], r[2]) for r in rows} == {(timing, "ROW")}
    (definition,) = sql("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = %s AND tgrelid = %s::regclass",
                        [trigger, f"public.{table}"])[0]
    if columns:
        assert f"UPDATE OF {columns} ON" in definition


# ----------------------------------------------------- issue 9 audit: automatic columns in system context
def test_automatic_columns_apply_to_owner_writes(org: Organization, instructor: User) -> None:
    """Issue 9 ("automatic columns skipped in system context", the instructors bug): owner writes are system
    context, which skips only restrictions (a registrant's columns and transitions, the guards of
    status_changed_at and total_revenue). Every derived column is still derived for them."""
    long_ago = db_now() - timedelta(days=400)
    w = SmallWorkshopFactory(instructor=instructor, capacity_total=3, price_amount=Decimal("30.00"), status="draft")
    Workshop.objects.filter(pk=w.pk).update(status="published", enrolled_count=7, capacity_remaining=1,
                                            published_at=None, duration_minutes=None)
    w.refresh_from_db()
    assert (w.published_at, w.enrolled_count, w.capacity_remaining, w.duration_minutes) == (db_now(), 0, 3, 120)

    student = UserFactory(full_name="Student", organization=org)
    (row,) = sql("INSERT INTO workshop_registrations (workshop_id, user_id, status_changed_at, completed_at) "
                 "VALUES (%s, %s, %s, %s) RETURNING id, organization_id, price_paid, payment_status, "
                 "status_changed_at, completed_at", [w.pk, student.pk, long_ago, long_ago])
    assert row[1:] == (org.pk, Decimal("30.00"), "pending", db_now(), None)  # completed_at: only when attended
    registration = WorkshopRegistration.objects.get(pk=row[0])
    set_status(registration, "attended", completed_at=None)
    registration.refresh_from_db()
    assert (registration.completed_at, registration.status_changed_at) == (db_now(), db_now())
    set_status(registration, "attended", completed_at=None)  # not cleared while attended
    assert WorkshopRegistration.objects.get(pk=registration.pk).completed_at == db_now()
    set_status(registration, "no_show", status_changed_at=long_ago)
    registration.refresh_from_db()
    assert (registration.completed_at, registration.status_changed_at) == (None, db_now())
    assert counters(w) == {"enrolled": 1, "waitlist": 0, "attended": 0, "remaining": 2}

    set_status(registration, "attended")
    decoy = SmallWorkshopFactory(instructor=instructor)
    (feedback,) = WorkshopFeedback.objects.bulk_create([WorkshopFeedback(
        registration=registration, workshop=decoy, user=instructor, overall_satisfaction=4)])
    feedback.refresh_from_db()
    assert (feedback.workshop_id, feedback.user_id) == (w.pk, student.pk)
    WorkshopFeedback.objects.filter(pk=feedback.pk).update(submitted_at=long_ago)
    assert WorkshopFeedback.objects.get(pk=feedback.pk).submitted_at == feedback.submitted_at
    assert (Workshop.objects.get(pk=w.pk).average_satisfaction, Workshop.objects.get(pk=w.pk).feedback_count) == (
        Decimal("4.00"), 1)
