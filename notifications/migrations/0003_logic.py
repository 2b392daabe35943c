"""Database logic of the notifications app (spec 40): create_notification(), the two cleanup functions,
the five notify_instructor_* trigger functions with their trigger_notify_* triggers, the three
security_invoker views, and the realtime bridge (realtime_notify_change() and the seven
realtime_notify_<table> triggers). Last in the build order: it puts triggers on the instructors,
workshops and payments tables and reads talent's consultations and engagement requests, after those
apps' own logic."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_rls"),
        ("instructors", "0004_dashboard"),
        ("payments", "0004_revenue_totals"),
        ("workshops", "0004_logic"),
        ("talent", "0004_logic"),
        ("assessments", "0003_logic"),
    ]

    operations = [
        run_sql_file("notifications", "logic_notify.sql", "logic_notify_reverse.sql"),
        run_sql_file("notifications", "logic_views.sql", "logic_views_reverse.sql"),
        run_sql_file("notifications", "logic_realtime.sql", "logic_realtime_reverse.sql"),
    ]
