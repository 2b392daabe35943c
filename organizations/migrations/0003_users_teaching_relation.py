from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0002_security_helpers"),
        ("instructors", "0002_rls"),
    ]

    operations = [
        run_sql_file("organizations", "0003_users_teaching_relation.sql", "0003_users_teaching_relation_reverse.sql"),
    ]
