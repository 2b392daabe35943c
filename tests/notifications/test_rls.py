"""Row-level security of notifications and student_presence (spec 40, conventions §1): the leak matrix.

Every read uses an unfiltered queryset (``visible_ids``), so only the policies decide. Writes under
``acting_as`` are rolled back at the end of the block.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from humanglue.contract import load_contract
from humanglue.contract.checks import COLUMN_UPDATE_TABLES
from notifications.models import Notification, StudentPresence
from tests.catalog import assert_app_verified
from tests.db import refused
from tests.world import World, acting_as, build_world, person, visible_ids

pytestmark = pytest.mark.django_db

TENANT_ROLES = ("student", "instructor", "member", "org_admin", "expert")
ACTORS = ["anonymous", "outsider", "platform_admin"] + [f"{t}.{r}" for t in "ab" for r in TENANT_ROLES]
CONTRACT = load_contract()


def raw_insert(table: str, **values: Any) -> None:
    """A plain INSERT without RETURNING: only the INSERT policy's WITH CHECK decides (Django's create() adds
    RETURNING, which also applies the SELECT policies to the new row)."""
    columns = ", ".join(values)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(values))})",
                       [getattr(v, "pk", v) for v in values.values()])


def set_as_owner(table: str, assignments: str, pk: Any) -> None:
    """Put a row of another app into a state directly, as the owner with that table's own triggers off (this
    test is about the policies that read the state, not about how the state is reached). Rolled back with
    the test."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses while FK checks are pending
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [pk])
        assert cursor.rowcount == 1
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def world(db: None) -> World:
    """The two-tenant world plus, as the owner: one notification per person, and presence rows of each
    tenant's student (course), instructor (course) and instructor (workshop)."""
    w = build_world()
    notes = {}
    for key in ACTORS:
        user = person(w, key)
        if user is None:
            continue
        existing = Notification.objects.filter(user=user).first()  # the sample instructor already has one
        notes[key] = existing or Notification.objects.create(
            user=user, type="announcement", title="Hello", message=f"for {key}")
    presence = {}
    for t in "ab":
        tenant = getattr(w, t)
        presence[f"{t}.student.course"] = tenant.rows["student_presence"]
        presence[f"{t}.instructor.course"] = StudentPresence.objects.create(
            user=tenant.instructor, course=tenant.rows["course"])
        presence[f"{t}.instructor.workshop"] = StudentPresence.objects.create(
            user=tenant.instructor, workshop=tenant.rows["workshop"])
    w.extra.update(notes=notes, presence=presence)
    return w


def note_id(world: World, key: str) -> Any:
    return world.extra["notes"][key].pk


def presence_id(world: World, key: str) -> Any:
    return world.extra["presence"][key].pk


# --- the catalog: RLS enabled (not forced), grants, policy names ---------------------------------------------------

def test_rls_policies_and_grants_match_the_contract() -> None:
    """RLS enabled and not forced, the exact policies (five per table), SELECT/INSERT/DELETE and UPDATE on the
    contract's columns only: verify's checks of the app's tables (COLUMN_UPDATE_TABLES)."""
    assert_app_verified("notifications")
    for table in ("notifications", "student_presence"):
        assert len(CONTRACT["tables"][table]["policies"]) == 5
    assert COLUMN_UPDATE_TABLES == {"notifications": {"read_at"},
                                    "student_presence": {"status", "last_seen_at", "metadata", "connection_count"}}


# --- notifications -------------------------------------------------------------------------------------------------

def inbox(user: Any) -> set[Any]:
    """Ids of ``user``'s notifications, read as the owner (RLS off). Database triggers may add rows to the
    fixture's ones; the matrix holds for whatever exists."""
    return set(Notification.objects.filter(user=user).values_list("pk", flat=True))


@pytest.mark.parametrize("actor", ACTORS)
def test_notifications_visible(world: World, actor: str) -> None:
    notes = world.extra["notes"]
    everything = set(Notification.objects.values_list("pk", flat=True))
    assert {n.pk for n in notes.values()} <= everything and len(notes) == len(ACTORS) - 1
    user = person(world, actor)
    if actor == "platform_admin":
        expected = everything
    elif actor == "anonymous":
        expected = set()
    else:
        expected = inbox(user)
        assert notes[actor].pk in expected and len(expected) < len(everything)
    with acting_as(user):
        assert visible_ids(Notification) == expected


@pytest.mark.parametrize(("actor", "recipient", "allowed"), [
    ("a.student", "a.student", True),
    ("b.instructor", "b.instructor", True),
    ("platform_admin", "b.student", True),
    ("platform_admin", "a.instructor", True),
    ("a.student", "a.instructor", False),
    ("a.instructor", "a.student", False),
    ("a.org_admin", "a.member", False),
    ("a.instructor", "b.instructor", False),
    ("b.org_admin", "a.org_admin", False),
    ("outsider", "a.student", False),
    ("anonymous", "a.student", False),
])
def test_notification_insert(world: World, actor: str, recipient: str, allowed: bool) -> None:
    def insert() -> Notification:
        return Notification.objects.create(user=person(world, recipient), type="question", title="Hi", message="m")

    with acting_as(person(world, actor)):
        if allowed:
            note = insert()
            assert note.pk in visible_ids(Notification)
        else:
            with refused("42501"):
                insert()
            with refused("42501"):
                raw_insert("notifications", user_id=person(world, recipient), type="question", title="Hi",
                           message="m")


@pytest.mark.parametrize(("actor", "owner", "allowed"), [
    ("a.instructor", "a.instructor", True),
    ("b.student", "b.student", True),
    ("platform_admin", "a.student", True),
    ("platform_admin", "b.member", True),
    ("a.student", "a.instructor", False),
    ("a.instructor", "a.student", False),
    ("a.org_admin", "a.member", False),
    ("b.instructor", "a.instructor", False),
    ("a.org_admin", "b.org_admin", False),
    ("outsider", "a.student", False),
    ("anonymous", "a.student", False),
])
def test_notification_mark_read_and_delete(world: World, actor: str, owner: str, allowed: bool) -> None:
    pk = note_id(world, owner)
    rows = Notification.objects.filter(pk=pk)
    with acting_as(person(world, actor)):
        assert rows.update(read_at=timezone.now()) == int(allowed)
        if allowed:
            assert rows.get().read_at is not None
            assert rows.update(read_at=None) == 1  # mark unread
    with acting_as(person(world, actor)):
        assert rows.delete()[0] == int(allowed)
    assert rows.exists()  # the writes above were rolled back; nothing leaked out of acting_as


@pytest.mark.parametrize("actor", ["a.instructor", "platform_admin"])
@pytest.mark.parametrize("column,value", [
    ("title", "Rewritten"), ("message", "Rewritten"), ("type", "payment"), ("data", {"x": 1}),
    ("expires_at", timezone.now()), ("created_at", timezone.now()),
])
def test_notification_columns_other_than_read_at_are_not_updatable(
        world: World, actor: str, column: str, value: Any) -> None:
    rows = Notification.objects.filter(pk=note_id(world, "a.instructor"))
    with acting_as(person(world, actor)):
        assert rows.update(read_at=timezone.now()) == 1  # the row is writable for this actor ...
        with refused("42501"):  # ... but only read_at (column grant)
            rows.update(**{column: value})
        with refused("42501"):
            rows.update(user=person(world, actor))


@pytest.mark.parametrize("actor", ["a.student", "a.instructor", "b.org_admin", "platform_admin"])
def test_notification_mark_all_read_touches_only_visible_rows(world: World, actor: str) -> None:
    user = person(world, actor)
    expected = Notification.objects.count() if actor == "platform_admin" else len(inbox(user))
    with acting_as(user):
        assert Notification.objects.filter(read_at__isnull=True).update(read_at=timezone.now()) == expected
    unread = Notification.objects.filter(read_at__isnull=True)
    assert unread.count() == Notification.objects.count()  # rolled back


# --- student_presence ----------------------------------------------------------------------------------------------

PRESENCE_VISIBLE = {
    "student": {"student.course"},
    "instructor": {"student.course", "instructor.course", "instructor.workshop"},
    "member": set(),
    "org_admin": set(),
    "expert": set(),
}


@pytest.mark.parametrize("actor", ACTORS)
def test_presence_visible(world: World, actor: str) -> None:
    presence = world.extra["presence"]
    if actor == "platform_admin":
        expected = {p.pk for p in presence.values()}
    elif "." in actor:
        tenant, role = actor.split(".")
        expected = {presence[f"{tenant}.{key}"].pk for key in PRESENCE_VISIBLE[role]}
    else:
        expected = set()
    with acting_as(person(world, actor)):
        assert visible_ids(StudentPresence) == expected


def test_instructor_sees_a_student_in_their_workshop_and_not_in_another_tenants(world: World) -> None:
    row = StudentPresence.objects.create(user=world.a.student, workshop=world.a.rows["workshop"], status="away")
    with acting_as(world.a.instructor):
        assert row.pk in visible_ids(StudentPresence)
    for actor in (world.b.instructor, world.a.member, world.a.org_admin, world.b.student):
        with acting_as(actor):
            assert row.pk not in visible_ids(StudentPresence)


@pytest.mark.parametrize(("actor", "user", "target", "allowed"), [
    ("a.student", "a.student", "a.workshop", True),  # registration status 'attended'
    ("b.student", "b.student", "b.workshop", True),
    ("platform_admin", "b.member", "b.course", True),  # admin override
    ("platform_admin", "platform_admin", "a.workshop", True),
    ("a.student", "a.student", "b.course", False),
    ("a.student", "a.student", "b.workshop", False),
    ("a.instructor", "a.instructor", "b.course", False),
    ("b.instructor", "b.instructor", "a.workshop", False),
    ("a.member", "a.member", "a.course", False),
    ("a.org_admin", "a.org_admin", "a.workshop", False),
    ("a.expert", "a.expert", "a.course", False),
    ("outsider", "outsider", "a.course", False),
    ("anonymous", "a.student", "a.workshop", False),
    ("a.student", "a.member", "a.course", False),  # someone else's row
    ("a.instructor", "a.student", "a.workshop", False),  # the instructor cannot place a student
    ("a.org_admin", "a.member", "a.course", False),
])
def test_presence_insert(world: World, actor: str, user: str, target: str, allowed: bool) -> None:
    tenant, kind = target.split(".")

    def join() -> StudentPresence:
        return StudentPresence.objects.create(user=person(world, user), **{kind: getattr(world, tenant).rows[kind]})

    with acting_as(person(world, actor)):
        if allowed:
            assert join().pk in visible_ids(StudentPresence)
        else:
            with refused("42501"):
                join()
            with refused("42501"):
                raw_insert("student_presence", user_id=person(world, user),
                           **{f"{kind}_id": getattr(world, tenant).rows[kind]})


@pytest.mark.parametrize(("registration_status", "allowed"), [
    ("registered", True), ("attended", True), ("waitlisted", False), ("cancelled", False), ("no_show", False),
])
def test_presence_insert_needs_a_live_workshop_registration(
        world: World, registration_status: str, allowed: bool) -> None:
    set_as_owner("workshop_registrations", f"status = '{registration_status}'",
                 world.a.rows["workshop_registration"].pk)

    def join() -> StudentPresence:
        return StudentPresence.objects.create(user=world.a.student, workshop=world.a.rows["workshop"])

    with acting_as(world.a.student):
        if allowed:
            join()
        else:
            with refused("42501"):
                join()


EXPIRED = "enrolled_at = now() - interval '10 days', expires_at = now() - interval '1 day'"


@pytest.mark.parametrize(("enrollment_change", "allowed"), [
    ("status = 'enrolled'", True),
    ("status = 'dropped'", False),
    (EXPIRED, False),
    ("enrolled_at = now() - interval '10 days', expires_at = now() + interval '1 day'", True),
])
def test_presence_in_a_course_needs_an_active_enrollment(world: World, enrollment_change: str, allowed: bool) -> None:
    """Joining (INSERT) and staying online/away (UPDATE) need the enrollment; going offline never does."""
    set_as_owner("enrollments", enrollment_change, world.a.rows["enrollment"].pk)
    own = StudentPresence.objects.filter(pk=presence_id(world, "a.student.course"))
    with acting_as(world.a.student):
        for status in ("away", "online"):
            if allowed:
                assert own.update(status=status) == 1
            else:
                with refused("42501"):
                    own.update(status=status)
        assert own.update(status="offline", connection_count=0) == 1  # leaving always works
        assert own.delete()[0] == 1

        def join() -> StudentPresence:
            return StudentPresence.objects.create(user=world.a.student, course=world.a.rows["course"])

        if allowed:
            join()
        else:
            with refused("42501"):
                join()


@pytest.mark.parametrize(("actor", "row", "allowed"), [
    ("a.student", "a.student.course", True),
    ("b.instructor", "b.instructor.workshop", True),
    ("platform_admin", "a.student.course", True),
    ("platform_admin", "b.instructor.course", True),
    ("a.instructor", "a.student.course", False),  # may see it, may not change it
    ("b.student", "a.student.course", False),
    ("b.instructor", "a.student.course", False),
    ("a.member", "a.student.course", False),
    ("a.org_admin", "a.student.course", False),
    ("b.org_admin", "a.instructor.workshop", False),
    ("outsider", "a.student.course", False),
    ("anonymous", "a.student.course", False),
])
def test_presence_update_and_delete(world: World, actor: str, row: str, allowed: bool) -> None:
    rows = StudentPresence.objects.filter(pk=presence_id(world, row))
    with acting_as(person(world, actor)):
        changed = rows.update(status="away", metadata={"lesson_id": "l1"}, connection_count=2,
                              last_seen_at=timezone.now())
        assert changed == int(allowed)
        if allowed:
            assert rows.values_list("status", "connection_count").get() == ("away", 2)
    with acting_as(person(world, actor)):
        assert rows.delete()[0] == int(allowed)
    assert rows.get().status == "online"  # unchanged outside the rolled-back blocks


@pytest.mark.parametrize("actor", ["a.student", "platform_admin"])
@pytest.mark.parametrize("field", ["user", "course", "workshop"])
def test_presence_routing_columns_are_not_updatable(world: World, actor: str, field: str) -> None:
    rows = StudentPresence.objects.filter(pk=presence_id(world, "a.student.course"))
    value = {"user": world.a.member, "course": world.b.rows["course"], "workshop": world.a.rows["workshop"]}[field]
    with acting_as(person(world, actor)):
        assert rows.update(status="away") == 1  # the row is writable for this actor ...
        with refused("42501"):  # ... but not its routing columns (column grant)
            rows.update(**{field: value})
