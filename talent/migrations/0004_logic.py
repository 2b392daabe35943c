"""Business logic of the talent app (spec 60, Functions): search_talent, get_client_engagement_summary,
update_talent_rating() with its triggers update_rating_on_engagement_review and
update_rating_on_consultation_review, update_engagement_hours() with update_hours_on_session_complete,
and the EXECUTE grants of conventions §3."""

from django.db import migrations

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):

    dependencies = [
        ("talent", "0003_rls"),
    ]

    operations = [
        run_sql_file("talent", "logic.sql", "logic_reverse.sql"),
    ]
