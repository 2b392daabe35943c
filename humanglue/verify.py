"""Compare the live database with the contract (``contract.json``): what ``manage.py verify`` prints.

Every check reads pg_catalog. A check is ``ok``, ``missing`` (the contract has it, the database does
not) or ``different`` (present, but not as the contract says).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from humanglue.security.context import APP_ROLE

from .contract import load_contract, normalize_type, secret_columns

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


def run_checks(connection: Any) -> tuple[list[Check], dict[str, int]]:
    """All checks, and the live totals of each object kind."""
    contract = load_contract()
    tables = contract["tables"]
    checks: list[Check] = []
    with connection.cursor() as cursor:
        # Extensions
        live_ext = {r[0] for r in _fetch(cursor, "SELECT extname FROM pg_extension")}
        for ext in contract["extensions"]:
            checks.append(_ok("extension", ext, None if ext in live_ext else "not installed", missing=True))

        # Enums
        live_enums = dict(_fetch(cursor, """
            SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)
            FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE n.nspname = 'public' GROUP BY t.typname"""))
        for name, values in contract["enums"].items():
            got = live_enums.get(name)
            problem = None if got == values else ("type missing" if got is None else f"values {got}")
            checks.append(_ok("enum", name, problem, missing=got is None))

        # Tables, columns, RLS, policies, triggers, indexes
        live_tables = {r[0]: (r[1], r[2]) for r in _fetch(cursor, """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'""")}
        columns: dict[str, dict[str, tuple]] = {}
        for table, column, typ, nullable, generated in _fetch(cursor, """
                SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
                       a.attgenerated = 's'
                FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v') AND a.attnum > 0 AND NOT a.attisdropped"""):
            columns.setdefault(table, {})[column] = (normalize_type(typ), nullable, generated)
        policies: dict[str, set[tuple[str, str]]] = {}
        for table, name, cmd in _fetch(cursor, "SELECT tablename, policyname, cmd FROM pg_policies "
                                               "WHERE schemaname = 'public'"):
            policies.setdefault(table, set()).add((name, cmd))
        triggers: dict[str, set[str]] = {}
        for table, name in _fetch(cursor, """
                SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT t.tgisinternal"""):
            triggers.setdefault(table, set()).add(name)
        indexes = dict(_fetch(cursor, """
            SELECT c.relname, count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT i.indisprimary
            GROUP BY c.relname"""))

        for table, spec in tables.items():
            if table not in live_tables:
                checks.append(Check("table", table, "missing", "table does not exist"))
                continue
            checks.append(Check("table", table, "ok"))
            have = columns.get(table, {})
            for column, col in spec["columns"].items():
                want = (normalize_type(col["type"]), col["nullable"], col["generated"])
                got = have.get(column)
                problem = None if got == want else ("column missing" if got is None else
                                                    f"is {got}, contract {want}")
                checks.append(_ok("column", f"{table}.{column}", problem, missing=got is None))
            enabled, forced = live_tables[table]
            checks.append(_ok("rls", table, None if enabled and not forced else
                              f"row security enabled={enabled} forced={forced}"))
            for policy in spec["policies"]:
                key = (policy["name"], policy["command"])
                checks.append(_ok("policy", f"{table}: {policy['name']}",
                                  None if key in policies.get(table, set()) else "policy missing", missing=True))
            for trigger in spec["triggers"]:
                checks.append(_ok("trigger", f"{table}: {trigger}",
                                  None if trigger in triggers.get(table, set()) else "trigger missing", missing=True))
            count = indexes.get(table, 0)
            checks.append(_ok("indexes", table, None if count >= spec["index_count"] else
                              f"{count} non-primary indexes, contract {spec['index_count']}"))

        # Realtime triggers
        for table in contract["realtime"]["tables"]:
            name = f"realtime_notify_{table}"
            checks.append(_ok("realtime", f"{table}: {name}",
                              None if name in triggers.get(table, set()) else "trigger missing", missing=True))

        # Views
        live_views = {r[0]: r[1] for r in _fetch(cursor, """
            SELECT c.relname, coalesce(c.reloptions::text[] @> ARRAY['security_invoker=true'], false)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'v'""")}
        for view, spec in contract["views"].items():
            if view not in live_views:
                checks.append(Check("view", view, "missing", "view does not exist"))
                continue
            got_cols = list(columns.get(view, {}))
            problem = None
            if sorted(got_cols) != sorted(spec["columns"]):
                problem = f"columns {got_cols}"
            elif spec.get("security_invoker") and not live_views[view]:
                problem = "not security_invoker"
            checks.append(_ok("view", view, problem))

        # Functions
        live_functions: dict[tuple[str, str, str], tuple] = {}
        for schema, name, args, result, definer, volatility, oid in _fetch(cursor, """
                SELECT n.nspname, p.proname, oidvectortypes(p.proargtypes), pg_get_function_result(p.oid),
                       p.prosecdef, p.provolatile, p.oid
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname IN ('public', 'app') AND p.prokind = 'f'
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"""):
            live_functions[(schema, name, args)] = (result, definer, volatility, oid)
        volatility_names = {"i": "immutable", "s": "stable", "v": "volatile"}
        role_exists = bool(_fetch(cursor, "SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]))
        for fn in contract["functions"]:
            key = (fn["schema"], fn["name"], ", ".join(fn["args"]))
            label = f"{fn['schema']}.{fn['name']}({', '.join(fn['args'])})"
            got = live_functions.get(key)
            if got is None:
                checks.append(Check("function", label, "missing", "function does not exist"))
                continue
            result, definer, volatility, oid = got
            problems = []
            if result != fn["returns"]:
                problems.append(f"returns {result}")
            if ("definer" if definer else "invoker") != fn["security"]:
                problems.append(f"security {'definer' if definer else 'invoker'}")
            if volatility_names[volatility] != fn["volatility"]:
                problems.append(f"volatility {volatility_names[volatility]}")
            if role_exists:
                should = fn["schema"] == "app" or fn["name"] in API_FUNCTIONS
                (can,) = _fetch(cursor, "SELECT has_function_privilege(%s, %s::oid, 'EXECUTE')", [APP_ROLE, oid])[0]
                if can != should:
                    problems.append(f"EXECUTE for {APP_ROLE} is {can}, contract {should}")
                (public,) = _fetch(cursor, "SELECT coalesce((SELECT bool_or(a.grantee = 0) FROM "
                                           "aclexplode(p.proacl) a), p.proacl IS NULL) FROM pg_proc p "
                                           "WHERE p.oid = %s", [oid])[0]
                if public:
                    problems.append("EXECUTE granted to PUBLIC")
            checks.append(_ok("function", label, "; ".join(problems) or None))

        # The role and its grants
        role = _fetch(cursor, "SELECT rolcanlogin, rolbypassrls, rolsuper FROM pg_roles WHERE rolname = %s",
                      [APP_ROLE])
        checks.append(_ok("role", APP_ROLE, None if role == [(False, False, False)] else
                          ("role missing" if not role else f"login/bypassrls/superuser = {role[0]}"),
                          missing=not role))
        if role:
            (usage,) = _fetch(cursor, "SELECT has_schema_privilege(%s, 'app', 'USAGE')", [APP_ROLE])[0]
            checks.append(_ok("grant", "USAGE on schema app", None if usage else "not granted"))
            for table in tables:
                if table not in live_tables:
                    continue
                checks.append(_table_grant_check(cursor, table))
            for view in contract["views"]:
                if view in live_views:
                    (can,) = _fetch(cursor, "SELECT has_table_privilege(%s, %s, 'SELECT')",
                                    [APP_ROLE, f"public.{view}"])[0]
                    checks.append(_ok("grant", f"SELECT on {view}", None if can else "not granted"))

    live_totals = {
        "tables": sum(1 for t in tables if t in live_tables),
        "enums": sum(1 for e in contract["enums"] if e in live_enums),
        "functions": sum(1 for c in checks if c.kind == "function" and c.status != "missing"),
        "views": sum(1 for v in contract["views"] if v in live_views),
        "triggers": sum(len(triggers.get(t, set())) for t in tables),
        "indexes": sum(indexes.get(t, 0) for t in tables),
        "policies": sum(len(policies.get(t, set())) for t in tables),
    }
    return checks, live_totals


def _table_grant_check(cursor: Any, table: str) -> Check:
    privileges = ("SELECT", "INSERT", "UPDATE", "DELETE")
    got = {p for p in privileges
           if _fetch(cursor, "SELECT has_table_privilege(%s, %s, %s)", [APP_ROLE, f"public.{table}", p])[0][0]}
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
        want = set(privileges)
    problem = None if got == want else f"has {sorted(got)}, contract {sorted(want)}"
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
