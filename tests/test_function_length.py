"""Product functions stay under 60 lines (signature, docstring and body): a longer flow is
split into named phases."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("marketplace", "creators", "campaigns", "payments", "accounts", "demo", "deploy")
LIMIT = 60


def _long_functions() -> dict[str, int]:
    found = {}
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    lines = (node.end_lineno or node.lineno) - node.lineno + 1
                    if lines >= LIMIT:
                        found[f"{path.relative_to(ROOT).as_posix()}:{node.name}"] = lines
    return found


def test_product_functions_are_under_60_lines():
    assert _long_functions() == {}
