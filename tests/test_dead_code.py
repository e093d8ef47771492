"""No dead product code: vulture at 60% confidence finds nothing but framework entry points.

Usage is counted over the product, its migrations, the tests and the benchmarks; only findings
in product modules count. Framework entry points are not dead code, and this file says which
they are: members of classes the framework reads declaratively (serializers, filter sets, models,
admin classes, views, choices, `Meta`), app configs and schema extensions (found by subclass),
hooks the framework calls by name (`get_*`, `has_*_permission`, `perform_*`, ...), arguments a
caller's signature dictates, model fields (set, then saved by name), management commands,
names a dotted path in a string ends with (settings, URL configs), names templates read, and
the configuration files other programs read (`marketplace/settings/`,
`deploy/gunicorn.conf.py`).
"""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps

vulture = pytest.importorskip("vulture")

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("marketplace", "creators", "campaigns", "payments", "accounts", "demo", "deploy")
READ_BY_OTHER_PROGRAMS = ("marketplace/settings/", "deploy/gunicorn.conf.py")
DECORATORS = [
    "@action",
    "@admin.*",
    "@*.task",
    "@shared_task",
    "@extend_schema*",
    "@receiver",
    "@property",
    "@cached_property",
    "@register*",
    "@*.register",
    "@pytest.*",
]
# Base classes whose members the framework reads by name.
DECLARATIVE = re.compile(
    r"(Serializer|FilterSet|Choices|Model|Admin|Inline|Config|Extension|Filter|Backend|"
    r"Pagination|Metadata|Renderer|Parser|Throttle|Handler|Command|Form|Router|Middleware|"
    r"Scheduler|Formatter|Server|Exception|Error|Enum|Field|View|ViewSet|Mixin|Site|TypedDict)\b"
)
# Subclasses the framework finds on its own.
DISCOVERED = re.compile(r"(AppConfig|OpenApiSerializerFieldExtension|FilterExtension)\b")
# A dotted path in a string (settings, URL configs, task names) names the last part.
DOTTED = re.compile(r"(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)")
HOOK = re.compile(
    r"^(get|validate|filter|clean|has|to|save|delete|perform|do|log|determine|map|as|set|"
    r"lookups|queryset|handle|add|formfield|changelist|response|render|process|next|previous|"
    r"partial|destroy|create|update|list|retrieve|db|allow)(_|$)"
)
FRAMEWORK_NAMES = {
    # what DRF reads off a view and a request it did not build itself (marketplace/listpath.py)
    "action_map",
    "format_kwarg",
    "resolver_match",
    "Media",
    "js",
    "short_description",
    "admin_order_field",
    "change_form_template",
    "index_template",
    "site_header",
    "site_title",
    "handler400",
    "handler404",
    "handler500",
    "use_in_migrations",
    "USERNAME_FIELD",
    "EMAIL_FIELD",
    "KILL_WAIT",  # honcho reads it on its Manager
    "prec",  # decimal.Context
    "_stream",  # Django's HttpRequest reads the body from it
}
# Dead code in modules other work owns at the time of writing; each goes with that work. The
# test fails when one of them is deleted and still listed, so the list only shrinks.
# Fields of a report read only through `dataclasses.asdict` (the poll task's answer), which
# vulture cannot follow.
READ_THROUGH_ASDICT = {
    "payments/polling.py: variable payouts_retried",
    "payments/polling.py: attribute payouts_retried",
    "payments/polling.py: variable refunds_retried",
    "payments/polling.py: attribute refunds_retried",
}


def _index() -> tuple[set[str], dict[str, list[tuple[int, int, list[str], str]]]]:
    """Every name a dotted path in a string literal (docstrings aside) ends with, and every
    class's line span and bases."""
    words: set[str] = set()
    classes: dict[str, list[tuple[int, int, list[str], str]]] = {}
    for root in (*PRODUCT, "tests", "bench"):
        for path in (ROOT / root).rglob("*.py"):
            tree = ast.parse(path.read_text())
            prose = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
            for node in ast.walk(tree):
                if isinstance(node, ast.JoinedStr):
                    continue
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and id(node) not in prose
                ):
                    words.update(DOTTED.findall(node.value))
                elif isinstance(node, ast.ClassDef):
                    bases = [ast.unparse(b) for b in node.bases]
                    span = (node.lineno, node.end_lineno or node.lineno, bases, node.name)
                    classes.setdefault(str(path.resolve()), []).append(span)
    for template in ROOT.glob("*/templates/**/*.*"):
        words.update(re.findall(r"\.([A-Za-z_]\w*)", template.read_text()))
    return words, classes


def _model_fields() -> set[str]:
    return {f.name for model in apps.get_models() for f in model._meta.get_fields()}


def _enclosing(classes, filename: str, line: int):  # type: ignore[no-untyped-def]
    spans = [c for c in classes.get(str(Path(filename).resolve()), []) if c[0] <= line <= c[1]]
    return max(spans, default=None)


def _is_entry_point(item, words, classes) -> bool:  # type: ignore[no-untyped-def]
    if item.typ == "variable" and item.confidence == 100:
        return True  # an unused argument: the caller's signature dictates it
    if item.name in words or item.name in FRAMEWORK_NAMES or HOOK.match(item.name):
        return True
    if (
        item.typ == "class"
        and item.name == "Command"
        and "/management/commands/" in str(item.filename)
    ):
        return True
    if item.typ == "attribute" and item.name in _model_fields():
        return True
    if item.typ == "class":
        own = _enclosing(classes, str(item.filename), item.first_lineno)
        return own is not None and any(DISCOVERED.search(b) for b in own[2])
    owner = _enclosing(classes, str(item.filename), item.first_lineno)
    return owner is not None and (
        owner[3] == "Meta" or any(DECLARATIVE.search(b) for b in owner[2])
    )


def test_vulture_finds_no_dead_product_code():
    scan = vulture.Vulture(ignore_decorators=DECORATORS)
    scan.scavenge([str(ROOT / p) for p in (*PRODUCT, "tests", "bench", "manage.py")])
    words, classes = _index()
    found = set()
    for item in scan.get_unused_code(min_confidence=60):
        relative = Path(item.filename).resolve().relative_to(ROOT).as_posix()
        if relative.split("/")[0] not in PRODUCT or "/migrations/" in relative:
            continue
        if relative.startswith(READ_BY_OTHER_PROGRAMS):
            continue
        if not _is_entry_point(item, words, classes):
            found.add(f"{relative}: {item.typ} {item.name}")
    assert not found - READ_THROUGH_ASDICT, "dead code:\n" + "\n".join(sorted(found))
    gone = READ_THROUGH_ASDICT - found
    assert not gone, f"no longer found, so drop them from READ_THROUGH_ASDICT: {sorted(gone)}"
