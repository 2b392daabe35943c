"""RLS at full speed (issue 9): this app's SELECT policies test membership in per-query sets
(app.caller_course_ids, app.caller_enrolled_course_ids, and the organization sets of organizations 0004)
instead of calling a SECURITY DEFINER helper per row. Audiences are unchanged."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("instructors", "0007_v2_submission_rules"),
        ("organizations", "0004_v2_account_security"),
    ]

    operations = [
        run_sql_file("instructors", "0008_v2_policy_speed.sql", "0008_v2_policy_speed_reverse.sql"),
    ]
