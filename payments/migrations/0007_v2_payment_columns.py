"""Trigger-owned payment and certificate columns (spec 60): payments.refunded_at is the refund rule's for
API callers (validate_payment_change), and a certificate moved to another holder, type or source needs a
completed source, as at issue (generate_certificate_number, trigger generate_cert_number now also on
UPDATE OF user_id, certificate_type, course_id, workshop_id, assessment_id).

Forward-only safe: functions and a trigger are replaced; stored rows are not checked or changed."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0006_v2_value_bounds"),
    ]

    operations = [
        run_sql_file("payments", "0007_v2_payment_columns.sql", "0007_v2_payment_columns_reverse.sql"),
    ]
