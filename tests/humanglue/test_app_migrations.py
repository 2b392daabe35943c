"""Every app's migrations unapply to zero and apply again (``migrate <app> zero`` and back)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from humanglue.contract import project_apps

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT_APPS = project_apps()


def existing_tables() -> set[str]:
    """Tables and views (an unmanaged model reads a view, such as public_profiles)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                       "UNION ALL SELECT viewname FROM pg_views WHERE schemaname = 'public'")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize("app_label", PROJECT_APPS)
def test_app_zero_and_back(app_label: str) -> None:
    tables = {m._meta.db_table for m in apps.get_app_config(app_label).get_models()}
    assert tables <= existing_tables()
    call_command("migrate", app_label, "zero", verbosity=0)
    assert not tables & existing_tables()
    call_command("migrate", verbosity=0)
    assert tables <= existing_tables()
