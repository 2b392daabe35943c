"""Small database helpers shared by the test modules."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from humanglue.security.context import enter_app_role, leave_app_role

# ``refused(..., reason=ANY_REASON)``: the CONSTRAINT field of the error is not checked.
ANY_REASON: Any = object()


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
def refused(sqlstate: str | tuple[str, ...], reason: str | None = ANY_REASON) -> Iterator[None]:
    """The block fails with ``sqlstate`` (or one of several) in its own savepoint, which is rolled back.

    ``reason``: the error's CONSTRAINT field must equal it (a guard's reason or a constraint's name); ``None``
    means the error carries none (e.g. a policy's WITH CHECK); left out, it is not checked. The SQLSTATE also
    fixes Django's exception class (42xxx ProgrammingError, 23xxx IntegrityError, ...).
    """
    with pytest.raises(DatabaseError) as info:
        with transaction.atomic():
            yield
    cause = info.value.__cause__
    expected = (sqlstate,) if isinstance(sqlstate, str) else sqlstate
    assert cause.sqlstate in expected, cause
    if reason is not ANY_REASON:
        assert cause.diag.constraint_name == reason, cause
