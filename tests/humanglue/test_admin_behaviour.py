"""The admin's generic behaviour (issue 12): counts match rows, refusals on the form, safe filters,
delete confirmations that say what the database does, one-line inputs and CSV export."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from humanglue.contract import project_apps
from organizations.models import User

pytestmark = pytest.mark.django_db

PROJECT_APPS = set(project_apps())
PLATFORM_ADMIN = "admin@humanglue.example"
ORG_ADMIN = "olivia.grant@acme.example"
INSTRUCTOR = "leo.park@globex.example"
STAFF = (PLATFORM_ADMIN, ORG_ADMIN, "marcus.webb@globex.example", "maya.chen@acme.example", INSTRUCTOR)


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker) -> Iterator[None]:  # noqa: ANN001
    """The demo data once for the module (each test's writes are rolled back with its transaction)."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("seed", verbosity=0)
        # Django-side admin access only; rows are still decided by each caller's policies (RLS).
        User.objects.filter(email__in=STAFF).update(is_staff=True, is_superuser=True)
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)


def client_for(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def changelists() -> list[str]:
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry if model._meta.app_label in PROJECT_APPS
    ]


ROW = re.compile(r'<tr[^>]*>\s*<td class="action-checkbox">|<tr[^>]*>\s*<th class="field-')


def rows_and_count(html: str) -> tuple[int, int]:
    count = re.search(r'class="paginator">\s*(\d+)', html)
    return len(ROW.findall(html)), int(count.group(1)) if count else -1


@pytest.mark.parametrize("email", [PLATFORM_ADMIN, ORG_ADMIN, INSTRUCTOR])
def test_every_changelist_count_matches_its_rows(seeded: None, email: str) -> None:
    client = client_for(email)
    wrong = {}
    for url in changelists():
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        rows, count = rows_and_count(response.content.decode())
        if rows != count:
            wrong[url] = (count, rows)
    assert not wrong, wrong

