"""API throughput: the REST API against a bare ASGI endpoint running the same SQL.

    .venv/bin/python bench/api_throughput.py [--seconds 10] [--clients 8]

Seeds its own database (``HUMANGLUE_BENCH_API_DB``, default humanglue_bench_api; the embedded server, or
DATABASE_URL's), records the SQL each measured endpoint runs (Django's query capture, in process), then
starts two uvicorn processes on loopback: the project (one worker, connecting as the request login role)
and bench/bare_asgi.py (psycopg, the same SQL in the same security context). Each endpoint is driven by
``--clients`` concurrent clients for ``--seconds``, first the API, then the bare endpoint; prints req/s,
p50 and p99 and the ratio API/bare (target: 0.5 or better).

The POST (registering for a workshop) writes a row, so every request is another user's: the API side
cycles through bench users' tokens, the bare side replays the recorded SQL with the next user's id and a
fresh registration id (``rotate`` in the plan). The workshop is free, with seats for every request.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from _setup import PROJECT_DIR

TARGET = 0.5
INSTRUCTOR = "maya.chen@acme.example"  # a seeded instructor with students
REGISTER = "/api/v1/workshops/{workshop}/register/"
ENDPOINTS = [
    ("course catalog, page of 20", "GET", "/api/v1/courses/?page_size=20"),
    ("instructor's students, page of 20", "GET", "/api/v1/instructor/students/?page_size=20"),
    ("workshop catalog, page of 20", "GET", "/api/v1/workshops/?page_size=20"),
    ("register for a workshop (POST)", "POST", REGISTER),
]
# Distinct registrants per side for the POST runs (more than a run's requests at a few hundred req/s).
REGISTRANTS = 8000
# The parts worth reading in a profile: the project's code, DRF's serializers and pagination, the ORM's
# SQL compiler, and the wait for the database.
PROFILE_FOCUS = (r"humanglue|organizations|instructors|workshops|rest_framework/(serializers|pagination|generics)"
                 r"|django/db/models/sql/compiler|psycopg/connection")
SKIPPED_SQL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "SET LOCAL ROLE", "SELECT set_config")


def bench_registrants(workshop_slug: str) -> tuple[Any, list[Any]]:
    """A free published workshop with a seat for every request, and its would-be registrants (created once)."""
    from datetime import timedelta

    from django.utils import timezone

    from organizations.models import User
    from workshops.models import Workshop

    workshop = Workshop.objects.filter(slug=workshop_slug).first()
    if workshop is None:
        instructor = User.objects.get(email=INSTRUCTOR)
        start = timezone.now() + timedelta(days=60)
        workshop = Workshop.objects.create(
            instructor=instructor, title="Bench workshop", slug=workshop_slug, pillar="coaching", level="beginner",
            start_time=start, end_time=start + timedelta(hours=2), capacity_total=3 * REGISTRANTS,
            status="published")
    emails = [f"bench-registrant-{n}@bench.example" for n in range(2 * REGISTRANTS + 1)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create([User(email=e, full_name="Bench Registrant", password="!") for e in emails
                              if e not in existing], batch_size=1000)
    by_email = dict(User.objects.filter(email__in=emails).values_list("email", "id"))
    return workshop, [by_email[e] for e in emails]


def prepare(db_name: str) -> tuple[str, dict, str, dict]:
    """Seed, and return (access token, the SQL plan of each endpoint, the request role's DSN, the POST
    runs' users: API tokens and the bare side's user ids)."""
    from _setup import setup_django

    setup_django(db_name)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

    from organizations.models import User
    from workshops.models import WorkshopRegistration

    call_command("seed", verbosity=0)
    user = User.objects.get(email=INSTRUCTOR)
    token = str(RefreshToken.for_user(user).access_token)
    workshop, registrants = bench_registrants("bench-workshop")
    # Every run starts with no registrations: the same work each time.
    WorkshopRegistration.objects.filter(workshop_id=workshop.pk).delete()
    recorder, api_users, bare_users = registrants[0], registrants[1:REGISTRANTS + 1], registrants[REGISTRANTS + 1:]
    routes, rotate = {}, {}
    for label, method, url in ENDPOINTS:
        url = url.format(workshop=workshop.pk)
        bearer = str(AccessToken.for_user(User(pk=recorder))) if method == "POST" else token
        client = Client(HTTP_AUTHORIZATION=f"Bearer {bearer}")
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url) if method == "POST" else client.get(url)
        if response.status_code not in (200, 201):
            raise SystemExit(f"{label}: {url} answered {response.status_code} in process: {response.content[:300]!r}")
        # The user lookups of authentication are the framework's share; the bare endpoint runs the rest.
        statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(SKIPPED_SQL)]
        routes[url.split("?")[0]] = statements
        if method == "POST":
            # Replayed by the bare endpoint as the next bare user, with a fresh registration id.
            rotate[url] = {"user_id": str(recorder), "user_ids": [str(u) for u in bare_users],
                           "fresh": [response.json()["id"]]}
    connection.ensure_connection()
    info = connection.connection.info  # where the project's server really is (the embedded one too)
    dsn = f"host={info.host} port={info.port} dbname={info.dbname} user=humanglue_web"
    posting = {"tokens": [str(AccessToken.for_user(User(pk=u))) for u in api_users], "workshop": workshop.pk}
    return token, {"user_id": str(user.pk), "routes": routes, "rotate": rotate}, dsn, posting


def profile(url: str, token: str, requests: int = 200) -> str:
    """Where an endpoint's time goes: cProfile of ``requests`` in-process requests (Django's test client,
    the same middleware and views), the top entries by cumulative and by own time."""
    import cProfile
    import io
    import pstats

    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for _ in range(10):
        client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(PROFILE_FOCUS, 18)
    stats.sort_stats("tottime").print_stats(12)
    return "\n".join("      " + line for line in out.getvalue().splitlines() if line.strip())


def start(args: list[str], env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(args + ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                            cwd=PROJECT_DIR, env=env)
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return proc
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{args} did not start") from None
            time.sleep(0.2)


async def drive(url: str, headers: Callable[[], dict], clients: int, seconds: float, method: str = "GET",
                ok: int = 200) -> tuple[int, list[float], int]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def one_client(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            started = time.perf_counter()
            response = await client.request(method, url, headers=headers())
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != ok:
                errors += 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        await client.request(method, url, headers=headers())  # warm up
        started = time.perf_counter()
        await asyncio.gather(*(one_client(client) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return round(len(latencies) / elapsed), latencies, errors


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--topology", action="store_true",
                        help="instead: one worker on the embedded server against two workers behind PgBouncer "
                             "(bench/topology_throughput.py; needs DATABASE_URL)")
    args = parser.parse_args()
    if args.topology:
        import topology_throughput

        topology_throughput.run(args.clients, args.seconds)
        return
    db_name = os.environ.get("HUMANGLUE_BENCH_API_DB", "humanglue_bench_api")
    token, plan, dsn, posting = prepare(db_name)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as plan_file:
        json.dump(plan, plan_file)
    env = dict(os.environ, HUMANGLUE_DB_NAME=db_name, BARE_SQL=plan_file.name, BARE_DSN=dsn)
    if env.get("DATABASE_URL"):
        from urllib.parse import urlsplit, urlunsplit

        env["DATABASE_URL"] = urlunsplit(urlsplit(env["DATABASE_URL"])._replace(path=f"/{db_name}"))
    api = start([sys.executable, "-m", "uvicorn", "humanglue.asgi:application"], env, 18101)
    bare = start([sys.executable, "-m", "uvicorn", "--app-dir", str(PROJECT_DIR / "bench"), "bare_asgi:app"],
                 env, 18102)
    misses = 0
    try:
        print(f"{args.clients} concurrent clients, {args.seconds:g} s per run, 1 worker each")
        print(f"{'endpoint':36} {'API req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'bare req/s':>10} {'p50 ms':>7} "
              f"{'p99 ms':>7} {'ratio':>6}")
        for label, method, url in ENDPOINTS:
            url = url.format(workshop=posting["workshop"])
            if method == "POST":
                # One registrant per request (a longer run than REGISTRANTS requests answers 409s: counted).
                tokens = itertools.cycle(posting["tokens"])

                def api_headers(tokens: Any = tokens) -> dict:
                    return {"Authorization": f"Bearer {next(tokens)}"}
                ok = 201
            else:
                def api_headers() -> dict:
                    return {"Authorization": f"Bearer {token}"}
                ok = 200
            api_rps, api_lat, api_err = asyncio.run(drive(f"http://127.0.0.1:18101{url}", api_headers, args.clients,
                                                          args.seconds, method, ok))
            bare_rps, bare_lat, bare_err = asyncio.run(drive(f"http://127.0.0.1:18102{url.split('?')[0]}", dict,
                                                             args.clients, args.seconds, method))
            ratio = api_rps / bare_rps
            flag = "" if ratio >= TARGET else "  < target"
            misses += ratio < TARGET
            print(f"{label:36} {api_rps:9} {percentile(api_lat, 50):7.1f} {percentile(api_lat, 99):7.1f} "
                  f"{bare_rps:10} {percentile(bare_lat, 50):7.1f} {percentile(bare_lat, 99):7.1f} {ratio:5.2f}x{flag}")
            if ratio < TARGET and method == "GET":
                print(f"    where the time goes ({url}, in process):")
                print(profile(url, token))
            if api_err or bare_err:
                print(f"    non-{ok} answers: API {api_err}, bare {bare_err}")
    finally:
        for proc in (api, bare):
            proc.terminate()
            proc.wait(10)
        Path(plan_file.name).unlink(missing_ok=True)
    print(f"{misses} endpoint(s) below {TARGET}x of the bare endpoint" if misses
          else f"every endpoint at {TARGET}x of the bare endpoint or better")


if __name__ == "__main__":
    main()
