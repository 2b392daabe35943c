"""The database contract (``contract.json``, a copy of ../shared/spec/contract.json) as Python data.

Tests and ``manage.py verify`` read it; ``model_problems()`` compares the Django models with it
without touching a database. ``checks`` compares the live database with it (``manage.py verify``, the
project's one catalog check); ``definitions`` records and compares the definitions each migrate installed.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

CONTRACT_PATH = Path(__file__).resolve().parent / "contract.json"


@cache
def load_contract() -> dict[str, Any]:
    return json.loads(CONTRACT_PATH.read_text(encoding="utf-8"))


def project_apps() -> list[str]:
    """The apps that own contract tables, in the contract's order."""
    return list(dict.fromkeys(table["app"] for table in load_contract()["tables"].values()))


def normalize_type(sql_type: str) -> str:
    """Spell a column type the way ``format_type()`` and the contract do."""
    t = sql_type.strip().lower()
    t = re.sub(r"\s*,\s*", ",", t)
    t = re.sub(r"^varchar\((\d+)\)$", r"character varying(\1)", t)
    t = t.replace("timestamptz", "timestamp with time zone")
    return t


def model_columns(model: Any, connection: Any) -> dict[str, dict[str, Any]]:
    columns = {}
    for field in model._meta.concrete_fields:
        if field.is_relation:
            db_type = field.target_field.rel_db_type(connection)
        elif getattr(field, "generated", False):
            db_type = field.output_field.db_type(connection)
        else:
            db_type = field.db_type(connection)
        columns[field.column] = {
            "type": normalize_type(db_type or ""),
            "nullable": bool(field.null),
            "generated": bool(getattr(field, "generated", False)),
        }
    return columns


def model_index_count(model: Any, connection: Any) -> int:
    """Non-primary indexes Django creates for a model: Meta.indexes, unique and exclusion
    constraints, unique fields and indexed (FK) fields, and the extra ``*_like`` pattern index
    PostgreSQL's schema editor adds to an indexed or unique text/varchar column."""
    from django.contrib.postgres.constraints import ExclusionConstraint
    from django.db.models import UniqueConstraint

    meta = model._meta
    count = len(meta.indexes)
    count += sum(1 for c in meta.constraints if isinstance(c, UniqueConstraint | ExclusionConstraint))
    for field in meta.local_concrete_fields:
        if field.primary_key:
            continue
        if field.unique or field.db_index:
            count += 1
            if (field.db_type(connection) or "").startswith(("varchar", "text")):
                count += 1
    return count


def model_problems(connection: Any) -> list[str]:
    """Differences between the installed models' tables/columns and the contract's tables/columns."""
    from django.apps import apps

    contract = load_contract()["tables"]
    models = {m._meta.db_table: m for m in apps.get_models() if m._meta.managed}
    problems = []
    for table, spec in contract.items():
        model = models.get(table)
        if model is None:
            problems.append(f"{table}: no model")
            continue
        if model._meta.app_label != spec["app"]:
            problems.append(f"{table}: model is in app {model._meta.app_label}, contract says {spec['app']}")
        have = model_columns(model, connection)
        for name, col in spec["columns"].items():
            got = have.get(name)
            if got is None:
                problems.append(f"{table}.{name}: missing column")
                continue
            for key in ("type", "nullable", "generated"):
                want = normalize_type(col[key]) if key == "type" else col[key]
                if got[key] != want:
                    problems.append(f"{table}.{name}: {key} is {got[key]!r}, contract says {want!r}")
        for name in have:
            if name not in spec["columns"]:
                problems.append(f"{table}.{name}: column not in the contract")
        index_count = model_index_count(model, connection)
        if index_count != spec["index_count"]:
            problems.append(f"{table}: {index_count} non-primary indexes, contract says {spec['index_count']}")
    return problems


def secret_columns() -> dict[str, set[str]]:
    """Table -> columns the app role may not SELECT (models' ``secret_fields``; DESIGN.md §3). The
    project's addition to the contract, checked by ``verify``."""
    from django.apps import apps

    result: dict[str, set[str]] = {}
    for model in apps.get_models():
        names = set(getattr(model, "secret_fields", ()))
        if names:
            result[model._meta.db_table] = {f.column for f in model._meta.concrete_fields if f.name in names}
    return result
