"""The payments API's bookkeeping tables (issue 13): ``payment_idempotency_keys`` (the first answer per caller
and ``Idempotency-Key`` of ``POST /api/v1/payments/``) and ``payment_provider_events`` (the provider event ids
the webhook applied). Neither is a contract table. The SQL file creates them (checks, RLS, grants); the models
(``PaymentIdempotencyKey``, ``PaymentProviderEvent``) give Django the same tables.

Forward-only safe: two new, empty tables."""

import django.db.models.functions.datetime
from django.db import migrations, models

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0007_v2_payment_columns"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                run_sql_file("payments", "0008_api_idempotency_and_provider_events.sql",
                             "0008_api_idempotency_and_provider_events_reverse.sql"),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="PaymentIdempotencyKey",
                    fields=[
                        ("pk", models.CompositePrimaryKey("user_id", "idempotency_key", blank=True, editable=False,
                                                          primary_key=True, serialize=False)),
                        ("user_id", models.UUIDField()),
                        ("idempotency_key", models.TextField()),
                        ("request_fingerprint", models.TextField()),
                        ("response_status", models.IntegerField()),
                        ("response_body", models.JSONField()),
                        ("created_at", models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
                    ],
                    options={"db_table": "payment_idempotency_keys"},
                ),
                migrations.CreateModel(
                    name="PaymentProviderEvent",
                    fields=[
                        ("event_id", models.TextField(primary_key=True, serialize=False)),
                        ("event_type", models.TextField()),
                        ("payment_id", models.UUIDField(null=True)),
                        ("transaction_id", models.TextField()),
                        ("result", models.TextField()),
                        ("payment_status", models.TextField(null=True)),
                        ("received_at", models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
                    ],
                    options={"db_table": "payment_provider_events"},
                ),
            ],
        ),
    ]
