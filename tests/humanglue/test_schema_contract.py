"""The live catalog against the contract: tables, columns and types, uniques, indexes, RLS and policies through
``verify`` (humanglue.contract.checks); FK actions and updated_at triggers read from pg_catalog, not from
the models."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from humanglue.contract import load_contract, model_problems, project_apps
from humanglue.contract.checks import problems, run_checks
from tests.db import fetch

pytestmark = pytest.mark.django_db

CONTRACT = load_contract()
TABLES = CONTRACT["tables"]
PROJECT_APPS = project_apps()
ACTION_CODES = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


def test_the_catalog_matches_the_contract() -> None:
    """Every contract table, its columns exactly (type, nullability, generated), its non-primary index count
    exactly, its unique sets: ``verify``'s table, column, indexes and unique checks."""
    checks, totals = run_checks(connection)
    assert [c for c in checks if c.status != "ok"] == []
    assert {c.name for c in checks if c.kind == "table"} == set(TABLES)
    assert len(TABLES) == 29
    assert sum(1 for c in checks if c.kind == "unique") == sum(len(spec["unique"]) for spec in TABLES.values())
    assert totals["indexes"] >= CONTRACT["totals"]["indexes"] == 199


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
    """The contract has them; verify's column checks (above) find each live with the contract's type."""
    for table, column in [("users", "full_name"), ("users", "avatar_url"), ("enrollments", "last_accessed_at"),
                          ("student_progress", "time_spent_seconds"), ("courses", "instructor_id"),
                          ("course_lessons", "title"), ("course_lessons", "content_type")]:
        assert column in TABLES[table]["columns"], (table, column)
    assert TABLES["course_lessons"]["columns"]["content_type"]["type"] == "lesson_type"
    for table in ("quiz_attempts", "assignment_submissions"):
        assert TABLES[table]["columns"]
    assert problems(connection) == []


def test_policy_total_of_the_contract() -> None:
    """RLS enabled and never forced on every table, the exact policy set of each table, the app role without
    login or BYPASSRLS: verify's rls, policy and role checks (test_the_catalog_matches_the_contract)."""
    assert sum(len(spec["policies"]) for spec in TABLES.values()) == CONTRACT["totals"]["policies"] == 148
