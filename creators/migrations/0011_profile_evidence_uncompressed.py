"""Keep creator profile rows whole up to ~8 kB (PostgreSQL `toast_tuple_target`).

By default a row over ~2 kB has its largest values compressed in place; a third of the
profiles crossed that with their evidence objects (`terms`, `tag_evidence`), and matching
then decompressed the object again for every key it tested — most of the time of a scan. Rows
written from now on (seeding, evidence refreshes) are stored uncompressed below ~8 kB; existing
compressed values stay readable and are rewritten by the next evidence refresh
(`manage.py refresh_matching`). Other databases: nothing to do.
"""

from django.db import migrations


def set_target(apps, schema_editor, value: str) -> None:  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("creators", "CreatorProfile")._meta.db_table
    schema_editor.execute(f'ALTER TABLE "{table}" SET (toast_tuple_target = {value})')


def forwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    set_target(apps, schema_editor, "8160")


def backwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    set_target(apps, schema_editor, "2032")


class Migration(migrations.Migration):
    dependencies = [("creators", "0010_matching_covering_index")]

    operations = [migrations.RunPython(forwards, backwards)]
