"""Row-level security of the assessments app (spec 50 §4–§5): RLS, grants and the 9 policies."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0001_initial"),
        ("organizations", "0002_security_helpers"),
    ]

    operations = [
        run_sql_file("assessments", "rls.sql", "rls_reverse.sql"),
    ]
