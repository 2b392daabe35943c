"""Business logic of the payments app (spec 60, Functions and Payment flow; conventions §6):
get_user_payment_history, get_user_certificates, generate_certificate_number() (trigger
generate_cert_number), validate_payment_change(), sync_payment_to_target() and record_payment_revenue(),
the only producer of revenue_transactions rows, with the EXECUTE grants of conventions §3."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0002_rls"),
        ("talent", "0004_logic"),
        ("workshops", "0004_logic"),
        ("instructors", "0003_logic"),
    ]

    operations = [
        run_sql_file("payments", "logic.sql", "logic_reverse.sql"),
    ]
