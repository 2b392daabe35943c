"""A consultation's pillar and session_type are set at booking (spec 60's API column rules): the client's and
the expert's rule rows for them leave app.consultation_column_rules(); platform admins keep them.

Forward-only safe: one rule function is replaced; stored rows are not checked or changed."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("talent", "0006_v2_value_bounds"),
    ]

    operations = [
        run_sql_file("talent", "0007_v2_session_kind.sql", "0007_v2_session_kind_reverse.sql"),
    ]
