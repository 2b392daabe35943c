"""Reads of the organizations domain that are more than one queryset."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.db.models.functions import Now

from .models import PublicProfile, User, UserRoleGrant


@dataclass(frozen=True)
class Person:
    """A related person as the caller may name them (DESIGN.md §5)."""

    id: UUID
    full_name: str
    avatar_url: str | None


def people_by_id(ids: Iterable[UUID | str | None]) -> dict[UUID, Person]:
    """The people among ``ids`` the caller may name: users its policies show, then public profiles.

    A person neither shows is absent from the answer; the row that points at them stays visible (the
    API renders such a person as null), so no visible row disappears and no count disagrees with its rows.
    """
    wanted = {UUID(str(i)) for i in ids if i}
    if not wanted:
        return {}
    found = {
        row["id"]: Person(**row)
        for row in User.objects.filter(id__in=wanted).values("id", "full_name", "avatar_url")
    }
    missing = wanted - found.keys()
    if missing:
        found.update(
            (row["id"], Person(**row))
            for row in PublicProfile.objects.filter(id__in=missing).values("id", "full_name", "avatar_url")
        )
    return found


# --- Organizations, teams and members (``/api/v1/organizations/``, ``/teams/``, ``/users/``) ------------
# The caller's rights are asked of the database's own helpers (spec 10 §5), so the API and the policies
# agree on who is an org admin, a platform admin or a team lead.


def _ask(sql: str, params: list[object]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return bool(cursor.fetchone()[0])


def caller_administers_organization(*, organization_id: UUID) -> bool:
    """The caller is an org admin of the organization or a platform admin."""
    return _ask("SELECT app.is_org_admin(%s) OR app.is_platform_admin()", [organization_id])


def caller_manages_team(*, team_id: UUID) -> bool:
    """The caller may manage the team's members: its org admins, platform admins and the team's leads
    (``team_members_manage_org_admin`` / ``_team_lead`` / ``_admin_all``)."""
    return _ask("SELECT app.is_org_admin(app.team_organization_id(%s)) OR app.is_platform_admin() "
                "OR app.is_team_lead(%s)", [team_id, team_id])


def active_org_grants() -> QuerySet[UserRoleGrant]:
    """Org-scoped grants that have not expired (the membership rule counts only these)."""
    return UserRoleGrant.objects.filter(organization__isnull=False).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=Now()))


def organization_members(*, organization_id: UUID) -> QuerySet[User]:
    """The organization's members the caller may see: users whose home it is, plus holders of an active
    org-scoped grant in it (``app.user_belongs_to_org``). RLS on users decides who is visible.

    The grants come from ``user_roles`` as the caller may read them: org admins and platform admins read
    every grant of the organization; anyone else reads only their own, so for them the membership rule is
    asked of the database's helper instead (one call per row, over the few co-members they can see).
    """
    if caller_administers_organization(organization_id=organization_id):
        granted = active_org_grants().filter(organization_id=organization_id).values("user_id")
        return User.objects.filter(Q(organization_id=organization_id) | Q(id__in=granted))
    belongs = Func(F("id"), Value(organization_id), function="app.user_belongs_to_org",
                   output_field=BooleanField())
    return User.objects.alias(belongs=belongs).filter(Q(organization_id=organization_id) | Q(belongs=True))


def member_grants(*, organization_id: UUID, user_ids: Iterable[UUID]) -> dict[UUID, list[str]]:
    """The active org-scoped grant roles in the organization of each user, as the caller may read them."""
    grants: dict[UUID, list[str]] = {}
    rows = (active_org_grants().filter(organization_id=organization_id, user_id__in=list(user_ids))
            .order_by("role").values_list("user_id", "role"))
    for user_id, role in rows:
        grants.setdefault(user_id, []).append(role)
    return grants


def organization_member_count(*, organization_id: UUID) -> int:
    """Members counted against ``organizations.max_users`` (called by its admins, who see them all)."""
    return organization_members(organization_id=organization_id).count()
