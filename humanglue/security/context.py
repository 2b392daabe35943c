"""The database security context (DESIGN.md §3, spec 00 §1).

Application traffic runs inside a transaction that starts with ``SET LOCAL ROLE humanglue_app`` and
``set_config('app.current_user_id', <uuid or ''>, true)``, so row-level security applies and nothing
outlives the transaction (safe behind a transaction-mode pooler). ``system_context()`` is the one
named way for privileged service code to act beyond the caller's rights (as ``humanglue_system``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

APP_ROLE = "humanglue_app"
# Request traffic connects as this LOGIN role (settings: HUMANGLUE_CONNECT_AS=request, set by asgi.py);
# it can become only the app role and the system role (organizations/sql/0005_request_roles.sql).
REQUEST_LOGIN_ROLE = "humanglue_web"
SYSTEM_ROLE = "humanglue_system"
T = TypeVar("T")


def _cursor(using: str):
    return connections[using].cursor()


def enter_app_role(user_id: UUID | str | None, using: str = DEFAULT_DB_ALIAS) -> None:
    """Switch the current transaction to the app role with ``user_id`` as the caller (None: anonymous)."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("the security context needs a transaction (wrap the work in transaction.atomic())")
    with _cursor(using) as cursor:
        cursor.execute(
            f"SET LOCAL ROLE {APP_ROLE}; SELECT set_config('app.current_user_id', %s, true)",
            [str(user_id) if user_id else ""],
        )


def leave_app_role(using: str = DEFAULT_DB_ALIAS) -> None:
    """Back to the owner with no caller, for the rest of the current transaction."""
    with _cursor(using) as cursor:
        cursor.execute("SET LOCAL ROLE NONE; SELECT set_config('app.current_user_id', '', true)")


@contextmanager
def security_context(user_id: UUID | str | None, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block in its own transaction as ``user_id`` under the app role (RLS applies).

    Nested inside an outer transaction it uses a savepoint; ``SET LOCAL`` then lasts until the
    outer transaction ends, so prefer calling it outermost (the request middleware does).
    """
    with transaction.atomic(using=using):
        enter_app_role(user_id, using)
        yield


@contextmanager
def system_context(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block as ``humanglue_system`` (RLS bypassed, no DDL) from request traffic, then go back.

    Only for the paths the contract names: authentication lookups and sessions, signup, invitation
    acceptance, payment completion, the payments webhook. Every use is a security decision. From the app
    role it switches for the block and returns to the app role; on the request LOGIN role outside a
    transaction it opens one for the block. On an owner connection (operator commands, migrations,
    tests' set-up) it changes nothing: the owner already bypasses RLS.
    """
    connection = connections[using]
    role = current_role(using)
    if role not in (APP_ROLE, REQUEST_LOGIN_ROLE):
        yield
        return
    if not connection.in_atomic_block:
        with transaction.atomic(using=using):
            with _cursor(using) as cursor:
                cursor.execute(f"SET LOCAL ROLE {SYSTEM_ROLE}")
            yield
        return
    with _cursor(using) as cursor:
        cursor.execute(f"SET LOCAL ROLE {SYSTEM_ROLE}")
    try:
        yield
    finally:
        try:
            with _cursor(using) as cursor:
                # SET LOCAL ROLE NONE returns to the login role (humanglue_web), never further.
                cursor.execute(f"SET LOCAL ROLE {role}" if role == APP_ROLE else "SET LOCAL ROLE NONE")
        except DatabaseError:
            pass  # the transaction is aborted: it will roll back, and the role change with it


def current_role(using: str = DEFAULT_DB_ALIAS) -> str:
    with _cursor(using) as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


def current_app_user_id(using: str = DEFAULT_DB_ALIAS) -> str:
    with _cursor(using) as cursor:
        cursor.execute("SELECT current_setting('app.current_user_id', true)")
        return cursor.fetchone()[0] or ""


def call_as(user_id: UUID | str | None, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn`` in its own transaction under the app role as ``user_id`` (websocket database calls)."""
    with security_context(user_id):
        return fn(*args, **kwargs)


async def acall_as(user_id: UUID | str | None, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``call_as`` for async code (Channels consumers): one transaction per call, in a worker thread of its own
    (not the process's one thread-sensitive thread: every socket's reads would queue behind each other).
    Safe because ``call_as`` is self-contained and DatabaseSyncToAsync closes the connection around it."""
    from channels.db import DatabaseSyncToAsync

    return await DatabaseSyncToAsync(call_as, thread_sensitive=False)(user_id, fn, *args, **kwargs)
