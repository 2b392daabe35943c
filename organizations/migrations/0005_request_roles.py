import humanglue.db.fields
from django.db import migrations

from humanglue.db.operations import RestrictColumnSelect, run_sql_file


class Migration(migrations.Migration):
    """Request traffic on its own LOGIN role, the system context on its own role, sessions and the admin
    log out of the app role's reach, password hashes unreadable by the app role (issue 9, items 3, 12)."""

    dependencies = [
        ("organizations", "0004_v2_account_security"),
        ("assessments", "0003_logic"),
        ("instructors", "0004_dashboard"),
        ("notifications", "0003_logic"),
        ("payments", "0004_revenue_totals"),
        ("talent", "0004_logic"),
        ("workshops", "0004_logic"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={"base_manager_name": "objects", "ordering": ["email"]},
        ),
        # Same column and default; Django no longer reads the hash back with INSERT ... RETURNING.
        migrations.AlterField(model_name="user", name="password",
                              field=humanglue.db.fields.SecretCharField(db_default="!", max_length=128)),
        run_sql_file("organizations", "0005_request_roles.sql", "0005_request_roles_reverse.sql"),
        RestrictColumnSelect("users", ["password"]),
    ]
