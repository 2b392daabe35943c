"""``migrate`` from empty and ``migrate organizations zero`` and back, on the real server."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)


def table_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"public.{name}"])
        return cursor.fetchone()[0]


def enum_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                       "WHERE n.nspname = 'public' AND t.typtype = 'e'")
        return cursor.fetchone()[0]


def schema_app_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'app'")
        return cursor.fetchone()[0] == 1


def extensions() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        return {row[0] for row in cursor.fetchall()}


def test_organizations_zero_and_back() -> None:
    call_command("migrate", "organizations", "zero", verbosity=0)
    assert not table_exists("users")
    assert enum_count() == 0 and not schema_app_exists()
    assert not {"pg_trgm", "btree_gist"} & extensions()

    # While migrations are missing, /healthz says so with a 503.
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert "organizations.0001_initial" in response.json()["database"]["unapplied_migrations"]

    call_command("migrate", verbosity=0)
    assert table_exists("users") and table_exists("organizations")
    assert enum_count() == 16 and schema_app_exists()
    assert {"pg_trgm", "btree_gist"} <= extensions()
    assert Client().get("/healthz").status_code == 200


def test_every_app_unapplies_to_zero_and_back() -> None:
    """The whole project: every migration reverses (from empty -> everything -> empty -> everything)."""
    call_command("migrate", "organizations", "zero", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations WHERE app IN "
                       "('organizations','instructors','workshops','assessments','talent','payments','notifications')")
        assert cursor.fetchone()[0] == 0
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations WHERE app = 'organizations'")
        assert cursor.fetchone()[0] >= 1
