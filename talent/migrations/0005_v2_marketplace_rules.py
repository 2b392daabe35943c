"""Who may write what in the marketplace (issue 9 items 4-7, spec 60 lifecycles and API column rules):
the status-move and column-rule tables of engagement_requests and consultations, and their guards, which
the contract triggers protect_engagement_request_maintained and protect_consultation_payment_mirror now
run BEFORE INSERT OR UPDATE (ratings only from the client once completed, parties immutable, statuses by
party, prices pinned, notes per party, organization_id only to the client's organizations, automatic
responded_at and completed_at for every writer)."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("talent", "0004_logic"),
        ("organizations", "0002_security_helpers"),
    ]

    operations = [
        run_sql_file("talent", "0005_v2_marketplace_rules.sql", "0005_v2_marketplace_rules_reverse.sql"),
    ]
