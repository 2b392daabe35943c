"""Row-level security of the payments app (spec 60): payments, certificates, revenue_transactions.

Every caller of the leak matrix (tests/talent/rls_world.py) reads with an unfiltered queryset, and
tries UPDATE and DELETE on both tenants' rows; INSERT cases follow each policy's WITH CHECK clause by
clause; revenue_transactions is read-only for the app role, platform admins included.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from django.db import connection
from django.utils import timezone

from humanglue.contract import load_contract
from humanglue.contract.checks import SELECT_ONLY_TABLES
from instructors.models import Enrollment
from payments.models import Certificate, Payment, RevenueTransaction
from tests.catalog import assert_app_verified
from tests.db import refused
from tests.talent.rls_world import (
    allowed,
    for_both,
    row,
    select_problems,
    write_problems,
)
from tests.world import World, acting_as, person
from workshops.models import Workshop, WorkshopRegistration

pytestmark = pytest.mark.django_db

MODELS = {"payment": Payment, "certificate": Certificate, "revenue_transaction": RevenueTransaction}

VISIBLE = {
    # The payer (tenant's student), the org admin of the payment's organization, platform admins.
    "payment": allowed(for_both("student", "org_admin", "platform_admin")),
    # Own certificates only. Contract v2 removed "Anyone can verify certificates" (everyone read b's verified
    # certificate): public verification is verify_certificate(number) (tests/payments/test_v2_certificates.py).
    "certificate": allowed(for_both("student", "platform_admin")),
    # Fee splits are confidential: the instructor credited and platform admins only (not the student).
    "revenue_transaction": allowed(for_both("instructor", "platform_admin")),
}
UPDATES = {
    # Users get no UPDATE: status, refund and provider changes come from the payments service.
    "payment": ({"invoice_url": "https://example.com/invoice.pdf"}, allowed(for_both("platform_admin"))),
    "certificate": ({"description": "Updated"}, allowed(for_both("platform_admin"))),
}
DELETES = {
    "payment": allowed(for_both("platform_admin")),
    "certificate": allowed(for_both("platform_admin")),
}


def insert(obj: Any) -> None:
    """INSERT the instance exactly as built (bulk_create skips save(), which resets maintained fields)."""
    type(obj).objects.bulk_create([obj])


@pytest.mark.parametrize("key", MODELS)
def test_select_matrix(world: World, key: str) -> None:
    assert select_problems(world, MODELS[key], key, VISIBLE[key]) == {}


@pytest.mark.parametrize("key", UPDATES)
def test_update_matrix(world: World, key: str) -> None:
    values, permitted = UPDATES[key]
    assert write_problems(world, MODELS[key], key, lambda qs: qs.update(**values), permitted) == {}


@pytest.mark.parametrize("key", DELETES)
def test_delete_matrix(world: World, key: str) -> None:
    assert write_problems(world, MODELS[key], key, lambda qs: qs.delete()[0], DELETES[key]) == {}


def test_payer_cannot_complete_or_refund_own_payment(world: World) -> None:
    pk = row(world, "a", "payment").pk
    with acting_as(world.a.student):
        assert Payment.objects.filter(pk=pk).update(status="completed") == 0
        assert Payment.objects.filter(pk=pk).update(provider_status="succeeded") == 0
    assert Payment.objects.get(pk=pk).status == "pending"


# ------------------------------------------------------------------------------------------------
# payments INSERT: "Users can create pending payments", clause by clause
# ------------------------------------------------------------------------------------------------

def payment(world: World, user: Any = None, **extra: Any) -> Payment:
    if not {"consultation", "engagement_request"} & set(extra):
        extra.setdefault("payment_type", "course")
        extra.setdefault("course", world.a.rows["course"])
    extra.setdefault("transaction_id", f"pi_{uuid4().hex}")
    extra.setdefault("provider", "stripe")
    return Payment(user=user or world.a.student, amount=Decimal("49.00"), **extra)


PAYMENT_INSERTS: list[tuple[str, str, Callable[[World], Payment]]] = [
    ("pending own", "a.student", lambda w: payment(w)),
    ("pending in own org", "a.student", lambda w: payment(w, organization=w.a.org)),
    ("own consultation", "a.student",
     lambda w: payment(w, payment_type="consultation", consultation=w.a.rows["consultation"])),
    ("own engagement", "a.student",
     lambda w: payment(w, payment_type="engagement", engagement_request=w.a.rows["engagement_request"])),
    ("status must be pending", "a.student", lambda w: payment(w, status="completed")),
    ("no manual provider", "a.student", lambda w: payment(w, provider="manual", transaction_id=None)),
    ("no refund amount", "a.student", lambda w: payment(w, refund_amount=Decimal("0.00"))),
    ("no processed_at", "a.student", lambda w: payment(w, processed_at=timezone.now())),
    ("org of another tenant", "a.student", lambda w: payment(w, organization=w.b.org)),
    ("for another user", "a.student", lambda w: payment(w, w.a.member)),
    ("someone else's consultation", "b.student",
     lambda w: payment(w, w.b.student, payment_type="consultation", consultation=w.a.rows["consultation"])),
    ("engagement as its expert", "a.expert",
     lambda w: payment(w, w.a.expert, payment_type="engagement",
                       engagement_request=w.a.rows["engagement_request"])),
    ("someone else's engagement", "b.student",
     lambda w: payment(w, w.b.student, payment_type="engagement",
                       engagement_request=w.a.rows["engagement_request"])),
    ("anonymous", "anonymous", lambda w: payment(w)),
    ("platform admin records a manual payment", "platform_admin",
     lambda w: payment(w, provider="manual", transaction_id=None, invoice_number=f"INV-{uuid4().hex[:8]}")),
]
PAYMENT_INSERT_OK = {
    "pending own", "pending in own org", "own consultation", "own engagement",
    "platform admin records a manual payment",
}


@pytest.mark.parametrize(("case", "who", "build"), PAYMENT_INSERTS, ids=[c[0] for c in PAYMENT_INSERTS])
def test_payment_insert(world: World, case: str, who: str, build: Callable[[World], Payment]) -> None:
    obj = build(world)
    with acting_as(person(world, who)):
        if case in PAYMENT_INSERT_OK:
            insert(obj)
            assert Payment.objects.filter(pk=obj.pk).exists()
        else:
            with refused("42501"):
                insert(obj)


# ------------------------------------------------------------------------------------------------
# certificates INSERT: "Instructors can issue certificates"
# ------------------------------------------------------------------------------------------------

def insert_certificate(**values: Any) -> int:
    """A plain INSERT without RETURNING: the issuer cannot SELECT a certificate it issued to someone else
    (spec 60 gives issuers no read policy), and an ORM create() would need to (INSERT ... RETURNING)."""
    values = {"certificate_type": "course", "title": "Certificate", "issuer_name": "HumanGlue",
              "certificate_number": f"CERT-T-{uuid4().hex[:12]}", **values}
    columns = ", ".join(values)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO certificates ({columns}) VALUES ({', '.join(['%s'] * len(values))})",
                       [getattr(v, "pk", v) for v in values.values()])
        return cursor.rowcount


@pytest.fixture
def completed_sources(world: World) -> World:
    """Holders who completed the sources (payments/0005: certificates only for a completed source): a's
    student completed a's course (and attended a's workshop, as in the world); a's instructor completed
    b's course and attended b's workshop, so that a certificate of b's items for them passes the source
    rule under a's instructor's own RLS and only the policy's instructor clause decides."""
    Enrollment.objects.filter(pk=world.a.rows["enrollment"].pk).update(status="completed", completed_at=timezone.now())
    Certificate.objects.filter(pk=world.a.rows["certificate"].pk).delete()  # one certificate per user and course
    done = Enrollment.objects.create(user=world.a.instructor, course=world.b.rows["course"])
    # completed_at is a maintained field of the model: written by update (system context).
    Enrollment.objects.filter(pk=done.pk).update(status="completed", completed_at=timezone.now())
    WorkshopRegistration.objects.create(workshop=world.b.rows["workshop"], user=world.a.instructor,
                                        price_paid=Decimal("0.00"), status="attended")
    return world


def course_cert(w: World, tenant: str = "a", **extra: Any) -> dict[str, Any]:
    holder = w.a.student if tenant == "a" else w.a.instructor
    return {"user_id": holder, "course_id": getattr(w, tenant).rows["course"], "issued_by": w.a.instructor, **extra}


def workshop_cert(w: World, tenant: str = "a", **extra: Any) -> dict[str, Any]:
    holder = w.a.student if tenant == "a" else w.a.instructor
    return {"user_id": holder, "certificate_type": "workshop", "workshop_id": getattr(w, tenant).rows["workshop"],
            "issued_by": w.a.instructor, **extra}


# (case, actor, row, outcome): "ok"; "42501" refused by the INSERT policy; "23514" refused first by the
# completed-source rule (generate_certificate_number, BEFORE INSERT), which reads the source under the
# caller's RLS: a caller who cannot see the holder's completion cannot certify it.
CERTIFICATE_INSERTS: list[tuple[str, str, Callable[[World], dict[str, Any]], str]] = [
    ("course certificate by its instructor", "a.instructor", lambda w: course_cert(w), "ok"),
    ("workshop certificate by its instructor", "a.instructor", lambda w: workshop_cert(w), "ok"),
    ("course of another tenant", "a.instructor", lambda w: course_cert(w, "b"), "42501"),
    ("workshop of another tenant", "a.instructor", lambda w: workshop_cert(w, "b"), "42501"),
    ("issued in someone else's name", "a.instructor", lambda w: course_cert(w, issued_by=w.b.instructor), "42501"),
    ("issuer left empty", "a.instructor", lambda w: course_cert(w, issued_by=None), "42501"),
    ("program certificate", "a.instructor",
     lambda w: course_cert(w, certificate_type="program", course_id=None), "42501"),
    ("assessment certificate", "a.instructor",
     lambda w: course_cert(w, certificate_type="assessment", course_id=None, assessment_id=w.a.rows["assessment"]),
     "23514"),
    ("student issues a course certificate", "a.student", lambda w: course_cert(w, issued_by=w.a.student), "42501"),
    ("other tenant's instructor", "b.instructor", lambda w: course_cert(w, issued_by=w.b.instructor), "23514"),
    ("org admin", "a.org_admin", lambda w: course_cert(w, issued_by=w.a.org_admin), "42501"),
    ("anonymous", "anonymous", lambda w: course_cert(w, issued_by=None), "23514"),
    ("platform admin program certificate", "platform_admin",
     lambda w: course_cert(w, certificate_type="program", course_id=None, issued_by=w.platform_admin), "ok"),
    ("to someone who never enrolled", "a.instructor", lambda w: course_cert(w, user_id=w.a.member), "23514"),
]


@pytest.mark.parametrize(("case", "who", "build", "outcome"), CERTIFICATE_INSERTS,
                         ids=[c[0] for c in CERTIFICATE_INSERTS])
def test_certificate_insert(completed_sources: World, case: str, who: str, build: Callable[[World], dict[str, Any]],
                           outcome: str) -> None:
    world = completed_sources
    values = build(world)
    with acting_as(person(world, who)):
        if outcome == "ok":
            assert insert_certificate(**values) == 1
        elif outcome == "42501":
            with refused("42501"):
                insert_certificate(**values)
        else:
            with refused("23514", "certificate_source_not_completed"):
                insert_certificate(**values)


def test_instructor_cannot_certify_a_visible_workshop_of_another_instructor(completed_sources: World) -> None:
    """A published workshop is readable by everyone, and its holder attended, so only the instructor_id
    clause refuses this."""
    world = completed_sources
    Workshop.objects.filter(pk=row(world, "b", "workshop").pk).update(status="published")
    with acting_as(world.a.instructor):
        assert Workshop.objects.filter(pk=row(world, "b", "workshop").pk).exists()
        with refused("42501"):
            insert_certificate(**workshop_cert(world, "b"))


# ------------------------------------------------------------------------------------------------
# revenue_transactions: SELECT only for the app role (written by record_payment_revenue() alone)
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["anonymous", "a.student", "a.instructor", "a.org_admin", "platform_admin"])
def test_revenue_transactions_are_read_only(world: World, who: str) -> None:
    own = row(world, "a", "revenue_transaction")
    new = RevenueTransaction(instructor=world.a.instructor, student=world.a.student, transaction_type="consultation",
                             amount=Decimal("10.00"), platform_fee_amount=Decimal("2.00"),
                             instructor_earnings=Decimal("8.00"))
    with acting_as(person(world, who)):
        with refused("42501"):
            insert(new)
        with refused("42501"):
            RevenueTransaction.objects.filter(pk=own.pk).update(payout_status="paid")
        with refused("42501"):
            RevenueTransaction.objects.filter(pk=own.pk).delete()
    assert RevenueTransaction.objects.get(pk=own.pk).payout_status is None


# ------------------------------------------------------------------------------------------------
# Catalog: RLS on (not forced), exact policy names, grants
# ------------------------------------------------------------------------------------------------

REMOVED_IN_V2 = "Anyone can verify certificates"
PRIVILEGES = {
    "payments": {"SELECT", "INSERT", "UPDATE", "DELETE"},
    "certificates": {"SELECT", "INSERT", "UPDATE", "DELETE"},
    "revenue_transactions": {"SELECT"},
}


def test_catalog() -> None:
    """RLS enabled and not forced, the exact policies (PERMISSIVE, TO public; contract v2 removed
    REMOVED_IN_V2, payments/0005), table privileges of the app role exactly PRIVILEGES, no column-level grant
    widening them: verify's checks of the app's tables."""
    tables = load_contract()["tables"]
    assert {t for t, spec in tables.items() if spec["app"] == "payments"} == set(PRIVILEGES)
    assert REMOVED_IN_V2 not in {p["name"] for p in tables["certificates"]["policies"]}
    assert {t for t in PRIVILEGES if PRIVILEGES[t] == {"SELECT"}} == set(PRIVILEGES) & SELECT_ONLY_TABLES
    assert_app_verified("payments")
