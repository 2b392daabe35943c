"""Row-level security of the instructors app (issue "Row-level security"; spec 20, conventions §1-§3, §11).

The four ``app.*`` helpers this app owns, the five column guards and their triggers, RLS on the 11 tables,
the grants to ``humanglue_app`` and the 54 policies. Business triggers come in a later migration.
"""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("instructors", "0001_initial"),
        ("workshops", "0002_payment_fks"),
        ("organizations", "0002_security_helpers"),
    ]

    operations = [
        run_sql_file("instructors", "rls_helpers.sql", "rls_helpers_reverse.sql"),
        run_sql_file("instructors", "rls_guards.sql", "rls_guards_reverse.sql"),
        run_sql_file("instructors", "rls_policies.sql", "rls_policies_reverse.sql"),
    ]
