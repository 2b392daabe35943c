from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_version_and_migrations() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["reachable"] is True
    assert body["database"]["server_version"].split(".")[0] in {"15", "16", "17", "18"}
    assert body["database"]["unapplied_migrations"] == []


def test_healthz_only_answers_get() -> None:
    assert Client().post("/healthz").status_code == 405
