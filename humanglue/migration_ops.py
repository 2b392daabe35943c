"""Migration operations shared by the apps.

Django 5.2 has no ``db_on_delete`` (it arrives in 6.0): every ForeignKey is declared with
``on_delete=models.DO_NOTHING`` so that the database alone performs the contract's ON DELETE action
(cascades then run as the table owner, the same for the ORM, raw SQL and triggers), and
``SetOnDelete`` re-creates the FK constraint with that action.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

ACTIONS = {"CASCADE", "SET NULL", "RESTRICT", "NO ACTION", "SET DEFAULT"}


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
        # Django creates FK constraints at the end of a migration (deferred SQL): run them now so
        # that the constraint exists when this operation shares a migration with CreateModel.
        for statement in schema_editor.deferred_sql:
            schema_editor.execute(statement)
        schema_editor.deferred_sql.clear()
        model = state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.field_name)
        table = model._meta.db_table
        target = field.target_field
        names = schema_editor._constraint_names(model, [field.column], foreign_key=True)
        if len(names) != 1:
            raise ValueError(f"expected one FK constraint on {table}.{field.column}, found {names}")
        qn = schema_editor.quote_name
        schema_editor.execute(
            f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(names[0])}, "
            f"ADD CONSTRAINT {qn(names[0])} FOREIGN KEY ({qn(field.column)}) "
            f"REFERENCES {qn(target.model._meta.db_table)} ({qn(target.column)}) "
            f"ON DELETE {action} DEFERRABLE INITIALLY DEFERRED"
        )

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._recreate(app_label, schema_editor, to_state, self.action)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._recreate(app_label, schema_editor, from_state, "NO ACTION")

    def describe(self) -> str:
        return f"Set ON DELETE {self.action} on {self.model_name}.{self.field_name}"
