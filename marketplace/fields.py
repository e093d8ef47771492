"""Small shared pieces for models and filters: slug lists stored as JSON."""

import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import JSONField, Q, Subquery
from django.utils.text import slugify


def normalise_slugs(values: Iterable[str], *, max_items: int = 30) -> list[str]:
    """Lower-case slugs, deduplicated, order kept; empty items dropped."""
    out: list[str] = []
    for value in values:
        slug = slugify(str(value))[:50]
        if slug and slug not in out:
            out.append(slug)
    return out[:max_items]


MODEL_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,59}$")


def normalise_model_name(value: str) -> str:
    """A generation model's name, such as ``kling-2.1-pro``: lower case, spaces as hyphens.

    Raises ValueError when what is left is not a model name (letters, digits, ``.``, ``_``, ``-``).
    """
    name = "-".join(str(value).strip().lower().split())
    if not MODEL_NAME_RE.match(name):
        raise ValueError(f"{value!r} is not a model name such as kling-2.1-pro")
    return name


def normalise_model_names(values: Iterable[str], *, max_items: int = 20) -> list[str]:
    """Model names normalised with `normalise_model_name`, deduplicated, order kept."""
    out: list[str] = []
    for value in values:
        name = normalise_model_name(value)
        if name not in out:
            out.append(name)
    return out[:max_items]


def json_list_contains(field: str, value: str) -> Q:
    """Q for "the JSON list in `field` holds `value`": GIN-indexed @> on PostgreSQL.

    SQLite has no JSON containment, so there it matches the quoted item in the JSON text,
    which is exact for slug lists (slugs contain no quotes).
    """
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [value]})
    return Q(**{f"{field}__icontains": f'"{value}"'})


def gin_index_operation(table: str, column: str, *, keys: bool = False) -> tuple:
    """Migration helpers creating a jsonb GIN index on PostgreSQL only (a no-op elsewhere).

    `jsonb_path_ops` by default (containment `@>`); `keys=True` makes a `jsonb_ops` index, which
    also answers the key tests `?`, `?|` and `?&` (matching's evidence objects).
    """
    name = f"{table}_{column}_gin{'k' if keys else ''}"[:63]
    ops = "" if keys else " jsonb_path_ops"

    def forwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}"{ops})'
            )

    def backwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return forwards, backwards


class JSONArraySubquery(Subquery):
    """The rows of a one-column subquery (a `JSONObject` named `item`) as one JSON array.

    Lets a list fetch a nested collection (a creator's skills) in the page query itself, in
    the subquery's order: `to_jsonb(ARRAY(…))` on PostgreSQL, `json_group_array` on SQLite;
    `[]` when there are no rows.
    """

    output_field = JSONField()

    def as_sql(self, compiler, connection, template=None, **extra_context):  # type: ignore[no-untyped-def]
        if connection.vendor == "postgresql":
            template = "to_jsonb(ARRAY(%(subquery)s))"
        else:
            template = (
                "COALESCE((SELECT json_group_array(json(_rows.item)) "
                "FROM (%(subquery)s) AS _rows), '[]')"
            )
        return super().as_sql(compiler, connection, template=template, **extra_context)
