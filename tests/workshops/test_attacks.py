"""Attacks of the v2 security review (issue 9, items 6, 10 and 13) on the workshops app, under the app role.

Each test performs the attack as the attacker of the two-tenant world (``tests/world.py``) and checks that
it is refused (SQLSTATE and reason) or that nothing was read or changed. The lock half of item 10 (a held
``FOR UPDATE`` on the workshop row) needs a second connection: see ``test_concurrency.py``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from organizations.models import UserRoleGrant
from tests.db import as_user, fetch, refused
from tests.world import World, acting_as, build_world, person, visible_ids
from workshops.models import Workshop, WorkshopRegistration

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    """The two-tenant world; per tenant ``<t>_draft`` (the world's draft workshop, priced 55.00 here, with the
    student's attended registration ``<t>_reg``) and ``<t>_pub`` (published, a week ahead, 40.00), both led by
    the tenant's instructor in the tenant's organization. Every registration carries its organization."""
    w = build_world()
    ids: dict[str, Any] = {}
    start = timezone.now() + timedelta(days=7)
    for t in "ab":
        tenant = getattr(w, t)
        draft = tenant.rows["workshop"]
        Workshop.objects.filter(pk=draft.pk).update(price_amount=Decimal("55.00"))
        ids[f"{t}_draft"] = draft.pk
        ids[f"{t}_reg"] = tenant.rows["workshop_registration"].pk
        WorkshopRegistration.objects.filter(pk=ids[f"{t}_reg"]).update(organization=tenant.org)
        ids[f"{t}_pub"] = Workshop.objects.create(
            instructor=tenant.instructor, organization=tenant.org, title="Published", slug=f"{t}-pub",
            pillar="coaching", level="beginner", start_time=start, end_time=start + timedelta(hours=2),
            duration_minutes=120, capacity_total=10, status="published", price_amount=Decimal("40.00")).pk
    w.extra["ids"] = ids
    return w


def admission_state(workshop_id: Any, registration_id: Any = None) -> list[tuple]:
    return fetch("SELECT * FROM public.workshop_admission_state(%s, %s)", [workshop_id, registration_id])


def price(workshop_id: Any) -> Decimal | None:
    return fetch("SELECT public.workshop_current_price(%s)", [workshop_id])[0][0]


# --------------------------------------------------------------- item 10: workshop_admission_state
@pytest.mark.parametrize("label", ["a_pub", "a_draft"])
def test_anonymous_callers_may_not_ask_for_the_admission_state(world: World, label: str) -> None:
    with acting_as(None), refused("42501", "admission_state_forbidden"):
        admission_state(world.extra["ids"][label])


def test_anonymous_registration_is_refused_before_the_workshop_is_locked(world: World) -> None:
    """The anonymous INSERT used to lock the workshop in the BEFORE trigger and only then fail on RLS."""
    with acting_as(None), refused("42501", "admission_state_forbidden"):
        fetch("INSERT INTO workshop_registrations (workshop_id, user_id) VALUES (%s, %s)",
              [world.extra["ids"]["a_pub"], world.a.member.pk])


@pytest.mark.parametrize(("actor", "label"), [
    ("a.member", "b_draft"),  # another organization's draft
    ("a.member", "a_draft"),  # their own organization's draft: members do not see drafts
    ("b.instructor", "a_draft"),  # an instructor, but not of this workshop
    ("outsider", "a_draft"),
])
def test_a_workshop_the_caller_cannot_register_for_reveals_only_that_it_is_closed(
        world: World, actor: str, label: str) -> None:
    """No capacity, no seat count (and, see test_concurrency, no lock) for a workshop the caller could not
    register for."""
    with acting_as(person(world, actor)):
        assert admission_state(world.extra["ids"][label]) == [(False, None, None, None)]


def test_someone_elses_registration_is_not_the_callers_to_count(world: World) -> None:
    ids = world.extra["ids"]
    with acting_as(world.a.member), refused("42501", "admission_state_forbidden"):
        admission_state(ids["a_pub"], ids["a_reg"])


@pytest.mark.parametrize(("actor", "label", "registration", "expected"), [
    ("a.member", "a_pub", None, (True, 10, False, 0)),  # anyone signed in may register for an open workshop
    ("b.student", "a_pub", None, (True, 10, False, 0)),
    ("a.student", "a_draft", "a_reg", (False, None, None, None)),  # their own row, but the workshop is closed
    ("a.instructor", "a_draft", None, (False, 10, False, 1)),  # staff: walk-ins on closed workshops
    ("platform_admin", "b_draft", "b_reg", (False, 10, False, 0)),
])
def test_registrants_to_be_and_staff_get_the_state(world: World, actor: str, label: str, registration: str | None,
                                                   expected: tuple) -> None:
    ids = world.extra["ids"]
    with acting_as(person(world, actor)):
        assert admission_state(ids[label], ids.get(registration)) == [expected]


# ---------------------------------------------------------------------- item 10: drafts' prices
@pytest.mark.parametrize(("actor", "visible"), [
    ("anonymous", False),
    ("outsider", False),
    ("a.member", False),  # members read their organization's workshops, drafts excepted
    ("b.org_admin", False),
    ("b.instructor", False),
    ("a.instructor", True),
    ("a.org_admin", True),
    ("a.student", True),  # a registrant keeps reading the workshop
    ("platform_admin", True),
])
def test_a_drafts_price_is_read_only_by_those_who_see_the_draft(world: World, actor: str, visible: bool) -> None:
    ids = world.extra["ids"]
    with acting_as(person(world, actor)):
        assert price(ids["a_draft"]) == (Decimal("55.00") if visible else None)
        assert (ids["a_draft"] in visible_ids(Workshop)) == visible  # the same audience as the row itself
        assert price(ids["a_pub"]) == Decimal("40.00")  # a published price is public


def test_the_catalog_never_lists_a_draft(world: World) -> None:
    ids = world.extra["ids"]
    with acting_as(None):
        listed = {row[0] for row in fetch("SELECT id FROM public.get_available_workshops(NULL, NULL, 100, 0)")}
    assert ids["a_pub"] in listed and ids["a_draft"] not in listed and ids["b_draft"] not in listed


# ---------------------------------------------------------------- item 6: re-tagging registrations
def org_admin_sees(world: World, tenant: str, model: Any, pk: Any) -> bool:
    with acting_as(getattr(world, tenant).org_admin):
        return pk in visible_ids(model)


def test_instructor_cannot_move_a_students_registration_into_another_organization(world: World) -> None:
    reg = world.extra["ids"]["a_reg"]
    with as_user(world.a.instructor), refused("42501", "restricted_column"):
        WorkshopRegistration.objects.filter(pk=reg).update(organization=world.b.org)
    with as_user(world.a.instructor), refused("42501", "restricted_column"):
        WorkshopRegistration.objects.filter(pk=reg).update(organization=None)  # nor hide it from org a's admin
    assert WorkshopRegistration.objects.get(pk=reg).organization_id == world.a.org.pk
    assert not org_admin_sees(world, "b", WorkshopRegistration, reg)
    with as_user(world.a.instructor):  # attendance marking still works
        assert WorkshopRegistration.objects.filter(pk=reg).update(attendance_percentage=90) == 1


def test_registrant_cannot_move_their_registration_into_another_organization(world: World) -> None:
    reg = world.extra["ids"]["a_reg"]
    with as_user(world.a.student):
        WorkshopRegistration.objects.filter(pk=reg).update(organization=world.b.org)  # silently kept (§6.2)
    assert WorkshopRegistration.objects.get(pk=reg).organization_id == world.a.org.pk
    assert not org_admin_sees(world, "b", WorkshopRegistration, reg)


@pytest.mark.parametrize(("registrant", "org"), [("a.member", "b"), ("outsider", "a")])
def test_registrant_cannot_register_into_another_organization(world: World, registrant: str, org: str) -> None:
    user = person(world, registrant)
    with as_user(user), refused("42501"):
        WorkshopRegistration.objects.create(workshop_id=world.extra["ids"]["a_pub"], user=user,
                                            organization=getattr(world, org).org, price_paid=None)


def test_platform_admin_attributes_a_registration_only_to_an_organization_of_its_user(world: World) -> None:
    ids = world.extra["ids"]
    with as_user(world.platform_admin), refused("42501", "user_outside_organization"):
        WorkshopRegistration.objects.filter(pk=ids["a_reg"]).update(organization=world.b.org)
    with as_user(world.platform_admin), refused("42501", "user_outside_organization"):
        WorkshopRegistration.objects.create(workshop_id=ids["b_pub"], user=world.a.member, organization=world.b.org,
                                            price_paid=None)
    assert not org_admin_sees(world, "b", WorkshopRegistration, ids["a_reg"])
    # A user who also belongs to org b (an org-scoped grant) may be attributed to it.
    UserRoleGrant.objects.create(user=world.a.student, role="member", organization=world.b.org)
    with as_user(world.platform_admin):
        assert WorkshopRegistration.objects.filter(pk=ids["a_reg"]).update(organization=world.b.org) == 1
    assert org_admin_sees(world, "b", WorkshopRegistration, ids["a_reg"])


def test_system_context_may_attribute_freely(world: World) -> None:
    """Imports and repairs run as the owner: the rule is a restriction on request traffic."""
    reg = world.extra["ids"]["a_reg"]
    assert WorkshopRegistration.objects.filter(pk=reg).update(organization=world.b.org) == 1
    assert WorkshopRegistration.objects.get(pk=reg).organization_id == world.b.org.pk


# -------------------------------------------------------------------- item 6: re-tagging workshops
def test_instructor_cannot_move_a_workshop_into_another_organization(world: World) -> None:
    pub = world.extra["ids"]["a_pub"]
    with as_user(world.a.instructor), refused("42501"):
        Workshop.objects.filter(pk=pub).update(organization=world.b.org)
    assert Workshop.objects.get(pk=pub).organization_id == world.a.org.pk
    with acting_as(world.b.member):
        assert pub in visible_ids(Workshop)  # published: public anyway
    with as_user(world.a.instructor):  # their own organization, or none, stays fine
        assert Workshop.objects.filter(pk=pub).update(organization=None) == 1
        assert Workshop.objects.filter(pk=pub).update(organization=world.a.org, title="Renamed") == 1


def test_instructor_cannot_push_a_draft_to_another_organizations_admin(world: World) -> None:
    draft = world.extra["ids"]["a_draft"]
    with as_user(world.a.instructor), refused("42501"):
        Workshop.objects.filter(pk=draft).update(organization=world.b.org)
    assert not org_admin_sees(world, "b", Workshop, draft)


# ------------------------------------------------------------------- item 13: negative capacity
@pytest.mark.parametrize("capacity", [-1, 0])
def test_a_capacity_below_one_is_a_validation_error(world: World, capacity: int) -> None:
    pub = world.extra["ids"]["a_pub"]
    with as_user(world.a.instructor), refused("23514", "workshops_capacity_total_check"):
        Workshop.objects.filter(pk=pub).update(capacity_total=capacity)
    with refused("23514", "workshops_capacity_total_check"):  # the owner too: a CHECK, whoever writes
        Workshop.objects.filter(pk=pub).update(capacity_total=capacity)
    with as_user(world.a.instructor), refused("23514", "workshops_capacity_total_check"):
        Workshop.objects.create(
            instructor=world.a.instructor, organization=world.a.org, title="Negative", slug="negative",
            pillar="coaching", level="beginner", start_time=timezone.now() + timedelta(days=1),
            end_time=timezone.now() + timedelta(days=1, hours=1), capacity_total=capacity)
