import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0011_contracts_to_one_milestone")]

    operations = [
        migrations.AlterField(
            model_name="delivery",
            name="milestone",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="deliveries",
                to="campaigns.milestone",
            ),
        ),
        migrations.AlterField(
            model_name="dispute",
            name="milestone",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="disputes",
                to="campaigns.milestone",
            ),
        ),
    ]
