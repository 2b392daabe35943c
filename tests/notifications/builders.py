"""Small data builders for the notifications logic tests: only the rows a test needs, written as the owner
(RLS off, system context) through the ORM, the way seed and the payment-completion path write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from django.db import connection
from django.utils import timezone

from instructors.models import Course, Enrollment
from notifications.models import Notification
from organizations.models import Organization, User
from talent.models import Consultation, EngagementRequest
from tests.sample_data import PASSWORD
from workshops.models import Workshop


def user(full_name: str = "Stu Dent", **extra: Any) -> User:
    return User.objects.create_user(f"{uuid4().hex[:12]}@example.com", PASSWORD, full_name=full_name, **extra)


def course(instructor: User | None, title: str = "Prompt Craft", **extra: Any) -> Course:
    """A published free course (students may self-enroll in it, conventions §8)."""
    row = Course.objects.create(title=title, slug=f"c-{uuid4().hex[:12]}", pillar="coaching", instructor=instructor,
                                **extra)
    Course.objects.filter(pk=row.pk).update(status="published")
    row.refresh_from_db()
    return row


def workshop(instructor: User, title: str = "Change Lab", **extra: Any) -> Workshop:
    """A published workshop a week from now with room for 10."""
    now = timezone.now()
    values = dict(instructor=instructor, title=title, slug=f"w-{uuid4().hex[:12]}", pillar="coaching",
                  level="beginner", start_time=now + timedelta(days=7),
                  end_time=now + timedelta(days=7, hours=2), duration_minutes=120, capacity_total=10)
    values.update(extra)
    row = Workshop.objects.create(**values)
    Workshop.objects.filter(pk=row.pk).update(status="published")
    row.refresh_from_db()
    return row


def consultation(client: User, expert: User, title: str | None = None) -> Consultation:
    start = timezone.now() + timedelta(days=3, minutes=int(uuid4().int % 10000))
    return Consultation.objects.create(user=client, expert=expert, pillar="coaching", title=title,
                                       scheduled_start=start, scheduled_end=start + timedelta(hours=1))


def engagement(client: User, expert: User, title: str | None = None) -> EngagementRequest:
    return EngagementRequest.objects.create(client=client, expert=expert, title=title, focus_area="Leadership",
                                            hours_total=10, hourly_rate=Decimal("150.00"))


def enroll(student: User, course_row: Course, **extra: Any) -> Enrollment:
    return Enrollment.objects.create(user=student, course=course_row, **extra)


def organization(name: str = "Org") -> Organization:
    return Organization.objects.create(name=name, slug=f"o-{uuid4().hex[:12]}")


def inbox(recipient: User, type_: str | None = None) -> list[Notification]:
    """The recipient's notifications, oldest first (read as the owner)."""
    rows = Notification.objects.filter(user=recipient)
    if type_:
        rows = rows.filter(type=type_)
    return list(rows.order_by("created_at", "txid", "id"))


@dataclass
class Cast:
    """The people and items most tests share."""

    instructor: User
    student: User
    expert: User
    course: Course
    workshop: Workshop


def cast() -> Cast:
    teacher = user("Ada Lovelace")
    return Cast(instructor=teacher, student=user("Stu Dent"), expert=user("Grace Hopper"),
                course=course(teacher), workshop=workshop(teacher))


def sql_one(sql: str, params: list | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()
