"""The notifications' slice of the seed: the notifications no trigger sends, and presence.

Demo: a question for Maya, announcements, a co-instructor update and a workshop check-in (the triggers
of the earlier slices already sent the enrollment, registration, completion, review and payment
notifications), and four presence rows on courses and a workshop.
Scale: none (the benchmark loads no notifications).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from humanglue.seeding import DemoContext, ScaleContext
from notifications.models import Notification, StudentPresence


def seed_demo(ctx: DemoContext) -> None:
    ctx.say("notifications and presence")
    u, c, w = ctx.users, ctx.courses, ctx.workshops
    notifications = [
        ("question:maya", "maya", "question", "New question", "Alice Kim asked about the live session recording",
         {"course_id": str(c["leading-through-change"].pk)}, None),
        ("announcement:alice", "alice", "announcement", "Welcome to HumanGlue",
         "Your organization's learning space is ready.", {}, ctx.at(-1)),
        ("announcement:chloe", "chloe", "announcement", "New workshop dates",
         "Marketplace Playbook runs again next quarter.", {}, None),
        ("co_instructor:sam", "sam", "co_instructor_update", "Course outline updated",
         "Maya Chen suggested a new lesson for Resilient Teams.", {"course_id": str(c["resilient-teams"].pk)},
         None),
        ("checkin:emma", "emma", "workshop_checkin", "Check in now", "Change Sprint has started.",
         {"workshop_id": str(w["change-sprint"].pk)}, None),
    ]
    for key, user, kind, title, message, data, read_at in notifications:
        ctx.row(Notification, f"notification:{key}", user=u[user], type=kind, title=title, message=message,
                data=data, read_at=read_at)

    presence = [
        ("alice", {"course": c["leading-through-change"]}, "online", {"lesson_id": str(
            ctx.lessons["leading-through-change:4"].pk)}),
        ("chloe", {"course": c["coaching-fundamentals"]}, "away", {}),
        ("emma", {"workshop": w["change-sprint"]}, "online", {"client": "web"}),
        ("ben", {"course": c["leading-through-change"]}, "offline", {}),
    ]
    for user, target, status, metadata in presence:
        (kind, item), = target.items()
        ctx.row(StudentPresence, f"presence:{user}:{kind}:{item.slug}", natural={"user": u[user], **target},
                status=status, metadata=metadata, last_seen_at=timezone.now() - timedelta(minutes=2))


def seed_scale(ctx: ScaleContext) -> None:
    """The benchmark loads no notifications."""
