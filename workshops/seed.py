"""The workshops' slice of the seed: workshops, registrations and feedback.

Demo: six workshops (``ctx.workshops``): a free one that is full with two people on the waitlist, a
paid one with an early-bird price (seats paid, refunded and declined through the payments service), a
completed one with attendance, a no-show and feedback, one running now, a draft and a cancelled one.
Registrations are inserted as the endpoint would: the trigger admits, waitlists and prices them.
Scale: none (the benchmark loads no workshops).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from humanglue.seeding import DemoContext, ScaleContext
from instructors.models import StudentActivity
from organizations.models import Organization
from payments.seed import pending_payment, transaction_id
from payments.services import payment_complete, payment_fail, payment_refund
from workshops.models import Workshop, WorkshopFeedback, WorkshopRegistration


def seed_demo(ctx: DemoContext) -> None:
    ctx.say("workshops, registrations and feedback")
    acme, globex = ctx.orgs["acme"], ctx.orgs["globex"]
    common = {"description": "A live, hands-on session with exercises in small groups.",
              "outcomes": ["A plan for your team"], "tags": ["live"]}
    # W1: free and full (3 seats) with two people on the waitlist.
    w1, created = _workshop(
        ctx, "adaptive-leadership-live", "Adaptive Leadership Live", "maya", acme, "online", "intermediate",
        "adaptability", start=ctx.at(14, 15), capacity=3, waitlist=True,
        meeting_url="https://meet.example/adaptive-leadership", **common)
    if created:
        for name in ("alice", "ben", "acme_lead", "chloe", "emma"):  # the last two end up waitlisted
            _registration(ctx, w1, name)
    # W2: paid with an early-bird price: one paid seat, one checkout in progress, one refunded, one failed.
    w2, created = _workshop(
        ctx, "coaching-masterclass", "Coaching Masterclass", "sam", None, "in_person", "advanced", "coaching",
        start=ctx.at(21, 9), capacity=12, price="79.00", early_bird="59.00",
        early_bird_deadline=ctx.at(10, 23), location="12 Market Street, Springfield", **common)
    if created:
        for name in ("alice", "emma", "ben", "diego"):
            _registration(ctx, w2, name)
            _registration_payment(ctx, w2, name)
        payment_complete(transaction_id=transaction_id("alice", w2.slug))
        payment_complete(transaction_id=transaction_id("ben", w2.slug))
        payment_refund(transaction_id=transaction_id("ben", w2.slug), amount_refunded=Decimal("59.00"),
                       reason="Requested by the customer: schedule conflict")
        payment_fail(transaction_id=transaction_id("diego", w2.slug), failure_code="insufficient_funds",
                     failure_message="Your card has insufficient funds.")
    # W3: a completed Globex workshop with attendance, a no-show and feedback.
    w3, created = _workshop(
        ctx, "marketplace-playbook", "Marketplace Playbook", "leo", globex, "hybrid", "beginner", "marketplace",
        start=ctx.at(-10, 14), capacity=20, status="completed", location="Globex HQ, Room 4",
        meeting_url="https://meet.example/playbook", recording_url="https://videos.example/playbook.mp4",
        **common)
    if created:
        attended = {name: _registration(ctx, w3, name, status="attended", attendance_duration_minutes=110,
                                        attendance_percentage=92) for name in ("chloe", "diego", "ben")}
        _registration(ctx, w3, "emma", status="no_show")
        for name, score in (("chloe", 5), ("diego", 4), ("ben", 3)):
            ctx.row(WorkshopFeedback, f"feedback:{w3.slug}:{name}", registration=attended[name],
                    overall_satisfaction=score, content_rating=score, delivery_rating=5, interaction_rating=4,
                    would_recommend=True, nps_score=8 + score // 5, what_went_well="Real cases from the field.")
    # W4: running now (registrations taken while it was published, then started).
    w4, created = _workshop(
        ctx, "change-sprint", "Change Sprint", "sam", None, "online", "intermediate", "adaptability",
        start=ctx.now - timedelta(minutes=30), capacity=30, duration=timedelta(hours=2),
        meeting_url="https://meet.example/change-sprint", **common)
    if created:
        _registration(ctx, w4, "alice")
        _registration(ctx, w4, "emma")
        Workshop.objects.filter(pk=w4.pk).update(status="in_progress")
    # W5: a draft; W6: cancelled before anyone registered.
    _workshop(ctx, "design-thinking-sprint", "Design Thinking Sprint", "leo", globex, "in_person", "beginner",
              "coaching", start=ctx.at(45, 10), capacity=16, status="draft", location="Globex HQ", **common)
    _workshop(ctx, "culture-reset", "Culture Reset", "maya", acme, "hybrid", "advanced", "coaching",
              start=ctx.at(30, 13), capacity=25, status="cancelled", location="Acme Campus",
              **common)
    _activity_fallback(ctx)


def _workshop(ctx: DemoContext, slug: str, title: str, teacher: str, org: Organization | None, workshop_format: str,
              level: str, pillar: str, *, start: datetime, capacity: int, status: str = "published",
              waitlist: bool = False, price: str = "0.00", early_bird: str | None = None,
              duration: timedelta = timedelta(hours=2), **extra: Any) -> tuple[Workshop, bool]:
    workshop, created = ctx.row(
        Workshop, f"workshop:{slug}", natural={"slug": slug}, title=title, instructor=ctx.users[teacher],
        organization=org, format=workshop_format, level=level, pillar=pillar, start_time=start,
        end_time=start + duration, duration_minutes=None, capacity_total=capacity, waitlist_enabled=waitlist,
        price_amount=Decimal(price), price_early_bird=Decimal(early_bird) if early_bird else None, status=status,
        is_featured=waitlist, **extra,
    )
    ctx.workshops[slug] = workshop
    return workshop, created


def _registration(ctx: DemoContext, workshop: Workshop, student: str, **fields: Any) -> WorkshopRegistration:
    """Register as the registration endpoint would: the trigger admits, waitlists and prices the row."""
    registration, _ = ctx.row(
        WorkshopRegistration, f"registration:{workshop.slug}:{student}",
        natural={"workshop": workshop, "user": ctx.users[student]}, price_paid=None, **fields,
    )
    registration.refresh_from_db()
    return registration


def _registration_payment(ctx: DemoContext, workshop: Workshop, student: str) -> None:
    registration = WorkshopRegistration.objects.get(workshop=workshop, user=ctx.users[student])
    pending_payment(ctx, student, workshop.slug, "workshop", amount=registration.price_paid, workshop=workshop)


def _activity_fallback(ctx: DemoContext) -> None:
    """Workshop activity is the workshops triggers' to log; a row is added only for a type none logged."""
    u, w = ctx.users, ctx.workshops
    optional = [
        # (key, type, student, instructor, workshop, title)
        ("registered:alice", "workshop_registered", "alice", "maya", "adaptive-leadership-live",
         "Registered for Adaptive Leadership Live"),
        ("attended:chloe", "workshop_attended", "chloe", "leo", "marketplace-playbook",
         "Attended Marketplace Playbook"),
    ]
    produced = set(StudentActivity.objects.values_list("activity_type", flat=True).distinct())
    for key, kind, student, teacher, workshop, title in optional:
        if kind not in produced:
            ctx.row(StudentActivity, f"activity:{key}", activity_type=kind, student=u[student],
                    instructor=u[teacher], course=None, workshop=w[workshop], lesson=None, activity_title=title)


def seed_scale(ctx: ScaleContext) -> None:
    """The benchmark loads no workshops."""
