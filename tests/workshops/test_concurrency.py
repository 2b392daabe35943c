"""Seat admission and waitlist promotion under real concurrency (spec 50 §6, "Capacity and waitlist design").

Each registrant is a separate psycopg connection in its own thread, in the request security context
(``SET LOCAL ROLE humanglue_app`` + ``app.current_user_id``), all released together by a barrier, each in
its own READ COMMITTED transaction. The data is committed (``transaction=True``), so every connection sees it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from django.db import connection

from tests.factories import UserFactory, WorkshopFactory
from workshops.models import Workshop, WorkshopRegistration

pytestmark = pytest.mark.django_db(transaction=True)

SEATS = 5
REGISTRANTS = 30


def conninfo() -> dict[str, Any]:
    connection.ensure_connection()
    params = connection.get_connection_params()
    return {key: params[key] for key in ("dbname", "user", "password", "host", "port") if params.get(key)}


def run_in_parallel(jobs: list[tuple[Any, Callable[[psycopg.Connection], Any]]]) -> dict[Any, Any]:
    """Run every ``(key, job)`` on its own connection as user ``key`` at the same moment; commit each.

    Returns ``key -> job result`` or ``key -> psycopg.Error`` for a transaction that failed.
    """
    params = conninfo()
    connections = [psycopg.connect(**params) for _ in jobs]
    barrier = threading.Barrier(len(jobs))
    results: dict[Any, Any] = {}

    def worker(conn: psycopg.Connection, user_id: Any, job: Callable[[psycopg.Connection], Any]) -> None:
        try:
            conn.execute("SET LOCAL ROLE humanglue_app")
            conn.execute("SELECT set_config('app.current_user_id', %s, true)", [str(user_id)])
            barrier.wait(timeout=30)
            results[user_id] = job(conn)
            conn.commit()
        except psycopg.Error as exc:
            conn.rollback()
            results[user_id] = exc

    threads = [threading.Thread(target=worker, args=(conn, key, job))
               for conn, (key, job) in zip(connections, jobs, strict=True)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not any(thread.is_alive() for thread in threads), "a transaction hung"
    finally:
        for conn in connections:
            conn.close()
    assert len(results) == len(jobs)
    return results


def insert_registration(workshop_id: Any, user_id: Any) -> Callable[[psycopg.Connection], str]:
    def job(conn: psycopg.Connection) -> str:
        return conn.execute("INSERT INTO workshop_registrations (workshop_id, user_id) VALUES (%s, %s) "
                            "RETURNING status", [workshop_id, user_id]).fetchone()[0]
    return job


def cancel(registration_id: Any) -> Callable[[psycopg.Connection], int]:
    def job(conn: psycopg.Connection) -> int:
        return conn.execute("UPDATE workshop_registrations SET status = 'cancelled' WHERE id = %s",
                            [registration_id]).rowcount
    return job


def counters(workshop: Workshop) -> tuple[int, int, int]:
    w = Workshop.objects.get(pk=workshop.pk)
    return w.enrolled_count, w.waitlist_count, w.capacity_remaining


def statuses(workshop: Workshop) -> dict[str, int]:
    rows = WorkshopRegistration.objects.filter(workshop=workshop).values_list("status", flat=True)
    return {status: list(rows).count(status) for status in set(rows)}


def fifo_waitlist(workshop: Workshop) -> list[Any]:
    return list(WorkshopRegistration.objects.filter(workshop=workshop, status="waitlisted")
                .order_by("status_changed_at", "id").values_list("pk", flat=True))


def test_thirty_simultaneous_registrations_admit_exactly_five_and_waitlist_the_rest() -> None:
    workshop = WorkshopFactory(title="Popular", capacity_total=SEATS, waitlist_enabled=True)
    users = UserFactory.create_batch(REGISTRANTS)
    results = run_in_parallel([(u.pk, insert_registration(workshop.pk, u.pk)) for u in users])
    errors = [r for r in results.values() if isinstance(r, Exception)]
    assert errors == []
    returned = sorted(results.values())
    assert returned == ["registered"] * SEATS + ["waitlisted"] * (REGISTRANTS - SEATS)
    assert statuses(workshop) == {"registered": SEATS, "waitlisted": REGISTRANTS - SEATS}
    assert counters(workshop) == (SEATS, REGISTRANTS - SEATS, 0)

    # A cancellation promotes the oldest waitlisted registration, and only that one.
    oldest = fifo_waitlist(workshop)[0]
    leaver = WorkshopRegistration.objects.filter(workshop=workshop, status="registered").first()
    assert run_in_parallel([(leaver.user_id, cancel(leaver.pk))]) == {leaver.user_id: 1}
    assert WorkshopRegistration.objects.get(pk=oldest).status == "registered"
    assert statuses(workshop) == {"registered": SEATS, "waitlisted": REGISTRANTS - SEATS - 1, "cancelled": 1}
    assert counters(workshop) == (SEATS, REGISTRANTS - SEATS - 1, 0)

    # Every seat holder cancels at the same moment: the five oldest waiting take the seats, in FIFO order.
    queue = fifo_waitlist(workshop)
    seated = list(WorkshopRegistration.objects.filter(workshop=workshop, status="registered"))
    assert len(seated) == SEATS
    results = run_in_parallel([(row.user_id, cancel(row.pk)) for row in seated])
    assert set(results.values()) == {1}
    assert set(WorkshopRegistration.objects.filter(workshop=workshop, status="registered")
               .values_list("pk", flat=True)) == set(queue[:SEATS])
    assert fifo_waitlist(workshop) == queue[SEATS:]
    assert counters(workshop) == (SEATS, REGISTRANTS - 2 * SEATS - 1, 0)


def test_thirty_simultaneous_registrations_without_waitlist_refuse_the_rest() -> None:
    workshop = WorkshopFactory(title="Popular", capacity_total=SEATS, waitlist_enabled=False)
    users = UserFactory.create_batch(REGISTRANTS)
    results = run_in_parallel([(u.pk, insert_registration(workshop.pk, u.pk)) for u in users])
    admitted = [r for r in results.values() if r == "registered"]
    refused = [r for r in results.values() if isinstance(r, psycopg.Error)]
    assert len(admitted) == SEATS and len(refused) == REGISTRANTS - SEATS
    assert {(e.sqlstate, e.diag.constraint_name) for e in refused} == {("23505", "workshop_full")}
    assert statuses(workshop) == {"registered": SEATS}
    assert counters(workshop) == (SEATS, 0, 0)


def test_repeatable_read_conflict_raises_40001_for_the_api_to_retry() -> None:
    """Under REPEATABLE READ a registration whose snapshot predates another one's commit cannot lock the
    workshop row the other changed: 40001, which the API retries (spec 50 §6, conventions §10)."""
    workshop = WorkshopFactory(title="Popular", capacity_total=SEATS, waitlist_enabled=True)
    first, second = UserFactory.create_batch(2)
    params = conninfo()
    with psycopg.connect(**params) as early, psycopg.connect(**params) as late:
        early.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        early.execute("SET LOCAL ROLE humanglue_app")
        early.execute("SELECT set_config('app.current_user_id', %s, true)", [str(first.pk)])
        early.execute("SELECT count(*) FROM workshops")  # the snapshot is taken here
        late.execute("SET LOCAL ROLE humanglue_app")
        late.execute("SELECT set_config('app.current_user_id', %s, true)", [str(second.pk)])
        assert insert_registration(workshop.pk, second.pk)(late) == "registered"
        late.commit()
        with pytest.raises(psycopg.errors.SerializationFailure) as info:
            insert_registration(workshop.pk, first.pk)(early)
        assert info.value.sqlstate == "40001"
        early.rollback()
        early.execute("SET LOCAL ROLE humanglue_app")  # the retry, in a new transaction, is admitted
        early.execute("SELECT set_config('app.current_user_id', %s, true)", [str(first.pk)])
        assert insert_registration(workshop.pk, first.pk)(early) == "registered"
        early.commit()
    assert counters(workshop) == (2, 0, SEATS - 2)


def workshop_is_locked(workshop_id: Any) -> bool:
    """Whether another transaction holds a row lock on the workshop (an owner ``FOR UPDATE NOWAIT`` probe)."""
    with psycopg.connect(**conninfo()) as probe:
        try:
            probe.execute("SELECT 1 FROM workshops WHERE id = %s FOR UPDATE NOWAIT", [workshop_id])
        except psycopg.errors.LockNotAvailable:
            return True
        return False


def attack(user_id: Any, sql: str, params: list[Any], workshop_id: Any) -> tuple[psycopg.Error | None, bool]:
    """Run ``sql`` as ``user_id`` (None: anonymous) under the app role and, with that transaction still open
    (an error leaves it open, aborted, until the client rolls back), say whether the workshop is locked."""
    with psycopg.connect(**conninfo()) as attacker:
        attacker.execute("SET LOCAL ROLE humanglue_app")
        attacker.execute("SELECT set_config('app.current_user_id', %s, true)", [str(user_id) if user_id else ""])
        error = None
        try:
            attacker.execute(sql, params)
        except psycopg.Error as exc:
            error = exc
        locked = workshop_is_locked(workshop_id)
        attacker.rollback()
    return error, locked


def test_only_someone_who_may_register_can_lock_a_workshop() -> None:
    """Issue 9 item 10: workshop_admission_state() locks the workshop FOR UPDATE until the caller's transaction
    ends; an anonymous caller (directly, or through a registration that RLS refuses only after the BEFORE trigger)
    or a signed-in caller on a draft could hold every registration of that workshop."""
    workshop = WorkshopFactory(title="Popular", capacity_total=SEATS, waitlist_enabled=False)
    fan = UserFactory()
    draft = WorkshopFactory(title="Popular", capacity_total=SEATS, waitlist_enabled=False)
    Workshop.objects.filter(pk=draft.pk).update(status="draft")
    state = "SELECT * FROM public.workshop_admission_state(%s, NULL)"
    insert = "INSERT INTO workshop_registrations (workshop_id, user_id) VALUES (%s, %s)"

    for sql, params in ((state, [workshop.pk]), (insert, [workshop.pk, fan.pk])):
        error, locked = attack(None, sql, params, workshop.pk)
        assert (error.sqlstate, error.diag.constraint_name) == ("42501", "admission_state_forbidden")
        assert not locked
    error, locked = attack(fan.pk, state, [draft.pk], draft.pk)
    assert error is None and not locked
    error, locked = attack(fan.pk, insert, [draft.pk, fan.pk], draft.pk)
    assert (error.sqlstate, error.diag.constraint_name) == ("23514", "workshop_not_open") and not locked
    # Registering for an open workshop still takes the lock, as the admission design needs.
    error, locked = attack(fan.pk, insert, [workshop.pk, fan.pk], workshop.pk)
    assert error is None and locked
