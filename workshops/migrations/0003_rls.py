"""Row-level security of the workshops app (spec 50 §0.3, §1–§3): the helpers app.is_workshop_instructor
and app.is_workshop_registrant, guard_workshops_columns, RLS, grants and the 21 policies."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("workshops", "0002_payment_fks"),
        ("instructors", "0002_rls"),  # app.is_instructor() (policy workshops_instructor_insert)
        ("organizations", "0002_security_helpers"),
    ]

    operations = [
        run_sql_file("workshops", "rls.sql", "rls_reverse.sql"),
    ]
