"""Compare the live database with the contract (``contract.json``): what ``manage.py verify`` prints.

Every check reads pg_catalog. A check is ``ok``, ``missing`` (the contract has it, the database does
not) or ``different`` (present, but not as the contract says, or present where the contract has nothing).
This is the project's only catalog check: tests assert that it reports no problem instead of
querying the catalog themselves.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from humanglue.security.context import APP_ROLE

from . import load_contract, normalize_type, secret_columns
from .definitions import drift

# The seed report's required minimums (spec/schema.md "Totals"), printed beside the live counts.
SEED_MINIMUMS = {"tables": 27, "enums": 16, "functions": 11, "views": 3, "triggers": 10, "indexes": 50,
                 "policies": 40}
SELECT_ONLY_TABLES = {"student_activity", "revenue_transactions"}
COLUMN_UPDATE_TABLES = {
    "notifications": {"read_at"},
    "student_presence": {"status", "last_seen_at", "metadata", "connection_count"},
}
API_FUNCTIONS = {
    "has_role", "get_user_roles", "get_instructor_dashboard_stats", "get_instructor_student_progress",
    "get_instructor_recent_activity", "get_instructor_revenue_breakdown", "get_student_quiz_stats",
    "get_student_assignment_stats", "get_student_watch_time", "get_available_workshops",
    "get_user_workshop_history", "workshop_current_price", "get_user_latest_assessment", "get_assessment_progress",
    "get_org_adaptability_trend", "calculate_dimension_score", "search_talent", "get_client_engagement_summary",
    "get_user_payment_history", "get_user_certificates", "workshop_admission_state", "talent_search_document",
    "verify_certificate",  # contract version 2: anonymous certificate checks by number
}
# Conventions §3: a SECURITY DEFINER function pins exactly this search_path; an invoker one never does.
PINNED_SEARCH_PATH = "search_path=pg_catalog, public, pg_temp"
# Conventions §11: argument-free helpers are called as (SELECT app.f()) in policies, so they run once.
UNWRAPPED_HELPER = re.compile(r"(?<!SELECT )app\.(current_user_id|is_platform_admin|is_instructor)\(\)")
TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
COLUMN_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "REFERENCES")
VOLATILITY_NAMES = {"i": "immutable", "s": "stable", "v": "volatile"}


@dataclass(frozen=True)
class Check:
    kind: str
    name: str
    status: str  # ok | missing | different
    detail: str = ""


def _fetch(cursor: Any, sql: str, params: list | None = None) -> list[tuple]:
    cursor.execute(sql, params or [])
    return cursor.fetchall()


def _ok(kind: str, name: str, problem: str | None, missing: bool = False) -> Check:
    if problem is None:
        return Check(kind, name, "ok")
    return Check(kind, name, "missing" if missing else "different", problem)


def problems(connection: Any, app: str | None = None) -> list[Check]:
    """The checks that failed (all of them, or only the table checks of one app's tables)."""
    checks, _ = run_checks(connection, app=app)
    return [c for c in checks if c.status != "ok"]


def run_checks(connection: Any, app: str | None = None) -> tuple[list[Check], dict[str, int]]:
    """All checks, and the live totals of each object kind. With ``app``, only the checks of that app's
    contract tables (columns, RLS, policies, triggers, indexes, uniques, realtime triggers, grants)."""
    contract = load_contract()
    all_tables = contract["tables"]
    tables = {t: s for t, s in all_tables.items() if app is None or s["app"] == app}
    everything = app is None
    checks: list[Check] = []
    with connection.cursor() as cursor:
        live_ext = {r[0] for r in _fetch(cursor, "SELECT extname FROM pg_extension")}
        live_enums = dict(_fetch(cursor, """
            SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)
            FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE n.nspname = 'public' GROUP BY t.typname"""))
        if everything:
            for ext in contract["extensions"]:
                checks.append(_ok("extension", ext, None if ext in live_ext else "not installed", missing=True))
            for name, values in contract["enums"].items():
                got = live_enums.get(name)
                problem = None if got == values else ("type missing" if got is None else f"values {got}")
                checks.append(_ok("enum", name, problem, missing=got is None))

        live = _live_tables(cursor)
        role_exists = bool(_fetch(cursor, "SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]))
        checks += _table_checks(cursor, tables, live, role_exists)
        for table in contract["realtime"]["tables"]:
            if table in tables:
                name = f"realtime_notify_{table}"
                checks.append(_ok("realtime", f"{table}: {name}", None if name in live["triggers"].get(table, set())
                                  else "trigger missing", missing=True))

        live_views = {r[0]: r[1] for r in _fetch(cursor, """
            SELECT c.relname, coalesce(c.reloptions::text[] @> ARRAY['security_invoker=true'], false)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'v'""")}
        if everything:
            checks += _view_checks(cursor, contract["views"], live_views, live["columns"], role_exists)
            checks += _function_checks(cursor, contract["functions"], role_exists)
            checks += _role_checks(cursor, role_exists)
            checks += [Check("definition", name, status, detail) for name, status, detail in drift(cursor)]

    live_totals = {
        "tables": sum(1 for t in tables if t in live["tables"]),
        "enums": sum(1 for e in contract["enums"] if e in live_enums),
        "functions": sum(1 for c in checks if c.kind == "function" and c.status != "missing"),
        "views": sum(1 for v in contract["views"] if v in live_views),
        "triggers": sum(len(live["triggers"].get(t, set())) for t in tables),
        "indexes": sum(live["indexes"].get(t, 0) for t in tables),
        "policies": sum(len(live["policies"].get(t, {})) for t in tables),
    }
    return checks, live_totals


def _live_tables(cursor: Any) -> dict[str, dict]:
    """Tables, columns (views too, in attnum order), policies, triggers and indexes of schema public."""
    live: dict[str, dict] = {"columns": {}, "policies": {}, "triggers": {}, "uniques": {}}
    live["tables"] = {r[0]: (r[1], r[2]) for r in _fetch(cursor, """
        SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'""")}
    for table, column, typ, nullable, generated in _fetch(cursor, """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, a.attgenerated = 's'
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v') AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY c.relname, a.attnum"""):
        live["columns"].setdefault(table, {})[column] = (normalize_type(typ), nullable, generated)
    for table, name, cmd, permissive, roles, expression in _fetch(cursor, """
            SELECT tablename, policyname, cmd, permissive, roles::text[],
                   coalesce(qual, '') || ' ' || coalesce(with_check, '')
            FROM pg_policies WHERE schemaname = 'public'"""):
        live["policies"].setdefault(table, {})[(name, cmd)] = (permissive, roles, expression)
    for table, name in _fetch(cursor, """
            SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT t.tgisinternal"""):
        live["triggers"].setdefault(table, set()).add(name)
    live["indexes"] = dict(_fetch(cursor, """
        SELECT c.relname, count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT i.indisprimary
        GROUP BY c.relname"""))
    # A unique set is a unique index whose key is exactly those columns or expressions, in order.
    for table, keys in _fetch(cursor, """
            SELECT c.relname, array(SELECT pg_get_indexdef(i.indexrelid, k, true)
                                    FROM generate_series(1, i.indnkeyatts) k)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND i.indisunique AND NOT i.indisprimary"""):
        live["uniques"].setdefault(table, []).append([key.replace('"', "") for key in keys])
    return live


def _table_checks(cursor: Any, tables: dict[str, dict], live: dict[str, dict], role_exists: bool) -> list[Check]:
    checks = []
    for table, spec in tables.items():
        if table not in live["tables"]:
            checks.append(Check("table", table, "missing", "table does not exist"))
            continue
        checks.append(Check("table", table, "ok"))
        have = live["columns"].get(table, {})
        for column, col in spec["columns"].items():
            want = (normalize_type(col["type"]), col["nullable"], col["generated"])
            got = have.get(column)
            problem = None if got == want else ("column missing" if got is None else f"is {got}, contract {want}")
            checks.append(_ok("column", f"{table}.{column}", problem, missing=got is None))
        for column in have.keys() - spec["columns"].keys():
            checks.append(_ok("column", f"{table}.{column}", "column not in the contract"))
        enabled, forced = live["tables"][table]
        checks.append(_ok("rls", table, None if enabled and not forced else
                          f"row security enabled={enabled} forced={forced}"))
        policies = live["policies"].get(table, {})
        for policy in spec["policies"]:
            got = policies.get((policy["name"], policy["command"]))
            checks.append(_ok("policy", f"{table}: {policy['name']}", _policy_problem(got), missing=got is None))
        wanted = {(p["name"], p["command"]) for p in spec["policies"]}
        for name, cmd in policies.keys() - wanted:
            checks.append(_ok("policy", f"{table}: {name}", f"{cmd} policy not in the contract"))
        for trigger in spec["triggers"]:
            checks.append(_ok("trigger", f"{table}: {trigger}", None if trigger in live["triggers"].get(table, set())
                              else "trigger missing", missing=True))
        count = live["indexes"].get(table, 0)
        checks.append(_ok("indexes", table, None if count == spec["index_count"] else
                          f"{count} non-primary indexes, contract {spec['index_count']}"))
        for unique in spec["unique"]:
            checks.append(_ok("unique", f"{table} ({', '.join(unique)})",
                              None if unique in live["uniques"].get(table, []) else "no unique index on these keys",
                              missing=True))
        if role_exists:
            checks.append(_table_grant_check(cursor, table))
    return checks


def _policy_problem(got: tuple | None) -> str | None:
    if got is None:
        return "policy missing"
    permissive, roles, expression = got
    if (permissive, roles) != ("PERMISSIVE", ["public"]):
        return f"{permissive} TO {', '.join(roles)}, contract PERMISSIVE TO public"
    if UNWRAPPED_HELPER.search(expression):
        return "an argument-free app helper is called without (SELECT ...)"
    return None


def _view_checks(cursor: Any, views: dict[str, dict], live_views: dict[str, bool],
                 columns: dict[str, dict], role_exists: bool) -> list[Check]:
    checks = []
    for view, spec in views.items():
        if view not in live_views:
            checks.append(Check("view", view, "missing", "view does not exist"))
            continue
        got_cols = list(columns.get(view, {}))
        problem = None
        if got_cols != spec["columns"]:
            problem = f"columns {got_cols}"
        elif spec.get("security_invoker") and not live_views[view]:
            problem = "not security_invoker"
        checks.append(_ok("view", view, problem))
        if role_exists:
            got = _privileges(cursor, "has_table_privilege", view, TABLE_PRIVILEGES)
            checks.append(_ok("grant", f"SELECT on {view}", None if got == {"SELECT"} else
                              f"has {sorted(got)}, contract ['SELECT']"))
    return checks


def _function_checks(cursor: Any, functions: list[dict], role_exists: bool) -> list[Check]:
    live: dict[tuple[str, str, str], tuple] = {}
    overloads: Counter = Counter()
    for schema, name, args, result, definer, volatility, config, owned, grantees, app_can in _fetch(cursor, """
            SELECT n.nspname, p.proname, oidvectortypes(p.proargtypes), pg_get_function_result(p.oid),
                   p.prosecdef, p.provolatile, coalesce(p.proconfig, '{}'), pg_get_userbyid(p.proowner) = current_user,
                   array(SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END
                         FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                         WHERE a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner ORDER BY 1),
                   CASE WHEN %s THEN has_function_privilege(%s, p.oid, 'EXECUTE') END
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname IN ('public', 'app') AND p.prokind = 'f'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')""",
                                                                                          [role_exists, APP_ROLE]):
        live[(schema, name, args)] = (result, definer, volatility, config, owned, grantees, app_can)
        overloads[(schema, name)] += 1
    checks = []
    for fn in functions:
        key = (fn["schema"], fn["name"], ", ".join(fn["args"]))
        label = f"{fn['schema']}.{fn['name']}({', '.join(fn['args'])})"
        got = live.get(key)
        if got is None:
            checks.append(Check("function", label, "missing", "function does not exist"))
            continue
        result, definer, volatility, config, owned, grantees, app_can = got
        found = []
        if result != fn["returns"]:
            found.append(f"returns {result}")
        if ("definer" if definer else "invoker") != fn["security"]:
            found.append(f"security {'definer' if definer else 'invoker'}")
        if VOLATILITY_NAMES[volatility] != fn["volatility"]:
            found.append(f"volatility {VOLATILITY_NAMES[volatility]}")
        if definer and config != [PINNED_SEARCH_PATH]:
            found.append(f"SECURITY DEFINER with settings {config}, contract [{PINNED_SEARCH_PATH!r}]")
        if not definer and PINNED_SEARCH_PATH in config:
            found.append("SECURITY INVOKER with the definer's pinned search_path")
        if not owned:
            found.append("not owned by the migrating role")
        if overloads[key[:2]] > 1:
            found.append(f"{overloads[key[:2]]} functions of this name (overloaded)")
        should = fn["schema"] == "app" or fn["name"] in API_FUNCTIONS
        if "PUBLIC" in grantees:
            found.append("EXECUTE granted to PUBLIC")
        if role_exists:
            if app_can != should:
                found.append(f"EXECUTE for {APP_ROLE} is {app_can}, contract {should}")
            elif grantees != ([APP_ROLE] if should else []):
                found.append(f"EXECUTE granted to {grantees}, contract {[APP_ROLE] if should else []}")
        checks.append(_ok("function", label, "; ".join(found) or None))
    return checks


def _role_checks(cursor: Any, role_exists: bool) -> list[Check]:
    role = _fetch(cursor, "SELECT rolcanlogin, rolbypassrls, rolsuper FROM pg_roles WHERE rolname = %s", [APP_ROLE])
    checks = [_ok("role", APP_ROLE, None if role == [(False, False, False)] else
                  ("role missing" if not role else f"login/bypassrls/superuser = {role[0]}"), missing=not role)]
    if role_exists:
        (usage,) = _fetch(cursor, "SELECT has_schema_privilege(%s, 'app', 'USAGE')", [APP_ROLE])[0]
        checks.append(_ok("grant", "USAGE on schema app", None if usage else "not granted"))
    return checks


def _privileges(cursor: Any, function: str, table: str, privileges: tuple[str, ...]) -> set[str]:
    """The privileges ``function`` (has_table_privilege or has_any_column_privilege) grants the app role."""
    row = _fetch(cursor, "SELECT " + ", ".join(f"{function}(%s, %s, %s)" for _ in privileges),
                 [v for p in privileges for v in (APP_ROLE, f"public.{table}", p)])[0]
    return {p for p, can in zip(privileges, row, strict=True) if can}


def _table_grant_check(cursor: Any, table: str) -> Check:
    got = _privileges(cursor, "has_table_privilege", table, TABLE_PRIVILEGES)
    secret = secret_columns().get(table)
    if secret:
        # SELECT on every column but the secret ones (column privileges), never on the secret ones.
        readable = {r[0] for r in _fetch(cursor, """
            SELECT a.attname FROM pg_attribute a WHERE a.attrelid = %s::regclass AND a.attnum > 0
              AND NOT a.attisdropped AND has_column_privilege(%s, a.attrelid, a.attnum, 'SELECT')""",
            [f"public.{table}", APP_ROLE])}
        if readable & secret:
            return _ok("grant", f"table {table}", f"secret columns readable: {sorted(readable & secret)}")
        if "SELECT" not in got and readable:
            got.add("SELECT")
    if table in SELECT_ONLY_TABLES:
        want = {"SELECT"}
    elif table in COLUMN_UPDATE_TABLES:
        want = {"SELECT", "INSERT", "DELETE"}
    else:
        want = {"SELECT", "INSERT", "UPDATE", "DELETE"}
    problem = None if got == want else f"has {sorted(got)}, contract {sorted(want)}"
    # No column-level grant widens the table's privileges (only the contract's updatable columns).
    on_columns = _privileges(cursor, "has_any_column_privilege", table, COLUMN_PRIVILEGES)
    want_on_columns = (want | ({"UPDATE"} if table in COLUMN_UPDATE_TABLES else set())) & set(COLUMN_PRIVILEGES)
    if problem is None and on_columns != want_on_columns:
        problem = f"column privileges {sorted(on_columns)}, contract {sorted(want_on_columns)}"
    if problem is None and table in COLUMN_UPDATE_TABLES:
        updatable = {r[0] for r in _fetch(cursor, """
            SELECT a.attname FROM pg_attribute a WHERE a.attrelid = %s::regclass AND a.attnum > 0
              AND NOT a.attisdropped AND has_column_privilege(%s, a.attrelid, a.attnum, 'UPDATE')""",
            [f"public.{table}", APP_ROLE])}
        if updatable != COLUMN_UPDATE_TABLES[table]:
            problem = f"UPDATE on columns {sorted(updatable)}, contract {sorted(COLUMN_UPDATE_TABLES[table])}"
    return _ok("grant", f"table {table}", problem)


def summarize(checks: list[Check]) -> dict[str, Counter]:
    summary: dict[str, Counter] = {}
    for check in checks:
        summary.setdefault(check.kind, Counter())[check.status] += 1
    return summary


def as_json(checks: list[Check], totals: dict[str, int]) -> dict[str, Any]:
    contract_totals = load_contract()["totals"]
    return {
        "ok": all(c.status == "ok" for c in checks),
        "totals": {k: {"live": totals[k], "contract": contract_totals[k], "seed_minimum": SEED_MINIMUMS[k]}
                   for k in contract_totals},
        "summary": {kind: dict(counter) for kind, counter in summarize(checks).items()},
        "problems": [asdict(c) for c in checks if c.status != "ok"],
    }
