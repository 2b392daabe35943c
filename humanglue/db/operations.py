"""Migration operations shared by the apps, and the loading of each app's ``sql/`` files.

The one module landed migrations import from this package: keep its names stable.

Django 5.2 has no ``db_on_delete`` (it arrives in 6.0): every ForeignKey is declared with
``on_delete=models.DO_NOTHING`` so that the database alone performs the contract's ON DELETE action
(cascades then run as the table owner, the same for the ORM, raw SQL and triggers), and
``SetOnDelete`` re-creates the FK constraint with that action.

``ValidateOrReport`` validates CHECK constraints that a migration added ``NOT VALID``, and reports the
stored rows that break them instead of failing (issue 9: new rules are forward-only safe).

``run_sql_file`` loads SQL kept in an app's ``sql/`` folder. A ``sql/`` file that a landed migration loads
is frozen like the migration itself: a change is a new file loaded by a new migration.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import migrations
from psycopg import sql

APP_ROLE = "humanglue_app"  # spec 00 §1
ACTIONS = {"CASCADE", "SET NULL", "RESTRICT", "NO ACTION", "SET DEFAULT"}
# humanglue/db/operations.py -> the project folder, which holds one folder per app.
PROJECT_DIR = Path(__file__).resolve().parents[2]


def read_sql(app_label: str, filename: str) -> str:
    return (PROJECT_DIR / app_label / "sql" / filename).read_text(encoding="utf-8")


def run_sql_file(app_label: str, forward: str, reverse: str | None = None) -> migrations.RunSQL:
    """A RunSQL that executes ``forward`` (and ``reverse`` when unapplied) as one statement batch each.

    Each file goes to the server in one piece (a list of one item), so dollar-quoted function bodies
    are never split by Django's statement splitter.
    """
    reverse_sql = [read_sql(app_label, reverse)] if reverse else migrations.RunSQL.noop
    return migrations.RunSQL([read_sql(app_label, forward)], reverse_sql)


def recreate_foreign_key(schema_editor: Any, table: str, column: str, action: str) -> None:
    """Drop and re-add the single-column FK constraint on ``table.column`` with ``ON DELETE action``."""
    # Django creates FK constraints at the end of a migration (deferred SQL): run them now so that
    # the constraint exists when the caller shares a migration with CreateModel.
    for statement in schema_editor.deferred_sql:
        schema_editor.execute(statement)
    schema_editor.deferred_sql.clear()
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT con.conname, con.confrelid::regclass::text, ref.attname
            FROM pg_constraint con
            JOIN pg_attribute col ON col.attrelid = con.conrelid AND col.attnum = con.conkey[1]
            JOIN pg_attribute ref ON ref.attrelid = con.confrelid AND ref.attnum = con.confkey[1]
            WHERE con.conrelid = %s::regclass AND con.contype = 'f'
              AND cardinality(con.conkey) = 1 AND col.attname = %s
            """,
            [table, column],
        )
        rows = cursor.fetchall()
    if len(rows) != 1:
        raise ValueError(f"expected one FK constraint on {table}.{column}, found {rows}")
    name, ref_table, ref_column = rows[0]
    qn = schema_editor.quote_name
    schema_editor.execute(
        f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}, "
        f"ADD CONSTRAINT {qn(name)} FOREIGN KEY ({qn(column)}) "
        f"REFERENCES {ref_table} ({qn(ref_column)}) "
        f"ON DELETE {action} DEFERRABLE INITIALLY DEFERRED"
    )


class SetOnDelete(migrations.operations.base.Operation):
    """Re-create the FK constraint of ``model_name.field_name`` with ``ON DELETE <action>``."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str, field_name: str, action: str) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown ON DELETE action {action!r}")
        self.model_name = model_name
        self.field_name = field_name
        self.action = action

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__name__, [self.model_name, self.field_name, self.action], {})

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def _recreate(self, app_label: str, schema_editor: Any, state: Any, action: str) -> None:
        # Read names from the model state; rendering state.apps for every one of these operations
        # would make `migrate` several times slower.
        model_state = state.models[app_label, self.model_name.lower()]
        field = model_state.fields[self.field_name]
        table = model_state.options.get("db_table") or f"{app_label}_{self.model_name.lower()}"
        recreate_foreign_key(schema_editor, table, field.db_column or f"{self.field_name}_id", action)

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._recreate(app_label, schema_editor, to_state, self.action)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._recreate(app_label, schema_editor, from_state, "NO ACTION")

    def describe(self) -> str:
        return f"Set ON DELETE {self.action} on {self.model_name}.{self.field_name}"


class SetTableOnDelete(migrations.operations.base.Operation):
    """``SetOnDelete`` for a table of another app (Django's own), named by table and column."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, table: str, column: str, action: str) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown ON DELETE action {action!r}")
        self.table, self.column, self.action = table, column, action

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__name__, [self.table, self.column, self.action], {})

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        recreate_foreign_key(schema_editor, self.table, self.column, self.action)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        recreate_foreign_key(schema_editor, self.table, self.column, "NO ACTION")

    def describe(self) -> str:
        return f"Set ON DELETE {self.action} on {self.table}.{self.column}"


@dataclass(frozen=True)
class Violation:
    table: str
    rule: str  # a CHECK constraint's name, or a trigger-enforced rule's reason
    rows: int
    by_trigger: bool = False

    def message(self) -> str:
        if self.by_trigger:
            return (f"value bounds: {self.table}: {self.rows} existing row(s) break the rule {self.rule}; kept as "
                    f"they are (a trigger checks new writes). Correct them.")
        return (f"value bounds: {self.table}: {self.rows} existing row(s) violate {self.rule}; the constraint stays "
                f"NOT VALID (new writes are checked). Correct the rows, then run "
                f"ALTER TABLE {self.table} VALIDATE CONSTRAINT {self.rule};")


def validate_or_report(
    connection: Any, tables: Sequence[str], trigger_rules: Sequence[tuple[str, str, str]] = (),
) -> list[Violation]:
    """VALIDATE every NOT VALID CHECK constraint of ``tables`` that the stored rows satisfy; count and
    print the rows that violate the others, which stay NOT VALID (checked for new writes only).

    ``trigger_rules`` are (table, reason, expression that a valid row satisfies) for rules a trigger
    enforces on new writes: their violations are only reported. Rows are never changed or deleted.
    One counting scan per table decides, so a table with many rules is not scanned once per rule to fail.
    """
    violations = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT conname, pg_get_expr(conbin, conrelid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'c' AND NOT convalidated ORDER BY conname",
                [f"public.{table}"],
            )
            checks = cursor.fetchall()
            rules = [*checks, *((reason, expr) for t, reason, expr in trigger_rules if t == table)]
            if not rules:
                continue
            # The expressions come from the catalog (or the migration itself), never from data.
            counts = sql.SQL(", ").join(
                sql.SQL("count(*) FILTER (WHERE NOT ({}))").format(sql.SQL(expr)) for _, expr in rules)
            cursor.execute(sql.SQL("SELECT {} FROM {}").format(counts, sql.Identifier("public", table)))
            for index, ((name, _expr), rows) in enumerate(zip(rules, cursor.fetchone(), strict=True)):
                by_trigger = index >= len(checks)
                if rows:
                    violations.append(Violation(table, name, rows, by_trigger))
                elif not by_trigger:
                    cursor.execute(sql.SQL("ALTER TABLE {} VALIDATE CONSTRAINT {}").format(
                        sql.Identifier("public", table), sql.Identifier(name)))
    if violations:  # on lines of their own, after migrate's "Applying ..."
        print("\n" + "\n".join(f"  {v.message()}" for v in violations), file=sys.stdout)
    return violations


class ValidateOrReport(migrations.operations.base.Operation):
    """Forward-only safety for new CHECK constraints: the migration's SQL adds them ``NOT VALID`` (so every
    new write is checked at once), then this operation validates each one the stored rows satisfy and
    reports (table, rule, number of rows) for the others instead of failing or touching the rows."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, tables: list[str], trigger_rules: list[tuple[str, str, str]] | None = None) -> None:
        self.tables = list(tables)
        self.trigger_rules = [tuple(rule) for rule in trigger_rules or []]

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs = {"trigger_rules": self.trigger_rules} if self.trigger_rules else {}
        return (self.__class__.__name__, [self.tables], kwargs)

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.collect_sql:
            return  # sqlmigrate: which constraints validate depends on the data
        validate_or_report(schema_editor.connection, self.tables, self.trigger_rules)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        pass  # the reverse SQL drops the constraints, validated or not

    def describe(self) -> str:
        return f"Validate the new CHECK constraints of {', '.join(self.tables)}, or report the rows that break them"


class RestrictColumnSelect(migrations.operations.base.Operation):
    """Take the app role's SELECT on ``columns`` of ``table`` away, keep it on every other column.

    Secret columns (password hashes, payout details, paid content) stay writable under the policies but
    can never be read by request traffic, whatever a policy lets it see (column privileges, DESIGN.md §3).
    A column added later is not readable by the app role until a migration grants it: fail closed.
    The system context (``humanglue_system``) keeps its own table-level SELECT where it needs one.
    """

    reversible = True

    def __init__(self, table: str, columns: list[str]) -> None:
        self.table = table
        self.columns = list(columns)

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return self.__class__.__name__, [self.table, self.columns], {}

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def _readable_columns(self, schema_editor: Any) -> list[str]:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                "AND NOT attisdropped ORDER BY attnum", [f"public.{self.table}"])
            return [name for (name,) in cursor.fetchall() if name not in self.columns]

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        quote = schema_editor.quote_name
        readable = ", ".join(quote(c) for c in self._readable_columns(schema_editor))
        schema_editor.execute(f"REVOKE SELECT ON public.{quote(self.table)} FROM {APP_ROLE}")
        schema_editor.execute(f"GRANT SELECT ({readable}) ON public.{quote(self.table)} TO {APP_ROLE}")

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        quote = schema_editor.quote_name
        readable = ", ".join(quote(c) for c in self._readable_columns(schema_editor))
        schema_editor.execute(f"REVOKE SELECT ({readable}) ON public.{quote(self.table)} FROM {APP_ROLE}")
        schema_editor.execute(f"GRANT SELECT ON public.{quote(self.table)} TO {APP_ROLE}")

    def describe(self) -> str:
        return f"Restrict the app role's SELECT on {self.table} to all columns but {', '.join(self.columns)}"
