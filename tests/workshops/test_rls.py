"""Row-level security of workshops, workshop_registrations and workshop_feedback (spec 50 §0.3, §1–§3).

The leak matrix: every read is an unfiltered queryset (``visible_ids``), so only the policies decide.
Writes run under ``acting_as`` and are rolled back at the end of the block. Refused INSERTs raise 42501;
refused UPDATEs/DELETEs affect 0 rows. Tenant b's expectations are tenant a's with the names mirrored.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from humanglue.contract import load_contract
from tests.catalog import assert_app_verified, assert_verified
from tests.db import fetch, refused
from tests.factories import WorkshopFactory
from tests.world import World, acting_as, build_world, person, visible_ids
from workshops.models import Workshop, WorkshopFeedback, WorkshopRegistration

pytestmark = pytest.mark.django_db

TABLES = ("workshops", "workshop_registrations", "workshop_feedback")
MODELS = {"workshops": Workshop, "workshop_registrations": WorkshopRegistration, "workshop_feedback": WorkshopFeedback}
CONTRACT = load_contract()
TENANT_ROLES = ("student", "instructor", "member", "org_admin")
ACTORS = ["anonymous", "outsider", "platform_admin"] + [f"{t}.{r}" for t in "ab" for r in TENANT_ROLES]


def pk_of(world: World, key: str) -> Any:
    """The primary key behind a label (``"a_draft"``) or the user behind an actor key (``"a.member"``)."""
    if key in world.extra["ids"]:
        return world.extra["ids"][key]
    user = person(world, key)
    return user.pk if user else None


def swap(text: str) -> str:
    """Tenant a's name for a row or person -> tenant b's, and back."""
    return re.sub(r"\b([ab])([._])", lambda m: ("b" if m[1] == "a" else "a") + m[2], text)


def mirrored(expected: dict[str, set[str]]) -> dict[str, set[str]]:
    """Expectations given for anonymous, outsider, platform_admin and tenant a -> the same plus tenant b."""
    full = dict(expected)
    for key, labels in expected.items():
        if key.startswith("a."):
            full[swap(key)] = {swap(label) for label in labels}
    return full


def in_days(days: int) -> datetime:
    return timezone.now() + timedelta(days=days)


@pytest.fixture
def world() -> World:
    """The two-tenant world (its workshop ``<t>_draft`` is a draft led by the tenant's instructor, with the
    student's attended registration and feedback) plus, per tenant, written as the owner:
    ``<t>_pub`` (published, future), ``<t>_closed`` (completed, past) and ``<t>_indie`` (draft, no organization),
    all led by the tenant's instructor; on ``<t>_closed`` an attended registration of the tenant's member
    (``<t>_member_reg``, no feedback) and of the outsider (``<t>_out_reg``, organization NULL, with feedback
    ``<t>_out_fb``)."""
    w = build_world()
    ids: dict[str, Any] = {}
    for t in "ab":
        tenant = getattr(w, t)
        ids[f"{t}_draft"] = tenant.rows["workshop"].pk
        ids[f"{t}_reg"] = tenant.rows["workshop_registration"].pk
        ids[f"{t}_fb"] = tenant.rows["workshop_feedback"].pk
        # The student's registration belongs to the org (the admission trigger fills it in; set it explicitly).
        WorkshopRegistration.objects.filter(pk=ids[f"{t}_reg"]).update(organization=tenant.org)
        ids[f"{t}_pub"] = WorkshopFactory(instructor=tenant.instructor, organization=tenant.org, title=f"{t}-pub",
                                          slug=f"{t}-pub", start_time=in_days(10)).pk
        closed = WorkshopFactory(instructor=tenant.instructor, organization=tenant.org, title=f"{t}-closed",
                                 slug=f"{t}-closed", status="completed", start_time=in_days(-10))
        ids[f"{t}_closed"] = closed.pk
        ids[f"{t}_indie"] = WorkshopFactory(instructor=tenant.instructor, title=f"{t}-indie", slug=f"{t}-indie",
                                            status="draft", start_time=in_days(20)).pk
        ids[f"{t}_member_reg"] = WorkshopRegistration.objects.create(
            workshop=closed, user=tenant.member, organization=tenant.org, status="attended",
            price_paid=Decimal("0.00")).pk
        out_reg = WorkshopRegistration.objects.create(
            workshop=closed, user=w.outsider, status="attended", price_paid=Decimal("0.00"))
        ids[f"{t}_out_reg"] = out_reg.pk
        ids[f"{t}_out_fb"] = WorkshopFeedback.objects.bulk_create([WorkshopFeedback(
            workshop=closed, user=w.outsider, registration=out_reg, overall_satisfaction=4)])[0].pk
    w.extra["ids"] = ids
    return w


ALL_WORKSHOPS = {f"{t}_{k}" for t in "ab" for k in ("draft", "pub", "closed", "indie")}
ALL_REGISTRATIONS = {f"{t}_{k}" for t in "ab" for k in ("reg", "member_reg", "out_reg")}
ALL_FEEDBACK = {f"{t}_{k}" for t in "ab" for k in ("fb", "out_fb")}

VISIBLE = {
    "workshops": mirrored({
        "anonymous": {"a_pub", "b_pub"},
        "outsider": {"a_pub", "b_pub", "a_closed", "b_closed"},  # registrant of both closed workshops
        "platform_admin": ALL_WORKSHOPS,
        "a.student": {"a_draft", "a_pub", "a_closed", "b_pub"},  # registrant of the draft; member: non-draft
        "a.instructor": {"a_draft", "a_pub", "a_closed", "a_indie", "b_pub"},
        "a.member": {"a_pub", "a_closed", "b_pub"},  # registrant of a_closed, and a member anyway
        "a.org_admin": {"a_draft", "a_pub", "a_closed", "b_pub"},  # drafts of the org; not the org-less one
    }),
    "workshop_registrations": mirrored({
        "anonymous": set(),
        "outsider": {"a_out_reg", "b_out_reg"},
        "platform_admin": ALL_REGISTRATIONS,
        "a.student": {"a_reg"},
        "a.instructor": {"a_reg", "a_member_reg", "a_out_reg"},
        "a.member": {"a_member_reg"},
        "a.org_admin": {"a_reg", "a_member_reg"},  # organization_id = org a only
    }),
    "workshop_feedback": mirrored({
        "anonymous": set(),
        "outsider": {"a_out_fb", "b_out_fb"},
        "platform_admin": ALL_FEEDBACK,
        "a.student": {"a_fb"},
        "a.instructor": {"a_fb", "a_out_fb"},
        "a.member": set(),
        "a.org_admin": set(),  # no org-admin policy on feedback
    }),
}


@pytest.mark.parametrize("actor", ACTORS)
def test_unfiltered_querysets_show_exactly_the_allowed_rows(world: World, actor: str) -> None:
    ids = world.extra["ids"]
    with acting_as(person(world, actor)):
        for table in TABLES:
            want = {ids[label] for label in VISIBLE[table][actor]}
            assert visible_ids(MODELS[table]) == want, table
    for table in TABLES:  # the owner (system context) still sees everything
        assert {ids[label] for label in VISIBLE[table]["platform_admin"]} <= visible_ids(MODELS[table])


# ------------------------------------------------------------------------------------------------ workshops
@pytest.mark.parametrize(("actor", "instructor", "org", "allowed"), [
    ("a.instructor", "a.instructor", "a", True),
    ("a.instructor", "a.instructor", None, True),  # platform-wide / independent workshop
    ("a.instructor", "a.instructor", "b", False),  # not a member of org b
    ("a.instructor", "b.instructor", None, False),  # for someone else
    ("b.instructor", "b.instructor", "a", False),
    ("a.student", "a.student", "a", False),  # no instructor profile
    ("a.org_admin", "a.org_admin", "a", False),
    ("outsider", "outsider", None, False),
    ("anonymous", "a.instructor", "a", False),
    ("platform_admin", "b.instructor", "b", True),
])
def test_workshop_insert(world: World, actor: str, instructor: str, org: str | None, allowed: bool) -> None:
    def insert() -> Workshop:
        return WorkshopFactory(instructor=person(world, instructor),
                               organization=getattr(world, org).org if org else None, title="new-workshop",
                               slug="new-workshop", status="draft", start_time=in_days(30))

    with acting_as(person(world, actor)):
        if allowed:
            row = insert()
            assert row.pk in visible_ids(Workshop)
        else:
            with refused("42501"):
                insert()


@pytest.mark.parametrize(("actor", "label", "count"), [
    ("a.instructor", "a_draft", 1),
    ("a.instructor", "a_pub", 1),
    ("a.instructor", "a_indie", 1),
    ("a.instructor", "b_draft", 0),
    ("b.instructor", "a_pub", 0),
    ("a.org_admin", "a_draft", 0),  # org admins read, they do not edit
    ("a.student", "a_draft", 0),  # a registrant reads, does not edit
    ("a.member", "a_closed", 0),
    ("outsider", "a_closed", 0),
    ("anonymous", "a_pub", 0),
    ("platform_admin", "b_closed", 1),
])
def test_workshop_update(world: World, actor: str, label: str, count: int) -> None:
    pk = pk_of(world, label)
    with acting_as(person(world, actor)):
        assert Workshop.objects.filter(pk=pk).update(title="Renamed") == count
    assert Workshop.objects.get(pk=pk).title != "Renamed"  # rolled back with the block


def test_instructor_cannot_hand_a_workshop_to_someone_else(world: World) -> None:
    with acting_as(world.a.instructor):
        with refused("42501"):
            Workshop.objects.filter(pk=pk_of(world, "a_draft")).update(instructor=world.b.instructor)


@pytest.mark.parametrize(("actor", "label", "count"), [
    ("a.instructor", "a_draft", 1),
    ("a.instructor", "a_indie", 1),
    ("a.instructor", "a_pub", 0),  # published: cancel it instead
    ("a.instructor", "a_closed", 0),
    ("a.instructor", "b_draft", 0),
    ("a.org_admin", "a_draft", 0),
    ("a.student", "a_draft", 0),
    ("anonymous", "a_pub", 0),
    ("platform_admin", "b_pub", 1),
])
def test_workshop_delete(world: World, actor: str, label: str, count: int) -> None:
    pk = pk_of(world, label)
    with acting_as(person(world, actor)):
        assert Workshop.objects.filter(pk=pk).delete()[0] == count


@pytest.mark.parametrize("actor", ["a.instructor", "platform_admin"])
def test_total_revenue_is_kept_for_api_callers(world: World, actor: str) -> None:
    pk = pk_of(world, "a_pub")
    with acting_as(person(world, actor)):
        assert Workshop.objects.filter(pk=pk).update(title="Renamed", total_revenue=Decimal("999.00")) == 1
        assert Workshop.objects.filter(pk=pk).values_list("title", "total_revenue").get() == (
            "Renamed", Decimal("0.00"))


def test_total_revenue_is_written_in_system_context(world: World) -> None:
    pk = pk_of(world, "a_pub")
    assert Workshop.objects.filter(pk=pk).update(total_revenue=Decimal("12.50")) == 1
    assert Workshop.objects.get(pk=pk).total_revenue == Decimal("12.50")


# ----------------------------------------------------------------------------------- workshop_registrations
@pytest.mark.parametrize(("actor", "user", "workshop", "org", "allowed"), [
    ("a.member", "a.member", "a_pub", None, True),
    ("a.member", "a.member", "a_pub", "a", True),
    ("a.member", "a.member", "b_pub", None, True),  # a published workshop is open to anyone
    ("a.member", "a.member", "a_pub", "b", False),  # analytics attributed to an org they are not in
    ("b.student", "b.student", "a_pub", "a", False),
    ("a.member", "a.student", "a_pub", None, False),  # on someone else's behalf
    ("a.instructor", "a.member", "a_pub", None, False),
    ("a.org_admin", "a.member", "a_pub", "a", False),
    ("anonymous", "a.member", "a_pub", None, False),
    ("platform_admin", "b.member", "a_pub", None, True),
])
def test_registration_insert(world: World, actor: str, user: str, workshop: str, org: str | None,
                             allowed: bool) -> None:
    def insert() -> WorkshopRegistration:
        return WorkshopRegistration.objects.create(
            workshop_id=pk_of(world, workshop), user=person(world, user),
            organization=getattr(world, org).org if org else None, price_paid=Decimal("0.00"))

    with acting_as(person(world, actor)):
        if allowed:
            row = insert()
            assert row.pk in visible_ids(WorkshopRegistration)
        else:
            with refused("42501"):
                insert()


@pytest.mark.parametrize(("actor", "label", "count"), [
    ("a.student", "a_reg", 1),
    ("a.student", "b_reg", 0),
    ("a.student", "a_member_reg", 0),
    ("a.member", "a_member_reg", 1),
    ("outsider", "a_out_reg", 1),
    ("outsider", "b_out_reg", 1),
    ("a.instructor", "a_reg", 1),  # marks attendance
    ("a.instructor", "a_out_reg", 1),
    ("a.instructor", "b_reg", 0),
    ("b.instructor", "a_out_reg", 0),
    ("a.org_admin", "a_reg", 0),
    ("anonymous", "a_reg", 0),
    ("platform_admin", "b_reg", 1),
])
def test_registration_update(world: World, actor: str, label: str, count: int) -> None:
    pk = pk_of(world, label)
    with acting_as(person(world, actor)):
        assert WorkshopRegistration.objects.filter(pk=pk).update(metadata={"note": actor}) == count


@pytest.mark.parametrize(("actor", "label", "count"), [
    ("a.student", "a_reg", 0),  # registrants cancel, they do not delete
    ("a.instructor", "a_reg", 0),
    ("a.org_admin", "a_reg", 0),
    ("outsider", "a_out_reg", 0),
    ("b.student", "a_reg", 0),
    ("platform_admin", "b_reg", 1),
])
def test_registration_delete(world: World, actor: str, label: str, count: int) -> None:
    pk = pk_of(world, label)
    with acting_as(person(world, actor)):
        assert WorkshopRegistration.objects.filter(pk=pk).delete()[0] == count


# -------------------------------------------------------------------------------------- workshop_feedback
@pytest.mark.parametrize(("actor", "allowed"), [
    ("a.member", True),  # their own attended registration
    ("a.student", False),  # someone else's registration
    ("a.instructor", False),
    ("a.org_admin", False),
    ("b.member", False),
    ("anonymous", False),
    ("platform_admin", True),
])
def test_feedback_insert(world: World, actor: str, allowed: bool) -> None:
    """Feedback for a.member's attended registration; workshop and user as the registration says (the
    feedback trigger derives them the same way)."""
    ids = world.extra["ids"]

    def insert() -> WorkshopFeedback:
        return WorkshopFeedback.objects.bulk_create([WorkshopFeedback(
            workshop_id=ids["a_closed"], user=world.a.member, registration_id=ids["a_member_reg"],
            overall_satisfaction=5)])[0]

    with acting_as(person(world, actor)):
        if allowed:
            row = insert()
            assert row.pk in visible_ids(WorkshopFeedback)
        else:
            with refused("42501"):
                insert()


@pytest.mark.parametrize(("actor", "label", "count"), [
    ("a.student", "a_fb", 1),
    ("a.student", "b_fb", 0),
    ("outsider", "a_out_fb", 1),
    ("a.instructor", "a_fb", 0),  # instructors read feedback, they do not edit it
    ("a.org_admin", "a_fb", 0),
    ("b.student", "a_fb", 0),
    ("anonymous", "a_fb", 0),
    ("platform_admin", "b_fb", 1),
])
def test_feedback_update(world: World, actor: str, label: str, count: int) -> None:
    pk = pk_of(world, label)
    with acting_as(person(world, actor)):
        assert WorkshopFeedback.objects.filter(pk=pk).update(what_went_well="Everything") == count


@pytest.mark.parametrize(("actor", "label", "count"), [
    ("a.student", "a_fb", 0),
    ("a.instructor", "a_fb", 0),
    ("outsider", "b_out_fb", 0),
    ("platform_admin", "b_fb", 1),
])
def test_feedback_delete(world: World, actor: str, label: str, count: int) -> None:
    pk = pk_of(world, label)
    with acting_as(person(world, actor)):
        assert WorkshopFeedback.objects.filter(pk=pk).delete()[0] == count


# ---------------------------------------------------------------------------------------------- helpers
@pytest.mark.parametrize(("actor", "instructs", "registered"), [
    ("a.instructor", {"a_draft", "a_pub", "a_closed", "a_indie"}, set()),
    ("a.student", set(), {"a_draft"}),
    ("outsider", set(), {"a_closed", "b_closed"}),
    ("a.org_admin", set(), set()),
    ("anonymous", set(), set()),
])
def test_helpers(world: World, actor: str, instructs: set[str], registered: set[str]) -> None:
    labels = sorted(ALL_WORKSHOPS)
    with acting_as(person(world, actor)), connection.cursor() as cursor:
        for label in labels:
            cursor.execute("SELECT app.is_workshop_instructor(%s), app.is_workshop_registrant(%s)",
                           [pk_of(world, label)] * 2)
            assert cursor.fetchone() == (label in instructs, label in registered), label
        cursor.execute("SELECT app.is_workshop_instructor(NULL), app.is_workshop_registrant(NULL)")
        assert cursor.fetchone() == (False, False)


# ---------------------------------------------------------------------------------------------- catalog
def test_policies_rls_and_grants_match_the_contract() -> None:
    """The exact policies (argument-free helpers always in the wrapped form, conventions §11), RLS enabled and
    not forced, SELECT/INSERT/UPDATE/DELETE for the app role: verify's checks of the app's tables."""
    assert {t for t, spec in CONTRACT["tables"].items() if spec["app"] == "workshops"} == set(TABLES)
    assert_app_verified("workshops")
    assert sum(len(CONTRACT["tables"][t]["policies"]) for t in TABLES) == 21


def test_helper_definitions() -> None:
    """Security definer with the pinned search_path, stable, boolean, executable by the app role and not by
    PUBLIC: verify's function checks. The argument name is not in the contract."""
    assert_verified("function", ["is_workshop_instructor", "is_workshop_registrant"])
    assert fetch("SELECT p.proname FROM pg_proc p WHERE p.pronamespace = 'app'::regnamespace "
                 "AND p.proname IN ('is_workshop_instructor', 'is_workshop_registrant') "
                 "AND pg_get_function_identity_arguments(p.oid) = 'p_workshop_id uuid' ORDER BY 1") == [
        ("is_workshop_instructor",), ("is_workshop_registrant",)]


def test_guard_trigger_definition() -> None:
    rows = fetch("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'public.workshops'::regclass "
                 "AND tgname = 'guard_workshops_columns'")
    assert rows == [("CREATE TRIGGER guard_workshops_columns BEFORE UPDATE ON public.workshops FOR EACH ROW "
                     "EXECUTE FUNCTION preserve_maintained_columns('total_revenue')",)]
