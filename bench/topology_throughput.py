"""Scaling: the REST API on one worker on the embedded server against two workers behind PgBouncer.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/topology_throughput.py \
        [--seconds 10] [--clients 16]
    (also: .venv/bin/python bench/api_throughput.py --topology)

1. ``make run``'s shape: one uvicorn worker on the embedded PostgreSQL 18 (debug settings).
2. The production shape, ``deploy/topology.sh``: two uvicorn workers with the production settings (JSON
   request logs, HTTPS behind a proxy), request traffic through PgBouncer in transaction mode to the
   DATABASE_URL server, Redis for the cache.
Each seeds its own database (``humanglue_bench_topology``), logs in over HTTP as a seeded instructor, drives
each read endpoint of bench/api_throughput.py with ``--clients`` concurrent clients for ``--seconds``, and prints
req/s, p50, p99 and the ratio two workers / one. The load generator shares the machine's cores with the
workers, so the ratio is a floor for what separate machines would show.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import httpx
from _setup import PROJECT_DIR, _create_on_server
from api_throughput import ENDPOINTS, INSTRUCTOR, drive, percentile, start

# The read endpoints of bench/api_throughput.py (its POST needs a registrant per request).
READS = [(label, url) for label, method, url in ENDPOINTS if method == "GET"]

DB_NAME = os.environ.get("HUMANGLUE_BENCH_TOPOLOGY_DB", "humanglue_bench_topology")
PASSWORD = "HumanGlue-demo-2025"
PROXY = {"X-Forwarded-Proto": "https"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, check=True)


def _login(base: str) -> dict:
    response = httpx.post(f"{base}/api/v1/auth/token/", json={"email": INSTRUCTOR, "password": PASSWORD},
                          headers=PROXY, timeout=30)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access']}", **PROXY}


def _measure(base: str, headers: dict, clients: int, seconds: float) -> list[tuple[int, float, float, int]]:
    rows = []
    for _label, url in READS:
        rps, latencies, errors = asyncio.run(drive(f"{base}{url}", lambda: headers, clients, seconds))
        rows.append((rps, percentile(latencies, 50), percentile(latencies, 99), errors))
    return rows


def one_worker_embedded(clients: int, seconds: float) -> list[tuple[int, float, float, int]]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["HUMANGLUE_DB_NAME"] = DB_NAME
    print(f"seeding {DB_NAME} on the embedded server ...", flush=True)
    _manage(env, "migrate", "--verbosity", "0")
    _manage(env, "seed", "--verbosity", "0")
    port = _free_port()
    proc = start([sys.executable, "-m", "uvicorn", "humanglue.asgi:application"], env, port)
    try:
        base = f"http://127.0.0.1:{port}"
        return _measure(base, _login(base), clients, seconds)
    finally:
        proc.terminate()
        proc.wait(10)


def two_workers_pgbouncer(clients: int, seconds: float) -> list[tuple[int, float, float, int]]:
    parts = urlsplit(os.environ["DATABASE_URL"])
    _create_on_server(urlunsplit(parts._replace(path="/postgres")), DB_NAME)
    env = dict(os.environ, DATABASE_URL=urlunsplit(parts._replace(path=f"/{DB_NAME}")))
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
    print(f"seeding {DB_NAME} on {parts.hostname}:{parts.port or 5432} ...", flush=True)
    _manage(env, "migrate", "--verbosity", "0")
    _manage(env, "seed", "--verbosity", "0")
    port = _free_port()
    env.update(WEB_PORT=str(port), PGBOUNCER_PORT=str(_free_port()), WEB_CONCURRENCY="2", SKIP_MIGRATE="1",
               TOPOLOGY_DIR=str(PROJECT_DIR / ".data" / "topology-bench"))
    script = str(PROJECT_DIR / "deploy" / "topology.sh")
    subprocess.run([script, "start"], env=env, check=True)
    try:
        base = f"http://127.0.0.1:{port}"
        return _measure(base, _login(base), clients, seconds)
    finally:
        subprocess.run([script, "stop"], env=env, check=False)


def run(clients: int, seconds: float) -> None:
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL to the PostgreSQL server PgBouncer fronts (the owner's connection)")
    one = one_worker_embedded(clients, seconds)
    two = two_workers_pgbouncer(clients, seconds)
    print(f"{clients} concurrent clients, {seconds:g} s per run")
    print(f"{'endpoint':36} {'1 worker, embedded':>26} {'2 workers, PgBouncer':>26} {'ratio':>6}")
    print(f"{'':36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for (label, _url), a, b in zip(READS, one, two, strict=True):
        print(f"{label:36} {a[0]:8} {a[1]:8.1f} {a[2]:8.1f} {b[0]:8} {b[1]:8.1f} {b[2]:8.1f} {b[0] / a[0]:5.2f}x")
        if a[3] or b[3]:
            print(f"    non-200 answers: 1 worker {a[3]}, 2 workers {b[3]}")


def main() -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    run(args.clients, args.seconds)


if __name__ == "__main__":
    main()
