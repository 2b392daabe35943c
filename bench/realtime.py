"""Realtime delivery: committed notifications to 1,000 live websocket clients, against raw LISTEN.

    PYTHONPATH=. .venv/bin/python bench/realtime.py [--clients 1000] [--rate 500] [--seconds 20]

Sets up its own database (``HUMANGLUE_BENCH_RT_DB``, default humanglue_bench_realtime; the embedded server,
or DATABASE_URL's), migrated, with one bench user per client (one INSERT ... SELECT generate_series as the
owner) and a JWT access token for each. Starts one uvicorn process serving the project as production runs
it (DEBUG off; lifespan on, so the realtime listener runs with the in-memory channel layer) and opens
``--clients`` websocket clients to ``/ws/realtime/?token=...`` from one event loop, waiting for every
``ready``. A producer thread then commits notifications as the owner, one INSERT per transaction, each for
a random connected user, at ``--rate`` events/s for ``--seconds``, keeping the commit time per notification
id. Every client keeps the receive time per notification id; in the same loop a psycopg async connection
LISTENs on ``humanglue_realtime`` directly and keeps the NOTIFY receipt time per id: the baseline.
``--latency-csv PATH`` also writes each notification's commit offset and latency (to see when slow ones were
committed).

Prints delivered vs expected (missing ids, duplicates, wrong recipients), commit-to-receive p50/p95/p99 for
the websocket clients and for raw LISTEN, the server's RSS before and after connecting the clients and the
memory per connection, and the target line (issue 14): p99 under 100 ms at 500 events/s, zero lost. Exits 0
whether or not the target is met.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psutil
from _setup import PROJECT_DIR

TARGET_P99_MS = 100.0
TARGET_RATE = 500
CHANNEL = "humanglue_realtime"
EMAIL = "bench-rt-{}@bench.example"
CONNECT_CONCURRENCY = 50  # handshakes in flight at once
NOTIFICATION_MARK = '"notification":{"id":"'  # the consumer's frame: {"type":"notification","notification":{"id":...


def prepare(db_name: str, users: int) -> tuple[list[str], list[str], dict[str, Any]]:
    """Migrate, create the bench users (once), clear their old notifications; (user ids, tokens, owner conninfo)."""
    from _setup import setup_django

    setup_django(db_name)
    from django.db import connection
    from rest_framework_simplejwt.tokens import AccessToken

    from notifications.realtime.listener import owner_conninfo
    from organizations.models import User

    with connection.cursor() as cursor:
        # As the owner, in one statement; users already there from an earlier run are kept.
        cursor.execute(
            """
            INSERT INTO public.users (email, full_name)
            SELECT format(%s, g), format('Bench Realtime %%s', g) FROM generate_series(1, %s) AS g
            WHERE NOT EXISTS (SELECT 1 FROM public.users u WHERE u.email = format(%s, g))
            """,
            [EMAIL.replace("{}", "%s"), users, EMAIL.replace("{}", "%s")],
        )
        emails = [EMAIL.format(n) for n in range(1, users + 1)]
        cursor.execute("SELECT id::text, email FROM public.users WHERE email = ANY(%s)", [emails])
        by_email = dict((email, uid) for uid, email in cursor.fetchall())
        ids = [by_email[e] for e in emails]
        # Every run starts with empty inboxes: the same (small) ready/replay work each time.
        cursor.execute("DELETE FROM public.notifications WHERE user_id = ANY(%s::uuid[])", [ids])
    found = {str(pk): user for pk, user in User.objects.in_bulk(ids).items()}
    tokens = [str(AccessToken.for_user(found[uid])) for uid in ids]
    conninfo = dict(owner_conninfo(), application_name="bench-realtime")
    connection.close()
    return ids, tokens, conninfo


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(db_name: str) -> dict[str, str]:
    env = dict(os.environ)
    if env.get("DATABASE_URL"):
        env["DATABASE_URL"] = urlunsplit(urlsplit(env["DATABASE_URL"])._replace(path=f"/{db_name}"))
    else:
        env["HUMANGLUE_DB_NAME"] = db_name
    env["REALTIME_LISTENER"] = "1"
    # As in production: DEBUG off (no query log kept per statement), plain HTTP on the loopback (no proxy).
    env["DEBUG"] = "false"
    env["SECURE_SSL_REDIRECT"] = "false"
    return env


def _listener_connected(report: Any) -> bool:
    """Somewhere in /healthz's listener report: ``connected: true`` of this process's listener."""
    if isinstance(report, dict):
        return report.get("connected") is True or any(_listener_connected(v) for v in report.values())
    return False


def start_server(db_name: str, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "humanglue.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", "--lifespan", "on"],
        cwd=PROJECT_DIR, env=server_env(db_name))
    deadline = time.monotonic() + 60
    while True:
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            if _listener_connected(response.json().get("listener")):
                return proc
        except (httpx.TransportError, ValueError):
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise SystemExit("uvicorn did not start (or its realtime listener did not connect)")
        time.sleep(0.2)


def rss(pid: int) -> int:
    return psutil.Process(pid).memory_info().rss


class Run:
    """Everything recorded during one run (all times are time.monotonic(), one clock for the whole process)."""

    def __init__(self, user_ids: list[str]) -> None:
        self.user_ids = user_ids
        self.targets: list[int] = []  # indexes of the connected clients (each is its own user)
        self.commits: dict[str, float] = {}  # notification id -> commit time (written by the producer thread)
        self.recipient: dict[str, int] = {}  # notification id -> the client index it was for
        self.received: dict[str, list[tuple[int, float]]] = {}  # notification id -> [(client, receive time)]
        self.baseline: dict[str, float] = {}  # notification id -> NOTIFY receipt time (raw LISTEN)
        self.ready = 0
        self.connected = 0
        self.resyncs = 0
        self.closed_early: list[int | None] = []
        self.failed_connects = 0
        self.produced = 0
        self.producing = False
        self.produce_elapsed = 0.0


async def client(run: Run, index: int, url: str, origin: str, gate: asyncio.Semaphore,
                 sockets: list[Any], stop: asyncio.Event) -> None:
    import websockets

    received = run.received
    mark, mark_len = NOTIFICATION_MARK, len(NOTIFICATION_MARK)
    async with gate:
        try:
            ws = await websockets.connect(url, origin=origin, compression=None, ping_interval=None,
                                          open_timeout=120, max_queue=None)
        except Exception as exc:  # counted and printed; the run goes on with the others
            run.failed_connects += 1
            if run.failed_connects <= 3:
                print(f"  client {index}: connect failed: {type(exc).__name__}: {exc}", flush=True)
            return
    run.connected += 1
    sockets[index] = ws
    try:
        first = True
        async for text in ws:
            now = time.monotonic()
            # Only what is needed: the id of a notification frame, found without decoding the JSON.
            at = text.find(mark)
            if at >= 0:
                start = at + mark_len
                nid = text[start:start + 36]
                entry = received.get(nid)
                if entry is None:
                    received[nid] = [(index, now)]
                else:
                    entry.append((index, now))
            elif first and text.startswith('{"type":"ready"'):
                first = False
                run.ready += 1
            elif text.startswith('{"type":"resync"'):
                run.resyncs += 1
    except Exception:
        pass
    if not stop.is_set():
        run.closed_early.append(ws.close_code)


async def baseline_listener(run: Run, conninfo: dict[str, Any], listening: asyncio.Event,
                            stop: asyncio.Event) -> None:
    """Raw LISTEN on the realtime channel: NOTIFY receipt time per notification INSERT."""
    import psycopg

    conn = await psycopg.AsyncConnection.connect(autocommit=True, **conninfo)
    async with conn:
        await conn.execute(f"LISTEN {CHANNEL}")
        listening.set()
        while not stop.is_set():
            async for notify in conn.notifies(timeout=0.25):
                now = time.monotonic()
                payload = json.loads(notify.payload)
                if payload.get("table") == "notifications" and payload.get("op") == "INSERT":
                    run.baseline[str(payload["id"])] = now


def producer(run: Run, conninfo: dict[str, Any], rate: float, seconds: float) -> None:
    """In its own thread: one INSERT per transaction, as the owner, on a fixed schedule."""
    import psycopg

    total = int(rate * seconds)
    rng = random.Random(14)
    with psycopg.connect(autocommit=True, **conninfo) as conn:
        cur = conn.cursor()
        sql = ("INSERT INTO public.notifications (user_id, type, title, message) "
               "VALUES (%s, 'announcement', 'Bench', 'Realtime bench') RETURNING id::text")
        run.producing = True
        started = time.monotonic()
        for n in range(total):
            due = started + n / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            target = run.targets[rng.randrange(len(run.targets))]
            cur.execute(sql, [run.user_ids[target]])  # autocommit: the statement is its own transaction
            committed = time.monotonic()  # the commit has returned
            nid = cur.fetchone()[0]
            run.commits[nid] = committed
            run.recipient[nid] = target
            run.produced = n + 1
        run.produce_elapsed = time.monotonic() - started
        run.producing = False


def delivered_count(run: Run) -> int:
    return sum(len(v) for v in run.received.values())


async def drive(run: Run, port: int, tokens: list[str], conninfo: dict[str, Any], rate: float, seconds: float,
                drain: float, server_pid: int) -> tuple[int, int]:
    clients = len(tokens)
    stop = asyncio.Event()
    listening = asyncio.Event()
    base = asyncio.create_task(baseline_listener(run, conninfo, listening, stop))
    await asyncio.wait_for(listening.wait(), 30)

    await asyncio.sleep(1.0)
    rss_before = rss(server_pid)
    print(f"server RSS before connecting: {rss_before / 2**20:.1f} MiB", flush=True)
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    sockets: list[Any] = [None] * clients
    origin = f"http://localhost:{port}"
    started = time.monotonic()
    tasks = [asyncio.create_task(client(run, i, f"ws://127.0.0.1:{port}/ws/realtime/?token={tok}", origin, gate,
                                        sockets, stop)) for i, tok in enumerate(tokens)]
    last_print = 0.0
    while run.ready + run.failed_connects + len(run.closed_early) < clients:
        await asyncio.sleep(0.25)
        now = time.monotonic()
        if now - last_print >= 2:
            last_print = now
            print(f"  connecting: {run.connected}/{clients} connected, {run.ready} ready "
                  f"({now - started:.1f} s)", flush=True)
        if now - started > 600:
            print("  giving up waiting for ready after 600 s", flush=True)
            break
    connect_time = time.monotonic() - started
    print(f"  {run.ready}/{clients} ready in {connect_time:.1f} s ({run.failed_connects} failed to connect, "
          f"{len(run.closed_early)} closed)", flush=True)
    await asyncio.sleep(2.0)  # let the server settle (the per-socket tasks, the readiness replays)
    rss_after = rss(server_pid)
    print(f"server RSS after connecting:  {rss_after / 2**20:.1f} MiB", flush=True)

    async def keepalive() -> None:
        # The consumer closes a socket after 90 s without a frame (4408): one ping per socket every 25 s,
        # spread over the 25 s as real clients' are (each pings on its own schedule), not all at once.
        live = [ws for ws in sockets if ws is not None]
        while live:
            for ws in live:
                await asyncio.sleep(25 / len(live))
                try:
                    await ws.send('{"type":"ping"}')
                except Exception:
                    pass

    pinger = asyncio.create_task(keepalive())
    ready_clients = [i for i, ws in enumerate(sockets) if ws is not None]
    # Notifications go to connected users only (every client is its own user).
    run.targets = ready_clients
    print(f"producing {rate:g} notifications/s for {seconds:g} s ({int(rate * seconds)} commits)", flush=True)
    produce = asyncio.create_task(asyncio.to_thread(producer, run, conninfo, rate, seconds))
    produce_started = time.monotonic()
    while not produce.done():
        await asyncio.wait({produce}, timeout=2.0)
        if not produce.done():
            print(f"  {time.monotonic() - produce_started:5.1f} s: committed {run.produced}, "
                  f"websocket deliveries {delivered_count(run)}, raw LISTEN {len(run.baseline)}", flush=True)
    produce.result()
    expected = len(run.commits)
    print(f"  last commit done; waiting up to {drain:g} s for the rest", flush=True)
    drain_started = last_print = time.monotonic()
    while time.monotonic() < drain_started + drain and (delivered_count(run) < expected
                                                        or len(run.baseline) < expected):
        await asyncio.sleep(0.1)
        if time.monotonic() - last_print >= 2:
            last_print = time.monotonic()
            print(f"  draining {last_print - drain_started:4.1f} s: websocket deliveries {delivered_count(run)}"
                  f"/{expected}", flush=True)
    await asyncio.sleep(0.5)  # late duplicates, if any
    print(f"  done: committed {expected}, websocket deliveries {delivered_count(run)}, "
          f"raw LISTEN {len(run.baseline)}", flush=True)
    stop.set()
    pinger.cancel()
    await asyncio.gather(*(ws.close() for ws in sockets if ws is not None), return_exceptions=True)
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.wait_for(base, 5)
    return rss_before, rss_after


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return float("nan"), float("nan"), float("nan")
    if len(values) == 1:
        return values[0], values[0], values[0]
    q = statistics.quantiles(values, n=100, method="inclusive")
    return q[49], q[94], q[98]


def report(run: Run, clients: int, rate: float, seconds: float, drain: float, rss_before: int,
           rss_after: int) -> None:
    expected = len(run.commits)
    delivered = delivered_count(run)
    missing = [nid for nid in run.commits if nid not in run.received]
    duplicates = sum(len(v) - 1 for v in run.received.values() if len(v) > 1)
    wrong = sum(1 for nid, got in run.received.items() for idx, _ in got if run.recipient.get(nid) != idx)
    unknown = sum(1 for nid in run.received if nid not in run.commits)
    ws_lat = [(got[0][1] - run.commits[nid]) * 1000 for nid, got in run.received.items() if nid in run.commits]
    raw_lat = [(t - run.commits[nid]) * 1000 for nid, t in run.baseline.items() if nid in run.commits]
    raw_missing = sum(1 for nid in run.commits if nid not in run.baseline)
    achieved = expected / run.produce_elapsed if run.produce_elapsed else float("nan")
    ws50, ws95, ws99 = percentiles(ws_lat)
    raw50, raw95, raw99 = percentiles(raw_lat)
    per_conn = (rss_after - rss_before) / max(run.ready, 1)

    print()
    print(f"realtime bench: {clients} clients ({run.ready} ready), {rate:g} events/s requested for {seconds:g} s, "
          f"achieved {achieved:.1f} events/s ({expected} commits in {run.produce_elapsed:.2f} s)")
    print(f"delivered vs expected:  {delivered} / {expected}   missing ids (not received {drain:g} s after the "
          f"last commit): {len(missing)}   "
          f"duplicates: {duplicates}   wrong recipient: {wrong}   unknown ids: {unknown}   "
          f"resync frames: {run.resyncs}   sockets closed early: {len(run.closed_early)}"
          + (f" (codes {sorted(set(run.closed_early), key=str)})" if run.closed_early else ""))
    print(f"commit-to-receive, websocket clients: p50 {ws50:7.1f} ms   p95 {ws95:7.1f} ms   p99 {ws99:7.1f} ms   "
          f"max {max(ws_lat, default=float('nan')):7.1f} ms")
    print(f"commit-to-NOTIFY, raw LISTEN (base):  p50 {raw50:7.1f} ms   p95 {raw95:7.1f} ms   p99 {raw99:7.1f} ms   "
          f"max {max(raw_lat, default=float('nan')):7.1f} ms   ({len(raw_lat)} received, {raw_missing} missing)")
    print(f"server RSS: {rss_before / 2**20:.1f} MiB before connecting, {rss_after / 2**20:.1f} MiB with "
          f"{run.ready} clients: {per_conn / 1024:.1f} KiB per connection")
    ratio = ws99 / raw99 if raw99 and raw99 == raw99 else float("nan")
    lost = expected - len({nid for nid in run.received if nid in run.commits})
    met = ws99 < TARGET_P99_MS and lost == 0 and delivered == expected and rate >= TARGET_RATE \
        and achieved >= 0.95 * TARGET_RATE
    print(f"target (issue 14): p99 under {TARGET_P99_MS:g} ms at {TARGET_RATE} events/s, zero lost -> "
          f"{'MET' if met else 'MISSED'}: p99 {ws99:.1f} ms at {achieved:.0f} events/s, {lost} not delivered, "
          f"{duplicates} duplicates; p99 is {ratio:.1f}x the raw LISTEN p99 ({raw99:.1f} ms)"
          + ("" if rate >= TARGET_RATE else f" (this run's rate {rate:g}/s is below the target's)"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--latency-csv", metavar="PATH",
                        help="also write commit offset (s) and commit-to-receive latency (ms) per notification")
    parser.add_argument("--drain", type=float, default=15,
                        help="seconds to wait after the last commit for deliveries still on their way")
    args = parser.parse_args()
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 2 * args.clients + 100:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4 * args.clients + 256), hard))
    db_name = os.environ.get("HUMANGLUE_BENCH_RT_DB", "humanglue_bench_realtime")
    # One key for the tokens made here and the server (DEBUG off refuses the development key).
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    print(f"database {db_name}: migrating, {args.clients} users and tokens", flush=True)
    user_ids, tokens, conninfo = prepare(db_name, args.clients)
    port = free_port()
    server = start_server(db_name, port)
    print(f"uvicorn (pid {server.pid}) on 127.0.0.1:{port}, realtime listener connected", flush=True)
    run = Run(user_ids)
    try:
        rss_before, rss_after = asyncio.run(drive(run, port, tokens, conninfo, args.rate, args.seconds, args.drain,
                                                  server.pid))
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
    report(run, args.clients, args.rate, args.seconds, args.drain, rss_before, rss_after)
    if args.latency_csv:
        first = min(run.commits.values(), default=0.0)
        with open(args.latency_csv, "w") as out:
            out.write("commit_s,latency_ms\n")
            for nid, committed in sorted(run.commits.items(), key=lambda item: item[1]):
                got = run.received.get(nid)
                latency = f"{(got[0][1] - committed) * 1000:.2f}" if got else ""
                out.write(f"{committed - first:.3f},{latency}\n")


if __name__ == "__main__":
    threading.current_thread().name = "bench-realtime"
    main()
