"""Attacks of the v2 security review on the workshops app (issue 9; workshops/0007_v2_registration_payments),
under the app role: payment and certificate columns of registrations, restricted and derived workshop columns,
back-dated feedback, and the workshop history of another organization's drafts.

Each test performs the attack as the attacker of the two-tenant world (``tests/world.py``) and checks that it
is refused (SQLSTATE and reason) or that nothing was read or changed; the legitimate writes beside it still
work (system context, platform admins, the instructor's attendance marking).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from humanglue.security.context import current_role, enter_app_role
from payments.models import Certificate, Payment
from payments.services import payment_complete
from tests.db import as_user, fetch, refused
from tests.world import World, acting_as, build_world
from workshops.models import Workshop, WorkshopFeedback, WorkshopRegistration

pytestmark = pytest.mark.django_db

PAYMENT_COLUMNS = ("price_paid", "payment_status", "payment_id", "certificate_id")


def db_now() -> datetime:
    return fetch("SELECT now()")[0][0]


def workshop_payment(world: World, tenant: str, workshop_id: Any, transaction_id: str) -> Payment:
    t = getattr(world, tenant)
    return Payment.objects.create(user=t.student, organization=t.org, amount=Decimal("40.00"), provider="stripe",
                                  transaction_id=transaction_id, payment_type="workshop", workshop_id=workshop_id)


def workshop_certificate(world: World, tenant: str, workshop_id: Any) -> Certificate:
    t = getattr(world, tenant)
    return Certificate.objects.create(user=t.student, certificate_type="workshop", title="Attended",
                                      workshop_id=workshop_id, issued_by=t.instructor, issuer_name="Teacher")


@pytest.fixture
def world() -> World:
    """The two-tenant world; per tenant ``<t>_pub``: a published workshop a week ahead, 40.00, led by the
    tenant's instructor, where the tenant's student holds a seat awaiting payment (``<t>_hold``: registered,
    pending, 40.00); ``<t>_pay``: that student's pending payment for it; ``<t>_cert``: a workshop certificate
    of that student for it. ``<t>_draft`` is the world's draft workshop (attended registration ``<t>_reg``)."""
    w = build_world()
    ids: dict[str, Any] = {}
    start = timezone.now() + timedelta(days=7)
    for t in "ab":
        tenant = getattr(w, t)
        ids[f"{t}_draft"] = tenant.rows["workshop"].pk
        ids[f"{t}_reg"] = tenant.rows["workshop_registration"].pk
        pub = Workshop.objects.create(
            instructor=tenant.instructor, organization=tenant.org, title=f"Published {t}", slug=f"{t}-pub",
            pillar="coaching", level="beginner", start_time=start, end_time=start + timedelta(hours=2),
            duration_minutes=120, capacity_total=10, status="published", price_amount=Decimal("40.00"))
        ids[f"{t}_pub"] = pub.pk
        with as_user(tenant.student):
            hold = WorkshopRegistration.objects.create(workshop=pub, user=tenant.student, price_paid=None)
        ids[f"{t}_hold"] = hold.pk
        ids[f"{t}_pay"] = workshop_payment(w, t, pub.pk, f"pi_{t}_hold").pk
        ids[f"{t}_cert"] = workshop_certificate(w, t, pub.pk).pk
    w.extra["ids"] = ids
    return w


def payment_state(registration_id: Any) -> tuple:
    return WorkshopRegistration.objects.filter(pk=registration_id).values_list(*PAYMENT_COLUMNS).get()


# ------------------------------------------------------- finding 1: payment state of a registration
@pytest.mark.parametrize("change", [
    {"payment_status": "completed"},  # a paid seat without paying
    {"payment_status": None},  # the hold becomes a free seat
    {"payment_status": "refunded"},
    {"price_paid": Decimal("0.00")},
    {"price_paid": Decimal("1.00"), "payment_status": "completed"},
])
def test_instructor_cannot_write_the_payment_state_of_a_registration(world: World, change: dict) -> None:
    hold = world.extra["ids"]["a_hold"]
    before = payment_state(hold)
    assert before[:2] == (Decimal("40.00"), "pending")
    with as_user(world.a.instructor), refused("42501", "restricted_column"):
        WorkshopRegistration.objects.filter(pk=hold).update(**change)
    assert payment_state(hold) == before


@pytest.mark.parametrize("payment", ["a_pay", "b_pay"])  # the student's own payment, another organization's
def test_instructor_cannot_link_a_payment(world: World, payment: str) -> None:
    ids = world.extra["ids"]
    with as_user(world.a.instructor), refused("42501", "restricted_column"):
        WorkshopRegistration.objects.filter(pk=ids["a_hold"]).update(payment_id=ids[payment])
    assert payment_state(ids["a_hold"])[2] is None


def test_instructor_registers_for_their_own_workshop_as_anyone_does(world: World) -> None:
    """Staff for the others' registrations, not for their own: no free paid seat, no 'attended' of their own."""
    ids = world.extra["ids"]
    with as_user(world.a.instructor):
        WorkshopRegistration.objects.create(workshop_id=ids["a_pub"], user=world.a.instructor, price_paid=None,
                                            payment_status="completed")  # set back, as for any registrant
    own = WorkshopRegistration.objects.get(workshop_id=ids["a_pub"], user=world.a.instructor)
    assert (own.status, own.price_paid, own.payment_status) == ("registered", Decimal("40.00"), "pending")
    with as_user(world.a.instructor), refused("42501", "registration_transition_forbidden"):
        WorkshopRegistration.objects.filter(pk=own.pk).update(status="attended")


def test_instructor_cannot_attend_and_rate_their_own_workshop(world: World) -> None:
    """Registered as staff, the instructor made themselves 'attended' and rated their own workshop."""
    ids = world.extra["ids"]
    with as_user(world.a.instructor), refused("42501", "registration_transition_forbidden"):
        WorkshopRegistration.objects.create(workshop_id=ids["a_pub"], user=world.a.instructor, price_paid=None,
                                            status="attended")
    assert not WorkshopRegistration.objects.filter(workshop_id=ids["a_pub"], user=world.a.instructor).exists()
    assert Workshop.objects.filter(pk=ids["a_pub"]).values_list("feedback_count", "attended_count").get() == (0, 0)


def test_instructor_still_marks_attendance_with_a_full_row_save(world: World) -> None:
    """A stale full-row save (every column sent back unchanged) is not a change of the payment state."""
    hold = world.extra["ids"]["a_hold"]
    with as_user(world.a.instructor):
        row = WorkshopRegistration.objects.get(pk=hold)
        row.attendance_percentage = 80
        row.save()
        assert WorkshopRegistration.objects.filter(pk=hold).update(status="cancelled") == 1
    assert WorkshopRegistration.objects.filter(pk=hold).values_list("attendance_percentage", "status").get() == (
        80, "cancelled")


@pytest.mark.parametrize(("actor", "certificate"), [
    ("a.instructor", "b_cert"),  # another organization's student's certificate
    ("a.instructor", "course_cert"),  # the same student's, but for a course
    ("a.instructor", "other_workshop_cert"),  # the same student's, but for another workshop
    ("platform_admin", "b_cert"),
])
def test_certificate_must_be_the_registrants_for_this_workshop(world: World, actor: str, certificate: str) -> None:
    ids = world.extra["ids"]
    certificates = {
        "b_cert": ids["b_cert"],
        "course_cert": world.a.rows["certificate"].pk,
        "other_workshop_cert": workshop_certificate(world, "a", ids["a_draft"]).pk,
    }
    user = world.platform_admin if actor == "platform_admin" else world.a.instructor
    with as_user(user), refused("23514", "registration_certificate_mismatch"):
        WorkshopRegistration.objects.filter(pk=ids["a_hold"]).update(certificate_id=certificates[certificate])
    assert payment_state(ids["a_hold"])[3] is None


def test_instructor_links_the_certificate_of_their_student(world: World) -> None:
    ids = world.extra["ids"]
    with as_user(world.a.instructor):
        assert WorkshopRegistration.objects.filter(pk=ids["a_hold"]).update(certificate_id=ids["a_cert"]) == 1
    assert payment_state(ids["a_hold"])[3] == ids["a_cert"]


def test_payment_must_be_the_registrants_for_this_workshop(world: World) -> None:
    """Platform admins may record a payment by hand, but only the registrant's payment for this workshop (the
    revenue rows find their registration through it)."""
    ids = world.extra["ids"]
    course_payment = world.a.rows["payment"].pk  # the same student's, for a course
    for payment in (ids["b_pay"], course_payment):
        with as_user(world.platform_admin), refused("23514", "registration_payment_mismatch"):
            WorkshopRegistration.objects.filter(pk=ids["a_hold"]).update(payment_id=payment)
    with as_user(world.platform_admin):
        assert WorkshopRegistration.objects.filter(pk=ids["a_hold"]).update(
            payment_id=ids["a_pay"], payment_status="completed") == 1
    assert payment_state(ids["a_hold"]) == (Decimal("40.00"), "completed", ids["a_pay"], None)


def test_the_payment_path_records_the_payment(world: World) -> None:
    """payments/services.py, as the owner (operator commands, tests) and from a request (client-confirm)."""
    ids = world.extra["ids"]
    payment_complete(transaction_id="pi_a_hold")
    assert payment_state(ids["a_hold"]) == (Decimal("40.00"), "completed", ids["a_pay"], None)


def test_the_payment_path_readmits_a_swept_registration_from_a_request(world: World) -> None:
    """From a request the system context is humanglue_system, not the owner: re-admitting a registration that
    the hold sweep cancelled locks and prices the workshop through the owner-only helpers."""
    ids = world.extra["ids"]
    WorkshopRegistration.objects.filter(pk=ids["b_hold"]).update(status="cancelled")  # swept
    with transaction.atomic():
        enter_app_role(world.b.student.pk)
        payment_complete(transaction_id="pi_b_hold")
        assert current_role() == "humanglue_app"
        assert payment_state(ids["b_hold"]) == (Decimal("40.00"), "completed", ids["b_pay"], None)
        assert WorkshopRegistration.objects.get(pk=ids["b_hold"]).status == "registered"
        transaction.set_rollback(True)


# ------------------------------------------------------- finding 2: is_featured and published_at
def insert_workshop(world: World, slug: str, **columns: Any) -> None:
    """A raw INSERT naming every column it is given, as any SQL client of the app role could (the ORM leaves
    the derived columns out)."""
    start = db_now() + timedelta(days=3)
    values: dict[str, Any] = {"instructor_id": world.a.instructor.pk, "organization_id": world.a.org.pk,
                              "title": "New", "slug": slug, "pillar": "coaching", "level": "beginner",
                              "start_time": start, "end_time": start + timedelta(hours=1), "capacity_total": 5}
    values |= columns
    fetch(f"INSERT INTO workshops ({', '.join(values)}) VALUES ({', '.join(['%s'] * len(values))})",
          list(values.values()))


def test_instructor_cannot_feature_their_workshop(world: World) -> None:
    with as_user(world.a.instructor), refused("42501", "restricted_column"):
        insert_workshop(world, "featured-insert", is_featured=True, status="published")
    assert not Workshop.objects.filter(slug="featured-insert").exists()
    pub = world.extra["ids"]["a_pub"]
    with as_user(world.a.instructor), refused("42501", "restricted_column"):
        Workshop.objects.filter(pk=pub).update(is_featured=True)
    assert Workshop.objects.get(pk=pub).is_featured is False


def test_platform_admins_and_the_system_feature_workshops(world: World) -> None:
    with as_user(world.platform_admin):
        insert_workshop(world, "featured-by-admin", is_featured=True)
        assert Workshop.objects.filter(pk=world.extra["ids"]["a_pub"]).update(is_featured=True) == 1
    insert_workshop(world, "featured-by-seed", is_featured=True)  # owner: seed, imports
    assert Workshop.objects.filter(is_featured=True).count() == 3


@pytest.mark.parametrize(("status", "expected"), [("published", "now"), ("draft", None), ("completed", None)])
def test_instructor_cannot_choose_published_at(world: World, status: str, expected: str | None) -> None:
    """Derived: the server's time of the first publication (spec 50 §1); it also orders "new" listings."""
    backdated = db_now() - timedelta(days=365)
    with as_user(world.a.instructor):
        insert_workshop(world, f"backdated-{status}", status=status, published_at=backdated)
    stored = Workshop.objects.get(slug=f"backdated-{status}").published_at
    assert stored == (db_now() if expected == "now" else None)


def test_imports_keep_their_published_at(world: World) -> None:
    backdated = db_now() - timedelta(days=365)
    insert_workshop(world, "imported", status="completed", published_at=backdated)
    assert Workshop.objects.get(slug="imported").published_at == backdated


# ------------------------------------------------------- finding 3: feedback submitted_at
@pytest.fixture
def attended(world: World) -> WorkshopRegistration:
    """Tenant a's attended registration, its sample feedback removed so that the student can submit one."""
    WorkshopFeedback.objects.filter(registration_id=world.extra["ids"]["a_reg"]).delete()
    return WorkshopRegistration.objects.get(pk=world.extra["ids"]["a_reg"])


def test_registrant_cannot_backdate_feedback(world: World, attended: WorkshopRegistration) -> None:
    backdated = db_now() - timedelta(days=30)
    with as_user(world.a.student):
        WorkshopFeedback.objects.create(registration=attended, workshop_id=attended.workshop_id,
                                        user=world.a.student, overall_satisfaction=5, submitted_at=backdated)
    feedback = WorkshopFeedback.objects.get(registration=attended)
    assert feedback.submitted_at == db_now()
    with as_user(world.a.student):
        assert WorkshopFeedback.objects.filter(pk=feedback.pk).update(submitted_at=backdated) == 1
    assert WorkshopFeedback.objects.get(pk=feedback.pk).submitted_at == feedback.submitted_at


def test_imported_feedback_keeps_its_time(world: World, attended: WorkshopRegistration) -> None:
    backdated = db_now() - timedelta(days=30)
    WorkshopFeedback.objects.create(registration=attended, workshop_id=attended.workshop_id, user=world.a.student,
                                    overall_satisfaction=4, submitted_at=backdated)
    assert WorkshopFeedback.objects.get(registration=attended).submitted_at == backdated


# ------------------------------------------------------- finding 4: get_user_workshop_history
def history_titles(user_id: Any) -> set[str]:
    return {row[0] for row in fetch("SELECT workshop_title FROM public.get_user_workshop_history(%s)", [user_id])}


def test_org_admin_does_not_see_another_organizations_draft_in_a_members_history(world: World) -> None:
    """a's student also registered (an owner write: a walk-in) for b's draft; a's admin may read the student's
    history but cannot SELECT that workshop, so its row is not theirs to see."""
    Workshop.objects.filter(pk=world.extra["ids"]["b_draft"]).update(title="Secret plans of b")
    WorkshopRegistration.objects.create(workshop_id=world.extra["ids"]["b_draft"], user=world.a.student,
                                        status="attended", price_paid=Decimal("0.00"))
    student = world.a.student
    with acting_as(world.a.org_admin):
        seen = history_titles(student.pk)
        assert not Workshop.objects.filter(pk=world.extra["ids"]["b_draft"]).exists()  # RLS agrees
    assert seen == {"Workshop", "Published a"}  # their own organization's draft and the published one
    for reader in (student, world.platform_admin):
        with acting_as(reader):
            assert history_titles(student.pk) == {"Workshop", "Published a", "Secret plans of b"}


def test_org_admin_sees_other_organizations_published_workshops_in_the_history(world: World) -> None:
    with as_user(world.a.student):
        WorkshopRegistration.objects.create(workshop_id=world.extra["ids"]["b_pub"], user=world.a.student,
                                            price_paid=None)
    with acting_as(world.a.org_admin):
        assert history_titles(world.a.student.pk) == {"Workshop", "Published a", "Published b"}
