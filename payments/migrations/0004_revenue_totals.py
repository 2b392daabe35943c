"""Item revenue totals and the instructor revenue breakdown (spec 30 §1, §2.8; conventions §6-§7):
update_item_revenue() with update_item_revenue_trigger on revenue_transactions, and
get_instructor_revenue_breakdown. Written by the instructors helper; owned by the payments app."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0003_logic"),
    ]

    operations = [
        run_sql_file("payments", "revenue_totals.sql", "revenue_totals_reverse.sql"),
    ]
