"""The leak-matrix world of the talent and payments RLS tests (spec 60).

``build()`` is ``tests.world.build_world()`` plus a few owner-side settings that give every spec 60
policy something to decide on:
- both tenants' engagement requests, consultations and payments carry their organization (org-admin
  policies);
- tenant a's engagement request is ``active`` (sessions may be scheduled in it), tenant b's stays
  ``pending``;
- tenant b's talent profile is private (not in the marketplace);
- tenant b's certificate is verified (found by verify_certificate(number)), tenant a's is not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from payments.models import Certificate, Payment
from talent.models import Consultation, EngagementRequest, TalentProfile
from tests.factories import RoleGrantFactory, UserFactory
from tests.world import World, acting_as, build_world, person, visible_ids

# Every caller of the matrix. "anonymous" is a request without a user (app.current_user_id() NULL).
ACTORS = (
    "anonymous",
    "a.student", "a.instructor", "a.member", "a.org_admin", "a.expert",
    "b.student", "b.instructor", "b.member", "b.org_admin", "b.expert",
    "outsider", "platform_admin",
)
TENANTS = ("a", "b")


def row(world: World, tenant: str, key: str) -> Any:
    return getattr(world, tenant).rows[key]


def build() -> World:
    world = build_world()
    for tenant in TENANTS:
        rows = getattr(world, tenant).rows
        org = rows["organization"]
        EngagementRequest.objects.filter(pk=rows["engagement_request"].pk).update(organization=org)
        Consultation.objects.filter(pk=rows["consultation"].pk).update(organization=org)
        Payment.objects.filter(pk=rows["payment"].pk).update(organization=org)
    EngagementRequest.objects.filter(pk=row(world, "a", "engagement_request").pk).update(status="active")
    TalentProfile.objects.filter(pk=row(world, "b", "talent_profile").pk).update(is_public=False)
    Certificate.objects.filter(pk=row(world, "b", "certificate").pk).update(is_verified=True)
    # An expert without a profile yet, holding the 'expert' role (the profile-creation gate).
    new_expert = UserFactory(email="new-expert@example.com", full_name="New Expert")
    RoleGrantFactory(user=new_expert, role="expert")
    world.extra["new_expert"] = new_expert
    return world


def allowed(pairs: Iterable[str]) -> set[tuple[str, str]]:
    """``"a.student:a"`` -> ``("a.student", "a")``: actor may act on tenant's row."""
    return {tuple(p.split(":")) for p in pairs}  # type: ignore[misc]


def for_both(*actors: str) -> set[str]:
    """Each tenant's own people of the given roles act on their own tenant's row; global actors on both."""
    out = set()
    for name in actors:
        if name in ("outsider", "platform_admin", "anonymous"):
            out |= {f"{name}:a", f"{name}:b"}
        else:
            out |= {f"a.{name}:a", f"b.{name}:b"}
    return out


def select_problems(world: World, model: Any, key: str, visible: set[tuple[str, str]]) -> dict:
    """Actors whose unfiltered queryset of ``model`` differs from the rows ``visible`` allows."""
    problems = {}
    for name in ACTORS:
        with acting_as(person(world, name)):
            seen = visible_ids(model)
        expected = {row(world, t, key).pk for t in TENANTS if (name, t) in visible}
        if seen != expected:
            problems[name] = (sorted(map(str, seen)), sorted(map(str, expected)))
    return problems


def write_problems(world: World, model: Any, key: str, write: Callable[[Any], int],
                   permitted: set[tuple[str, str]]) -> dict:
    """(actor, tenant) pairs where ``write`` on that tenant's row did not affect exactly 1 row when
    permitted, 0 otherwise."""
    problems = {}
    for name in ACTORS:
        for tenant in TENANTS:
            with acting_as(person(world, name)):
                count = write(model.objects.filter(pk=row(world, tenant, key).pk))
            if count != int((name, tenant) in permitted):
                problems[(name, tenant)] = count
    return problems
