"""Small builders for the talent and payments logic tests (spec 60): only the rows a test needs, written
as the owner (RLS off), plus helpers for SQL calls, expected refusals and parallel connections."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import psycopg
from django.db import connection
from django.utils import timezone

from instructors.models import Course
from organizations.models import User, UserRoleGrant
from payments.models import Payment
from talent.models import Consultation, EngagementRequest, TalentProfile
from tests.catalog import assert_verified
from tests.sample_data import PASSWORD
from workshops.models import Workshop

D = Decimal


def user(label: str, **extra: Any) -> User:
    return User.objects.create_user(f"{label}-{uuid.uuid4().hex[:8]}@example.com", PASSWORD,
                                    full_name=label.replace("-", " ").title(), **extra)


def platform_admin() -> User:
    admin = user("platform-admin", role="admin")
    UserRoleGrant.objects.create(user=admin, role="super_admin_full")
    return admin


def expert(label: str = "expert", **profile: Any) -> tuple[User, TalentProfile]:
    person = user(label)
    values = {
        "tagline": "Change leadership coach", "bio": "Twenty years of helping teams adapt to change.",
        "years_experience": 12, "hourly_rate": D("150.00"),
    }
    values.update(profile)
    return person, TalentProfile.objects.create(user=person, **values)


def engagement(client: User, expert_user: User, **extra: Any) -> EngagementRequest:
    values = {"focus_area": "Leadership", "hours_total": D("10.00"), "hourly_rate": D("150.00")}
    values.update(extra)
    return EngagementRequest.objects.create(client=client, expert=expert_user, **values)


def session(eng: EngagementRequest, start_in_days: int = 3, **extra: Any) -> Consultation:
    """A consultation inside ``eng`` (its parties; amount 0)."""
    start = timezone.now() + timedelta(days=start_in_days)
    values = {"pillar": "coaching", "scheduled_start": start, "scheduled_end": start + timedelta(hours=1)}
    values.update(extra)
    return Consultation.objects.create(user_id=eng.client_id, expert_id=eng.expert_id, engagement_request=eng,
                                       **values)


def consultation(client: User, expert_user: User, amount: str = "150.00", **extra: Any) -> Consultation:
    """A standalone paid booking."""
    start = timezone.now() + timedelta(days=5)
    values = {"pillar": "coaching", "scheduled_start": start, "scheduled_end": start + timedelta(hours=1),
              "amount": D(amount)}
    values.update(extra)
    return Consultation.objects.create(user=client, expert=expert_user, **values)


def course(instructor: User | None, price: str = "99.00", **extra: Any) -> Course:
    values = {"title": "Paid course", "slug": f"course-{uuid.uuid4().hex[:10]}", "pillar": "coaching",
              "instructor": instructor, "price_amount": D(price), "status": "published"}
    values.update(extra)
    return Course.objects.create(**values)


def workshop(instructor: User, price: str = "49.99", **extra: Any) -> Workshop:
    start = timezone.now() + timedelta(days=14)
    values = {"title": "Paid workshop", "slug": f"ws-{uuid.uuid4().hex[:10]}", "pillar": "coaching",
              "level": "beginner", "start_time": start, "end_time": start + timedelta(hours=2),
              "duration_minutes": 120, "capacity_total": 20, "price_amount": D(price), "status": "published"}
    values.update(extra)
    return Workshop.objects.create(instructor=instructor, **values)


def payment(payer: User, payment_type: str, amount: str, status: str = "pending", **extra: Any) -> Payment:
    values = {"provider": "stripe", "transaction_id": f"pi_{uuid.uuid4().hex}"}
    values.update(extra)
    pay = Payment.objects.create(user=payer, payment_type=payment_type, amount=D(amount), status=status, **values)
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
