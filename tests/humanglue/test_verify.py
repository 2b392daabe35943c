"""``verify`` (humanglue.contract.checks), the project's one catalog check: it reports no problem on the
migrated database, and every kind of check it makes can fail (each case changes the catalog inside the
test's transaction, which is rolled back)."""

from __future__ import annotations

import copy
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from humanglue.contract import checks, load_contract, project_apps
from humanglue.contract.definitions import TABLE
from tests.db import fetch

pytestmark = pytest.mark.django_db


def reported() -> set[tuple[str, str, str]]:
    return {(c.kind, c.name, c.status) for c in checks.problems(connection)}


def test_verify_reports_no_problem() -> None:
    all_checks, totals = checks.run_checks(connection)
    assert [c for c in all_checks if c.status != "ok"] == []
    kinds = {c.kind for c in all_checks}
    assert kinds == {"extension", "enum", "table", "column", "rls", "policy", "trigger", "indexes", "unique",
                     "grant", "realtime", "view", "function", "role", "definition"}
    assert totals == {**load_contract()["totals"], "triggers": totals["triggers"]}
    assert totals["triggers"] >= load_contract()["totals"]["triggers"]


def test_the_command_exits_zero_and_says_so() -> None:
    out = StringIO()
    call_command("verify", stdout=out)
    assert "verify: the database matches the contract" in out.getvalue()


@pytest.mark.parametrize("app", project_apps())
def test_each_apps_table_checks_report_no_problem(app: str) -> None:
    app_checks, totals = checks.run_checks(connection, app=app)
    tables = {t for t, spec in load_contract()["tables"].items() if spec["app"] == app}
    assert {c.name for c in app_checks if c.kind == "table"} == tables
    assert [c for c in app_checks if c.status != "ok"] == []
    assert totals["tables"] == len(tables)


# Each case: statements run as the owner, then what verify must report (kind, object, status).
BROKEN = {
    "enum value renamed": (["ALTER TYPE user_role RENAME VALUE 'member' TO 'member_x'"],
                           {("enum", "user_role", "different")}),
    "table renamed": (["ALTER TABLE course_reviews RENAME TO course_reviews_x"],
                      {("table", "course_reviews", "missing")}),
    "column added": (["ALTER TABLE teams ADD COLUMN extra_column text"],
                     {("column", "teams.extra_column", "different")}),
    "column made NOT NULL": (["ALTER TABLE teams ALTER COLUMN description SET NOT NULL"],
                             {("column", "teams.description", "different")}),
    "column dropped": (["ALTER TABLE teams DROP COLUMN description"], {("column", "teams.description", "missing")}),
    "row security forced": (["ALTER TABLE teams FORCE ROW LEVEL SECURITY"], {("rls", "teams", "different")}),
    "row security off": (["ALTER TABLE teams DISABLE ROW LEVEL SECURITY"], {("rls", "teams", "different")}),
    "policy dropped": (["DROP POLICY teams_select_member ON teams"],
                       {("policy", "teams: teams_select_member", "missing"),
                        ("definition", "policy public.teams: teams_select_member", "missing")}),
    "policy added": (["CREATE POLICY teams_extra ON teams FOR SELECT USING (true)"],
                     {("policy", "teams: teams_extra", "different"),
                      ("definition", "policy public.teams: teams_extra", "different")}),
    "policy for one role": (["ALTER POLICY teams_select_member ON teams TO humanglue_app"],
                            {("policy", "teams: teams_select_member", "different")}),
    "policy calls a helper unwrapped": (
        ["ALTER POLICY teams_select_member ON teams USING (app.is_platform_admin())"],
        {("policy", "teams: teams_select_member", "different")}),
    "trigger dropped": (["DROP TRIGGER update_teams_updated_at ON teams"],
                        {("trigger", "teams: update_teams_updated_at", "missing"),
                         ("definition", "trigger public.teams: update_teams_updated_at", "missing")}),
    "index added": (["CREATE INDEX teams_extra_idx ON teams (name)"], {("indexes", "teams", "different")}),
    "unique dropped": (["ALTER TABLE organizations DROP CONSTRAINT organizations_slug_key"],
                       {("unique", "organizations (slug)", "missing"), ("indexes", "organizations", "different")}),
    "realtime trigger dropped": (["DROP TRIGGER realtime_notify_payments ON payments"],
                                 {("realtime", "payments: realtime_notify_payments", "missing")}),
    "view not security_invoker": (["ALTER VIEW lesson_progress SET (security_invoker = false)"],
                                  {("view", "lesson_progress", "different")}),
    "view writable": (["GRANT INSERT ON lesson_progress TO humanglue_app"],
                      {("grant", "SELECT on lesson_progress", "different")}),
    "function executable by PUBLIC": (["GRANT EXECUTE ON FUNCTION public.update_updated_at_column() TO PUBLIC"],
                                      {("function", "public.update_updated_at_column()", "different")}),
    "function executable by the app role": (
        ["GRANT EXECUTE ON FUNCTION public.update_updated_at_column() TO humanglue_app"],
        {("function", "public.update_updated_at_column()", "different")}),
    "API function not executable": (["REVOKE EXECUTE ON FUNCTION public.get_user_certificates(uuid) "
                                     "FROM humanglue_app"],
                                    {("function", "public.get_user_certificates(uuid)", "different")}),
    "definer without pinned search_path": (["ALTER FUNCTION app.is_org_member(uuid) RESET search_path"],
                                           {("function", "app.is_org_member(uuid)", "different")}),
    "security changed": (["ALTER FUNCTION app.is_org_member(uuid) SECURITY INVOKER"],
                         {("function", "app.is_org_member(uuid)", "different")}),
    "volatility changed": (["ALTER FUNCTION app.is_org_member(uuid) VOLATILE"],
                           {("function", "app.is_org_member(uuid)", "different")}),
    "function owned by another role": (["ALTER FUNCTION app.is_org_member(uuid) OWNER TO humanglue_app"],
                                       {("function", "app.is_org_member(uuid)", "different")}),
    "function overloaded": (["CREATE FUNCTION app.is_org_member(text) RETURNS boolean LANGUAGE sql "
                             "AS 'SELECT false'"],
                            {("function", "app.is_org_member(uuid)", "different"),
                             ("definition", "function app.is_org_member(text)", "different")}),
    "function dropped": (["DROP FUNCTION public.get_user_certificates(uuid)"],
                         {("function", "public.get_user_certificates(uuid)", "missing"),
                          ("definition", "function public.get_user_certificates(uuid)", "missing")}),
    "table privilege added": (["GRANT TRUNCATE ON teams TO humanglue_app"], {("grant", "table teams", "different")}),
    "table privilege revoked": (["REVOKE DELETE ON teams FROM humanglue_app"],
                                {("grant", "table teams", "different")}),
    "column privilege widens a table": (["GRANT UPDATE (payout_status) ON revenue_transactions TO humanglue_app"],
                                        {("grant", "table revenue_transactions", "different")}),
    "updatable column added": (["GRANT UPDATE (title) ON notifications TO humanglue_app"],
                               {("grant", "table notifications", "different")}),
    "secret column readable": (["GRANT SELECT (password) ON users TO humanglue_app"],
                               {("grant", "table users", "different")}),
    "schema usage revoked": (["REVOKE USAGE ON SCHEMA app FROM humanglue_app"],
                             {("grant", "USAGE on schema app", "different")}),
}


@pytest.mark.parametrize("case", BROKEN)
def test_each_check_reports_a_broken_catalog(case: str) -> None:
    statements, expected = BROKEN[case]
    for statement in statements:
        fetch(statement)
    assert expected <= reported()


def test_a_missing_extension_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    contract = copy.deepcopy(load_contract())
    contract["extensions"].append("no_such_extension")
    monkeypatch.setattr(checks, "load_contract", lambda: contract)
    assert ("extension", "no_such_extension", "missing") in reported()


def test_a_missing_app_role_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "APP_ROLE", "humanglue_no_such_role")
    assert ("role", "humanglue_no_such_role", "missing") in reported()


def test_a_changed_function_body_is_reported_and_restoring_it_clears_the_report() -> None:
    signature = "public.update_updated_at_column()"
    ((original,),) = fetch("SELECT pg_get_functiondef(%s::regprocedure)", [signature])
    changed = original.replace("RETURN NEW;", "RETURN NEW; -- edited outside a migration")
    assert changed != original
    fetch(changed)
    assert reported() == {("definition", f"function {signature}", "different")}
    fetch(original)
    assert reported() == set()


def test_changed_view_trigger_and_policy_definitions_are_reported() -> None:
    ((view,),) = fetch("SELECT pg_get_viewdef('public.lesson_progress'::regclass)")
    fetch(f"CREATE OR REPLACE VIEW lesson_progress WITH (security_invoker = true) AS {view.rstrip().rstrip(';')} "
          "LIMIT 1000")
    fetch("ALTER POLICY teams_select_member ON teams USING (false)")
    fetch("DROP TRIGGER update_teams_updated_at ON teams")
    fetch("CREATE TRIGGER update_teams_updated_at BEFORE INSERT ON teams "
          "FOR EACH ROW EXECUTE FUNCTION update_updated_at_column()")
    assert {("definition", "view public.lesson_progress", "different"),
            ("definition", "policy public.teams: teams_select_member", "different"),
            ("definition", "trigger public.teams: update_teams_updated_at", "different")} <= reported()


def test_no_recorded_definitions_is_reported() -> None:
    fetch(f"DROP TABLE {TABLE}")
    assert ("definition", TABLE, "missing") in reported()


def test_the_bookkeeping_table_is_the_owners_only() -> None:
    assert fetch(f"SELECT count(*) > 300 FROM {TABLE}") == [(True,)]
    for role in ("humanglue_app", "humanglue_web", "humanglue_system"):
        assert fetch("SELECT " + ", ".join(f"has_table_privilege(%s, %s, '{p}')" for p in checks.TABLE_PRIVILEGES),
                     [v for _ in checks.TABLE_PRIVILEGES for v in (role, TABLE)]) == [(False,) * 7], role
        assert fetch("SELECT has_any_column_privilege(%s, %s, 'SELECT')", [role, TABLE]) == [(False,)], role


@pytest.mark.django_db(transaction=True)
def test_migrate_an_app_to_zero_and_back_records_what_is_left() -> None:
    call_command("migrate", "notifications", "zero", verbosity=0)
    left = reported()
    assert ("table", "notifications", "missing") in left
    assert not {p for p in left if p[0] == "definition"}  # recorded: the dropped objects left the record
    call_command("migrate", verbosity=0)
    assert reported() == set()
