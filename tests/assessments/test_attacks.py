"""Attacks of the v2 security review (issue 9, item 6) on the assessments app, under the app role.

Re-tagging: a user moved their own assessment into an organization they do not belong to, and that
organization's admin then read it. Each test performs the attack as the attacker of the two-tenant world
(``tests/world.py``) and checks the refusal (SQLSTATE and reason) and that nothing leaked.
"""

from __future__ import annotations

from typing import Any

import pytest

from assessments.models import Assessment
from organizations.models import User, UserRoleGrant
from tests.db import as_user, refused
from tests.world import World, acting_as, build_world, visible_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def assessment_of(world: World, tenant: str) -> Any:
    """The tenant's student's not-started assessment, attributed to the tenant's organization."""
    return getattr(world, tenant).rows["assessment"].pk


def org_admin_sees(world: World, tenant: str, pk: Any) -> bool:
    with acting_as(getattr(world, tenant).org_admin):
        return pk in visible_ids(Assessment)


def test_user_cannot_move_their_assessment_into_another_organization(world: World) -> None:
    pk = assessment_of(world, "a")
    with as_user(world.a.student), refused("42501", "user_outside_organization"):
        Assessment.objects.filter(pk=pk).update(organization=world.b.org)
    assert Assessment.objects.get(pk=pk).organization_id == world.a.org.pk
    assert not org_admin_sees(world, "b", pk)


def test_user_cannot_attribute_an_organization_to_an_assessment_without_one(world: World) -> None:
    with as_user(world.outsider):
        pk = Assessment.objects.create(user=world.outsider).pk
        with refused("42501", "user_outside_organization"):
            Assessment.objects.filter(pk=pk).update(organization=world.a.org)
    assert not org_admin_sees(world, "a", pk)


def test_user_may_move_their_assessment_between_their_own_organizations(world: World) -> None:
    pk = assessment_of(world, "a")
    with as_user(world.a.student):
        assert Assessment.objects.filter(pk=pk).update(organization=None) == 1  # no organization: allowed
    UserRoleGrant.objects.create(user=world.a.student, role="member", organization=world.b.org)
    with as_user(world.a.student):
        assert Assessment.objects.filter(pk=pk).update(organization=world.b.org, metadata={"k": 1}) == 1
    assert org_admin_sees(world, "b", pk)


def test_a_stale_full_row_save_is_not_a_move(world: World) -> None:
    """Only a change is checked: a user who has since left the organization still saves their assessment."""
    pk = assessment_of(world, "a")
    User.objects.filter(pk=world.a.student.pk).update(organization=None)
    with as_user(world.a.student):
        row = Assessment.objects.get(pk=pk)
        row.metadata = {"note": "kept"}
        row.save()
    assert Assessment.objects.get(pk=pk).organization_id == world.a.org.pk


def test_platform_admin_attributes_only_to_an_organization_of_the_user(world: World) -> None:
    pk = assessment_of(world, "a")
    with as_user(world.platform_admin), refused("42501", "user_outside_organization"):
        Assessment.objects.filter(pk=pk).update(organization=world.b.org)
    with as_user(world.platform_admin), refused("42501", "user_outside_organization"):
        Assessment.objects.create(user=world.a.member, organization=world.b.org)
    assert not org_admin_sees(world, "b", pk)


def test_user_cannot_create_an_assessment_in_another_organization(world: World) -> None:
    with as_user(world.a.member), refused("42501"):
        Assessment.objects.create(user=world.a.member, organization=world.b.org)


def test_system_context_may_attribute_freely(world: World) -> None:
    """Imports and repairs run as the owner: the rule restricts request traffic only."""
    pk = assessment_of(world, "a")
    assert Assessment.objects.filter(pk=pk).update(organization=world.b.org) == 1
    assert Assessment.objects.get(pk=pk).organization_id == world.b.org.pk
