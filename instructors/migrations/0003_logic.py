"""Business logic of the instructors app (issue "Database logic"; spec 30 §0-§4, conventions §2-§3, §7).

Internal helpers (assert_instructor_access, refresh_instructor_stats, recompute_course_progress), the
read functions get_instructor_student_progress / get_instructor_recent_activity and the three student
helpers, every business trigger of spec 30 §2 on this app's tables plus
update_instructor_stats_from_workshops_trigger on workshops, and the five views. The functions that read
revenue_transactions come in 0004_dashboard.
"""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("instructors", "0002_rls"),
        ("workshops", "0004_logic"),
    ]

    operations = [
        run_sql_file("instructors", "logic_functions.sql", "logic_functions_reverse.sql"),
        run_sql_file("instructors", "logic_triggers.sql", "logic_triggers_reverse.sql"),
        run_sql_file("instructors", "logic_views.sql", "logic_views_reverse.sql"),
    ]
