"""Workshops v2 (issue 9 items 6, 10, 13): workshop_admission_state() and workshop_current_price() check their
caller (no lock, state or draft price for anonymous callers and outsiders), organization attribution of
registrations and workshops re-checks membership, and a capacity below one is a validation error."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("workshops", "0004_logic"),
        ("organizations", "0002_security_helpers"),  # app.user_belongs_to_org, is_org_member, is_org_admin
    ]

    operations = [
        run_sql_file("workshops", "0005_v2_registration_rules.sql", "0005_v2_registration_rules_reverse.sql"),
    ]
