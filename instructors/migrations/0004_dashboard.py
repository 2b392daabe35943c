"""The instructor dashboard and the counter rebuild (spec 30 §1, §5): get_instructor_dashboard_stats and
rebuild_instructor_counters read revenue_transactions, so they come after payments/0004_revenue_totals."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("instructors", "0003_logic"),
        ("payments", "0004_revenue_totals"),
    ]

    operations = [
        run_sql_file("instructors", "dashboard.sql", "dashboard_reverse.sql"),
    ]
