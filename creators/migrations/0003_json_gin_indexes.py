# GIN indexes for tag/language containment filters; PostgreSQL only (SQLite has no GIN).
from django.db import migrations

from marketplace.fields import gin_index_operation


def _ops():
    ops = []
    for table, column in [
        ("creators_creatorprofile", "tags"),
        ("creators_creatorprofile", "reel_tags"),
        ("creators_creatorprofile", "languages"),
        ("creators_reel", "tags"),
    ]:
        forwards, backwards = gin_index_operation(table, column)
        ops.append(migrations.RunPython(forwards, backwards))
    return ops


class Migration(migrations.Migration):
    dependencies = [("creators", "0002_initial")]
    operations = _ops()
