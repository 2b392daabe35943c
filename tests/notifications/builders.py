"""Small data builders for the notifications logic tests: only the rows a test needs, written as the owner
(RLS off, system context) through the ORM, the way seed and the payment-completion path write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import uuid4

from django.db import connection
from django.utils import timezone

from instructors.models import Course, Enrollment
from notifications.models import Notification
from organizations.models import Organization, User
from talent.models import Consultation, EngagementRequest
from tests.factories import (
    ConsultationFactory,
    CourseFactory,
    EngagementRequestFactory,
    OrganizationFactory,
    UserFactory,
    WorkshopFactory,
)
from workshops.models import Workshop


def course(instructor: User | None, title: str = "Prompt Craft", **extra: Any) -> Course:
    """A published free course (students may self-enroll in it, conventions §8)."""
    # Created as a draft, then published by an UPDATE (as an instructor does).
    row = CourseFactory(title=title, instructor=instructor, status="draft", **extra)
    Course.objects.filter(pk=row.pk).update(status="published")
    row.refresh_from_db()
    return row


def workshop(instructor: User, title: str = "Change Lab", **extra: Any) -> Workshop:
    """A published workshop a week from now with room for 10."""
    # Created as a draft, then published by an UPDATE (as an instructor does).
    extra.setdefault("status", "draft")
    row = WorkshopFactory(instructor=instructor, title=title, **extra)
    Workshop.objects.filter(pk=row.pk).update(status="published")
    row.refresh_from_db()
    return row


def consultation(client: User, expert: User, title: str | None = None) -> Consultation:
    start = timezone.now() + timedelta(days=3, minutes=int(uuid4().int % 10000))
    return ConsultationFactory(user=client, expert=expert, title=title, scheduled_start=start)


def engagement(client: User, expert: User, title: str | None = None) -> EngagementRequest:
    return EngagementRequestFactory(client=client, expert=expert, title=title)


def enroll(student: User, course_row: Course, **extra: Any) -> Enrollment:
    return Enrollment.objects.create(user=student, course=course_row, **extra)


def organization(name: str = "Org") -> Organization:
    return OrganizationFactory(name=name)


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
    teacher = UserFactory(full_name="Ada Lovelace")
    return Cast(instructor=teacher, student=UserFactory(full_name="Stu Dent"),
                expert=UserFactory(full_name="Grace Hopper"), course=course(teacher), workshop=workshop(teacher))


def sql_one(sql: str, params: list | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()
