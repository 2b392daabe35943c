"""Row-level security of the talent app (spec 60): RLS on talent_profiles, engagement_requests and
consultations, their 22 policies, the protect_* triggers (preserve_maintained_columns), the app role's
grants and EXECUTE on talent_search_document (conventions §1, §3). Business triggers come later."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("talent", "0002_payment_fks"),
        ("organizations", "0002_security_helpers"),
    ]

    operations = [
        run_sql_file("talent", "rls.sql", "rls_reverse.sql"),
    ]
