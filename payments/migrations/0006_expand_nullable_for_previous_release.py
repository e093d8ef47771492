"""Expand step for the milestone release: the previous release's code, still serving while this
release migrates, creates payments, transfers and refunds without an idempotency key or a
milestone. 0005 made those columns NOT NULL in the same release as the code that fills them;
the database accepts NULL again while the model keeps requiring them (new code always sets
them). `manage.py backfill_milestones` fills what the previous release wrote; a later release
makes the columns NOT NULL again (contract step).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0005_milestone_money_required"),
        ("campaigns", "0013_expand_defaults_for_previous_release"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterField(
                    model_name="payment",
                    name="idempotency_key",
                    field=models.CharField(max_length=200, null=True, unique=True),
                ),
                migrations.AlterField(
                    model_name="transfer",
                    name="idempotency_key",
                    field=models.CharField(max_length=120, null=True, unique=True),
                ),
                migrations.AlterField(
                    model_name="transfer",
                    name="milestone",
                    field=models.OneToOneField(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="transfer",
                        to="campaigns.milestone",
                    ),
                ),
                migrations.AlterField(
                    model_name="refund",
                    name="milestone",
                    field=models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="refunds",
                        to="campaigns.milestone",
                    ),
                ),
            ],
        ),
    ]
