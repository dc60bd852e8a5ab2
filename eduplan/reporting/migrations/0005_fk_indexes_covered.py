"""Four foreign keys lose the index of their own: a composite index leading with the same
column serves every lookup by it, and each row written kept one index more up to date.
Only the indexes are dropped (the foreign keys stay as they are: re-creating them would
check every row of the tables again)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (table, column, the index Django named for the column alone)
COVERED = [
    ("reporting_datavalue", "element_id", "reporting_datavalue_element_id_d2a06cc6"),
    ("reporting_datavalue", "submission_id", "reporting_datavalue_submission_id_1d8fb080"),
    ("reporting_idempotencykey", "user_id", "reporting_idempotencykey_user_id_ac87f869"),
    ("reporting_submission", "form_id", "reporting_submission_form_id_49f4d68c"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_expected_reports_of_a_unit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
                )
                for table, column, index in COVERED
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="datavalue",
                    name="element",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="values",
                        to="reporting.dataelement",
                    ),
                ),
                migrations.AlterField(
                    model_name="datavalue",
                    name="submission",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="values",
                        to="reporting.submission",
                    ),
                ),
                migrations.AlterField(
                    model_name="idempotencykey",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="submission",
                    name="form",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="submissions",
                        to="reporting.form",
                    ),
                ),
            ],
        )
    ]
