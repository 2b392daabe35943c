"""Contract version 2 of the payments app (issue 9 items 4, 6 and "Contract version 2"; spec 60,
payments/0005_v2_certificates):
- certificates only for a completed source (spec 60's API rule, now in the database);
- ``verify_certificate(p_number)`` replaces the anonymous policy "Anyone can verify certificates";
- a payment's organization is one its payer belongs to.

Attacks run under the app role as the attacker of the leak-matrix world (tests/talent/rls_world.py), whose
tenant b certificate (number ``CERT-b``) is verified and tenant a's is not.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from django.db import connection
from django.utils import timezone

from assessments.models import Assessment
from humanglue.contract import load_contract
from humanglue.contract.checks import API_FUNCTIONS
from instructors.models import Enrollment
from payments.models import Certificate, Payment
from tests.catalog import assert_app_verified, assert_verified
from tests.db import fetch, refused
from tests.talent.rls_world import row
from tests.world import World, acting_as
from workshops.models import WorkshopRegistration

pytestmark = pytest.mark.django_db


def issue(**values: Any) -> int:
    """A plain INSERT (no RETURNING: an issuer has no read policy on a certificate it gives to someone else)."""
    values = {"certificate_type": "course", "title": "Certificate", "issuer_name": "HumanGlue", **values}
    columns = ", ".join(values)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO certificates ({columns}) VALUES ({', '.join(['%s'] * len(values))})",
                       [getattr(v, "pk", v) for v in values.values()])
        return cursor.rowcount


def complete_enrollment(world: World, tenant: str = "a") -> None:
    Certificate.objects.filter(pk=row(world, tenant, "certificate").pk).delete()  # one per user and course
    # completed_at given explicitly: the landed enrollments guard skips it in system context (issue 9).
    Enrollment.objects.filter(pk=row(world, tenant, "enrollment").pk).update(status="completed",
                                                                             completed_at=timezone.now())


# =============================================================================================
# Item 4: certificates only for a completed source
# =============================================================================================

def test_instructor_cannot_certify_someone_who_never_enrolled(world: World) -> None:
    course = row(world, "a", "course")
    with acting_as(world.a.instructor):
        with refused("23514", "certificate_source_not_completed"):
            issue(user_id=world.a.member, course_id=course, issued_by=world.a.instructor, is_verified=True)
        with refused("23514", "certificate_source_not_completed"):  # enrolled, not completed
            issue(user_id=world.a.student, course_id=course, issued_by=world.a.instructor, is_verified=True)
    complete_enrollment(world)
    with acting_as(world.a.instructor):
        assert issue(user_id=world.a.student, course_id=course, issued_by=world.a.instructor) == 1


def test_workshop_certificate_needs_attendance(world: World) -> None:
    ws = row(world, "a", "workshop")
    with acting_as(world.a.instructor):
        with refused("23514", "certificate_source_not_completed"):
            issue(user_id=world.a.member, certificate_type="workshop", workshop_id=ws, issued_by=world.a.instructor)
        assert issue(user_id=world.a.student, certificate_type="workshop", workshop_id=ws,
                     issued_by=world.a.instructor) == 1  # the world's registration is attended
    WorkshopRegistration.objects.filter(pk=row(world, "a", "workshop_registration").pk).update(status="no_show")
    with acting_as(world.a.instructor):
        with refused("23514", "certificate_source_not_completed"):
            issue(user_id=world.a.student, certificate_type="workshop", workshop_id=ws, issued_by=world.a.instructor)


def test_platform_admins_are_held_to_the_rule_too(world: World) -> None:
    assessment = row(world, "a", "assessment")  # a.student's, not completed
    with acting_as(world.platform_admin):
        with refused("23514", "certificate_source_not_completed"):
            issue(user_id=world.a.member, course_id=row(world, "a", "course"), issued_by=world.platform_admin)
        with refused("23514", "certificate_source_not_completed"):
            issue(user_id=world.a.student, certificate_type="assessment", assessment_id=assessment)
    Assessment.objects.filter(pk=assessment.pk).update(status="completed")
    with acting_as(world.platform_admin):
        with refused("23514", "certificate_source_not_completed"):  # someone else's assessment
            issue(user_id=world.a.member, certificate_type="assessment", assessment_id=assessment)
        assert issue(user_id=world.a.student, certificate_type="assessment", assessment_id=assessment) == 1
        assert issue(user_id=world.a.member, certificate_type="program") == 1  # no source to complete


def test_system_context_imports_certificates(world: World) -> None:
    """Owner-run imports of legacy certificates are not checked (system context skips restrictions)."""
    assert issue(user_id=world.a.member, course_id=row(world, "a", "course"), certificate_number="LEGACY-1") == 1


# =============================================================================================
# verify_certificate replaces "Anyone can verify certificates"
# =============================================================================================

VERIFY = "SELECT * FROM public.verify_certificate(%s)"


def test_anonymous_callers_verify_one_number_and_list_nothing(world: World) -> None:
    b_cert = row(world, "b", "certificate")
    expected = [(b_cert.certificate_number, "Course certificate", "course", "Student", b_cert.issue_date, None,
                 "HumanGlue")]
    for caller in (None, world.a.student, world.outsider):
        with acting_as(caller):
            assert fetch(VERIFY, [b_cert.certificate_number]) == expected
            assert fetch(VERIFY, [f"  {b_cert.certificate_number} "]) == expected  # blanks trimmed
            assert fetch(VERIFY, [row(world, "a", "certificate").certificate_number]) == []  # not verified
            for number in (None, "", "   ", "CERT-", "cert-b", "CERT-%", "unknown"):
                assert fetch(VERIFY, [number]) == [], number
            assert not Certificate.objects.filter(pk=b_cert.pk).exists()  # no listing through the table
    with acting_as(world.b.student):
        assert Certificate.objects.filter(pk=b_cert.pk).exists()  # the holder still reads their own


def test_verify_certificate_catalog() -> None:
    """The contract's result, security definer with the pinned search_path, stable, EXECUTE for the app role and
    not PUBLIC; the anonymous policy is gone (verify: exact policy set): verify's checks."""
    (spec,) = [f for f in load_contract()["functions"] if f["name"] == "verify_certificate"]
    assert (spec["args"], spec["returns"], spec["security"], spec["volatility"]) == (
        ["text"], "TABLE(certificate_number text, title text, certificate_type text, holder_name text, "
        "issue_date date, expiry_date date, issuer_name text)", "definer", "stable")
    assert "verify_certificate" in API_FUNCTIONS
    assert_verified("function", ["verify_certificate"])
    assert "Anyone can verify certificates" not in {
        p["name"] for p in load_contract()["tables"]["certificates"]["policies"]}
    assert_app_verified("payments")


# =============================================================================================
# Item 6: a payment's organization is one its payer belongs to
# =============================================================================================

def test_payments_cannot_be_retagged_into_a_foreign_organization(world: World) -> None:
    pay = row(world, "a", "payment")
    with acting_as(world.a.student):  # the payer has no UPDATE at all
        assert Payment.objects.filter(pk=pay.pk).update(organization=world.b.org) == 0
    with acting_as(world.platform_admin):
        with refused("42501", "organization_not_member"):
            Payment.objects.filter(pk=pay.pk).update(organization=world.b.org)
        with refused("42501", "organization_not_member"):
            Payment.objects.create(user=world.a.student, organization=world.b.org, amount=Decimal("5.00"),
                                   provider="manual", payment_type="other")
        assert Payment.objects.filter(pk=pay.pk).update(organization=None) == 1
        assert Payment.objects.filter(pk=pay.pk).update(organization=world.a.org) == 1
    with acting_as(world.a.student):
        with refused("42501"):
            Payment.objects.create(user=world.a.student, organization=world.b.org, amount=Decimal("5.00"),
                                   provider="stripe", transaction_id=f"pi_{uuid4().hex}", payment_type="other")
