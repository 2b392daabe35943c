from django.db import migrations, models


class Migration(migrations.Migration):
    """The bookkeeping table of definition hashes (``humanglue.contract.definitions``). No grant: only the
    owner (migrate, verify) reads or writes it."""

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SchemaDefinition",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.TextField()),
                ("name", models.TextField()),
                ("definition_hash", models.TextField()),
                ("recorded_at", models.DateTimeField()),
            ],
            options={
                "db_table": "humanglue_schema_definition",
                "ordering": ["kind", "name"],
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "name"), name="humanglue_schema_definition_unique")
                ],
            },
        ),
    ]
