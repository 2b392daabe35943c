from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):
    """user_roles.granted_by is the caller for request traffic and never changes (issue 9, write matrix)."""

    dependencies = [
        ("organizations", "0006_v2_value_bounds"),
    ]

    operations = [
        run_sql_file("organizations", "0007_v2_grantor.sql", "0007_v2_grantor_reverse.sql"),
    ]
