"""Business logic of the payments app (spec 60, Functions and Payment flow; conventions §6):
record_payment_revenue (the only revenue producer), validate_payment_change, sync_payment_to_target,
generate_certificate_number, get_user_payment_history, get_user_certificates, and the payment-completion
path of flow step 5 in system context."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.utils import timezone

from humanglue.security.context import leave_app_role, security_context
from instructors.models import Enrollment
from organizations.models import User
from payments.models import Certificate, Payment, RevenueTransaction
from payments.services import payment_complete, payment_refund
from talent.models import Consultation, EngagementRequest
from tests.db import refused
from tests.factories import PlatformAdminFactory, UserFactory
from tests.talent import logic_data as data
from tests.talent.logic_data import D, sql, sql_one
from tests.world import acting_as
from workshops.models import WorkshopRegistration

pytestmark = pytest.mark.django_db

REVENUE_COLUMNS = ("transaction_type", "amount", "platform_fee_percentage", "platform_fee_amount",
                   "instructor_earnings")


def revenue(payment: Payment, *columns: str) -> list[tuple]:
    """The payment's revenue rows as tuples of ``columns``: the sale row first, then the refund rows in the
    order they were written (rows of one transaction share created_at; later increases are smaller)."""
    cols = columns or REVENUE_COLUMNS
    rows = RevenueTransaction.objects.filter(payment=payment).values_list("transaction_type", "created_at",
                                                                          "amount", *cols)
    return [row[3:] for row in sorted(rows, key=lambda r: (r[0] == "refund", r[1], -r[2]))]


def complete(pay: Payment) -> None:
    """The webhook's conditional state change (flow step 3)."""
    assert Payment.objects.filter(pk=pay.pk, status__in=["pending", "failed"]).update(status="completed") == 1
    pay.refresh_from_db()


def refund(pay: Payment, cumulative: str, reason: str = "requested_by_customer") -> None:
    """charge.refunded: the cumulative amount refunded so far (flow step 4)."""
    Payment.objects.filter(pk=pay.pk).update(refund_amount=D(cumulative), refund_reason=reason)
    pay.refresh_from_db()


@pytest.fixture
def people() -> dict[str, User]:
    return {"instructor": UserFactory(full_name="Instructor"), "student": UserFactory(full_name="Student")}


# =============================================================================================
# Catalog: functions, grants and triggers as contract.json says
# =============================================================================================

PAYMENTS_FUNCTIONS = ["get_user_payment_history", "get_user_certificates", "generate_certificate_number",
                      "validate_payment_change", "sync_payment_to_target", "record_payment_revenue"]


def test_functions_security_volatility_and_grants_match_the_contract() -> None:
    data.assert_functions_match_contract(PAYMENTS_FUNCTIONS)


def test_triggers_have_the_contract_names_events_and_timing() -> None:
    payments = data.trigger_definitions("payments")
    for name in ("validate_payment_change", "sync_payment_to_target", "record_payment_revenue"):
        timing = "BEFORE" if name == "validate_payment_change" else "AFTER"
        assert payments[name] == (f"CREATE TRIGGER {name} {timing} INSERT OR UPDATE ON public.payments "
                                  f"FOR EACH ROW EXECUTE FUNCTION {name}()")
    # payments/0007: also on the columns of a move, where the completed-source rule is re-checked.
    assert data.trigger_definitions("certificates")["generate_cert_number"] == (
        "CREATE TRIGGER generate_cert_number BEFORE INSERT OR UPDATE OF certificate_number, user_id, "
        "certificate_type, course_id, workshop_id, assessment_id ON public.certificates "
        "FOR EACH ROW EXECUTE FUNCTION generate_certificate_number()")
    # The only producer: no trigger anywhere else inserts into revenue_transactions.
    producers = sql("SELECT DISTINCT p.proname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
                    r"WHERE NOT t.tgisinternal AND p.prosrc ~* 'insert\s+into\s+(public\.)?revenue_transactions'")
    assert producers == [("record_payment_revenue",)]


# =============================================================================================
# Sale rows
# =============================================================================================

def test_course_sale_99_gives_fee_19_80_and_earnings_79_20(people) -> None:
    course = data.course(people["instructor"], "99.00")
    enrollment = Enrollment.objects.create(user=people["student"], course=course)
    pay = data.payment(people["student"], "course", "99.00", course=course, transaction_id="pi_course_99")
    assert revenue(pay) == []  # pending: nothing yet
    complete(pay)
    assert pay.processed_at is not None
    assert revenue(pay, "transaction_type", "amount", "currency", "platform_fee_percentage", "platform_fee_amount",
                   "instructor_earnings", "instructor_id", "student_id", "course_id", "workshop_id",
                   "enrollment_id", "workshop_registration_id", "consultation_id", "engagement_request_id",
                   "payment_provider", "payment_provider_transaction_id", "payment_status",
                   "transaction_date") == [
        ("course_enrollment", D("99.00"), "USD", D("20.00"), D("19.80"), D("79.20"), people["instructor"].pk,
         people["student"].pk, course.pk, None, enrollment.pk, None, None, None, "stripe", "pi_course_99",
         "completed", pay.processed_at),
    ]


def test_workshop_sale_49_99_gives_fee_10_00_and_earnings_39_99(people) -> None:
    ws = data.workshop(people["instructor"], "49.99")
    registration = WorkshopRegistration.objects.create(workshop=ws, user=people["student"])
    registration.refresh_from_db()
    assert (registration.price_paid, registration.payment_status) == (D("49.99"), "pending")
    pay = data.payment(people["student"], "workshop", str(registration.price_paid), workshop=ws)
    complete(pay)
    assert revenue(pay, *REVENUE_COLUMNS, "workshop_id", "workshop_registration_id", "instructor_id") == [
        ("workshop_registration", D("49.99"), D("20.00"), D("10.00"), D("39.99"), ws.pk, registration.pk,
         people["instructor"].pk),
    ]


def test_consultation_and_engagement_sales_are_consultation_rows_for_the_expert(people) -> None:
    expert_user, _ = data.expert()
    booking = data.consultation(people["student"], expert_user, amount="150.00")
    eng = data.engagement(people["student"], expert_user, hours_total=D("10.00"), hourly_rate=D("150.00"))
    p_booking = data.payment(people["student"], "consultation", "150.00", consultation=booking)
    p_eng = data.payment(people["student"], "engagement", "1500.00", engagement_request=eng)
    complete(p_booking)
    complete(p_eng)
    cols = (*REVENUE_COLUMNS, "instructor_id", "consultation_id", "engagement_request_id", "course_id")
    assert revenue(p_booking, *cols) == [
        ("consultation", D("150.00"), D("20.00"), D("30.00"), D("120.00"), expert_user.pk, booking.pk, None, None)]
    assert revenue(p_eng, *cols) == [
        ("consultation", D("1500.00"), D("20.00"), D("300.00"), D("1200.00"), expert_user.pk, None, eng.pk, None)]


def test_insert_as_completed_writes_the_sale_row(people) -> None:
    course = data.course(people["instructor"], "10.01")
    pay = data.payment(people["student"], "course", "10.01", status="completed", course=course, provider="manual",
                       transaction_id=None)
    assert pay.processed_at is not None
    # 10.01 x 20 % = 2.002 -> 2.00; earnings 8.01.
    assert revenue(pay, *REVENUE_COLUMNS, "payment_provider", "payment_provider_transaction_id") == [
        ("course_enrollment", D("10.01"), D("20.00"), D("2.00"), D("8.01"), "manual", None)]


def test_replayed_completion_writes_nothing(people) -> None:
    course = data.course(people["instructor"], "99.00")
    pay = data.payment(people["student"], "course", "99.00", course=course)
    complete(pay)
    # The replayed webhook's conditional update matches no row ...
    assert Payment.objects.filter(pk=pay.pk, status__in=["pending", "failed"]).update(status="completed") == 0
    # ... and an unconditional completed -> completed write (e.g. a metadata edit) adds nothing either.
    Payment.objects.filter(pk=pay.pk).update(status="completed", metadata={"replayed": True})
    assert revenue(pay) == [("course_enrollment", D("99.00"), D("20.00"), D("19.80"), D("79.20"))]


def test_sale_row_is_unique_per_payment(people) -> None:
    """ON CONFLICT on the unique (payment_id) WHERE transaction_type <> 'refund': a sale row that already
    exists (an owner import of the same payment) is kept and no second one is written."""
    course = data.course(people["instructor"], "99.00")
    pay = data.payment(people["student"], "course", "99.00", course=course)
    RevenueTransaction.objects.create(
        instructor=people["instructor"], student=people["student"], course=course, payment=pay,
        transaction_type="course_enrollment", amount=D("99.00"), platform_fee_amount=D("19.80"),
        instructor_earnings=D("79.20"), payment_status="completed", payment_provider="import")
    complete(pay)
    assert revenue(pay, "transaction_type", "amount", "payment_provider") == [
        ("course_enrollment", D("99.00"), "import")]


def test_no_row_for_free_items_other_payment_types_unpaid_or_instructorless(people) -> None:
    instructor, student = people["instructor"], people["student"]
    free_course = data.course(instructor, "0.00")
    free_ws = data.workshop(instructor, "0.00")
    zero = [data.payment(student, "course", "0.00", course=free_course),
            data.payment(student, "workshop", "0.00", workshop=free_ws)]
    other = [data.payment(student, "subscription", "29.00"), data.payment(student, "other", "5.00")]
    orphan = data.payment(student, "course", "99.00", course=data.course(None, "99.00"))
    for pay in (*zero, *other, orphan):
        complete(pay)
    failed = data.payment(student, "course", "99.00", course=data.course(instructor, "99.00"))
    Payment.objects.filter(pk=failed.pk).update(status="failed")
    data.payment(student, "course", "99.00", course=data.course(instructor, "99.00"))  # stays pending
    # Free enrollment and free registration have no payment at all.
    Enrollment.objects.create(user=student, course=free_course)
    WorkshopRegistration.objects.create(workshop=free_ws, user=student)
    assert RevenueTransaction.objects.count() == 0
    # A refund of a subscription has no instructor share to reverse either.
    refund(other[0], "29.00")
    assert other[0].status == "refunded"
    assert RevenueTransaction.objects.count() == 0


def test_deleted_target_writes_no_sale(people) -> None:
    expert_user, _ = data.expert()
    booking = data.consultation(people["student"], expert_user)
    pay = data.payment(people["student"], "consultation", "150.00", consultation=booking)
    booking.delete()  # payments.consultation_id ON DELETE SET NULL (allowed by validate_payment_change)
    pay.refresh_from_db()
    assert pay.consultation_id is None
    complete(pay)
    assert revenue(pay) == []


# =============================================================================================
# Refund rows
# =============================================================================================

def test_partial_then_full_refund_of_99(people) -> None:
    course = data.course(people["instructor"], "99.00")
    enrollment = Enrollment.objects.create(user=people["student"], course=course)
    pay = data.payment(people["student"], "course", "99.00", course=course, transaction_id="pi_refund_99")
    complete(pay)
    refund(pay, "30.00")
    assert (pay.status, pay.refund_amount) == ("refunded", D("30.00"))
    assert pay.refunded_at is not None
    first_refund_at = pay.refunded_at
    sale = ("course_enrollment", D("99.00"), D("20.00"), D("19.80"), D("79.20"))
    assert revenue(pay) == [sale, ("refund", D("-30.00"), D("20.00"), D("-6.00"), D("-24.00"))]
    assert revenue(pay, "transaction_type", "payment_status", "payment_provider", "payment_provider_transaction_id",
                   "enrollment_id", "course_id", "instructor_id", "student_id") == [
        ("course_enrollment", "completed", "stripe", "pi_refund_99", enrollment.pk, course.pk,
         people["instructor"].pk, people["student"].pk),
        ("refund", "completed", "stripe", None, enrollment.pk, course.pk, people["instructor"].pk,
         people["student"].pk),
    ]
    # A replayed charge.refunded with the same cumulative amount writes nothing.
    refund(pay, "30.00")
    assert len(revenue(pay)) == 2
    assert pay.refunded_at == first_refund_at
    # The rest: one more row for the increase 69.00 (fee 13.80); the sale row is never changed.
    refund(pay, "99.00")
    assert revenue(pay) == [sale, ("refund", D("-30.00"), D("20.00"), D("-6.00"), D("-24.00")),
                            ("refund", D("-69.00"), D("20.00"), D("-13.80"), D("-55.20"))]
    assert sql_one("SELECT sum(amount), sum(platform_fee_amount), sum(instructor_earnings) "
                   "FROM revenue_transactions WHERE payment_id = %s", [pay.pk]) == (D("0.00"), D("0.00"), D("0.00"))


def test_full_refund_of_49_99_workshop_links_the_registration(people) -> None:
    ws = data.workshop(people["instructor"], "49.99")
    registration = WorkshopRegistration.objects.create(workshop=ws, user=people["student"])
    pay = data.payment(people["student"], "workshop", "49.99", workshop=ws)
    complete(pay)
    WorkshopRegistration.objects.filter(pk=registration.pk).update(payment=pay, payment_status="completed")
    refund(pay, "49.99")
    assert revenue(pay, *REVENUE_COLUMNS, "workshop_registration_id", "workshop_id") == [
        ("workshop_registration", D("49.99"), D("20.00"), D("10.00"), D("39.99"), registration.pk, ws.pk),
        ("refund", D("-49.99"), D("20.00"), D("-10.00"), D("-39.99"), registration.pk, ws.pk),
    ]


def test_refund_takes_the_fee_percentage_of_its_sale_row(people) -> None:
    course = data.course(people["instructor"], "50.00")
    pay = data.payment(people["student"], "course", "50.00", course=course)
    complete(pay)
    # An owner repair of the sale row's percentage (e.g. a negotiated rate), to tell the source apart.
    RevenueTransaction.objects.filter(payment=pay).update(platform_fee_percentage=D("15.00"),
                                                          platform_fee_amount=D("7.50"),
                                                          instructor_earnings=D("42.50"))
    refund(pay, "10.01")  # 10.01 x 15 % = 1.5015 -> 1.50
    assert revenue(pay)[-1] == ("refund", D("-10.01"), D("15.00"), D("-1.50"), D("-8.51"))


def test_engagement_and_consultation_refunds(people) -> None:
    expert_user, _ = data.expert()
    eng = data.engagement(people["student"], expert_user)
    pay = data.payment(people["student"], "engagement", "1500.00", engagement_request=eng)
    complete(pay)
    refund(pay, "150.00")
    assert revenue(pay, *REVENUE_COLUMNS, "instructor_id", "engagement_request_id")[-1] == (
        "refund", D("-150.00"), D("20.00"), D("-30.00"), D("-120.00"), expert_user.pk, eng.pk)


def test_webhook_upsert_of_an_already_refunded_payment_writes_sale_and_refund(people) -> None:
    course = data.course(people["instructor"], "99.00")
    pay = data.payment(people["student"], "course", "99.00", status="refunded", course=course,
                       refund_amount=D("99.00"))
    assert (pay.status, pay.processed_at is not None, pay.refunded_at is not None) == ("refunded", True, True)
    assert revenue(pay) == [("course_enrollment", D("99.00"), D("20.00"), D("19.80"), D("79.20")),
                            ("refund", D("-99.00"), D("20.00"), D("-19.80"), D("-79.20"))]


# =============================================================================================
# validate_payment_change: transitions and immutability (23514)
# =============================================================================================

def test_allowed_transitions(people) -> None:
    course = data.course(people["instructor"], "20.00")
    pay = data.payment(people["student"], "course", "20.00", course=course)
    for status in ("pending", "failed", "failed", "pending", "failed", "completed", "completed"):
        Payment.objects.filter(pk=pay.pk).update(status=status)
    pay.refresh_from_db()
    assert pay.status == "completed" and pay.processed_at is not None
    refund(pay, "5.00")
    Payment.objects.filter(pk=pay.pk).update(status="refunded")
    assert Payment.objects.get(pk=pay.pk).status == "refunded"
    direct = data.payment(people["student"], "course", "20.00", course=course)
    Payment.objects.filter(pk=direct.pk).update(status="completed")  # pending -> completed
    retried = data.payment(people["student"], "course", "20.00", status="failed", course=course)
    Payment.objects.filter(pk=retried.pk).update(status="completed")  # failed -> completed (same intent)
    assert RevenueTransaction.objects.filter(transaction_type="course_enrollment").count() == 3


@pytest.mark.parametrize(("start", "target"), [
    ("pending", "refunded"), ("failed", "refunded"), ("completed", "pending"), ("completed", "failed"),
    ("refunded", "completed"), ("refunded", "pending"), ("refunded", "failed"),
])
def test_refused_transitions(people, start: str, target: str) -> None:
    course = data.course(people["instructor"], "20.00")
    extra = {"refund_amount": D("20.00")} if start == "refunded" else {}
    pay = data.payment(people["student"], "course", "20.00", status=start, course=course, **extra)
    with refused("23514", "invalid_payment_transition"):
        Payment.objects.filter(pk=pay.pk).update(status=target)
    # Platform admins are held to the same rule (validation, not a guard).
    with acting_as(PlatformAdminFactory()):
        with refused("23514", "invalid_payment_transition"):
            Payment.objects.filter(pk=pay.pk).update(status=target)


def test_immutable_columns_and_refund_rules(people) -> None:
    course, other_course = data.course(people["instructor"], "20.00"), data.course(people["instructor"], "20.00")
    pay = data.payment(people["student"], "course", "20.00", course=course, transaction_id="pi_fixed")
    changes = [{"amount": D("1.00")}, {"currency": "EUR"}, {"provider": "paypal"},
               {"payment_type": "other", "course": None}, {"user": UserFactory(full_name="Someone Else")},
               {"course": other_course}, {"transaction_id": "pi_other"}]
    for change in changes:
        with refused("23514", "immutable_column"):
            Payment.objects.filter(pk=pay.pk).update(**change)
    with refused("23514", "refund_requires_completed_payment"):
        Payment.objects.filter(pk=pay.pk).update(refund_amount=D("5.00"))
    complete(pay)
    refund(pay, "10.00")
    with refused("23514", "refund_amount_decreased"):
        Payment.objects.filter(pk=pay.pk).update(refund_amount=D("5.00"))
    with refused("23514", "refund_amount_decreased"):
        Payment.objects.filter(pk=pay.pk).update(refund_amount=None)
    # Above the amount: the table's CHECK.
    with refused("23514", "payments_refund_amount_check"):
        Payment.objects.filter(pk=pay.pk).update(refund_amount=D("20.01"))
    # Target ids may become NULL (what ON DELETE SET NULL does).
    Payment.objects.filter(pk=pay.pk).update(course=None)
    # A manual payment may receive its transaction id once.
    manual = data.payment(people["student"], "other", "3.00", provider="manual", transaction_id=None)
    Payment.objects.filter(pk=manual.pk).update(transaction_id="manual-1")
    with refused("23514", "immutable_column"):
        Payment.objects.filter(pk=manual.pk).update(transaction_id="manual-2")


@pytest.mark.parametrize("payment_type", ["course", "workshop", "consultation", "engagement"])
def test_item_payments_must_name_their_target(people, payment_type: str) -> None:
    with refused("23514", "payment_target_required"):
        data.payment(people["student"], payment_type, "10.00")


def test_the_payer_cannot_change_their_payment(people) -> None:
    course = data.course(people["instructor"], "99.00")
    with acting_as(people["student"]):
        pay = data.payment(people["student"], "course", "99.00", course=course)  # "Users can create pending"
        assert Payment.objects.filter(pk=pay.pk).update(status="completed") == 0  # no UPDATE policy
        with refused("42501"):
            data.payment(people["student"], "course", "99.00", status="completed", course=course)


# =============================================================================================
# sync_payment_to_target
# =============================================================================================

def mirror(model, pk) -> tuple:
    return tuple(model.objects.filter(pk=pk).values_list("payment_id", "payment_status").get())


def test_payment_mirror_on_consultations_and_engagements(people) -> None:
    expert_user, _ = data.expert()
    booking = data.consultation(people["student"], expert_user)
    eng = data.engagement(people["student"], expert_user)
    for model, target, kind, field in [(Consultation, booking, "consultation", "consultation"),
                                       (EngagementRequest, eng, "engagement", "engagement_request")]:
        assert mirror(model, target.pk) == (None, None)
        p1 = data.payment(people["student"], kind, "150.00", **{field: target})
        assert mirror(model, target.pk) == (p1.pk, "pending")
        Payment.objects.filter(pk=p1.pk).update(status="failed")
        assert mirror(model, target.pk) == (p1.pk, "failed")
        p2 = data.payment(people["student"], kind, "150.00", **{field: target})  # the retry
        assert mirror(model, target.pk) == (p2.pk, "pending")
        complete(p2)
        assert mirror(model, target.pk) == (p2.pk, "completed")
        # A later pending or failed attempt never hides the settling payment.
        p3 = data.payment(people["student"], kind, "150.00", **{field: target})
        Payment.objects.filter(pk=p1.pk).update(status="pending")
        Payment.objects.filter(pk=p3.pk).update(status="failed")
        assert mirror(model, target.pk) == (p2.pk, "completed")
        refund(p2, "150.00")  # the final status changed by validate_payment_change is mirrored too
        assert mirror(model, target.pk) == (p2.pk, "refunded")
    # The mirrors stay read-only for the API.
    with acting_as(people["student"]):
        Consultation.objects.filter(pk=booking.pk).update(payment=None, payment_status="pending")
        assert mirror(Consultation, booking.pk)[1] == "refunded"


# =============================================================================================
# generate_certificate_number
# =============================================================================================

NUMBER = re.compile(r"^CERT-(CRS|WKS|PRG|ASM)-(\d{8})-([0-9A-F]{12})$")


def certificate(user: User, certificate_type: str, **extra) -> Certificate:
    return Certificate.objects.create(user=user, certificate_type=certificate_type, title="Certificate",
                                      issuer_name="HumanGlue", **extra)


def test_certificate_number_format_and_codes(people) -> None:
    student = people["student"]
    course, ws = data.course(people["instructor"]), data.workshop(people["instructor"])
    day = datetime.date(2025, 10, 4)
    made = {
        "CRS": certificate(student, "course", course=course, issue_date=day),
        "WKS": certificate(student, "workshop", workshop=ws, issue_date=day),
        "PRG": certificate(student, "program", issue_date=day),
        "ASM": certificate(student, "assessment", issue_date=day),
    }
    suffixes = set()
    for code, cert in made.items():
        match = NUMBER.match(cert.certificate_number)
        assert match, cert.certificate_number
        assert match.group(1, 2) == (code, "20251004")
        assert Certificate.objects.get(pk=cert.pk).certificate_number == cert.certificate_number
        suffixes.add(match.group(3))
    assert len(suffixes) == 4


def test_certificate_issue_date_defaults_and_blank_numbers(people) -> None:
    student = people["student"]
    today_utc = timezone.now().astimezone(datetime.UTC).date()
    (number, issue_date) = sql_one(
        "INSERT INTO certificates (user_id, certificate_type, title, issuer_name, certificate_number, issue_date, "
        "skills_demonstrated, competencies, is_verified, metadata, created_at, updated_at) "
        "VALUES (%s, 'program', 'P', 'HumanGlue', '   ', NULL, '{}', '[]', false, '{}', now(), now()) "
        "RETURNING certificate_number, issue_date", [student.pk])
    assert issue_date == today_utc
    assert NUMBER.match(number).group(1, 2) == ("PRG", today_utc.strftime("%Y%m%d"))
    legacy = certificate(student, "program", certificate_number="CERT-WOR-20240101-ABCDEF12")
    assert legacy.certificate_number == "CERT-WOR-20240101-ABCDEF12"  # an import keeps its number


def test_certificate_numbers_are_immutable(people) -> None:
    cert = certificate(people["student"], "program")
    number = cert.certificate_number
    stale = Certificate.objects.get(pk=cert.pk)
    stale.certificate_number = ""  # a stale instance saving '' keeps the stored number
    stale.title = "Renamed"
    stale.save()
    Certificate.objects.filter(pk=cert.pk).update(certificate_number=None)
    assert Certificate.objects.filter(pk=cert.pk).values_list("certificate_number", "title").get() == (
        number, "Renamed")
    with refused("23514", "immutable_column"):
        Certificate.objects.filter(pk=cert.pk).update(certificate_number="CERT-PRG-20250101-X")
    with acting_as(PlatformAdminFactory()):
        with refused("23514", "immutable_column"):
            Certificate.objects.filter(pk=cert.pk).update(certificate_number="CERT-OTHER")


def test_instructor_issues_a_numbered_certificate_under_the_app_role(people) -> None:
    course = data.course(people["instructor"])
    # Certificates only for a completed source (payments/0005): the student completed the course.
    done = Enrollment.objects.create(user=people["student"], course=course)
    Enrollment.objects.filter(pk=done.pk).update(status="completed", completed_at=timezone.now())
    with request_as(people["instructor"]):
        # The issuer cannot read the student's certificate back (RLS), so no RETURNING here.
        sql("INSERT INTO certificates (user_id, certificate_type, title, issuer_name, course_id, issued_by) "
            "VALUES (%s, 'course', 'Course certificate', 'HumanGlue', %s, %s)",
            [people["student"].pk, course.pk, people["instructor"].pk])
    number = Certificate.objects.get(user=people["student"], course=course).certificate_number
    assert NUMBER.match(number).group(1) == "CRS"


# =============================================================================================
# get_user_payment_history / get_user_certificates
# =============================================================================================

HISTORY = "SELECT * FROM public.get_user_payment_history(%s, %s, %s)"


def test_payment_history_order_values_and_guard(people) -> None:
    student, other, admin = people["student"], UserFactory(full_name="Other"), PlatformAdminFactory()
    course = data.course(people["instructor"], "99.00")
    old = data.payment(student, "course", "99.00", course=course)
    Payment.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    complete(old)
    refund(old, "30.00")
    newer = data.payment(student, "subscription", "29.00")
    same_time = data.payment(student, "other", "5.00")
    Payment.objects.filter(pk=same_time.pk).update(created_at=newer.created_at)
    data.payment(other, "other", "1.00")
    newer_pair = sorted([newer.pk, same_time.pk], reverse=True)  # equal created_at: id DESC
    with acting_as(student):
        rows = sql(HISTORY, [student.pk, 50, 0])
        assert [r[0] for r in rows] == [*newer_pair, old.pk]
        assert rows[-1][1:5] == (D("99.00"), "USD", "course", "refunded")  # amount before the refund
        assert sql(HISTORY, [other.pk, 50, 0]) == []
        assert [r[0] for r in sql(HISTORY, [student.pk, 1, 1])] == [newer_pair[1]]
        assert len(sql(HISTORY, [student.pk, None, None])) == 3 == len(sql(HISTORY, [student.pk, 0, -1]))
    with acting_as(admin):
        assert [r[0] for r in sql(HISTORY, [student.pk, 50, 0])] == [*newer_pair, old.pk]
    with acting_as(None):
        assert sql(HISTORY, [student.pk, 50, 0]) == []


def test_payment_history_paging_clamps() -> None:
    payer = UserFactory(full_name="Payer")
    sql("INSERT INTO payments (user_id, amount, currency, provider, transaction_id, status, payment_type, metadata, "
        "created_at, updated_at) SELECT %s, 1.00, 'USD', 'stripe', 'pi_bulk_' || g, 'pending', 'other', '{}', "
        "now() - g * interval '1 second', now() FROM generate_series(1, 205) g", [payer.pk])
    with acting_as(payer):
        assert len(sql(HISTORY, [payer.pk, 1000, 0])) == 200
        assert len(sql(HISTORY, [payer.pk, 0, 0])) == 50
        assert len(sql(HISTORY, [payer.pk, 50, 200])) == 5


def test_user_certificates_order_and_guard(people) -> None:
    student, admin = people["student"], PlatformAdminFactory()
    older = certificate(student, "program", issue_date=datetime.date(2024, 1, 1))
    expired = certificate(student, "assessment", issue_date=datetime.date(2024, 6, 1),
                          expiry_date=datetime.date(2024, 12, 31), certificate_url="https://x/cert.pdf")
    verified = certificate(student, "program", issue_date=datetime.date(2024, 6, 1), is_verified=True)
    Certificate.objects.filter(pk=expired.pk).update(created_at=timezone.now() - datetime.timedelta(days=1))
    certificate(UserFactory(full_name="Other"), "program", is_verified=True)
    expected = [
        (verified.pk, "Certificate", "program", verified.certificate_number, datetime.date(2024, 6, 1), None),
        (expired.pk, "Certificate", "assessment", expired.certificate_number, datetime.date(2024, 6, 1),
         "https://x/cert.pdf"),
        (older.pk, "Certificate", "program", older.certificate_number, datetime.date(2024, 1, 1), None),
    ]
    query = "SELECT * FROM public.get_user_certificates(%s)"
    with acting_as(student):
        assert sql(query, [student.pk]) == expected
    with acting_as(admin):
        assert sql(query, [student.pk]) == expected
    for caller in (UserFactory(full_name="Stranger"), None):
        with acting_as(caller):
            assert sql(query, [student.pk]) == []  # even though one of them is publicly verifiable


# =============================================================================================
# Payment-completion path (flow step 5), in system context
# =============================================================================================

@contextmanager
def request_as(user: User) -> Iterator[None]:
    """A request transaction (savepoint) under the app role as ``user`` that is kept; back to the owner
    afterwards."""
    try:
        with security_context(user.pk):
            yield
    finally:
        leave_app_role()


def test_paid_enrollment_created_by_the_completion_path(people) -> None:
    student, instructor = people["student"], people["instructor"]
    course = data.course(instructor, "99.00")
    with request_as(student):
        # The student opens a pending attempt but cannot enroll in a paid course by themself.
        data.payment(student, "course", "99.00", course=course, transaction_id="pi_flow_1")
        with refused("42501"):
            Enrollment.objects.create(user=student, course=course)
        assert Payment.objects.filter(transaction_id="pi_flow_1").update(status="completed") == 0
    with request_as(student):
        # The webhook/confirmation handler (flow step 5): system context inside the request.
        assert payment_complete(transaction_id="pi_flow_1").status == "completed"
        assert sql_one("SELECT current_user")[0] == "humanglue_app"  # back under the app role
        assert Enrollment.objects.filter(user=student, course=course).values_list("status", flat=True).get() == (
            "enrolled")
    pay = Payment.objects.get(transaction_id="pi_flow_1")
    enrollment = Enrollment.objects.get(user=student, course=course)
    assert (pay.status, pay.processed_at is not None) == ("completed", True)
    assert revenue(pay, *REVENUE_COLUMNS, "enrollment_id", "instructor_id") == [
        ("course_enrollment", D("99.00"), D("20.00"), D("19.80"), D("79.20"), enrollment.pk, instructor.pk)]
    # The replayed webhook is acknowledged and writes nothing.
    with request_as(student):
        replay = payment_complete(transaction_id="pi_flow_1")
    assert (replay.status, replay.processed_at) == ("completed", pay.processed_at)
    assert len(revenue(pay)) == 1
    assert Enrollment.objects.filter(user=student, course=course).count() == 1


def test_paid_enrollment_reactivated_by_the_completion_path(people) -> None:
    student, instructor = people["student"], people["instructor"]
    course = data.course(instructor, "99.00")
    first = data.payment(student, "course", "99.00", course=course, transaction_id="pi_first")
    payment_complete(transaction_id="pi_first")
    enrollment = Enrollment.objects.get(user=student, course=course)
    # A full refund (flow step 7): the service drops the enrollment.
    payment_refund(transaction_id="pi_first", amount_refunded=D("99.00"), reason="requested_by_customer")
    enrollment.refresh_from_db()
    assert enrollment.status == "dropped"
    assert revenue(first)[-1] == ("refund", D("-99.00"), D("20.00"), D("-19.80"), D("-79.20"))
    with acting_as(student):
        with refused("42501", "enrollment_reactivation_forbidden"):
            Enrollment.objects.filter(pk=enrollment.pk).update(status="enrolled")
    second = data.payment(student, "course", "99.00", course=course, transaction_id="pi_second")
    with request_as(student):
        assert payment_complete(transaction_id="pi_second").status == "completed"
    enrollment.refresh_from_db()
    assert enrollment.status == "enrolled"
    assert revenue(second, *REVENUE_COLUMNS, "enrollment_id") == [
        ("course_enrollment", D("99.00"), D("20.00"), D("19.80"), D("79.20"), enrollment.pk)]
    # Net over both purchases: 99 + 99 - 99.
    assert sql_one("SELECT sum(amount) FROM revenue_transactions WHERE course_id = %s", [course.pk]) == (
        D("99.00"),)


def test_free_self_enrollment_writes_no_revenue(people) -> None:
    free = data.course(people["instructor"], "0.00")
    with request_as(people["student"]):
        Enrollment.objects.create(user=people["student"], course=free)
    assert Enrollment.objects.filter(course=free).count() == 1
    assert RevenueTransaction.objects.count() == 0


# =============================================================================================
# Concurrency (real parallel connections)
# =============================================================================================

COMPLETE = "UPDATE payments SET status = 'completed' WHERE transaction_id = %s AND status IN ('pending', 'failed')"
REFUND = "UPDATE payments SET refund_amount = %s WHERE transaction_id = %s"


@pytest.mark.django_db(transaction=True)
def test_concurrent_completion_webhooks_write_one_sale_row() -> None:
    course = data.course(UserFactory(full_name="Instructor"), "99.00")
    pay = data.payment(UserFactory(full_name="Student"), "course", "99.00", course=course, transaction_id="pi_race")
    counts = []
    data.interleaved(lambda c: counts.append(c.execute(COMPLETE, ["pi_race"]).rowcount),
                     lambda c: counts.append(c.execute(COMPLETE, ["pi_race"]).rowcount))
    assert counts == [1, 0]
    assert revenue(pay) == [("course_enrollment", D("99.00"), D("20.00"), D("19.80"), D("79.20"))]


@pytest.mark.django_db(transaction=True)
def test_concurrent_refund_webhooks_write_one_row_per_increase() -> None:
    course = data.course(UserFactory(full_name="Instructor"), "99.00")
    pay = data.payment(UserFactory(full_name="Student"), "course", "99.00", status="completed", course=course,
                       transaction_id="pi_refund_race")
    # The same cumulative value twice: one refund row.
    data.interleaved(lambda c: c.execute(REFUND, [D("30.00"), "pi_refund_race"]),
                     lambda c: c.execute(REFUND, [D("30.00"), "pi_refund_race"]))
    # Two different cumulative values: one row per increase.
    data.interleaved(lambda c: c.execute(REFUND, [D("50.00"), "pi_refund_race"]),
                     lambda c: c.execute(REFUND, [D("99.00"), "pi_refund_race"]))
    assert revenue(pay) == [("course_enrollment", D("99.00"), D("20.00"), D("19.80"), D("79.20")),
                            ("refund", D("-30.00"), D("20.00"), D("-6.00"), D("-24.00")),
                            ("refund", D("-20.00"), D("20.00"), D("-4.00"), D("-16.00")),
                            ("refund", D("-49.00"), D("20.00"), D("-9.80"), D("-39.20"))]
