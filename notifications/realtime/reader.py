"""Re-reading rows for many sockets at once (spec 40, "Per-recipient check").

Every delivery re-reads its row under the receiving client's security context. One database call per
delivery (a thread hop, a pooled connection, a transaction of four round trips) costs far more than the
read itself, so a process's sockets share this reader: requests that arrive while a batch is in flight wait
for the next one, which takes all of them (up to ``MAX_BATCH``) at once. Idle, a request starts a batch of
its own at once: batching adds no waiting, it only grows with the load.

A batch is one message to PostgreSQL: the app role, then for each user ``set_config('app.current_user_id',
<user>, true)`` followed by that user's reads, all as one multi-statement query. PostgreSQL runs such a
message as one implicit transaction, in order, so the role and each caller hold exactly until the next
switch and end with the message (``SET LOCAL``; nothing outlives it, behind PgBouncer too). RLS therefore
decides each user's rows exactly as in a transaction of that user alone: the reads are SELECTs and the only
per-caller state is that setting. Round trips are what costs: after each one the reading thread must win the
GIL back from the busy event loop. The reads run on ``MAX_IN_FLIGHT`` threads of their own that keep their
database connections (no pool check-out per batch).

If anything fails, the batch is abandoned (its connection closed) and each request is read again on its own
(``call_as``), so one bad row cannot cost the other sockets their deliveries.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connection

from humanglue.security.context import APP_ROLE, call_as

from . import rows

log = logging.getLogger(__name__)

MAX_BATCH = 200  # requests per message
MAX_IN_FLIGHT = 2  # batches at once: one can wait on PostgreSQL while the next is prepared

Request = tuple[str, str, str]  # (user id, table, primary key)
Result = tuple[dict[str, Any] | None, int | None]  # (the row as the API shows it or None, unread count or None)


def read_many(requests: list[Request]) -> list[Result | BaseException]:
    """Each request's row (None when its user cannot SELECT it) and, for notifications, its user's unread
    count, in request order; a request whose own read failed gets its exception instead."""
    try:
        return _read_in_one_message(requests)
    except Exception:
        log.warning("realtime batch read failed; reading its %d requests one by one", len(requests),
                    exc_info=True)
        connection.close()  # whatever state it is in: the next read starts on a fresh connection
    results: list[Result | BaseException] = []
    for user_id, table, pk in requests:
        try:
            results.append(call_as(user_id, rows.read_event_row, table, pk, user_id))
        except Exception as exc:
            results.append(exc)
    return results


def _read_in_one_message(requests: list[Request]) -> list[Result | BaseException]:
    if connection.in_atomic_block:
        raise RuntimeError("the batch read is its own (implicit) transaction: call it outside atomic()")
    by_user: dict[str, list[int]] = {}
    for index, (user_id, _, _) in enumerate(requests):
        by_user.setdefault(user_id, []).append(index)
    statements: list[str] = [f"SET LOCAL ROLE {APP_ROLE}"]
    params: list[Any] = []
    plan: list[tuple[str, str | None, str | None]] = [("setup", None, None)]  # each statement's result
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
    found: dict[tuple[str | None, str | None], dict[str, dict[str, Any]]] = {}
    unread: dict[str | None, int] = {}
    with connection.cursor() as cursor:
        # Autocommit and client-side binding (Django's defaults with psycopg 3): psycopg sends this as one
        # simple-protocol message, which PostgreSQL runs as one implicit transaction; results come in turn.
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

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None, *, max_batch: int = MAX_BATCH,
                 max_in_flight: int = MAX_IN_FLIGHT) -> None:
        self.max_batch = max_batch
        self.max_in_flight = max_in_flight
        self.pending: list[tuple[Request, asyncio.Future]] = []
        self.in_flight = 0
        self.tasks: set[asyncio.Task] = set()
        self.batches = 0  # how many batches and requests it has read
        self.requests = 0
        self.loop = loop  # the event loop it serves (``reader()`` keeps one per loop)
        # Threads of its own, never the event loop's default executor: each keeps its database connection
        # from one batch to the next (Django's connections are per thread; nothing here closes them).
        self.executor = ThreadPoolExecutor(max_workers=max_in_flight, thread_name_prefix="realtime-reader")

    def close(self) -> None:
        """Close the reading threads' connections and stop the threads (the process's shutdown, tests)."""
        barrier = threading.Barrier(self.max_in_flight)

        def close_this_threads_connection() -> None:
            connection.close()
            barrier.wait(timeout=10)  # each closing task holds its thread: every thread gets one

        for future in [self.executor.submit(close_this_threads_connection) for _ in range(self.max_in_flight)]:
            future.result()
        self.executor.shutdown(wait=True)

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
            results = await asyncio.get_running_loop().run_in_executor(self.executor, read_many,
                                                                      [r for r, _ in batch])
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


def close_readers() -> None:
    """Close every reader of this process (at the ASGI server's shutdown)."""
    while _readers:
        _, found = _readers.popitem()
        found.close()


def reader() -> BatchReader:
    """The reader of the running event loop (one per process in practice; tests may run several loops)."""
    loop = asyncio.get_running_loop()
    found = _readers.get(id(loop))
    if found is None or found.loop is not loop:
        found = _readers[id(loop)] = BatchReader(loop)
    return found
