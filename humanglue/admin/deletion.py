"""What deleting rows does, asked of the database: its foreign keys cascade, detach or refuse.

Every model declares its foreign keys ``on_delete=DO_NOTHING`` (the database acts), so Django's own
collector sees nothing but the row itself. Here the foreign keys that reference a table are read from
``pg_constraint`` with their ``ON DELETE`` action, recursively through cascades, and the affected rows
are counted as the caller sees them, and again in the system context to say when rows the caller
cannot see are affected too (the database acts on those as well).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection, models
from psycopg import sql

from humanglue.security.context import system_context

MAX_DEPTH = 4
ACTIONS = {"c": "delete", "n": "detach", "d": "detach", "a": "refuse", "r": "refuse"}


@dataclass(frozen=True)
class Effect:
    table: str
    columns: tuple[str, ...]  # the referencing columns through which the rows are reached
    action: str  # "delete", "detach" or "refuse"
    visible: int  # rows the caller sees
    total: int  # rows the database will act on
    depth: int  # 1: rows pointing at the deleted rows; 2: rows pointing at those...

    @property
    def noun(self) -> str:
        model = model_for_table(self.table)
        if model is None:
            return self.table.replace("_", " ")
        meta = model._meta
        return str(meta.verbose_name if self.total == 1 else meta.verbose_name_plural)

    def sentence(self) -> str:
        hidden = self.total - self.visible
        if not hidden:
            counted = f"{self.total} {self.noun}"
        elif not self.visible:
            counted = f"{self.total} {self.noun} that you cannot see"
        else:
            counted = f"{self.total} {self.noun} ({hidden} of them hidden from you)"
        via = ", ".join(column.removesuffix("_id").replace("_", " ") for column in self.columns)
        if self.action == "delete":
            return f"{counted} will be deleted{' with them' if self.depth > 1 else ''}."
        if self.action == "detach":
            return f"{counted} will be detached (their {via} is cleared)."
        verb = "refers" if self.total == 1 else "refer"
        return f"{counted} still {verb} to it ({via}): the database refuses the deletion."


def model_for_table(table: str) -> type[models.Model] | None:
    for model in apps.get_models():
        if model._meta.db_table == table:
            return model
    return None


def _references(table: str) -> list[tuple[str, str, str, str]]:
    """(referencing table, its column, the referenced column, action) for every one-column foreign key."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, a.attname, r.attname, c.confdeltype
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            JOIN pg_attribute r ON r.attrelid = c.confrelid AND r.attnum = c.confkey[1]
            WHERE c.contype = 'f' AND c.confrelid = %s::regclass AND cardinality(c.conkey) = 1
            ORDER BY 1, 2
            """,
            [f"public.{table}"],
        )
        return [(t.removeprefix("public."), col, ref, action) for t, col, ref, action in cursor.fetchall()]


def _count(table: str, condition: sql.Composable, params: list[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT count(*) FROM public.{} WHERE {}").format(sql.Identifier(table), condition),
                       params)
        return cursor.fetchone()[0]


def _walk(table: str, condition: sql.Composable, depth: int, path: tuple[str, ...],
          reached: dict[tuple[str, str], list[tuple[int, str, sql.Composable]]], params: list[Any]) -> None:
    """Collect, per (table, action), the conditions that select the rows reached from ``table``'s rows
    selected by ``condition``. Conditions name only key columns (the app role may not read every column,
    e.g. a lesson's paid content)."""
    if depth > MAX_DEPTH:
        return
    for child, column, referenced, code in _references(table):
        action = ACTIONS.get(code, "refuse")
        child_condition = sql.SQL("{column} IN (SELECT {referenced} FROM public.{table} WHERE {condition})").format(
            column=sql.Identifier(column), referenced=sql.Identifier(referenced), table=sql.Identifier(table),
            condition=condition)
        with system_context():
            if not _count(child, child_condition, params):
                continue
        reached.setdefault((child, action), []).append((depth, column, child_condition))
        if action == "delete" and child not in path:
            _walk(child, child_condition, depth + 1, (*path, child), reached, params)


def delete_effects(model: type[models.Model], pks: list[Any]) -> list[Effect]:
    """What the database does to other rows when the rows ``pks`` of ``model`` are deleted: each table's
    rows counted once however many paths reach them, as the caller sees them and in all."""
    table = model._meta.db_table
    condition = sql.SQL("{} = ANY(%s)").format(sql.Identifier(model._meta.pk.column))
    reached: dict[tuple[str, str], list[tuple[int, str, sql.Composable]]] = {}
    params = [[model._meta.pk.to_python(pk) for pk in pks]]
    _walk(table, condition, 1, (table,), reached, params)
    effects = []
    for (child, action), paths in reached.items():
        any_path = sql.SQL(" OR ").join(sql.SQL("({})").format(c) for _depth, _column, c in paths)
        # Each path's condition carries the one placeholder: one parameter per path.
        path_params = params * len(paths)
        deleted = reached.get((child, "delete")) if action != "delete" else None
        if deleted:  # rows deleted anyway are not also detached or in the way
            gone = sql.SQL(" OR ").join(sql.SQL("({})").format(c) for _depth, _column, c in deleted)
            any_path = sql.SQL("({}) AND NOT ({})").format(any_path, gone)
            path_params += params * len(deleted)
        visible = _count(child, any_path, path_params)
        with system_context():
            total = _count(child, any_path, path_params)
        if not total:
            continue
        columns = tuple(dict.fromkeys(column for _depth, column, _c in paths))
        effects.append(Effect(child, columns, action, visible, total, min(d for d, _col, _c in paths)))
    return sorted(effects, key=lambda e: (e.depth, e.action != "delete", e.table))
