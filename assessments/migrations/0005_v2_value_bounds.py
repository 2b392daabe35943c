"""Value bounds (issue 9 item 11): CHECK constraints against NaN, blank titles and names, unbounded text,
jsonb and arrays (limits: humanglue/bounds.py).

Forward-only safe: the SQL adds every constraint NOT VALID, then ValidateOrReport validates those the stored
rows satisfy and prints the rows that break the others, which stay NOT VALID (new writes are checked).
"""

from django.db import migrations

from humanglue.db.operations import ValidateOrReport, run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0004_v2_org_rules"),
    ]

    operations = [
        run_sql_file("assessments", "0005_v2_value_bounds.sql", "0005_v2_value_bounds_reverse.sql"),
        ValidateOrReport(["assessments", "assessment_responses"]),
    ]
