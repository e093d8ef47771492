import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("payments", "0004_money_to_milestones")]

    operations = [
        migrations.AlterField(
            model_name="payment",
            name="idempotency_key",
            field=models.CharField(max_length=200, unique=True),
        ),
        migrations.AlterField(
            model_name="transfer",
            name="idempotency_key",
            field=models.CharField(max_length=120, unique=True),
        ),
        migrations.AlterField(
            model_name="transfer",
            name="milestone",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="transfer",
                to="campaigns.milestone",
            ),
        ),
        migrations.AlterField(
            model_name="refund",
            name="milestone",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="refunds",
                to="campaigns.milestone",
            ),
        ),
    ]
