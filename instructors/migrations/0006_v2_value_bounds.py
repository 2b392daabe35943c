"""Value bounds (issue 9 item 11): CHECK constraints against NaN, blank titles and names, unbounded text,
jsonb and arrays, currency and slug formats (limits: humanglue/bounds.py).

Forward-only safe: the SQL adds every constraint NOT VALID, then ValidateOrReport validates those the stored
rows satisfy and prints the rows that break the others, which stay NOT VALID (new writes are checked).
"""

from django.db import migrations

from humanglue.db.operations import ValidateOrReport, run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("instructors", "0005_v2_content_and_grading"),
    ]

    operations = [
        run_sql_file("instructors", "0006_v2_value_bounds.sql", "0006_v2_value_bounds_reverse.sql"),
        ValidateOrReport([
            "instructor_profiles", "instructor_settings", "courses", "course_sections", "course_lessons",
            "enrollments", "student_progress", "student_activity", "course_reviews", "quiz_attempts",
            "assignment_submissions",
        ]),
    ]
