"""Schemathesis runs every operation of /api/schema/ against the live ASGI server (uvicorn, the request
login role) on the seeded data, authenticated as a seeded instructor: no 5xx, and every answer matches
the schema (status code, content type, body). Examples per operation are bounded for CI's two cores:
``SCHEMATHESIS_MAX_EXAMPLES`` (default 15)."""

from __future__ import annotations

import os

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "15"))
SEEDED_USER = "maya.chen@acme.example"  # an instructor of the Acme organization
# The mark makes pytest-django create the test database; the tests themselves only speak HTTP.
pytestmark = pytest.mark.django_db
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def live_api(seeded_live_server: str, django_db_blocker) -> tuple[str, str]:  # noqa: ANN001
    """(base URL, bearer token of the seeded user) on the seeded live server."""
    from rest_framework_simplejwt.tokens import RefreshToken

    from organizations.models import User

    with django_db_blocker.unblock():
        token = str(RefreshToken.for_user(User.objects.get(email=SEEDED_USER)).access_token)
    return seeded_live_server, token


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
