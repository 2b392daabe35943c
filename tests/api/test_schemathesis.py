"""Schemathesis runs every operation of /api/schema/ against the live ASGI server (uvicorn, the request
login role) on the seeded data, authenticated as a seeded instructor: no 5xx, and every answer matches
the schema (status code, content type, body). Examples per operation are bounded for CI's two cores:
``SCHEMATHESIS_MAX_EXAMPLES`` (default 15)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import PROJECT_DIR, _free_port, server_env

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "15"))
SEEDED_USER = "maya.chen@acme.example"  # an instructor of the Acme organization
# The mark makes pytest-django create the test database; the tests themselves only speak HTTP.
pytestmark = pytest.mark.django_db
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def live_api(django_db_setup: None, django_db_blocker) -> Iterator[tuple[str, str]]:  # noqa: ANN001
    """(base URL, bearer token): the seeded test database served by a real uvicorn process."""
    from django.db import connection
    from rest_framework_simplejwt.tokens import RefreshToken

    from organizations.models import User

    with django_db_blocker.unblock():
        call_command("seed", verbosity=0)
        token = str(RefreshToken.for_user(User.objects.get(email=SEEDED_USER)).access_token)
        port = _free_port()
        env = server_env(connection.settings_dict["NAME"])
        # Throttles would turn most generated login attempts into 429s; a wide rate keeps them exercised.
        env.update(THROTTLE_LOGIN_ADDRESS="100000/min", THROTTLE_LOGIN_ACCOUNT="100000/min",
                   THROTTLE_ANONYMOUS_FORM="100000/min", EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
        proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "humanglue.asgi:application", "--host",
                                 "127.0.0.1", "--port", str(port), "--log-level", "warning"], cwd=PROJECT_DIR, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(f"{base}/healthz", timeout=2)
                    break
                except httpx.TransportError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("uvicorn did not start") from None
                    time.sleep(0.2)
            yield base, token
        finally:
            proc.terminate()
            proc.wait(10)
            call_command("flush", interactive=False, verbosity=0)  # later tests expect an empty database


def _generated_schema() -> dict:
    """The document /api/schema/ serves, generated in-process (it reads no table). Loaded at import time:
    schemathesis's lazy fixture loader does not run on pytest 9."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(_generated_schema())


def test_the_served_schema_is_the_one_tested(live_api: tuple[str, str]) -> None:
    served = httpx.get(f"{live_api[0]}/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}, timeout=10)
    assert served.status_code == 200
    assert served.json()["paths"].keys() == _generated_schema()["paths"].keys()


@schema.parametrize()
@hypothesis_settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
                     suppress_health_check=list(HealthCheck))
def test_every_operation_answers_within_its_schema(case, live_api: tuple[str, str]) -> None:  # noqa: ANN001
    base, token = live_api
    case.call_and_validate(base_url=base, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
