"""Issue 9 items 3 and 12: request traffic connects as a LOGIN role that can never become the owner;
password hashes, sessions and other users' admin history are out of the app role's reach."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from django.conf import global_settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from psycopg import errors

from humanglue.security.context import REQUEST_LOGIN_ROLE, SYSTEM_ROLE, security_context, system_context
from organizations.models import User
from tests.db import fetch, refused
from tests.sample_data import PASSWORD
from tests.world import World, acting_as, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def web() -> Iterator[psycopg.Connection]:
    """A connection to the test database as the request LOGIN role, as the ASGI server opens it."""
    params = connection.get_connection_params()
    conn = psycopg.connect(host=params.get("host"), port=params.get("port"), dbname=params["dbname"],
                           user=REQUEST_LOGIN_ROLE, autocommit=True)
    yield conn
    conn.close()


def _denied(conn: psycopg.Connection, sql: str) -> bool:
    try:
        conn.execute(sql)
    except errors.InsufficientPrivilege:
        return True
    finally:
        conn.execute("RESET ROLE")
    return False


def test_the_roles_attributes() -> None:
    rows = dict((r[0], r[1:]) for r in fetch(
        "SELECT rolname, rolcanlogin, rolsuper, rolbypassrls, rolinherit, rolcreaterole, rolcreatedb "
        "FROM pg_roles WHERE rolname IN ('humanglue_web', 'humanglue_app', 'humanglue_system')"))
    assert rows["humanglue_web"] == (True, False, False, False, False, False)  # LOGIN, nothing else
    assert rows["humanglue_app"][:3] == (False, False, False)
    assert rows["humanglue_system"][:2] == (False, False)  # BYPASSRLS, but no login and no superuser
    # The login role can become exactly the app role and the system role.
    members = {r[0] for r in fetch(
        "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = 'humanglue_web'")}
    assert members == {"humanglue_app", "humanglue_system"}
    owned = fetch("SELECT count(*) FROM pg_class WHERE relowner = 'humanglue_web'::regrole")[0][0]
    assert owned == 0


def test_reset_role_from_a_request_never_gives_back_the_owner(web: psycopg.Connection) -> None:
    owner = connection.get_connection_params()["user"]
    assert web.execute("SELECT current_user, session_user").fetchone() == ("humanglue_web", "humanglue_web")
    web.execute("SET ROLE humanglue_app")
    web.execute("RESET ROLE")
    assert web.execute("SELECT current_user").fetchone()[0] == "humanglue_web"
    assert _denied(web, f'SET ROLE "{owner}"')
    # The login role itself reads nothing and runs nothing privileged.
    assert _denied(web, "SELECT 1 FROM users")
    assert _denied(web, "SELECT 1 FROM django_session")
    assert _denied(web, "COPY (SELECT 1) TO PROGRAM 'true'")
    assert _denied(web, "SELECT app.current_user_id()")
    # Nor does the system role it may become (no superuser, owner of nothing).
    for sql in ("COPY (SELECT 1) TO PROGRAM 'true'", "ALTER TABLE users DISABLE ROW LEVEL SECURITY",
                "CREATE TABLE public.x (id int)", "DROP POLICY users_select_same_org ON users",
                "SELECT pg_read_file('postgresql.conf')", f'SET ROLE "{owner}"'):
        web.execute(f"SET ROLE {SYSTEM_ROLE}")
        assert _denied(web, sql), sql


def test_the_app_role_reads_no_session_and_no_password_hash(web: psycopg.Connection) -> None:
    web.execute("SET ROLE humanglue_app")
    assert _denied(web, "SELECT session_key, session_data FROM django_session")
    web.execute("SET ROLE humanglue_app")
    assert _denied(web, "SELECT password FROM users")


def test_password_hashes_are_unreadable_by_every_caller(world: World) -> None:
    # Co-members, an instructor of a student, an org admin and a platform admin alike (item 3).
    a = world.a
    for caller in (a.member, a.instructor, a.org_admin, world.b.student, world.platform_admin, None):
        with acting_as(caller):
            with refused("42501"):
                fetch("SELECT password FROM users WHERE id = %s", [a.student.pk])
            with refused("42501"):
                fetch("SELECT * FROM users")
            # The ORM leaves the column out: the rows the policies allow stay readable.
            visible = list(User.objects.filter(pk=a.student.pk))
            assert len(visible) == (0 if caller in (None, world.b.student) else 1)
    with acting_as(a.member):
        me = User.objects.get(pk=a.member.pk)
        with refused("42501"):
            me.password  # noqa: B018 - reading the deferred column is the attack


def test_the_system_context_reads_hashes_and_logs_in(world: World) -> None:
    with security_context(world.a.member.pk):
        with system_context():
            assert fetch("SELECT current_user")[0][0] == SYSTEM_ROLE
            user = User.objects.with_secrets().get(pk=world.a.member.pk)
            assert user.check_password(PASSWORD)
        assert fetch("SELECT current_user")[0][0] == "humanglue_app"


def _log_entry(user: User, target: User) -> dict[str, Any]:
    return {"user_id": user.pk, "content_type": ContentType.objects.get_for_model(User), "object_id": str(target.pk),
            "object_repr": "x", "action_flag": ADDITION, "change_message": "[]"}


def test_the_admin_log_cannot_be_forged_or_read_across_users(world: World) -> None:
    a_admin, b_admin = world.a.org_admin, world.b.org_admin
    LogEntry.objects.create(**_log_entry(b_admin, b_admin))  # b's history, as the owner
    with acting_as(a_admin):
        with refused("42501"):  # an entry in somebody else's name
            LogEntry.objects.create(**_log_entry(b_admin, a_admin))
        LogEntry.objects.create(**_log_entry(a_admin, a_admin))
        assert set(LogEntry.objects.values_list("user_id", flat=True)) == {a_admin.pk}
    with acting_as(world.platform_admin):
        assert b_admin.pk in set(LogEntry.objects.values_list("user_id", flat=True))


@pytest.mark.django_db(transaction=True)
def test_the_server_logs_in_through_the_login_role(live_asgi_server: str, settings: Any) -> None:
    """The real server (uvicorn, connected as humanglue_web): admin login, a session, the admin index."""
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the server's own hasher
    User.objects.create_superuser("root@example.com", PASSWORD, full_name="Root")
    with httpx.Client(base_url=live_asgi_server, timeout=20) as client:
        page = client.get("/admin/login/")
        token = client.cookies["csrftoken"]
        response = client.post("/admin/login/?next=/admin/", data={
            "username": "root@example.com", "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{live_asgi_server}/admin/login/"})
        assert page.status_code == 200 and response.status_code == 302, response.text[:500]
        index = client.get("/admin/")
        assert index.status_code == 200 and "Site administration" in index.text
        assert client.get("/admin/organizations/user/").status_code == 200
    assert fetch("SELECT count(*) FROM django_session")[0][0] == 1


def test_a_user_created_under_the_app_role_is_not_read_back_with_its_hash(world: World) -> None:
    # INSERT ... RETURNING needs SELECT on every returned column: the hash must not be one of them.
    with acting_as(world.platform_admin):
        created = User.objects.create_user("new@example.com", PASSWORD, full_name="New")
        assert User.objects.filter(pk=created.pk).exists()
    policies = {r[0] for r in fetch("SELECT policyname FROM pg_policies WHERE tablename = 'django_admin_log'")}
    assert policies == {"django_admin_log_select_own", "django_admin_log_insert_own"}
