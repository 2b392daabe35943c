"""Value bounds (issue 9 item 11): CHECK constraints against NaN, blank titles and names, unbounded text,
jsonb and arrays, slug format (limits: humanglue/bounds.py), and a report of stored unknown time
zones (maintain_workshop_fields() refuses new ones since workshops/0004).

Forward-only safe: the SQL adds every constraint NOT VALID, then ValidateOrReport validates those the stored
rows satisfy and prints the rows that break the others, which stay NOT VALID (new writes are checked).
"""

from django.db import migrations

from humanglue.db.operations import ValidateOrReport, run_sql_file

# What a stored row satisfies when the trigger would accept its time zone (set-based: one read of the
# zone files for the whole table, where app.is_valid_timezone() would read them once per row).
TIMEZONE_KNOWN = "timezone IN (SELECT z.name FROM pg_catalog.pg_timezone_names z)"


class Migration(migrations.Migration):

    dependencies = [
        ("workshops", "0005_v2_registration_rules"),
    ]

    operations = [
        run_sql_file("workshops", "0006_v2_value_bounds.sql", "0006_v2_value_bounds_reverse.sql"),
        ValidateOrReport(["workshops", "workshop_registrations", "workshop_feedback"], trigger_rules=[
            ("workshops", "invalid_timezone", TIMEZONE_KNOWN),
        ]),
    ]
