"""factory-boy builders for the rows the tests write by hand.

Every factory writes through the ORM on the test connection as the owner (system context, RLS off), like
``seed`` and ``tests/sample_data.py``. They never set ids or timestamps: the database defaults fill them in.
Defaults are plain and valid; a test passes every value it relies on (names it asserts on, prices, statuses,
organizations) explicitly.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from instructors.models import Course, CourseLesson, CourseSection, Enrollment, InstructorProfile
from organizations.models import Organization, User, UserRoleGrant
from payments.models import Payment
from talent.models import Consultation, EngagementRequest, TalentProfile
from tests.sample_data import PASSWORD
from workshops.models import Workshop, WorkshopRegistration


def _soon(days: int) -> Any:
    return factory.LazyFunction(lambda: timezone.now() + timedelta(days=days))


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Org {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class UserFactory(DjangoModelFactory):
    """A member with no organization; ``password=None`` gives an unusable password."""

    class Meta:
        model = User
        skip_postgeneration_save = True  # the related grant/profile rows change nothing on the user row

    email = factory.Sequence(lambda n: f"user-{n}@example.com")
    password = PASSWORD
    full_name = "Test User"

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        # create_user() normalizes the e-mail and hashes the password (the fast MD5 hasher of conftest.py).
        return model_class.objects.create_user(*args, **kwargs)


class RoleGrantFactory(DjangoModelFactory):
    """A row of user_roles: an extra role beside ``users.role``."""

    class Meta:
        model = UserRoleGrant

    user = factory.SubFactory(UserFactory)
    role = "instructor"


class PlatformAdminFactory(UserFactory):
    """``users.role = 'admin'`` plus the ``super_admin_full`` grant, like the world's platform admin."""

    full_name = "Platform Admin"
    role = "admin"
    grant = factory.RelatedFactory(RoleGrantFactory, factory_related_name="user", role="super_admin_full")


class InstructorProfileFactory(DjangoModelFactory):
    class Meta:
        model = InstructorProfile

    user = factory.SubFactory(UserFactory)
    professional_title = "Instructor"


class InstructorFactory(UserFactory):
    """A user with an instructor profile (the courses INSERT policy and the counters need one)."""

    full_name = "Teacher"
    profile = factory.RelatedFactory(InstructorProfileFactory, factory_related_name="user")


class CourseFactory(DjangoModelFactory):
    """A published free course of ``instructor``."""

    class Meta:
        model = Course

    title = "Course"
    slug = factory.Sequence(lambda n: f"course-{n}")
    pillar = "coaching"
    instructor = factory.SubFactory(InstructorFactory)
    status = "published"


class CourseSectionFactory(DjangoModelFactory):
    class Meta:
        model = CourseSection

    course = factory.SubFactory(CourseFactory)
    title = "Section"


class CourseLessonFactory(DjangoModelFactory):
    class Meta:
        model = CourseLesson

    section = factory.SubFactory(CourseSectionFactory)
    title = "Lesson"
    content_type = "video"


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)


class WorkshopFactory(DjangoModelFactory):
    """A published two-hour workshop a week ahead with 10 seats, free, no waitlist."""

    class Meta:
        model = Workshop

    instructor = factory.SubFactory(UserFactory, full_name="Teacher")
    title = "Workshop"
    slug = factory.Sequence(lambda n: f"workshop-{n}")
    pillar = "coaching"
    level = "beginner"
    start_time = _soon(7)
    end_time = factory.LazyAttribute(lambda w: w.start_time + timedelta(hours=2))
    duration_minutes = 120
    capacity_total = 10
    status = "published"


class WorkshopRegistrationFactory(DjangoModelFactory):
    class Meta:
        model = WorkshopRegistration

    workshop = factory.SubFactory(WorkshopFactory)
    user = factory.SubFactory(UserFactory)


class TalentProfileFactory(DjangoModelFactory):
    class Meta:
        model = TalentProfile

    user = factory.SubFactory(UserFactory, full_name="Expert")
    tagline = "Change leadership coach"
    bio = "Twenty years of helping teams adapt to change."
    years_experience = 12
    hourly_rate = Decimal("150.00")


class EngagementRequestFactory(DjangoModelFactory):
    class Meta:
        model = EngagementRequest

    client = factory.SubFactory(UserFactory)
    expert = factory.SubFactory(UserFactory, full_name="Expert")
    focus_area = "Leadership"
    hours_total = Decimal("10.00")
    hourly_rate = Decimal("150.00")


class ConsultationFactory(DjangoModelFactory):
    """A one-hour coaching session three days ahead (free unless ``amount`` is given)."""

    class Meta:
        model = Consultation

    user = factory.SubFactory(UserFactory)
    expert = factory.SubFactory(UserFactory, full_name="Expert")
    pillar = "coaching"
    scheduled_start = _soon(3)
    scheduled_end = factory.LazyAttribute(lambda c: c.scheduled_start + timedelta(hours=1))


class PaymentFactory(DjangoModelFactory):
    """A pending Stripe payment; the caller names its type, amount and target."""

    class Meta:
        model = Payment

    user = factory.SubFactory(UserFactory)
    provider = "stripe"
    transaction_id = factory.Sequence(lambda n: f"pi_test_{n}")
