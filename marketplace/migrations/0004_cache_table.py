"""The database cache table (throttles and the admin lockout when no Redis is configured)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0003_user_inactive_partial_index")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
