"""Assessments v2 (issue 9 item 6): derive_assessment_fields() refuses an organization the assessment's user
does not belong to (42501 user_outside_organization), for every writer but system context."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0003_logic"),
        ("organizations", "0002_security_helpers"),  # app.user_belongs_to_org
    ]

    operations = [
        run_sql_file("assessments", "0004_v2_org_rules.sql", "0004_v2_org_rules_reverse.sql"),
    ]
