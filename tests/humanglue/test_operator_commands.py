"""``manage.py verify`` and ``manage.py health`` as an operator runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

PROJECT_DIR = Path(__file__).resolve().parents[2]


def verify(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue()


@pytest.mark.django_db
def test_verify_passes_on_a_migrated_database() -> None:
    code, output = verify("--json")
    report = json.loads(output)
    assert report["problems"] == [] and report["ok"] is True and code == 0
    for kind, row in report["totals"].items():
        assert row["live"] >= row["contract"] >= row["seed_minimum"], kind


@pytest.mark.django_db
def test_verify_names_a_dropped_policy_and_a_dropped_trigger() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP POLICY users_select_self ON users")
        cursor.execute("DROP TRIGGER update_teams_updated_at ON teams")
    code, output = verify("--json")
    problems = {(p["kind"], p["name"]) for p in json.loads(output)["problems"]}
    assert code == 1
    assert problems == {("policy", "users: users_select_self"), ("trigger", "teams: update_teams_updated_at"),
                        ("definition", "policy public.users: users_select_self"),
                        ("definition", "trigger public.teams: update_teams_updated_at")}
    code, text = verify()
    assert code == 1 and "users_select_self" in text and "update_teams_updated_at" in text


@pytest.mark.django_db
def test_verify_reports_a_changed_grant() -> None:
    with connection.cursor() as cursor:
        cursor.execute("GRANT UPDATE ON revenue_transactions TO humanglue_app")
    code, output = verify("--json")
    assert code == 1
    assert [p["name"] for p in json.loads(output)["problems"]] == ["table revenue_transactions"]


@pytest.mark.django_db
def test_health_json_on_a_healthy_database() -> None:
    out = StringIO()
    call_command("health", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["status"] == "ok"
    assert report["database"]["app_role"] is True and report["database"]["unapplied_migrations"] == []
    assert set(report["database"]["row_counts"]) >= {"users", "enrollments", "payments"}


def test_health_exits_non_zero_with_a_clear_message_when_the_database_is_unreachable() -> None:
    env = dict(os.environ, DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere")
    result = subprocess.run([sys.executable, "manage.py", "health"], cwd=PROJECT_DIR, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "UNREACHABLE" in result.stdout and "Traceback" not in result.stdout + result.stderr
    as_json = subprocess.run([sys.executable, "manage.py", "health", "--json"], cwd=PROJECT_DIR, env=env,
                             capture_output=True, text=True, timeout=120)
    assert as_json.returncode == 1 and json.loads(as_json.stdout)["database"]["reachable"] is False
