"""The catalog tests assert on ``verify``'s checks (humanglue.contract.checks, the project's one catalog check)
instead of querying pg_catalog themselves."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from humanglue.contract.checks import Check, problems, run_checks


def _object(check: Check) -> str:
    """A function check's bare name (``app.is_instructor()`` -> ``is_instructor``); any other check's name."""
    if check.kind == "function":
        return check.name.split("(")[0].split(".", 1)[1]
    return check.name


def assert_verified(kind: str, names: Iterable[str]) -> None:
    """verify checked every one of ``names`` (functions by bare name, views by name) and found no problem."""
    names = set(names)
    checks, _ = run_checks(connection)
    found = [c for c in checks if c.kind == kind and _object(c) in names]
    assert {_object(c) for c in found} == names
    assert [c for c in found if c.status != "ok"] == []


def assert_app_verified(app: str) -> None:
    """verify's checks of the app's contract tables (columns, RLS, policies with their roles and form,
    triggers, indexes, uniques, realtime triggers, the app role's table and column privileges) all pass."""
    assert problems(connection, app=app) == []
