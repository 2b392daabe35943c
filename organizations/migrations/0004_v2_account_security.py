"""Contract v2 for the organizations app (issue 9 items 1, 2, 7 and "RLS at full speed").

Credentials and privileged accounts in the users guard, home-organization grants for org admins, team leads
who left the organization, and set-returning helpers so this app's SELECT policies run once per query.
"""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("organizations", "0003_users_teaching_relation"),
        # app.caller_teaching_relation_ids() reads courses, enrollments, workshops and registrations
        ("instructors", "0002_rls"),
        ("workshops", "0002_payment_fks"),
    ]

    operations = [
        run_sql_file("organizations", "0004_v2_account_security.sql", "0004_v2_account_security_reverse.sql"),
    ]
