"""The production topology (``deploy/topology.sh``): two uvicorn workers behind PgBouncer in transaction mode
on the machine's PostgreSQL, Redis for the channel layer and the cache.

Requests of users of two organizations, interleaved on two shared server connections, each see exactly what
they see alone (the transaction-local security context holds); no server connection keeps a context after a
request; a worker killed in the middle of writes loses no write it acknowledged and leaves no transaction or
context behind. Runs where PgBouncer is installed and ``DATABASE_URL`` and ``REDIS_URL`` are set (CI's Redis
step); skipped with that reason elsewhere.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import psycopg
import pytest

from tests.conftest import PROJECT_DIR, _free_port, server_env

PASSWORD = "HumanGlue-demo-2025"
ACME_ADMIN, GLOBEX_ADMIN = "olivia.grant@acme.example", "marcus.webb@globex.example"
ACME_STUDENT, GLOBEX_STUDENT = "alice.kim@acme.example", "chloe.dubois@globex.example"
POOL_SIZE = 2  # server connections PgBouncer opens for humanglue_web: every request shares them
PROXY = {"X-Forwarded-Proto": "https"}  # what the TLS-terminating proxy adds

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pgbouncer") and not Path("/usr/sbin/pgbouncer").exists(),
                       reason="PgBouncer is not installed (apt-get install pgbouncer)"),
    pytest.mark.skipif(not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"),
                       reason="the topology runs on a TCP PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)"),
]


class Topology:
    def __init__(self, base: str, pgbouncer_port: int, db_name: str, web_pid: int) -> None:
        self.base, self.pgbouncer_port, self.db_name, self.web_pid = base, pgbouncer_port, db_name, web_pid

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, headers=PROXY, timeout=60)

    def token(self, email: str) -> str:
        with self.client() as client:
            response = client.post("/api/v1/auth/token/", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return response.json()["access"]

    def web_connection(self) -> psycopg.Connection:
        """A connection through PgBouncer as the request LOGIN role, as a worker's would be."""
        # no server-side prepared statements: PgBouncer in transaction mode shares server connections
        return psycopg.connect(host="127.0.0.1", port=self.pgbouncer_port, dbname=self.db_name,
                               user="humanglue_web", autocommit=True, prepare_threshold=None)

    def admin(self, command: str) -> list[tuple]:
        """PgBouncer's admin console (simple query protocol only: psql)."""
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.pgbouncer_port), "-U", "postgres",
                              "-d", "pgbouncer", "-AtF", "|", "-c", command],
                             capture_output=True, text=True, check=True).stdout
        return [tuple(line.split("|")) for line in out.splitlines() if line]


@pytest.fixture(scope="module")
def topology(django_db_setup: None, django_db_blocker) -> Iterator[Topology]:  # noqa: ANN001
    from django.core.management import call_command
    from django.db import connection

    db_name = connection.settings_dict["NAME"]
    # Not under pytest's temporary directory (mode 0700): PgBouncer runs as another account when the tests
    # run as root, and must read its files.
    (PROJECT_DIR / ".data").mkdir(exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix="topology-test-", dir=PROJECT_DIR / ".data"))
    run_dir.chmod(0o755)
    web_port, pgbouncer_port = _free_port(), _free_port()
    env = {**server_env(db_name), "TOPOLOGY_DIR": str(run_dir), "WEB_PORT": str(web_port),
           "PGBOUNCER_PORT": str(pgbouncer_port), "PGBOUNCER_POOL_SIZE": str(POOL_SIZE), "WEB_CONCURRENCY": "2",
           "SKIP_MIGRATE": "1", "THROTTLE_LOGIN_ADDRESS": "100000/min", "THROTTLE_LOGIN_ACCOUNT": "100000/min"}
    env.pop("DEBUG", None)
    script = str(PROJECT_DIR / "deploy" / "topology.sh")
    with django_db_blocker.unblock():
        call_command("seed", verbosity=0)
        try:
            subprocess.run([script, "start"], env=env, check=True, timeout=180)
            try:
                web_pid = int((run_dir / "web.pid").read_text())
                yield Topology(f"http://127.0.0.1:{web_port}", pgbouncer_port, db_name, web_pid)
            finally:
                subprocess.run([script, "stop"], env=env, timeout=60)
                shutil.rmtree(run_dir, ignore_errors=True)
        finally:
            call_command("flush", interactive=False, verbosity=0)  # later tests expect an empty database


READS = ["/api/v1/auth/me/", "/api/v1/organizations/", "/api/v1/users/?page_size=100", "/api/v1/enrollments/",
         "/api/v1/notifications/", "/api/v1/courses/?page_size=100"]


def _answer(client: httpx.Client, token: str, path: str) -> tuple[int, str]:
    response = client.get(path, headers={"Authorization": f"Bearer {token}"})
    return response.status_code, response.text


def test_requests_of_two_organizations_interleaved_on_shared_connections_never_mix(topology: Topology) -> None:
    tokens = {email: topology.token(email) for email in (ACME_ADMIN, GLOBEX_ADMIN, ACME_STUDENT, GLOBEX_STUDENT)}
    with topology.client() as client:
        # what each caller sees alone, one request at a time
        alone = {(email, path): _answer(client, token, path) for email, token in tokens.items() for path in READS}
    assert all(status == 200 for status, _ in alone.values())
    assert alone[(ACME_ADMIN, "/api/v1/users/?page_size=100")] != alone[(GLOBEX_ADMIN, "/api/v1/users/?page_size=100")]

    jobs = [(email, path) for _ in range(8) for email in tokens for path in READS]  # 192 requests, interleaved
    with topology.client() as client, ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda job: _answer(client, tokens[job[0]], job[1]), jobs))
    mixed = [job for job, answer in zip(jobs, answers, strict=True) if answer != alone[job]]
    assert mixed == [], f"{len(mixed)} answers differ from the caller's own: {mixed[:5]}"

    # They did share: more client connections (every worker's pool) than server connections.
    clients = [row for row in topology.admin("SHOW CLIENTS") if row[1] == "humanglue_web"]
    servers = [row for row in topology.admin("SHOW SERVERS") if row[1] == "humanglue_web"]
    assert 0 < len(servers) <= POOL_SIZE + 2 < len(clients) or len(servers) < len(clients), (clients, servers)


def test_no_server_connection_keeps_a_request_context(topology: Topology) -> None:
    token = topology.token(ACME_STUDENT)
    with topology.client() as client:
        for _ in range(20):
            assert client.get("/api/v1/auth/me/", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with topology.web_connection() as conn:
        for _ in range(4 * POOL_SIZE):  # transaction mode: each statement may get another server connection
            role, user_id = conn.execute(
                "SELECT current_user, current_setting('app.current_user_id', true)").fetchone()
            assert (role, user_id or "") == ("humanglue_web", "")


@pytest.fixture
def third_worker(topology: Topology) -> Iterator[str]:
    """One more uvicorn process of the same topology (a topology worker's own environment: PgBouncer, Redis)
    on a port of its own, so a socket is on another process than the write for certain (the kernel may hand
    every connection of the shared port to the same worker)."""
    worker = next(child for child in psutil.Process(topology.web_pid).children()
                  if "spawn_main" in " ".join(child.cmdline()))
    port = _free_port()
    proc = subprocess.Popen([str(PROJECT_DIR / ".venv" / "bin" / "uvicorn"), "humanglue.asgi:application",
                             "--host", "127.0.0.1", "--port", str(port), "--proxy-headers",
                             "--forwarded-allow-ips", "127.0.0.1", "--log-level", "warning"],
                            cwd=PROJECT_DIR, env=worker.environ())
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", headers=PROXY, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "the third worker did not start"
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_websocket_delivery_across_processes(topology: Topology, third_worker: str) -> None:
    """An enrollment committed through the topology's workers reaches the course instructor's sockets on the
    workers and on another process (the Redis channel layer and the one elected listener), each exactly once."""
    import asyncio
    import json

    import websockets

    from instructors.models import Course

    course = Course.objects.get(slug="coaching-fundamentals")  # Maya's free course; the outsider is not enrolled
    instructor_token, student_token = topology.token("maya.chen@acme.example"), topology.token(
        "outsider@humanglue.example")
    urls = [base.replace("http://", "ws://") + f"/ws/realtime/?token={instructor_token}"
            for base in (topology.base, topology.base, third_worker, third_worker)]

    async def run() -> list[list[dict]]:
        sockets = []
        try:
            for url in urls:
                sockets.append(await websockets.connect(url, origin=url.split("/ws/")[0].replace(
                    "ws://127.0.0.1", "http://localhost")))
            for ws in sockets:
                assert json.loads(await asyncio.wait_for(ws.recv(), 30))["type"] == "ready"
            async with httpx.AsyncClient(base_url=topology.base, headers=PROXY, timeout=60) as client:
                response = await client.post(f"/api/v1/courses/{course.pk}/enroll/",
                                             headers={"Authorization": f"Bearer {student_token}"})
            assert response.status_code == 201, response.text
            enrollment_id = response.json()["id"]
            received = []
            for ws in sockets:
                frames = []
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline:
                    try:
                        frames.append(json.loads(await asyncio.wait_for(ws.recv(), 2)))
                    except TimeoutError:
                        if any(f.get("type") == "change" and f.get("id") == enrollment_id for f in frames):
                            break
                received.append([f for f in frames if f.get("type") == "change" and f.get("id") == enrollment_id])
            return received
        finally:
            for ws in sockets:
                await ws.close()

    received = asyncio.run(run())
    assert [len(changes) for changes in received] == [1] * len(received), received
    assert all(changes[0]["table"] == "enrollments" and changes[0]["op"] == "INSERT" for changes in received)


def test_a_worker_killed_mid_request_loses_nothing_it_acknowledged(topology: Topology) -> None:
    from organizations.models import Organization, Team

    token = topology.token(ACME_ADMIN)
    acme = Organization.objects.get(slug="acme")
    # uvicorn's worker processes (its supervisor also runs multiprocessing's resource tracker)
    workers = [child for child in psutil.Process(topology.web_pid).children()
               if "spawn_main" in " ".join(child.cmdline())]
    assert len(workers) == 2, [child.cmdline() for child in psutil.Process(topology.web_pid).children()]
    names = [f"Kill test {i:03d}" for i in range(150)]
    done, third_done = [], threading.Event()

    def create(name: str) -> tuple[str, int]:
        try:
            with topology.client() as client:
                response = client.post(f"/api/v1/organizations/{acme.pk}/teams/", json={"name": name},
                                       headers={"Authorization": f"Bearer {token}"})
            status = response.status_code
        except httpx.TransportError:  # the worker died under this request
            status = 0
        done.append(name)
        if len(done) >= len(names) // 3:
            third_done.set()
        return name, status

    with ThreadPoolExecutor(max_workers=12) as pool:
        futures = [pool.submit(create, name) for name in names]
        assert third_done.wait(120)
        os.kill(workers[0].pid, signal.SIGKILL)  # with requests in flight on it
        results = [future.result() for future in futures]

    acknowledged = {name for name, status in results if status == 201}
    assert acknowledged, results
    assert all(status in (201, 0, 502, 503) for _, status in results), results
    assert any(status != 201 for _, status in results), "the kill interrupted no request"
    stored = list(Team.objects.filter(organization=acme, name__startswith="Kill test ").values_list("name", flat=True))
    assert acknowledged <= set(stored)  # nothing acknowledged is lost
    assert len(stored) == len(set(stored))  # nothing written twice

    # The killed worker's open transaction is rolled back and its server connection carries nothing.
    deadline = time.monotonic() + 30
    with psycopg.connect(os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{topology.db_name}",
                         autocommit=True) as owner:
        while True:
            stuck = owner.execute("SELECT count(*) FROM pg_stat_activity WHERE usename = 'humanglue_web' "
                                  "AND state LIKE 'idle in transaction%'").fetchone()[0]
            if stuck == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    assert stuck == 0
    with topology.web_connection() as conn:
        for _ in range(4 * POOL_SIZE):
            role, user_id = conn.execute(
                "SELECT current_user, current_setting('app.current_user_id', true)").fetchone()
            assert (role, user_id or "") == ("humanglue_web", "")
    # and the service still answers
    with topology.client() as client:
        me = client.get("/api/v1/auth/me/", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["email"] == ACME_ADMIN


def test_production_answers_over_tls_only(topology: Topology) -> None:
    with httpx.Client(base_url=topology.base, timeout=30) as plain:
        redirect = plain.get("/api/v1/courses/")
        assert redirect.status_code == 301 and redirect.headers["location"].startswith("https://")
        assert plain.get("/healthz").status_code == 200  # the load balancer's probe stays on plain HTTP
    with topology.client() as client:
        response = client.get("/api/v1/courses/")
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["strict-transport-security"]
    # static files by WhiteNoise from the collected folder (DEBUG off: no finders): admin, API docs, JS client
    with topology.client() as client:
        for path in ("/static/admin/css/base.css", "/static/notifications/realtime.js",
                     "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"):
            static = client.get(path)
            assert static.status_code == 200 and len(static.content) > 1000, path
        docs = client.get("/api/docs/")
        assert docs.status_code == 200 and "swagger-ui-bundle.js" in docs.text

