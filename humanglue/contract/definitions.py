"""Definition drift: a hash of every project-owned function, view, policy and trigger definition.

After each ``migrate`` (the ``post_migrate`` signal, see ``humanglue.apps``) the live hashes are recorded in
``humanglue_schema_definition``; ``verify`` compares the live hashes with the recorded ones, so a body
replaced by hand (``CREATE OR REPLACE FUNCTION`` outside a migration) is reported by name. Hashes are
recorded and compared on the same server, so deparse differences between PostgreSQL versions do not matter.
"""

from __future__ import annotations

from typing import Any

TABLE = "humanglue_schema_definition"
SCHEMAS = ("public", "app")

# (kind, name, sha256 of the definition) of every project-owned object; extension members are left out.
LIVE_DEFINITIONS = """
    SELECT kind, name, encode(sha256(convert_to(definition, 'UTF8')), 'hex') FROM (
        SELECT 'function' AS kind, n.nspname || '.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')'
                   AS name, pg_get_functiondef(p.oid) AS definition
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = ANY(%(schemas)s) AND p.prokind IN ('f', 'p')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                                                      AND d.deptype = 'e')
        UNION ALL
        SELECT 'view', n.nspname || '.' || c.relname,
               pg_get_viewdef(c.oid) || ' WITH ' || coalesce(c.reloptions::text, '{}')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('v', 'm')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                                      AND d.deptype = 'e')
        UNION ALL
        SELECT 'policy', schemaname || '.' || tablename || ': ' || policyname,
               concat_ws(E'\\n', permissive, roles::text, cmd, 'USING ' || coalesce(qual, '-'),
                         'WITH CHECK ' || coalesce(with_check, '-'))
        FROM pg_policies WHERE schemaname = ANY(%(schemas)s)
        UNION ALL
        SELECT 'trigger', n.nspname || '.' || c.relname || ': ' || t.tgname, pg_get_triggerdef(t.oid)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY(%(schemas)s) AND NOT t.tgisinternal
    ) definitions
"""


def _table_exists(cursor: Any) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"public.{TABLE}"])
    return cursor.fetchone()[0]


def record_definitions(connection: Any) -> bool:
    """Replace the recorded hashes with the live ones (objects a migration dropped disappear with it).
    False when the bookkeeping table does not exist (the humanglue app is not migrated)."""
    with connection.cursor() as cursor:
        if not _table_exists(cursor):
            return False
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(f"INSERT INTO {TABLE} (kind, name, definition_hash, recorded_at) "
                       f"SELECT *, now() FROM ({LIVE_DEFINITIONS}) live", {"schemas": list(SCHEMAS)})
    return True


def live_definitions(cursor: Any) -> dict[tuple[str, str], str]:
    cursor.execute(LIVE_DEFINITIONS, {"schemas": list(SCHEMAS)})
    return {(kind, name): digest for kind, name, digest in cursor.fetchall()}


def drift(cursor: Any) -> list[tuple[str, str, str]]:
    """(object, status, detail) per live or recorded object: ``ok``, or changed, added or dropped since the
    last migrate."""
    if not _table_exists(cursor):
        return [(TABLE, "missing", "no recorded definitions: run migrate")]
    cursor.execute(f"SELECT kind, name, definition_hash FROM {TABLE}")
    recorded = {(kind, name): digest for kind, name, digest in cursor.fetchall()}
    live = live_definitions(cursor)
    result = []
    for key in sorted(live.keys() | recorded.keys()):
        label = f"{key[0]} {key[1]}"
        if key not in recorded:
            result.append((label, "different", "added since the last migrate"))
        elif key not in live:
            result.append((label, "missing", "dropped since the last migrate"))
        elif live[key] != recorded[key]:
            result.append((label, "different", "definition changed since the last migrate"))
        else:
            result.append((label, "ok", ""))
    return result


def record_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """``post_migrate`` receiver: record what the migrations just installed."""
    from django.db import connections

    record_definitions(connections[using])
