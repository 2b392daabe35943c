from django.db import migrations

from humanglue.db.operations import SetTableOnDelete, run_sql_file


class Migration(migrations.Migration):
    """The role humanglue_app, the app.* helpers, guards, row level security and policies of the
    organizations tables, and the grants on Django's own tables (spec 00 §1-§3, spec 10)."""

    dependencies = [
        ("organizations", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("sessions", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        run_sql_file("organizations", "0002_role_and_helpers.sql", "0002_role_and_helpers_reverse.sql"),
        run_sql_file("organizations", "0002_guards_and_policies.sql", "0002_guards_and_policies_reverse.sql"),
        # The app role may not delete from Django's own tables: the database removes a deleted user's
        # admin log entries and group/permission links itself (see User.delete()).
        SetTableOnDelete("django_admin_log", "user_id", "CASCADE"),
        SetTableOnDelete("users_groups", "user_id", "CASCADE"),
        SetTableOnDelete("users_user_permissions", "user_id", "CASCADE"),
    ]
