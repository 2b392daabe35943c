"""Contract version 2 of the payments app (issue 9; spec 60): verify_certificate(p_number) replaces the
anonymous policy "Anyone can verify certificates"; certificates only for a completed source
(generate_certificate_number); a payment's organization is one its payer belongs to
(validate_payment_change)."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0004_revenue_totals"),
        ("instructors", "0004_dashboard"),
        ("workshops", "0004_logic"),
        ("assessments", "0003_logic"),
    ]

    operations = [
        run_sql_file("payments", "0005_v2_certificates.sql", "0005_v2_certificates_reverse.sql"),
    ]
