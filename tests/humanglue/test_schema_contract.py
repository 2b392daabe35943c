"""The live catalog against the contract: tables, columns and types, uniques, indexes, FK actions,
updated_at triggers. Read from pg_catalog, not from the models."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from humanglue.contract import load_contract, model_problems, normalize_type, project_apps
from tests.db import fetch

pytestmark = pytest.mark.django_db

CONTRACT = load_contract()
TABLES = CONTRACT["tables"]
PROJECT_APPS = project_apps()
ACTION_CODES = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


def live_columns(table: str) -> dict[str, dict]:
    rows = fetch(
        """
        SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, a.attgenerated = 's'
        FROM pg_attribute a
        WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
        """,
        [f"public.{table}"],
    )
    return {name: {"type": normalize_type(t), "nullable": n, "generated": g} for name, t, n, g in rows}


def test_every_contract_table_exists() -> None:
    live = {row[0] for row in fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert sorted(set(TABLES) - live) == []
    assert len(TABLES) == 29


@pytest.mark.parametrize("table", sorted(TABLES))
def test_columns_types_nullability_and_generated(table: str) -> None:
    want = {
        name: {"type": normalize_type(c["type"]), "nullable": c["nullable"], "generated": c["generated"]}
        for name, c in TABLES[table]["columns"].items()
    }
    assert live_columns(table) == want


@pytest.mark.parametrize("table", sorted(TABLES))
def test_non_primary_index_count(table: str) -> None:
    (count,) = fetch(
        "SELECT count(*) FROM pg_index WHERE indrelid = %s::regclass AND NOT indisprimary", [f"public.{table}"]
    )[0]
    assert count == TABLES[table]["index_count"]


def test_total_index_count_reaches_the_contract() -> None:
    (count,) = fetch(
        "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "WHERE c.relname = ANY(%s) AND NOT i.indisprimary", [list(TABLES)]
    )[0]
    assert count >= CONTRACT["totals"]["indexes"] == 199


@pytest.mark.parametrize("table", sorted(TABLES))
def test_unique_sets(table: str) -> None:
    """Each unique set of the contract is a unique index whose key is exactly those columns/expressions."""
    rows = fetch(
        """
        SELECT array(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) k)
        FROM pg_index i WHERE i.indrelid = %s::regclass AND i.indisunique AND NOT i.indisprimary
        """,
        [f"public.{table}"],
    )
    keys = [[part.replace('"', "") for part in row[0]] for row in rows]
    for unique in TABLES[table]["unique"]:
        assert unique in keys, f"{table}: no unique index on {unique}; have {keys}"


def test_models_match_the_contract() -> None:
    assert model_problems(connection) == []


def test_on_delete_actions_match_the_models_declarations() -> None:
    declared: dict[tuple[str, str], str] = {}
    for app_label in PROJECT_APPS:
        module = importlib.import_module(f"{app_label}.models")
        for key, action in module.DB_ON_DELETE.items():
            model_name, field_name = key.split(".")
            field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
            declared[(field.model._meta.db_table, field.column)] = action
    live = {
        (table, column): ACTION_CODES[code]
        for table, column, code in fetch(
            """
            SELECT c.relname, a.attname, con.confdeltype
            FROM pg_constraint con
            JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
            WHERE con.contype = 'f' AND cardinality(con.conkey) = 1 AND c.relname = ANY(%s)
            """,
            [list(TABLES)],
        )
    }
    assert live == declared


def test_composite_foreign_keys_cascade() -> None:
    rows = fetch(
        """
        SELECT c.relname, con.confdeltype FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
        WHERE con.contype = 'f' AND cardinality(con.conkey) > 1
        """
    )
    assert sorted(rows) == [("consultations", "c"), ("course_reviews", "c"), ("student_progress", "c")]


def test_updated_at_triggers_on_every_table_with_the_column() -> None:
    live = {
        (table, name, function)
        for table, name, function in fetch(
            """
            SELECT c.relname, t.tgname, p.proname
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
            WHERE NOT t.tgisinternal
            """
        )
    }
    for table, spec in TABLES.items():
        name = f"update_{table}_updated_at"
        if "updated_at" in spec["columns"]:
            assert name in spec["triggers"], table
            assert (table, name, "update_updated_at_column") in live, table
        else:
            assert not any(t == table and n == name for t, n, _ in live)


def test_api_compatibility_columns_exist() -> None:
    for table, column in [("users", "full_name"), ("users", "avatar_url"), ("enrollments", "last_accessed_at"),
                          ("student_progress", "time_spent_seconds"), ("courses", "instructor_id"),
                          ("course_lessons", "title"), ("course_lessons", "content_type")]:
        assert column in live_columns(table), (table, column)
    assert live_columns("course_lessons")["content_type"]["type"] == "lesson_type"
    for table in ("quiz_attempts", "assignment_submissions"):
        assert live_columns(table)


def test_row_level_security_enabled_never_forced_on_every_table() -> None:
    rows = dict(
        (name, (enabled, forced))
        for name, enabled, forced in fetch(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relname = ANY(%s) AND relkind = 'r'", [list(TABLES)])
    )
    assert rows == {table: (True, False) for table in TABLES}


def test_policies_match_the_contract_by_name_and_command() -> None:
    live: dict[str, set[tuple[str, str]]] = {}
    for table, name, command in fetch(
        "SELECT tablename, policyname, cmd FROM pg_policies WHERE schemaname = 'public'"
    ):
        live.setdefault(table, set()).add((name, command))
    for table, spec in TABLES.items():
        assert live.get(table) == {(p["name"], p["command"]) for p in spec["policies"]}, table
    assert sum(len(live.get(table, ())) for table in TABLES) == CONTRACT["totals"]["policies"] == 148


def test_app_role_exists_without_login_or_bypassrls() -> None:
    assert fetch("SELECT rolcanlogin, rolbypassrls, rolsuper FROM pg_roles WHERE rolname = 'humanglue_app'") == [
        (False, False, False)
    ]
