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
import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.utils import timezone

from instructors.models import Course
from organizations.models import User, UserRoleGrant
from payments.models import Payment
from talent.models import Consultation, EngagementRequest, TalentProfile
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


def refused_with(sqlstate: str, reason: str | None, write: Callable[[], Any]) -> None:
    """``write`` fails with ``sqlstate`` and (when given) the CONSTRAINT reason ``reason``."""
    with pytest.raises((IntegrityError, ProgrammingError)) as info:
        with transaction.atomic():
            write()
    cause = info.value.__cause__
    assert cause.sqlstate == sqlstate, cause
    if reason is not None:
        assert cause.diag.constraint_name == reason, cause


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

def function_catalog(names: list[str]) -> dict[str, dict[str, Any]]:
    """Live facts of public functions ``names``: args, result, security, volatility, search_path config,
    owner, and who may EXECUTE them."""
    rows = sql(
        """
        SELECT p.proname,
               coalesce((SELECT array_agg(format_type(t, NULL) ORDER BY i)
                         FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(t, i)), '{}'),
               pg_get_function_result(p.oid),
               CASE WHEN p.prosecdef THEN 'definer' ELSE 'invoker' END,
               CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END,
               p.proconfig,
               pg_get_userbyid(p.proowner) = current_user,
               has_function_privilege('humanglue_app', p.oid, 'EXECUTE'),
               coalesce((SELECT bool_or(a.grantee = 0) FROM aclexplode(p.proacl) a
                         WHERE a.privilege_type = 'EXECUTE'), true),
               coalesce((SELECT array_agg(DISTINCT pg_get_userbyid(a.grantee)) FROM aclexplode(p.proacl) a
                         WHERE a.privilege_type = 'EXECUTE' AND a.grantee <> 0 AND a.grantee <> p.proowner), '{}')
        FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND p.proname = ANY(%s)
        """,
        [names],
    )
    return {
        name: {"args": args, "returns": result, "security": security, "volatility": volatility,
               "config": config, "owned": owned, "app_execute": app_execute, "public_execute": public_execute,
               "grantees": grantees}
        for name, args, result, security, volatility, config, owned, app_execute, public_execute, grantees in rows
    }


def assert_functions_match_contract(names: list[str], granted: set[str]) -> None:
    from humanglue.contract import load_contract

    contract = {f["name"]: f for f in load_contract()["functions"] if f["name"] in names}
    live = function_catalog(names)
    assert sorted(live) == sorted(names) == sorted(contract)
    for name in names:
        want, got = contract[name], live[name]
        assert got["args"] == want["args"], name
        assert got["returns"] == want["returns"], name
        assert (got["security"], got["volatility"]) == (want["security"], want["volatility"]), name
        assert got["owned"], name
        assert got["public_execute"] is False, name
        assert got["app_execute"] is (name in granted), name
        assert got["grantees"] == (["humanglue_app"] if name in granted else []), name
        if got["security"] == "definer":
            assert got["config"] == ["search_path=pg_catalog, public, pg_temp"], name


def trigger_definitions(table: str) -> dict[str, str]:
    return dict(sql("SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass "
                    "AND NOT tgisinternal", [f"public.{table}"]))
