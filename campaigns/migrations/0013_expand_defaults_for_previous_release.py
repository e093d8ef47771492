"""Expand step for the milestone release: the previous release's code, still serving while this
release migrates, inserts contracts, bids, deliveries and disputes without the new columns.

- `completion_recorded`, `kind` and `milestones` get database defaults (Django's `db_default`),
  so an INSERT that leaves them out is valid;
- `milestone` on deliveries and disputes may be NULL in the database again (0012 made it NOT NULL
  in the same release as the code that fills it). The model still requires it, so new code always
  sets it; `manage.py backfill_milestones` attaches what the previous release wrote, and a later
  release makes the column NOT NULL again once no such code runs (contract step).
"""

import django.db.models.deletion
from django.db import migrations, models


def nullable_milestone(model_name: str, related_name: str) -> migrations.AlterField:
    return migrations.AlterField(
        model_name=model_name,
        name="milestone",
        field=models.ForeignKey(
            null=True,
            on_delete=django.db.models.deletion.CASCADE,
            related_name=related_name,
            to="campaigns.milestone",
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0012_milestone_links_required")]

    operations = [
        migrations.AlterField(
            model_name="bid",
            name="milestones",
            field=models.JSONField(blank=True, db_default=[], default=list),
        ),
        migrations.AlterField(
            model_name="contract",
            name="completion_recorded",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AlterField(
            model_name="contract",
            name="kind",
            field=models.CharField(
                choices=[("standard", "Standard"), ("test_shot", "Paid test shot")],
                db_default="standard",
                default="standard",
                max_length=10,
            ),
        ),
        # The database accepts NULL; the model (the state) keeps requiring a milestone.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                nullable_milestone("delivery", "deliveries"),
                nullable_milestone("dispute", "disputes"),
            ],
        ),
    ]
