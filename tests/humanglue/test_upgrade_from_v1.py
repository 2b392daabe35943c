"""Contract version 2 is reached by new migrations from a version 1 database that holds data: the
upgrade keeps every row (values that break a new rule are reported, not lost) and `verify` passes."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from tests.db import fetch
from tests.world import build_world

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
    # humanglue_schema_definition is bookkeeping that every migrate rewrites (the definitions it installed).
    tables = [t for (t,) in fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                  "AND tablename NOT LIKE 'django_%%' AND tablename NOT LIKE 'auth_%%' "
                                  "AND tablename <> 'humanglue_schema_definition'")]
    return {t: fetch(f'SELECT count(*) FROM "{t}"')[0][0] for t in tables}


def test_upgrade_from_version_1_with_data_keeps_rows_and_verifies(capsys: pytest.CaptureFixture[str]) -> None:
    for app_label, leaf in V1_LEAVES.items():
        call_command("migrate", app_label, leaf, verbosity=0)
    assert fetch("SELECT count(*) FROM pg_policies WHERE policyname = 'Anyone can verify certificates'") == [(1,)]
    build_world()  # one row of every table in two organizations (`seed` refuses unapplied migrations)
    # A value version 2 refuses, written while version 1 allowed it.
    course = fetch("SELECT id FROM courses ORDER BY created_at LIMIT 1")[0][0]
    fetch("UPDATE courses SET price_amount = 'NaN' WHERE id = %s", [course])
    before = row_counts()

    capsys.readouterr()
    call_command("migrate", verbosity=0)
    after = row_counts()
    assert {table: after[table] for table in before} == before  # nothing lost
    assert all(after[table] == 0 for table in after.keys() - before.keys())  # tables added since are new
    assert fetch("SELECT price_amount::text FROM courses WHERE id = %s", [course]) == [("NaN",)]
    # Reported by the migration; the rule stays NOT VALID and still checks new writes.
    assert "courses: 1 existing row(s) violate courses_price_amount_finite" in capsys.readouterr().out

    report = io.StringIO()
    try:
        call_command("verify", "--json", stdout=report)
    except SystemExit as exit_:  # verify exits 1 on a problem: the report says which
        assert exit_.code == 0, report.getvalue()
    result = json.loads(report.getvalue())
    assert result["problems"] == [] and result["ok"] is True
