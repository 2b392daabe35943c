"""Re-reading rows for many sockets at once (spec 40, "Per-recipient check").

Every delivery re-reads its row under the receiving client's security context. One database call per
delivery (a worker thread, a pooled connection, a transaction) costs more than the read itself, so a
process's sockets share this reader: requests that arrive while a batch is in flight wait for the next one,
which takes all of them (up to ``MAX_BATCH``) in one worker-thread call and one transaction. Idle, a request
starts a batch of its own at once: batching adds no waiting, it only grows with the load.

Inside the transaction the app role is entered once; before each user's reads the caller is switched with
``set_config('app.current_user_id', <user>, true)``, which every later statement sees. RLS therefore decides
each user's rows exactly as in a transaction of that user alone: the reads are SELECTs and the only
per-caller state is that setting. If anything fails, the batch's transaction is abandoned and each request is
read again on its own (``call_as``), so one bad row cannot cost the other sockets their deliveries.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from channels.db import DatabaseSyncToAsync
from django.db import connection, transaction

from humanglue.security.context import call_as, enter_app_role

from . import rows

log = logging.getLogger(__name__)

MAX_BATCH = 200  # requests per transaction
MAX_IN_FLIGHT = 2  # batches at once: one can wait on PostgreSQL while the next is prepared

Request = tuple[str, str, str]  # (user id, table, primary key)
Result = tuple[dict[str, Any] | None, int | None]  # (the row as the API shows it or None, unread count or None)


def read_many(requests: list[Request]) -> list[Result | BaseException]:
    """Each request's row (None when its user cannot SELECT it) and, for notifications, its user's unread
    count, in request order; a request whose own read failed gets its exception instead."""
    try:
        with transaction.atomic():
            enter_app_role(None)
            return _read_in_one_transaction(requests)
    except Exception:
        log.warning("realtime batch read failed; reading its %d requests one by one", len(requests),
                    exc_info=True)
    results: list[Result | BaseException] = []
    for user_id, table, pk in requests:
        try:
            results.append(call_as(user_id, rows.read_event_row, table, pk, user_id))
        except Exception as exc:
            results.append(exc)
    return results


def _read_in_one_transaction(requests: list[Request]) -> list[Result | BaseException]:
    """Every user's statements (switch the caller, read its rows, count its unread notifications) sent as
    one multi-statement query, run in order by PostgreSQL: one round trip for the whole batch. Round trips
    are what costs here: after each one the worker thread must win the GIL back from the busy event loop."""
    by_user: dict[str, list[int]] = {}
    for index, (user_id, _, _) in enumerate(requests):
        by_user.setdefault(user_id, []).append(index)
    statements: list[str] = []
    params: list[Any] = []
    plan: list[tuple[str, str, str | None]] = []  # what each statement's result is: (kind, user, table)
    for user_id, indexes in by_user.items():
        statements.append("SELECT set_config('app.current_user_id', %s, true)")
        params.append(user_id)
        plan.append(("caller", user_id, None))
        by_table: dict[str, list[str]] = {}
        for index in indexes:
            _, table, pk = requests[index]
            by_table.setdefault(table, []).append(pk)
        for table, pks in by_table.items():
            sql, table_params = rows.rows_statement(table, pks, user_id)
            statements.append(sql)
            params.extend(table_params)
            plan.append(("rows", user_id, table))
        if "notifications" in by_table:
            statements.append(rows.UNREAD_SQL)
            params.append(user_id)
            plan.append(("unread", user_id, None))
    found: dict[tuple[str, str | None], dict[str, dict[str, Any]]] = {}
    unread: dict[str, int] = {}
    with connection.cursor() as cursor:
        # Client-side binding (Django's default with psycopg 3) sends this with the simple query protocol,
        # which runs several statements in one round trip; each one's result is read in turn.
        cursor.execute(";\n".join(statements), params)
        for number, (kind, user_id, table) in enumerate(plan):
            if number and not cursor.nextset():
                raise RuntimeError("fewer results than statements")
            if kind == "rows":
                found[(user_id, table)] = rows.represent(table, cursor.fetchall())
            elif kind == "unread":
                unread[user_id] = cursor.fetchone()[0]
    results: list[Result | BaseException] = []
    for user_id, table, pk in requests:
        results.append((found[(user_id, table)].get(pk), unread[user_id] if table == "notifications" else None))
    return results


class BatchReader:
    """The process's shared reader; use it from the event loop only."""

    def __init__(self, *, max_batch: int = MAX_BATCH, max_in_flight: int = MAX_IN_FLIGHT) -> None:
        self.max_batch = max_batch
        self.max_in_flight = max_in_flight
        self.pending: list[tuple[Request, asyncio.Future]] = []
        self.in_flight = 0
        self.tasks: set[asyncio.Task] = set()
        self.batches = 0  # how many batches and requests it has read
        self.requests = 0
        self.loop: asyncio.AbstractEventLoop | None = None

    async def read(self, user_id: str, table: str, pk: str) -> Result:
        future = asyncio.get_running_loop().create_future()
        self.pending.append(((user_id, table, pk), future))
        self._start()
        return await future

    def _start(self) -> None:
        while self.pending and self.in_flight < self.max_in_flight:
            batch, self.pending = self.pending[:self.max_batch], self.pending[self.max_batch:]
            self.in_flight += 1
            task = asyncio.get_running_loop().create_task(self._run(batch))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _run(self, batch: list[tuple[Request, asyncio.Future]]) -> None:
        try:
            # Not the process's one thread-sensitive thread (see acall_as); the connection is closed around it.
            results = await DatabaseSyncToAsync(read_many, thread_sensitive=False)([r for r, _ in batch])
        except asyncio.CancelledError:
            for _, future in batch:
                future.cancel()
            raise
        except Exception as exc:  # every waiting socket must hear of it
            results = [exc] * len(batch)
        finally:
            self.in_flight -= 1
        self.batches += 1
        self.requests += len(batch)
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():  # its socket went away meanwhile
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)
        self._start()


_readers: dict[int, BatchReader] = {}


def reader() -> BatchReader:
    """The reader of the running event loop (one per process in practice; tests may run several loops)."""
    loop = asyncio.get_running_loop()
    found = _readers.get(id(loop))
    if found is None or found.loop is not loop:
        found = _readers[id(loop)] = BatchReader()
        found.loop = loop
    return found
