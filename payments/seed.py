"""The payments' slice of the seed, and the checkout the other slices start.

Demo: the slices that sell something (courses, workshop seats, engagements, consultations) open a
checkout with ``pending_payment`` and complete, fail or refund it through ``payments.services``, so
the payment rows of a sale are written where the sale is. This slice adds what belongs to no sale:
Acme's subscription payment and the four certificates (course, workshop, assessment, program), with the
"certificate earned" activity that no trigger logs.
Scale: one completed payment per paid enrollment and its revenue row.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from humanglue.seeding import DemoContext, ScaleContext, sid
from instructors.models import StudentActivity
from payments.models import Certificate, Payment
from payments.services import payment_complete
from workshops.models import WorkshopRegistration

FEE_PCT = Decimal("20.00")


def transaction_id(student: str, item: str) -> str:
    """The provider's intent id of ``student``'s checkout for ``item`` (a course or workshop slug...)."""
    return f"pi_seed_{student}_{item}".replace("-", "_")


def pending_payment(ctx: DemoContext, student: str, item: str, payment_type: str, *, amount: Decimal,
                    provider: str = "stripe", method: str = "credit_card", **target: Any) -> tuple[Payment, bool]:
    """A checkout the payer started: a pending payment with the provider's intent id (flow step 2)."""
    user = ctx.users[student]
    return ctx.row(
        Payment, f"payment:{student}:{item}", natural={"transaction_id": transaction_id(student, item)}, user=user,
        organization=user.organization, amount=amount, currency="USD", provider=provider, payment_method=method,
        payment_type=payment_type, provider_customer_id=f"cus_seed_{student}", provider_status="processing",
        **target,
    )


def seed_demo(ctx: DemoContext) -> None:
    ctx.say("subscription payment and certificates")
    u, c, w = ctx.users, ctx.courses, ctx.workshops
    payment, created = ctx.row(
        Payment, "payment:acme:subscription", natural={"invoice_number": "INV-SEED-ACME-0001"},
        user=u["acme_admin"], organization=ctx.orgs["acme"], amount=Decimal("499.00"), provider="manual",
        payment_method="bank_transfer", payment_type="subscription", transaction_id="manual_seed_acme_2025",
        invoice_url="https://billing.example/INV-SEED-ACME-0001.pdf", metadata={"plan": "enterprise"},
    )
    if created:
        payment_complete(transaction_id=payment.transaction_id)

    ctx.row(Certificate, "certificate:alice:coaching-fundamentals",
            natural={"user": u["alice"], "course": c["coaching-fundamentals"]}, certificate_type="course",
            title="Coaching Fundamentals", issued_by=u["maya"], issuer_name="Dr. Maya Chen",
            issuer_title="Instructor", is_verified=True, skills_demonstrated=["active listening", "feedback"],
            verification_url="https://humanglue.example/verify")
    certificate, created = ctx.row(
        Certificate, "certificate:chloe:marketplace-playbook",
        natural={"user": u["chloe"], "workshop": w["marketplace-playbook"]}, certificate_type="workshop",
        title="Marketplace Playbook (attended)", issued_by=u["leo"], issuer_name="Leo Park")
    if created:
        WorkshopRegistration.objects.filter(workshop=w["marketplace-playbook"], user=u["chloe"]).update(
            certificate=certificate)
    ctx.row(Certificate, "certificate:alice:assessment",
            natural={"user": u["alice"], "assessment_id": sid("assessment:alice:full")},
            certificate_type="assessment", title="Adaptability Assessment", issued_by=u["admin"],
            issuer_name="HumanGlue", competencies=[{"name": "adaptability", "level": "proficient"}])
    ctx.row(Certificate, "certificate:emma:program", certificate_type="program", user=u["emma"],
            title="Change Leader Program", issuer_name="HumanGlue", expiry_date=ctx.at(730).date())

    # No trigger logs an earned certificate in the instructors' activity feed (an API endpoint would).
    ctx.row(StudentActivity, "activity:certificate:alice", activity_type="certificate_earned", student=u["alice"],
            instructor=u["maya"], course=c["coaching-fundamentals"], workshop=None, lesson=None,
            activity_title="Earned the Coaching Fundamentals certificate")
    ctx.row(StudentActivity, "activity:certificate:chloe", activity_type="certificate_earned", student=u["chloe"],
            instructor=u["leo"], course=None, workshop=w["marketplace-playbook"], lesson=None,
            activity_title="Earned the Marketplace Playbook certificate")


# --- benchmark volumes -------------------------------------------------------------------------------

def seed_scale(ctx: ScaleContext) -> None:
    paid = sum(1 for _ in _paid(ctx))
    ctx.copy("payments", "id, user_id, amount, provider, transaction_id, status, payment_type, course_id, "
             "processed_at, created_at", _payments(ctx), paid)
    ctx.copy("revenue_transactions", "id, instructor_id, student_id, transaction_type, amount, "
             "platform_fee_percentage, platform_fee_amount, instructor_earnings, course_id, enrollment_id, "
             "payment_id, payment_provider, payment_provider_transaction_id, payment_status, payout_status, "
             "transaction_date", _revenue_transactions(ctx), paid)


def _paid(ctx: ScaleContext) -> Iterator[tuple[int, int, int, Decimal]]:
    """The plan's paid enrollments: (enrollment n, student, course, price)."""
    p = ctx.plan
    for n, student, course, _status, _progress in p.enrollments:
        price = p.course_price[course]
        if price > 0:
            yield n, student, course, price


def _payments(ctx: ScaleContext) -> Iterator[str]:
    p, i = ctx.plan, ctx.ids
    for n, student, course, price in _paid(ctx):
        at = i.enrolled_at[n % 1440]
        yield (f"{i.of('payments', n)}\t{i.user[p.instructors + student]}\t{price}\tstripe\t"
               f"pi_scale_{p.run}_{n}\tcompleted\tcourse\t{i.course[course]}\t{at}\t{at}\n")


def _revenue_transactions(ctx: ScaleContext) -> Iterator[str]:
    p, i = ctx.plan, ctx.ids
    fees: dict[Decimal, tuple[Decimal, Decimal]] = {}  # price -> (platform fee, instructor earnings)
    for n, student, course, price in _paid(ctx):
        if price not in fees:
            fee = (price * FEE_PCT / 100).quantize(Decimal("0.01"))
            fees[price] = (fee, price - fee)
        fee, earnings = fees[price]
        yield (f"{i.of('revenue_transactions', n)}\t{i.user[p.course_instructor[course]]}\t"
               f"{i.user[p.instructors + student]}\tcourse_enrollment\t{price}\t{FEE_PCT}\t{fee}\t{earnings}\t"
               f"{i.course[course]}\t{i.of('enrollments', n)}\t{i.of('payments', n)}\tstripe\t"
               f"pi_scale_{p.run}_{n}\tcompleted\t{'paid' if n % 2 else 'pending'}\t{i.enrolled_at[n % 1440]}\n")
