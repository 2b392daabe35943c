"""Production settings (DEBUG off): Django's deployment checks pass, and the process refuses to start
without a real SECRET_KEY. Each case is a fresh ``manage.py`` process, as a deploy would start one."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_DIR

REAL_KEY = secrets.token_urlsafe(64)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_with_the_production_settings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="false", SECRET_KEY=REAL_KEY,
                    ALLOWED_HOSTS="learn.example.com")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_would_fail_with_development_settings() -> None:
    # the same check on the development defaults reports the missing protections (so the test above can fail)
    result = manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="true")
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W018" in result.stderr  # HSTS, DEBUG


@pytest.mark.parametrize("key", ["", "short-key", "django-insecure-" + "x" * 60, "a" * 64])
def test_production_refuses_to_start_without_a_real_secret_key(key: str) -> None:
    result = manage("check", DEBUG="false", SECRET_KEY=key, ALLOWED_HOSTS="learn.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set to a random value" in result.stderr


def test_production_logs_are_json_lines() -> None:
    code = ("import logging, django; django.setup(); "
            "import structlog; structlog.get_logger('humanglue.test').info('deploy_check', workers=2)")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True,
                            timeout=60, env={**os.environ, "DJANGO_SETTINGS_MODULE": "humanglue.settings",
                                             "DEBUG": "false", "SECRET_KEY": REAL_KEY})
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["event"], line["workers"], line["level"], line["logger"]) == ("deploy_check", 2, "info",
                                                                               "humanglue.test")
    assert line["timestamp"].endswith("Z")
