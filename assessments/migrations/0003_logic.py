"""Business logic of the assessments app (spec 50 §6.9–§6.12, §6.15): dimension scores derived from
scored responses, status timestamps, answers frozen after completion, and the read functions
(7 functions, 3 triggers)."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0002_rls"),
    ]

    operations = [
        run_sql_file("assessments", "logic.sql", "logic_reverse.sql"),
    ]
