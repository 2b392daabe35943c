"""Row-level security of the payments app (spec 60): RLS on payments, certificates and
revenue_transactions, their 10 policies and the app role's grants (revenue_transactions: SELECT only;
conventions §1). Business triggers come later."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0001_initial"),
        ("instructors", "0002_rls"),
        ("workshops", "0003_rls"),
        ("talent", "0003_rls"),
    ]

    operations = [
        run_sql_file("payments", "rls.sql", "rls_reverse.sql"),
    ]
