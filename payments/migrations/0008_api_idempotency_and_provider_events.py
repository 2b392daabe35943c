"""The payments API's bookkeeping tables (issue 13): ``payment_idempotency_keys`` (the first answer per caller
and ``Idempotency-Key`` of ``POST /api/v1/payments/``) and ``payment_provider_events`` (the provider event ids
the webhook applied). Neither is a contract table; both are read and written with SQL by
``payments.services`` (no models).

Forward-only safe: two new, empty tables."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0007_v2_payment_columns"),
    ]

    operations = [
        run_sql_file("payments", "0008_api_idempotency_and_provider_events.sql",
                     "0008_api_idempotency_and_provider_events_reverse.sql"),
    ]
