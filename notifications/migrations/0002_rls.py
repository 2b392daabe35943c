"""Row-level security of the notifications app (spec 40): RLS on notifications and student_presence,
their 10 policies and the app role's grants (conventions §1). The functions, views and triggers of
spec 40 come in a later migration."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
        ("instructors", "0002_rls"),
        ("workshops", "0003_rls"),
    ]

    operations = [
        run_sql_file("notifications", "rls.sql", "rls_reverse.sql"),
    ]
