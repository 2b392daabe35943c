"""Write-matrix holes of the instructors app (issue 9, "the turn from reads to writes").

- assignment_submissions: user_id, course_id, lesson_id immutable for request callers; submitted_at set by
  the server (guard_assignment_submissions_columns).
- course_reviews: the course instructor changes only the reply (guard_course_reviews_columns).

Forward-only safe: two trigger functions are replaced; no table or row changes, the rules apply to later writes.
"""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("instructors", "0006_v2_value_bounds"),
    ]

    operations = [
        run_sql_file("instructors", "0007_v2_submission_rules.sql", "0007_v2_submission_rules_reverse.sql"),
    ]
