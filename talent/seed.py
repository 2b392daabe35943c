"""The talent marketplace's slice of the seed: expert profiles, engagements and consultations.

Demo: four experts (Ava and Noah independent, Grace at Acme, Hugo at Globex); Alice's engagement with
Ava, paid through the payments service, with a session done and one booked; requests pending, declined
and completed; each organization's internal coach asked by a colleague; standalone consultations
(one paid, one past, one requested, one cancelled).
Scale: none (the benchmark loads no marketplace).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from humanglue.seeding import DemoContext, ScaleContext, sid
from payments.seed import pending_payment
from payments.services import payment_complete
from talent.models import Consultation, EngagementRequest, TalentProfile


def seed_demo(ctx: DemoContext) -> None:
    ctx.say("talent marketplace: profiles, engagements and consultations")
    u, acme, globex = ctx.users, ctx.orgs["acme"], ctx.orgs["globex"]
    profiles = {
        "ava": ("AI Transformation Consultant", "Helping leadership teams adopt AI without losing people",
                "200.00", ["adaptability", "coaching"], "available", "facilitative", ["assess", "reframe"]),
        "noah": ("Culture Change Coach", "Culture change that sticks, one team ritual at a time",
                 "150.00", ["coaching", "marketplace"], "limited", "directive", ["embed", "scale"]),
        "grace": ("Agile Transformation Coach", "Small experiments, every sprint, across the whole company",
                  "120.00", ["adaptability"], "available", "hybrid", ["assess", "embed"]),
        "hugo": ("Operations Change Lead", "Lean routines for teams that run around the clock",
                 "130.00", ["marketplace", "coaching"], "booked", "directive", ["reframe", "scale"]),
    }
    for name, (title, tagline, rate, pillars, availability, style, stages) in profiles.items():
        ctx.row(
            TalentProfile, f"talent:{name}", natural={"user": u[name]}, title=title, tagline=tagline,
            bio=f"{u[name].full_name} has guided more than forty organizations through large changes.",
            location="Remote", expertise=["change management", "AI adoption", "coaching"],
            industries=["technology", "logistics"], languages=["English"], pillars=pillars,
            years_experience=12, hourly_rate=Decimal(rate), availability=availability, coaching_style=style,
            transformation_stages=stages, min_engagement_hours=5, max_hours_per_week=20,
            weekly_availability=[{"day_of_week": 2, "start_time": "09:00", "end_time": "17:00",
                                  "is_active": True}],
            testimonials=[{"id": str(sid(f"testimonial:{name}")), "client_name": "Jordan Blake",
                           "client_company": "Northwind", "quote": "Our teams finally moved together.",
                           "verified": True, "is_featured": True, "display_order": 1,
                           "created_at": "2025-01-15T00:00:00Z"}],
        )

    # Alice's engagement with Ava: requested, paid (becomes active), one session done, one booked.
    engagement, created = ctx.row(
        EngagementRequest, "engagement:alice:ava", client=u["alice"], expert=u["ava"], organization=acme,
        title="Leadership transformation", description="Coaching for the engineering leadership team.",
        focus_area="Leadership", initial_message="Could you help our managers lead the AI rollout?",
        timeline="Next quarter", hours_total=Decimal("10.00"), hourly_rate=Decimal("200.00"),
        milestones=[{"title": "Kick-off", "status": "done"}, {"title": "Team offsite", "status": "planned"}],
    )
    if created:
        EngagementRequest.objects.filter(pk=engagement.pk).update(status="accepted", responded_at=timezone.now())
        payment, _ = pending_payment(ctx, "alice", "engagement-ava", "engagement",
                                     amount=engagement.hours_total * engagement.hourly_rate,
                                     engagement_request=engagement)
        payment_complete(transaction_id=payment.transaction_id)
        ctx.row(Consultation, "session:alice:ava:1", user=u["alice"], expert=u["ava"], organization=acme,
                engagement_request=engagement, status="completed", session_type="coaching",
                title="Kick-off session", pillar="coaching", scheduled_start=ctx.at(-3, 10),
                scheduled_end=ctx.at(-3, 12), actual_start=ctx.at(-3, 10), actual_end=ctx.at(-3, 12),
                duration_minutes=90, meeting_notes="Agreed on three experiments.", user_rating=5,
                action_items=[{"title": "Share the experiment board", "done": False}])
        ctx.row(Consultation, "session:alice:ava:2", user=u["alice"], expert=u["ava"], organization=acme,
                engagement_request=engagement, status="scheduled", session_type="follow_up",
                title="Follow-up", pillar="coaching", scheduled_start=ctx.at(9, 10),
                scheduled_end=ctx.at(9, 11), meeting_url="https://meet.example/ava-alice")
    # Other requests: pending, declined, and a completed engagement rated by its client.
    ctx.row(EngagementRequest, "engagement:chloe:noah", client=u["chloe"], expert=u["noah"],
            organization=globex, focus_area="Sales culture", initial_message="Our team needs a reset.",
            timeline="Within two months", hours_total=Decimal("6.00"), hourly_rate=Decimal("150.00"))
    ctx.row(EngagementRequest, "engagement:marcus:ava", client=u["globex_admin"], expert=u["ava"],
            organization=globex, focus_area="AI strategy", hours_total=Decimal("20.00"),
            hourly_rate=Decimal("200.00"), status="declined", responded_at=ctx.at(-20))
    ctx.row(EngagementRequest, "engagement:diego:noah", client=u["diego"], expert=u["noah"],
            organization=globex, title="Dispatch team rituals", focus_area="Team rituals",
            hours_total=Decimal("5.00"), hourly_rate=Decimal("150.00"), status="completed",
            start_date=ctx.at(-90).date(), end_date=ctx.at(-40).date(), completed_at=ctx.at(-40),
            client_satisfaction_score=4, outcomes={"summary": "Daily stand-ups adopted by all shifts"})

    # Each organization's internal coach: a requested engagement and a requested session with a colleague.
    ctx.row(EngagementRequest, "engagement:tom:grace", client=u["acme_lead"], expert=u["grace"],
            organization=acme, focus_area="Team retrospectives", initial_message="Could you run ours?",
            hours_total=Decimal("4.00"), hourly_rate=Decimal("120.00"))
    ctx.row(EngagementRequest, "engagement:omar:hugo", client=u["globex_member"], expert=u["hugo"],
            organization=globex, focus_area="Shift handovers", hours_total=Decimal("3.00"),
            hourly_rate=Decimal("130.00"))
    ctx.row(Consultation, "consultation:nina:grace", user=u["acme_member"], expert=u["grace"], organization=acme,
            pillar="adaptability", session_type="coaching", title="Onboarding rituals",
            scheduled_start=ctx.at(4, 11), scheduled_end=ctx.at(4, 12), amount=Decimal("0.00"))
    ctx.row(Consultation, "consultation:omar:hugo", user=u["globex_member"], expert=u["hugo"],
            organization=globex, pillar="marketplace", session_type="consultation", title="Depot routines",
            scheduled_start=ctx.at(8, 9), scheduled_end=ctx.at(8, 10), amount=Decimal("0.00"))

    # Standalone consultations: Emma books and pays, Ava confirms; Ben's past session; Diego cancelled.
    consultation, created = ctx.row(
        Consultation, "consultation:emma:ava", user=u["emma"], expert=u["ava"], pillar="adaptability",
        session_type="consultation", title="AI readiness review", topics=["AI adoption", "hiring"],
        scheduled_start=ctx.at(5, 10), scheduled_end=ctx.at(5, 11), amount=Decimal("200.00"))
    if created:
        payment, _ = pending_payment(ctx, "emma", "consultation-ava", "consultation", amount=consultation.amount,
                                     consultation=consultation, provider="stripe", method="debit_card")
        payment_complete(transaction_id=payment.transaction_id)
        Consultation.objects.filter(pk=consultation.pk).update(status="scheduled",
                                                               meeting_url="https://meet.example/ava-emma")
    ctx.row(Consultation, "consultation:ben:noah", user=u["ben"], expert=u["noah"], organization=ctx.orgs["acme"],
            pillar="coaching", session_type="coaching", title="Career conversation", status="completed",
            scheduled_start=ctx.at(-7, 16), scheduled_end=ctx.at(-7, 17), actual_start=ctx.at(-7, 16),
            actual_end=ctx.at(-7, 17), duration_minutes=60, amount=Decimal("150.00"), user_rating=4,
            user_feedback="Direct and helpful.", expert_notes="Follow up in a month.")
    ctx.row(Consultation, "consultation:chloe:noah", user=u["chloe"], expert=u["noah"], organization=globex,
            pillar="coaching", session_type="consultation", title="Coaching a new sales lead",
            topics=["feedback", "one-to-ones"], scheduled_start=ctx.at(6, 15), scheduled_end=ctx.at(6, 16),
            amount=Decimal("150.00"))  # requested: waits for Noah to pick the slot
    ctx.row(Consultation, "consultation:diego:ava", user=u["diego"], expert=u["ava"], organization=globex,
            pillar="marketplace", title="Marketplace pricing", status="cancelled",
            cancellation_reason="client_cancelled", scheduled_start=ctx.at(2, 14),
            scheduled_end=ctx.at(2, 15), amount=Decimal("200.00"))


def seed_scale(ctx: ScaleContext) -> None:
    """The benchmark loads no marketplace."""
