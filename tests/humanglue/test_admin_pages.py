"""A staff user logs in and opens the list, search, add and change page of every model in the admin."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from humanglue.contract import project_apps
from organizations.models import User
from tests.sample_data import PASSWORD, build_one_of_each

pytestmark = pytest.mark.django_db

PROJECT_APPS = set(project_apps())


@pytest.fixture
def admin_client() -> Client:
    User.objects.create_superuser("root@example.com", PASSWORD, full_name="Root")
    client = Client()
    assert client.login(username="root@example.com", password=PASSWORD)
    return client


def test_every_contract_model_is_registered() -> None:
    registered = {m._meta.db_table for m in admin.site._registry if m._meta.app_label in PROJECT_APPS}
    from humanglue.contract import load_contract

    assert registered == set(load_contract()["tables"])


def test_list_search_add_and_change_pages_open(admin_client: Client) -> None:
    rows = build_one_of_each()
    by_model = {type(obj): obj for obj in rows.values()}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        changelist = reverse(f"{info}_changelist")
        response = admin_client.get(changelist)
        assert response.status_code == 200, changelist
        if model_admin.search_fields:
            assert admin_client.get(changelist, {"q": "x"}).status_code == 200, changelist
        add = admin_client.get(reverse(f"{info}_add"))
        assert add.status_code in (200, 403), info  # 403: the admin forbids adding (trigger-written tables)
        obj = by_model[model]
        change = admin_client.get(reverse(f"{info}_change", args=[obj.pk]))
        assert change.status_code == 200, info
