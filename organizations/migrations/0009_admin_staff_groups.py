from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):
    """Platform admins edit groups and grant them under the app role; nobody else writes the auth tables
    (issue 12: the admin for staff)."""

    dependencies = [
        ("organizations", "0008_api_platform"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        run_sql_file("organizations", "0009_admin_staff_groups.sql", "0009_admin_staff_groups_reverse.sql"),
    ]
