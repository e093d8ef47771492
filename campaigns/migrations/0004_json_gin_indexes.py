# GIN indexes for brief tag/model containment filters; PostgreSQL only (SQLite has no GIN).
from django.db import migrations

from marketplace.fields import gin_index_operation


def _ops():
    ops = []
    for table, column in [("campaigns_brief", "tags"), ("campaigns_brief", "preferred_models")]:
        forwards, backwards = gin_index_operation(table, column)
        ops.append(migrations.RunPython(forwards, backwards))
    return ops


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0003_initial")]
    operations = _ops()
