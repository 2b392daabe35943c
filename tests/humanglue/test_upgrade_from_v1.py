"""Contract version 2 is reached by new migrations from a version 1 database that holds data: the
upgrade keeps every row (values that break a new rule are reported, not lost) and `verify` passes."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from tests.db import fetch

pytestmark = pytest.mark.django_db(transaction=True)

# The last migration of each app as contract version 1 landed (commit fb23f85). Frozen: never edit.
V1_LEAVES = {
    "notifications": "0003_logic",
    "instructors": "0004_dashboard",
    "workshops": "0004_logic",
    "talent": "0004_logic",
    "payments": "0004_revenue_totals",
    "assessments": "0003_logic",
    "organizations": "0003_users_teaching_relation",
}


def row_counts() -> dict[str, int]:
    tables = [t for (t,) in fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                  "AND tablename NOT LIKE 'django_%%' AND tablename NOT LIKE 'auth_%%'")]
    return {t: fetch(f'SELECT count(*) FROM "{t}"')[0][0] for t in tables}


def test_upgrade_from_version_1_with_data_keeps_rows_and_verifies() -> None:
    for app_label, leaf in V1_LEAVES.items():
        call_command("migrate", app_label, leaf, verbosity=0)
    assert fetch("SELECT count(*) FROM pg_policies WHERE policyname = 'Anyone can verify certificates'") == [(1,)]
    call_command("seed", stdout=io.StringIO())
    # A value version 2 refuses, written while version 1 allowed it.
    course = fetch("SELECT id FROM courses ORDER BY created_at LIMIT 1")[0][0]
    fetch("UPDATE courses SET price_amount = 'NaN' WHERE id = %s", [course])
    before = row_counts()

    out = io.StringIO()
    call_command("migrate", verbosity=1, stdout=out)
    assert row_counts() == before  # nothing lost
    assert fetch("SELECT price_amount::text FROM courses WHERE id = %s", [course]) == [("NaN",)]
    assert "courses" in out.getvalue() and "NaN" in out.getvalue() or "violat" in out.getvalue()

    report = io.StringIO()
    call_command("verify", "--json", stdout=report)
    result = json.loads(report.getvalue())
    assert result["problems"] == [] and result["ok"] is True
