"""Two organizations with every role of the leak matrix, and helpers to act as one of them.

``build_world()`` writes as the owner (RLS off), like ``seed``; ``acting_as(user)`` opens the same
request security context the middleware opens (SET LOCAL ROLE humanglue_app + app.current_user_id).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from humanglue.security.context import enter_app_role
from organizations.models import User
from tests.factories import PlatformAdminFactory, UserFactory
from tests.sample_data import build_one_of_each


@dataclass
class Tenant:
    """One organization's rows (one of every table) and its people."""

    rows: dict[str, Any]
    org_admin: User
    member: User  # a plain member of the org with no course, workshop or payment of their own

    @property
    def org(self) -> Any:
        return self.rows["organization"]

    @property
    def student(self) -> User:
        return self.rows["student"]

    @property
    def instructor(self) -> User:
        return self.rows["instructor"]

    @property
    def expert(self) -> User:
        return self.rows["expert"]


@dataclass
class World:
    a: Tenant
    b: Tenant
    platform_admin: User
    outsider: User  # authenticated, in no organization, owns nothing
    extra: dict[str, Any] = field(default_factory=dict)


def _tenant(prefix: str) -> Tenant:
    rows = build_one_of_each(prefix)
    org = rows["organization"]
    org_admin = UserFactory(email=f"{prefix}-orgadmin@example.com", full_name="Org Admin", organization=org,
                            role="org_admin")
    member = UserFactory(email=f"{prefix}-member@example.com", full_name="Member", organization=org)
    return Tenant(rows=rows, org_admin=org_admin, member=member)


def build_world() -> World:
    a, b = _tenant("a"), _tenant("b")
    platform_admin = PlatformAdminFactory(email="platform@example.com")
    outsider = UserFactory(email="outsider@example.com", full_name="Outsider")
    return World(a=a, b=b, platform_admin=platform_admin, outsider=outsider)


@contextmanager
def acting_as(user: User | None) -> Iterator[None]:
    """A savepoint under the app role as ``user`` (None: anonymous); rolled back at the end so a test can
    try writes freely. Database errors inside propagate as usual."""
    with transaction.atomic():
        enter_app_role(user.pk if user else None)
        try:
            yield
        finally:
            transaction.set_rollback(True)
    # SET LOCAL inside a rolled-back savepoint is undone with it: back to the owner.
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] != "humanglue_app"


def visible_ids(model: Any) -> set[Any]:
    """Primary keys of ``model`` that the current context can SELECT (no filter: RLS decides)."""
    return set(model.objects.values_list("pk", flat=True))


def person(world: World, key: str) -> User | None:
    """The user a matrix key names: ``"a.student"`` is tenant a's student (any Tenant attribute), ``"outsider"``
    and ``"platform_admin"`` the world's; ``"anonymous"`` is a request without a user (None)."""
    if key == "anonymous":
        return None
    if "." in key:
        tenant, role = key.split(".")
        return getattr(getattr(world, tenant), role)
    return getattr(world, key)
