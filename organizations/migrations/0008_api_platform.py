from django.db import migrations, models

from humanglue.db.operations import run_sql_file


class Migration(migrations.Migration):
    """The API platform: the public_profiles projection and the refresh-token tables' grants (issue 11)."""

    dependencies = [
        ("organizations", "0007_v2_grantor"),
        ("instructors", "0008_v2_policy_speed"),
        ("workshops", "0007_v2_registration_payments"),
        ("talent", "0007_v2_session_kind"),
        ("token_blacklist", "0013_alter_blacklistedtoken_options_and_more"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicProfile",
            fields=[
                ("id", models.UUIDField(primary_key=True, serialize=False)),
                ("full_name", models.TextField()),
                ("avatar_url", models.TextField(null=True)),
            ],
            options={"db_table": "public_profiles", "managed": False},
        ),
        run_sql_file("organizations", "0008_api_platform.sql", "0008_api_platform_reverse.sql"),
    ]
