"""Trigger-owned payment and certificate columns (payments/0007_v2_payment_columns; spec 60):
- ``payments.refunded_at`` is "the time of the latest refund; set by the trigger": request callers cannot
  write it, the refund rule (validate_payment_change) sets it; system context is unchanged;
- "issued only to a user who completed the source" holds when a certificate is moved to another holder,
  type or source (generate_certificate_number, now also BEFORE UPDATE OF those columns).

Attacks run under the app role as the attacker of the leak-matrix world (tests/talent/rls_world.py).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from django.utils import timezone

from assessments.models import Assessment
from instructors.models import Enrollment
from payments.models import Certificate, Payment
from tests.db import fetch, refused
from tests.talent.rls_world import row
from tests.world import World, acting_as

pytestmark = pytest.mark.django_db

D = Decimal
LAST_YEAR = timezone.now() - timedelta(days=365)


def refunded_at(pay: Payment) -> object:
    return Payment.objects.filter(pk=pay.pk).values_list("refunded_at", flat=True).get()


def completed(world: World, tenant: str = "a") -> Payment:
    """The tenant's payment, completed by the owner (the payment path in system context)."""
    pay = row(world, tenant, "payment")
    Payment.objects.filter(pk=pay.pk).update(status="completed")
    return pay


# =============================================================================================
# payments.refunded_at: trigger-maintained for request callers
# =============================================================================================

def test_admin_cannot_stamp_a_refund_time_on_a_pending_payment(world: World) -> None:
    pay = row(world, "a", "payment")  # pending, never refunded
    with acting_as(world.platform_admin):
        assert Payment.objects.filter(pk=pay.pk).update(refunded_at=LAST_YEAR) == 1  # kept, not refused
        assert refunded_at(pay) is None
        # Django's full-row save carries the column too.
        stale = Payment.objects.get(pk=pay.pk)
        stale.refunded_at = LAST_YEAR
        stale.save()
        assert refunded_at(pay) is None


def test_admin_cannot_backdate_the_latest_refund(world: World) -> None:
    pay = completed(world)
    with acting_as(world.platform_admin):
        before = timezone.now()
        # The refund rule stamps the refund, whatever the caller sends with it.
        assert Payment.objects.filter(pk=pay.pk).update(refund_amount=D("10.00"), refunded_at=LAST_YEAR) == 1
        first = refunded_at(pay)
        assert first is not None and first >= before - timedelta(seconds=5)
        assert Payment.objects.filter(pk=pay.pk).update(refunded_at=LAST_YEAR) == 1
        assert refunded_at(pay) == first
        assert Payment.objects.filter(pk=pay.pk).update(refunded_at=None) == 1  # refund consistency kept
        assert Payment.objects.filter(pk=pay.pk).values_list("status", "refunded_at").get() == ("refunded", first)


def insert_payment(**values: object) -> tuple:
    """A raw INSERT (the model leaves its maintained fields out; an attacker's client would not)."""
    values = {"user_id": None, "amount": D("5.00"), "payment_type": "other", "refunded_at": LAST_YEAR, **values}
    rows = fetch(f"INSERT INTO payments ({', '.join(values)}) VALUES ({', '.join(['%s'] * len(values))}) "
                 "RETURNING status::text, refunded_at", [getattr(v, "pk", v) for v in values.values()])
    return rows[0]


def test_inserted_payments_carry_no_forged_refund_time(world: World) -> None:
    with acting_as(world.a.student):  # the payer's own pending attempt
        assert insert_payment(user_id=world.a.student, provider="stripe",
                              transaction_id=f"pi_{uuid4().hex}") == ("pending", None)
    with acting_as(world.platform_admin):
        assert insert_payment(user_id=world.a.student, provider="manual") == ("pending", None)
        status, stamp = insert_payment(user_id=world.a.student, provider="manual", status="completed",
                                       refund_amount=D("1.00"))
        assert status == "refunded" and stamp > timezone.now() - timedelta(minutes=1)  # stamped by the trigger


def test_system_context_still_writes_refunded_at(world: World) -> None:
    """The payment service (system context) records a provider's refund time, as landed."""
    pay = completed(world)
    Payment.objects.filter(pk=pay.pk).update(refund_amount=D("1.00"))
    assert Payment.objects.filter(pk=pay.pk).update(refunded_at=LAST_YEAR) == 1
    assert refunded_at(pay) == LAST_YEAR


# =============================================================================================
# certificates: the completed-source rule on moves
# =============================================================================================

def certificate(world: World) -> Certificate:
    """Tenant a's course certificate, its holder's enrollment completed."""
    cert = row(world, "a", "certificate")
    Enrollment.objects.filter(pk=row(world, "a", "enrollment").pk).update(status="completed",
                                                                          completed_at=timezone.now())
    return cert


def move(cert: Certificate, **values: object) -> int:
    return Certificate.objects.filter(pk=cert.pk).update(**values)


def test_admin_cannot_move_a_certificate_to_someone_who_never_completed(world: World) -> None:
    cert = certificate(world)
    with acting_as(world.platform_admin):
        with refused("23514", "certificate_source_not_completed"):
            move(cert, user=world.a.member)
        with refused("23514", "certificate_source_not_completed"):
            move(cert, user=world.b.student)  # the other organization's student, not in this course
        with refused("23514", "certificate_source_not_completed"):
            move(cert, course=row(world, "b", "course"))  # a course the holder never took
    assert Certificate.objects.filter(pk=cert.pk).values_list("user_id", "course_id").get() == (
        world.a.student.pk, row(world, "a", "course").pk)


def test_admin_cannot_retype_a_certificate_onto_an_uncompleted_source(world: World) -> None:
    cert = certificate(world)
    assessment = row(world, "a", "assessment")  # a.student's, not completed
    workshop = row(world, "b", "workshop")
    with acting_as(world.platform_admin):
        with refused("23514", "certificate_source_not_completed"):
            move(cert, certificate_type="assessment", course=None, assessment=assessment)
        with refused("23514", "certificate_source_not_completed"):
            move(cert, certificate_type="workshop", course=None, workshop=workshop)
    Assessment.objects.filter(pk=assessment.pk).update(status="completed")
    with acting_as(world.platform_admin):
        assert move(cert, certificate_type="assessment", course=None, assessment=assessment) == 1


def test_certificate_moves_to_a_completed_source_and_edits_still_work(world: World) -> None:
    cert = row(world, "a", "certificate")  # the enrollment is not completed: a legacy row
    with acting_as(world.platform_admin):
        # Unchanged holder and source, even when saved in full: not re-checked.
        assert move(cert, title="Renamed", user=world.a.student, course=row(world, "a", "course")) == 1
        stale = Certificate.objects.get(pk=cert.pk)
        stale.is_verified = True
        stale.save()
        assert move(cert, course=None) == 1  # dropping the source (what ON DELETE SET NULL does)
    cert = certificate(world)
    with acting_as(world.platform_admin):
        assert move(cert, course=row(world, "a", "course")) == 1  # back onto the completed course


def test_system_context_moves_certificates(world: World) -> None:
    """Owner-run corrections are not checked (system context skips restrictions)."""
    assert move(row(world, "a", "certificate"), user=world.a.member) == 1
