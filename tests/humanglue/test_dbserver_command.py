"""``manage.py dbserver`` as an operator runs it, in a child process on a throwaway data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def dbserver(action: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["HUMANGLUE_PGDATA"] = str(data_dir)
    return subprocess.run([sys.executable, "manage.py", "dbserver", action], cwd=PROJECT_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def test_status_start_stop(tmp_path: Path) -> None:
    data_dir = tmp_path / "pg"
    status = dbserver("status", data_dir)
    assert status.returncode == 3 and "stopped" in status.stdout

    start = dbserver("start", data_dir)
    assert start.returncode == 0, start.stderr
    assert "running" in start.stdout and "database humanglue" in start.stdout

    status = dbserver("status", data_dir)
    assert status.returncode == 0 and "running: pid" in status.stdout

    stop = dbserver("stop", data_dir)
    assert stop.returncode == 0 and "stopped" in stop.stdout
    assert dbserver("status", data_dir).returncode == 3
