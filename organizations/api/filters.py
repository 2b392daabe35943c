"""Query filters of the organizations, members, teams and users lists."""

from __future__ import annotations

from uuid import UUID

import django_filters
from django.db.models import Q, QuerySet

from .. import selectors
from ..enums import UserRole
from ..models import PLATFORM_ROLES, GrantRole, Organization, Team, TeamMember, User

# The roles a member can hold in an organization: its home role or an org-scoped grant.
MEMBER_ROLE_CHOICES = [(r, r) for r in GrantRole.values if r not in PLATFORM_ROLES]


class OrganizationFilter(django_filters.FilterSet):
    class Meta:
        model = Organization
        fields = ["is_active"]


class MemberFilter(django_filters.FilterSet):
    """``role``: the home-organization role or an org-scoped grant in this organization."""

    role = django_filters.ChoiceFilter(choices=MEMBER_ROLE_CHOICES, method="filter_role")

    class Meta:
        model = User
        fields = ["role", "status"]

    def filter_role(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        organization_id = self.request.parser_context["kwargs"]["pk"]
        matches = Q(id__in=selectors.active_org_grants().filter(organization_id=organization_id, role=value)
                    .values("user_id"))
        if value in UserRole.values:  # users.role is the user_role enum: compare only its own values
            matches |= Q(organization_id=organization_id, role=value)
        return queryset.filter(matches)


class TeamFilter(django_filters.FilterSet):
    class Meta:
        model = Team
        fields = ["parent_team"]


class TeamMemberFilter(django_filters.FilterSet):
    class Meta:
        model = TeamMember
        fields = ["role"]


class UserFilter(django_filters.FilterSet):
    """``organization``: members of that organization (home or org-scoped grant); ``role``: the users.role."""

    organization = django_filters.UUIDFilter(method="filter_organization")
    role = django_filters.ChoiceFilter(choices=UserRole.choices)

    class Meta:
        model = User
        fields = ["organization", "role", "status"]

    def filter_organization(self, queryset: QuerySet[User], name: str, value: UUID) -> QuerySet[User]:
        return queryset.filter(id__in=selectors.organization_members(organization_id=value).values("id"))

