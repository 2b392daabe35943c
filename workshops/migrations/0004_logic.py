"""Business logic of the workshops app (spec 50 §6): admission under a workshop lock, FIFO waitlist
promotion, payment holds and their sweep, derived workshop counters, feedback rules, the public catalog
and a user's workshop history (13 functions, 6 triggers)."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("workshops", "0003_rls"),
        ("instructors", "0002_rls"),
    ]

    operations = [
        run_sql_file("workshops", "logic.sql", "logic_reverse.sql"),
    ]
