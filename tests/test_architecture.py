"""The house rules the linters cannot say alone: no import cycle between any two modules, and
no import of a project module inside a function (a lazy import hides a cycle or an upward
arrow from the reader; grimp and `lint-imports` see it, but it should not be written at all).

The layers themselves are `lint-imports` contracts (pyproject.toml, run by `make lint`).
"""

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("marketplace", "creators", "campaigns", "payments", "accounts", "demo")
# Function-level imports of project modules we accept, as "path:function"; each needs a reason.
ALLOWED_LAZY_IMPORTS: dict[str, str] = {
    # AppConfig.ready() is Django's documented hook for imports that register things once the
    # app registry is ready; here it registers the Celery tasks that payments.queue starts by name.
    "payments/apps.py:ready": "registers Celery tasks at start-up",
    "marketplace/apps.py:ready": "registers the e-mail Celery tasks at start-up",
}


def _strongly_connected(graph: grimp.ImportGraph) -> list[set[str]]:
    """Tarjan's algorithm, iteratively: the import graph's strongly connected components."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[set[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = []
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work.append((root, iter(sorted(graph.find_modules_directly_imported_by(root)))))
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    imported = sorted(graph.find_modules_directly_imported_by(child))
                    work.append((child, iter(imported)))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    return components


def _a_cycle(graph: grimp.ImportGraph, component: set[str]) -> list[str]:
    """One shortest cycle through the component's first module, for the failure message."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph.find_modules_directly_imported_by(node)):
            if child == start:
                return [*paths[node], start]
            if child in component and child not in paths:
                paths[child] = [*paths[node], child]
                queue.append(child)
    return sorted(component)


def _line(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    lines = ", ".join(f"l.{d['line_number']}" for d in details)
    return f"{importer} -> {imported} ({lines})"


def test_no_import_cycle_between_modules():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    cycles = [c for c in _strongly_connected(graph) if len(c) > 1]
    report = []
    for component in sorted(cycles, key=min):
        cycle = _a_cycle(graph, component)
        steps = [_line(graph, a, b) for a, b in zip(cycle, cycle[1:], strict=False)]
        report.append(
            f"{len(component)} modules in a cycle: {', '.join(sorted(component))}\n  "
            + "\n  ".join(steps)
        )
    assert not report, "import cycles:\n" + "\n".join(report)


def _product_modules() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield path


def _lazy_project_imports(path: Path, skip: Iterable[str] = ()) -> Iterator[tuple[int, str]]:
    """(line, statement) for each import of a project module below module level, except inside
    the functions named in `skip`."""
    tree = ast.parse(path.read_text(), filename=str(path))
    nested = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
    skip = set(skip)

    def visit(node: ast.AST, inside: bool) -> Iterator[tuple[int, str]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef) and child.name in skip:
                continue
            if inside and isinstance(child, ast.Import | ast.ImportFrom):
                if isinstance(child, ast.ImportFrom):
                    names = [child.module or ""]
                    project = child.level > 0
                else:
                    names = [alias.name for alias in child.names]
                    project = False
                if project or any(name.split(".")[0] in PACKAGES for name in names):
                    yield child.lineno, ast.unparse(child)
            yield from visit(child, inside or isinstance(child, nested))

    yield from visit(tree, False)


def test_no_function_level_imports_of_project_modules():
    found = []
    for path in _product_modules():
        relative = path.relative_to(ROOT)
        skip = [
            key.rsplit(":", 1)[1]
            for key in ALLOWED_LAZY_IMPORTS
            if key.rsplit(":", 1)[0] == str(relative)
        ]
        for line, statement in _lazy_project_imports(path, skip):
            found.append(f"{relative}:{line}: {statement}")
    assert not found, "imports inside functions (move them to the top):\n" + "\n".join(found)


def test_the_checks_see_what_they_look_for(tmp_path):
    """The two checks above find a cycle and a lazy import when there is one."""
    module = tmp_path / "lazy.py"
    module.write_text("import os\n\ndef f():\n    from campaigns import services\n    import re\n")
    assert list(_lazy_project_imports(module)) == [(4, "from campaigns import services")]
    graph = grimp.ImportGraph()
    for importer, imported in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")]:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="")
    cycles = [c for c in _strongly_connected(graph) if len(c) > 1]
    assert cycles == [{"p.a", "p.b", "p.c"}]
    assert _a_cycle(graph, cycles[0]) == ["p.a", "p.b", "p.c", "p.a"]


DOMAIN_ERRORS = {
    "DomainError",
    "InvalidInput",
    "Forbidden",
    "NotFound",
    "Conflict",
    "PaymentFailed",
    "ServiceUnavailable",
}


def test_every_domain_error_raised_carries_a_code():
    """Clients branch on `code`: a refusal raised without one would answer only a generic code."""
    missing = []
    for path in _product_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = getattr(func, "id", getattr(func, "attr", None))
            if name in DOMAIN_ERRORS and not any(k.arg == "code" for k in node.exc.keywords):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    assert not missing, "raise these with code=<App>Error.X:\n" + "\n".join(missing)


MAX_MODULE_LINES = 500  # a module past this becomes a package by sub-domain
EXTRA_PRODUCT_DIRS = ("deploy", "bench")


def test_no_product_module_outgrows_a_room():
    """A reader should find one sub-domain per module: the apps' modules outside migrations (and
    the deployment and benchmark scripts) stay under ~500 lines; past that, split by sub-domain
    with an `__init__` that re-exports, as campaigns/models/ and creators/services/ do."""
    paths = list(_product_modules())
    for extra in EXTRA_PRODUCT_DIRS:
        paths.extend((ROOT / extra).rglob("*.py"))
    too_long = []
    for path in paths:
        count = len(path.read_text().splitlines())
        if count > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(ROOT)}: {count} lines")
    assert paths, "no product module found"
    assert not too_long, "split these by sub-domain:\n" + "\n".join(too_long)
