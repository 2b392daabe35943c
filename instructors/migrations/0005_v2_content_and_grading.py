"""Database core v2 for the instructors app (issue 9 items 3, 4 bug, 6, 8, 9, contract version 2).

- Secret columns: the app role loses SELECT on instructor_settings.payment_details / calendar_sync_token and
  on the lesson content course_lessons.video_url / article_content / resource_url / quiz_questions
  (``RestrictColumnSelect``); request traffic reads lesson content only through app.lesson_content().
- quiz_attempts graded by the server (guard_quiz_attempts_columns + app.grade_quiz_answers).
- enrollments.organization_id: immutable except for platform admins, always an organization of the learner;
  enrolled_at / expires_at / completed_at no longer writable by the enrollment's own student.
- The guards' automatic columns (completed_at, instructor_responded_at, submitted_at, graded_at/by) for the
  system context too.
- get_instructor_student_progress(uuid, uuid, integer, integer): paged, replaces the 2-argument version.

Forward-only safe: no table is rewritten and no row changes; the new guard rules apply to later writes.
"""

import humanglue.db.fields
from django.db import migrations, models

from humanglue.db.operations import RestrictColumnSelect, run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("instructors", "0004_dashboard"),
        # app.user_belongs_to_org (organizations/0002) and the request roles of organizations/0005
        ("organizations", "0005_request_roles"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="courselesson",
            options={"base_manager_name": "objects", "ordering": ["section_id", "sort_order"]},
        ),
        migrations.AlterModelOptions(
            name="instructorsettings",
            options={"base_manager_name": "objects", "ordering": ["-created_at"],
                     "verbose_name_plural": "instructor settings"},
        ),
        # Same column and default: only Django's INSERT ... RETURNING stops reading it back.
        migrations.AlterField(
            model_name="instructorsettings",
            name="payment_details",
            field=humanglue.db.fields.SecretJSONField(
                blank=True, db_default=models.Value({}, output_field=models.JSONField()), default=dict),
        ),
        run_sql_file("instructors", "0005_v2_content_and_grading.sql", "0005_v2_content_and_grading_reverse.sql"),
        RestrictColumnSelect("instructor_settings", ["payment_details", "calendar_sync_token"]),
        RestrictColumnSelect("course_lessons", ["video_url", "article_content", "resource_url", "quiz_questions"]),
    ]
