"""Small builders for the talent and payments logic tests (spec 60): only the rows a test needs, written
as the owner (RLS off), plus helpers for SQL calls, expected refusals and parallel connections."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import psycopg
from django.db import connection
from django.utils import timezone

from instructors.models import Course
from organizations.models import User
from payments.models import Payment
from talent.models import Consultation, EngagementRequest, TalentProfile
from tests.catalog import assert_verified
from tests.factories import (
    ConsultationFactory,
    CourseFactory,
    EngagementRequestFactory,
    PaymentFactory,
    TalentProfileFactory,
    UserFactory,
    WorkshopFactory,
)
from workshops.models import Workshop

D = Decimal


def expert(label: str = "expert", **profile: Any) -> tuple[User, TalentProfile]:
    """A user with a talent profile (12 years, 150.00 an hour unless ``profile`` says otherwise)."""
    person = UserFactory(full_name=label.replace("-", " ").title())
    return person, TalentProfileFactory(user=person, **profile)


def engagement(client: User, expert_user: User, **extra: Any) -> EngagementRequest:
    return EngagementRequestFactory(client=client, expert=expert_user, **extra)


def session(eng: EngagementRequest, start_in_days: int = 3, **extra: Any) -> Consultation:
    """A consultation inside ``eng`` (its parties; amount 0)."""
    extra.setdefault("scheduled_start", timezone.now() + timedelta(days=start_in_days))
    return ConsultationFactory(user=eng.client, expert=eng.expert, engagement_request=eng, **extra)


def consultation(client: User, expert_user: User, amount: str = "150.00", **extra: Any) -> Consultation:
    """A standalone paid booking."""
    extra.setdefault("scheduled_start", timezone.now() + timedelta(days=5))
    return ConsultationFactory(user=client, expert=expert_user, amount=D(amount), **extra)


def course(instructor: User | None, price: str = "99.00", **extra: Any) -> Course:
    extra.setdefault("title", "Paid course")
    return CourseFactory(instructor=instructor, price_amount=D(price), **extra)


def workshop(instructor: User, price: str = "49.99", **extra: Any) -> Workshop:
    values = {"title": "Paid workshop", "start_time": timezone.now() + timedelta(days=14), "capacity_total": 20}
    values.update(extra)
    return WorkshopFactory(instructor=instructor, price_amount=D(price), **values)


def payment(payer: User, payment_type: str, amount: str, status: str = "pending", **extra: Any) -> Payment:
    pay = PaymentFactory(user=payer, payment_type=payment_type, amount=D(amount), status=status, **extra)
    pay.refresh_from_db()  # processed_at / refunded_at / status as the triggers left them
    return pay


def sql(query: str, params: list | tuple | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params or [])
        return cursor.fetchall() if cursor.description else []


def sql_one(query: str, params: list | tuple | None = None) -> tuple:
    rows = sql(query, params)
    assert len(rows) == 1, rows
    return rows[0]


# --- real parallel connections -------------------------------------------------------------------------

def connect_params() -> dict[str, Any]:
    connection.ensure_connection()
    params = connection.get_connection_params()
    return {k: params[k] for k in ("dbname", "user", "password", "host", "port") if params.get(k) is not None}


def interleaved(first: Callable[[psycopg.Connection], Any], second: Callable[[psycopg.Connection], Any]) -> None:
    """Two real transactions on two connections: ``first`` runs and keeps its transaction open; ``second``
    runs in another thread and must block on a lock held by ``first``; then ``first`` commits, and
    ``second`` finishes and commits. Re-raises a failure of either."""
    params = connect_params()
    errors: list[BaseException] = []
    with psycopg.connect(**params) as c1, psycopg.connect(**params) as c2, \
            psycopg.connect(**params, autocommit=True) as monitor:
        first(c1)

        def run_second() -> None:
            try:
                second(c2)
                c2.commit()
            except BaseException as exc:  # noqa: BLE001 - reported to the test thread
                errors.append(exc)
                c2.rollback()

        thread = threading.Thread(target=run_second)
        thread.start()
        blocked = waits_on_lock(monitor, c2.info.backend_pid)
        c1.commit()
        thread.join(30)
        assert not thread.is_alive(), "the second transaction hung"
        assert blocked, "the second transaction never waited for the first one's lock"
    if errors:
        raise errors[0]


def waits_on_lock(monitor: psycopg.Connection, pid: int, timeout: float = 10.0) -> bool:
    """True once backend ``pid`` waits on a lock (polled through an autocommit connection)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = monitor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
        if row and row[0] == "Lock":
            return True
        time.sleep(0.02)
    return False


# --- the catalog against contract.json ------------------------------------------------------------------

def assert_functions_match_contract(names: list[str]) -> None:
    """Argument types, result, security, volatility, pinned search_path of definers, owner, EXECUTE for the app
    role (and no one else) exactly on the API functions, never for PUBLIC: verify's function checks."""
    assert_verified("function", names)


def trigger_definitions(table: str) -> dict[str, str]:
    return dict(sql("SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass "
                    "AND NOT tgisinternal", [f"public.{table}"]))
