"""The expand/contract check CI runs (`manage.py lintmigrations`, django-migration-linter on
PostgreSQL): this release's migrations pass it with the historical exceptions of
pyproject.toml, and a new migration the previous release's code could not live with fails it."""

import shutil
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("creators", "{leaf}")]
    operations = [migrations.AddField("reel", "probe", models.IntegerField({default}))]
"""


def forget_probe_modules() -> None:
    for name in [m for m in sys.modules if m.startswith("lintprobe")]:
        del sys.modules[name]


@pytest.fixture
def probe_migration(tmp_path, settings, monkeypatch):
    """creators' migrations copied to a package of their own, plus `0999_probe` adding a
    column to the reels table; returns a function writing the probe's field default."""
    forget_probe_modules()
    package = tmp_path / "lintprobe"
    shutil.copytree(ROOT / "creators" / "migrations", package / "creators_migrations")
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    settings.MIGRATION_MODULES = {"creators": "lintprobe.creators_migrations"}
    leaf = max(
        name
        for app, name in MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
        if app == "creators"
    )

    def write(default: str) -> None:
        forget_probe_modules()
        target = package / "creators_migrations" / "0999_probe.py"
        target.write_text(PROBE.format(leaf=leaf, default=default))

    yield write
    forget_probe_modules()


@pytest.mark.postgres
@pytest.mark.django_db
def test_this_release_migrations_pass_the_linter(capsys):
    call_command("lintmigrations", verbosity=0)


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_not_null_column_without_database_default_fails_the_linter(probe_migration, capsys):
    # A Python-only default: Django adds the column NOT NULL and drops the default again, so
    # the previous release's INSERTs (which do not name the column) fail.
    probe_migration("default=0")
    with pytest.raises(SystemExit) as failed:
        call_command("lintmigrations", "creators", "0999_probe")
    assert failed.value.code == 1
    assert "NOT NULL constraint on columns" in capsys.readouterr().out


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_column_with_a_database_default_passes_the_linter(probe_migration, capsys):
    probe_migration("default=0, db_default=0")
    call_command("lintmigrations", "creators", "0999_probe")
    assert "Erroneous migrations: 0/1" in capsys.readouterr().out
