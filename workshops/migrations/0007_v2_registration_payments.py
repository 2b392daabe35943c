"""Workshops v2 (issue 9, the workshops holes of the security review and the write matrix): the payment state of a
registration is the payment path's and platform admins', its payment and certificate pointers must be the
registrant's for that workshop, published_at and is_featured of a new workshop and submitted_at of new feedback
are not the writer's to choose, the workshop history hides workshops the caller cannot read, and the request
system context (humanglue_system) may run the owner-only admission helpers."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("workshops", "0006_v2_value_bounds"),
        ("payments", "0001_initial"),  # payments, certificates (validate_workshop_registration_pointers)
        ("organizations", "0005_request_roles"),  # the role humanglue_system
    ]

    operations = [
        run_sql_file("workshops", "0007_v2_registration_payments.sql", "0007_v2_registration_payments_reverse.sql"),
    ]
