"""Small database helpers shared by the test modules."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from humanglue.security.context import enter_app_role, leave_app_role


def fetch(sql: str, params: list | tuple | None = None) -> list[tuple[Any, ...]]:
    """Rows of one query on the test connection ([] for a statement without a result)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall() if cursor.description else []


@contextmanager
def as_user(user: Any) -> Iterator[None]:
    """The block runs under the app role as ``user`` (None: anonymous); its writes stay; then back to the owner."""
    with transaction.atomic():
        enter_app_role(user.pk if user else None)
        yield
        leave_app_role()


@contextmanager
def refused(sqlstate: str, reason: str | None = None) -> Iterator[None]:
    """The block fails with ``sqlstate`` (and the CONSTRAINT ``reason`` when given); its savepoint is rolled back."""
    with pytest.raises(DatabaseError) as info:
        with transaction.atomic():
            yield
    cause = info.value.__cause__
    assert cause.sqlstate == sqlstate, cause
    if reason is not None:
        assert cause.diag.constraint_name == reason, cause
