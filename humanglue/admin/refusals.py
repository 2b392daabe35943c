"""Database refusals in words a staff member understands, and the form field they concern.

``humanglue.db.errors.classify`` gives the SQLSTATE, the reason (a trigger's CONSTRAINT field or the
constraint's name) and PostgreSQL's message. This module turns that into a sentence: a small table of
known reasons, sentences per SQLSTATE for constraints (a foreign key still pointing at a deleted row
names the rows: "Leo Park teaches 1 workshop: reassign it first"), and a fallback that still names the
reason. It runs after the refused statement's savepoint was rolled back, so it may query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, models
from django.utils.text import capfirst
from psycopg import sql

from humanglue.db.errors import DatabaseRefusal, _psycopg_error, classify

from .people import people_resolver

# A foreign key refused the change: NO ACTION (23503) or RESTRICT (23001).
FOREIGN_KEY_REFUSALS = ("23503", "23001")

# Reasons raised by the contract's guards (``RAISE ... USING CONSTRAINT = '<reason>'``).
KNOWN_REASONS: dict[str, str] = {
    "immutable_column": "{column} cannot be changed once the record exists.",
    "restricted_column": "You may not change {column} here: {detail}.",
    "privileged_column": "Only a platform admin may change this: {detail}.",
    "privileged_account": "Only a platform admin may edit this account.",
    "credential_column": "Only the user or a platform admin may change a password or an e-mail address.",
    "invalid_payment_transition": "This status change is not allowed: {detail}. A payment only moves forward "
                                  "(a completed payment can only be refunded).",
    "refund_requires_completed_payment": "Only a completed payment can be refunded.",
    "refund_amount_decreased": "A refund cannot be made smaller than what was already refunded.",
    "capacity_below_taken_seats": "The capacity cannot be lower than the seats already taken ({detail}).",
    "registration_transition_forbidden": "This registration status change is not allowed: {detail}.",
    "invalid_status_transition": "This status change is not allowed: {detail}.",
    "status_transition_forbidden": "This status change is not allowed: {detail}.",
    "workshop_full": "The workshop is full.",
    "workshop_not_open": "The workshop is not open for registration.",
    "organization_not_member": "The person does not belong to this organization.",
    "user_outside_organization": "The person does not belong to this organization.",
    "team_member_outside_organization": "The person does not belong to the team's organization.",
    "team_parent_same_organization": "A parent team must belong to the same organization.",
    "team_hierarchy_cycle": "A team cannot be its own parent (directly or through other teams).",
    "invalid_timezone": "{column} is not a known time zone.",
    "price_pinned": "The price is fixed once people have paid: {detail}.",
}
# What a referencing row says about the row it points at, for "<name> <phrase>: reassign it first".
REFERENCE_PHRASES: dict[tuple[str, str], str] = {
    ("workshops", "instructor_id"): "teaches {n} workshop{s}",
    ("courses", "instructor_id"): "teaches {n} course{s}",
    ("consultations", "expert_id"): "is the expert of {n} consultation{s}",
    ("engagement_requests", "expert_id"): "is the expert of {n} engagement request{s}",
    ("payments", "user_id"): "has {n} payment{s}",
    ("enrollments", "course_id"): "has {n} enrollment{s}",
}
CHECK_RULES = {
    "not_blank": "{column} may not be blank.",
    "length": "{column} is too long.",
    "format": "{column} is not in the expected format.",
    "finite": "{column} must be a finite number.",
    "size": "{column} is too large.",
}
KEY_DETAIL = re.compile(r"Key \((?P<columns>[^)]+)\)=\((?P<values>.*)\)")
QUALIFIED_COLUMN = re.compile(r"\b(?P<table>[a-z_]+)\.(?P<column>[a-z_]+)\b")


@dataclass(frozen=True)
class Explanation:
    message: str
    field: str | None  # the model field the refusal concerns, when one is known


def _field_for_column(model: type[models.Model], column: str | None) -> models.Field | None:
    if not column:
        return None
    for field in model._meta.concrete_fields:
        if field.column == column:
            return field
    return None


def _column_of(refusal: DatabaseRefusal, error: Any, model: type[models.Model]) -> str | None:
    """The refused column: from the diagnostics, the constraint's name or the message."""
    diag = error.diag
    if diag.column_name:
        return diag.column_name
    table = model._meta.db_table
    code = refusal.code
    if code.startswith(f"{table}_"):  # bounds and CHECKs: <table>_<column>_<rule>
        rest = code.removeprefix(f"{table}_")
        for field in sorted(model._meta.concrete_fields, key=lambda f: -len(f.column)):
            if rest.startswith(f"{field.column}_") or rest == field.column:
                return field.column
    key = KEY_DETAIL.search(diag.message_detail or "")
    if key and "," not in key["columns"]:
        return key["columns"].strip()
    for match in QUALIFIED_COLUMN.finditer(refusal.detail):
        if match["table"] == table:
            return match["column"]
    # A guard's message that starts with the column it refuses ("capacity_total 1 is below ...").
    first_word = refusal.detail.split(" ", 1)[0]
    if "_" in first_word and any(f.column == first_word for f in model._meta.concrete_fields):
        return first_word
    return None


def _referenced_name(model: type[models.Model], pk: str) -> str:
    if model is get_user_model():
        person = people_resolver()([pk]).get(model._meta.pk.to_python(pk))
        return person.full_name if person else "This person"
    obj = model._default_manager.filter(pk=pk).first()
    return f"“{obj}”" if obj is not None else f"This {model._meta.verbose_name}"


def _still_referenced(error: Any, model: type[models.Model], pks: list[Any]) -> str | None:
    """"Leo Park teaches 1 workshop: reassign it first" for a delete that a foreign key refused.

    PostgreSQL leaves the key out of the message when the caller may not read every row, so the rows being
    deleted come from the admin (``pks``)."""
    diag = error.diag
    # NO ACTION says "is still referenced from table", RESTRICT "is referenced from table".
    if "referenced from table" not in (diag.message_detail or ""):
        return None
    key = KEY_DETAIL.search(diag.message_detail or "")
    if key and "," not in key["columns"]:
        pks = [key["values"]]
    referencing_table = diag.table_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid "
            "AND a.attnum = c.conkey[1] WHERE c.conname = %s AND c.conrelid = %s::regclass",
            [diag.constraint_name, f"public.{referencing_table}"],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        column = row[0]
        noun = referencing_table.replace("_", " ")
        via = column.removesuffix("_id").replace("_", " ")
        if len(pks) != 1:
            return f"Some of them are still referred to by {noun} ({via}): reassign or delete those first."
        # Counted as the caller may see them: the rows they can reassign.
        cursor.execute(sql.SQL("SELECT count(*) FROM public.{} WHERE {} = %s").format(
            sql.Identifier(referencing_table), sql.Identifier(column)), [str(pks[0])])
        count = cursor.fetchone()[0]
    name = _referenced_name(model, pks[0])
    if count == 0:
        return f"{name} is still referred to by {noun} ({via}) that you cannot see: it cannot be deleted."
    them = "them" if count != 1 else "it"
    phrase = REFERENCE_PHRASES.get((referencing_table, column))
    if phrase is None:
        return f"{name} is still referred to by {count} {noun} ({via}): reassign or delete {them} first."
    return f"{name} {phrase.format(n=count, s='s' if count != 1 else '')}: reassign {them} first."


def explain(exc: BaseException, model: type[models.Model], pks: list[Any] | None = None) -> Explanation | None:
    """The sentence for a database refusal of a write on ``model`` (the rows ``pks`` when known); None when
    it is a server error."""
    refusal = classify(exc)
    error = _psycopg_error(exc)
    if refusal is None or error is None or refusal.retryable:
        return None
    column = _column_of(refusal, error, model)
    # A refusal on another table (an inline's row) names no field of this form.
    other_table = (error.diag.table_name not in (None, model._meta.db_table)
                   and refusal.sqlstate not in FOREIGN_KEY_REFUSALS)
    field = None if other_table else _field_for_column(model, column)
    label = capfirst(field.verbose_name) if field is not None else (column or "This value").replace("_", " ")
    detail = refusal.detail.rstrip(".")
    code, sqlstate = refusal.code, refusal.sqlstate
    if code in KNOWN_REASONS:
        message = KNOWN_REASONS[code].format(column=label, detail=detail)
    elif sqlstate in FOREIGN_KEY_REFUSALS:
        message = (_still_referenced(error, model, pks or [])
                   or f"{label}: the chosen record does not exist or you may not use it.")
    elif sqlstate == "23505":
        message = f"Another {model._meta.verbose_name} already has this {label.lower()}."
    elif sqlstate == "23502":
        message = f"{label} is required."
    elif sqlstate == "23514" and field is not None and any(code.endswith(f"_{rule}") for rule in CHECK_RULES):
        rule = next(rule for rule in CHECK_RULES if code.endswith(f"_{rule}"))
        message = CHECK_RULES[rule].format(column=label)
    elif sqlstate == "42501":
        message = f"You may not make this change: {detail}."
    else:
        message = f"The database refused the change ({code}): {detail}."
    return Explanation(message=message, field=field.name if field is not None else None)
