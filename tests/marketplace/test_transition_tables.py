"""Every status move is a name in its model's TRANSITIONS table.

`marketplace.audit.transition(obj, verb, ...)` looks the verb up in the table and writes the
audit row under that name, so an audit verb of a move can only be a table name; these tests
check the call sites (every verb written in the product code names a move of some table) and
the tables themselves (every state they name is a choice of the field they move).
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps

from campaigns.models import Milestone, MilestoneStatus
from marketplace.errors import InvalidTransition
from marketplace.transitions import transition_allowed, transition_field, transition_target
from payments.models import StripeEvent

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("marketplace", "creators", "campaigns", "payments", "accounts", "demo")
MOVE_FUNCTIONS = {"transition", "transition_target", "transition_allowed"}
# Functions that take a move's name as their `verb` argument and pass it on to `transition`.
VERB_FORWARDERS = {"_review"}


def _tables() -> dict[type, dict]:
    return {
        model: model.TRANSITIONS for model in apps.get_models() if hasattr(model, "TRANSITIONS")
    }


def _literals(node: ast.expr) -> list[str] | None:
    """The verbs an argument can be: a literal, or either branch of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _literals(node.body), _literals(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _verbs_in_code() -> tuple[dict[str, list[str]], list[str]]:
    """{verb: [where]} for every move named in the product code, and the places where a move
    is named by something other than a literal (outside the forwarders)."""
    found: dict[str, list[str]] = {}
    opaque: list[str] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                    continue
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                if node.func.id in MOVE_FUNCTIONS and len(node.args) >= 2:
                    arg = node.args[1]
                elif node.func.id in VERB_FORWARDERS:
                    arg = next((k.value for k in node.keywords if k.arg == "verb"), None)
                    if arg is None:
                        continue
                else:
                    continue
                verbs = _literals(arg)
                if verbs is None:
                    if not (isinstance(arg, ast.Name) and arg.id == "verb"):
                        opaque.append(where)
                    continue
                for verb in verbs:
                    found.setdefault(verb, []).append(where)
    return found, opaque


def test_every_move_named_in_the_code_is_a_table_name():
    names = {verb for table in _tables().values() for verb in table}
    found, opaque = _verbs_in_code()
    assert found, "no call of transition() found: the scan is broken"
    unknown = {verb: where for verb, where in found.items() if verb not in names}
    assert not unknown, f"moves named in the code but in no TRANSITIONS table: {unknown}"
    assert not opaque, f"moves named by a computed value (use a literal): {opaque}"


def test_every_table_names_only_states_of_its_field():
    tables = _tables()
    assert Milestone in tables and len(tables) >= 10
    for model, table in tables.items():
        field = model._meta.get_field(getattr(model, "TRANSITION_FIELD", "status"))
        states = {value for value, _ in field.choices}
        for verb, (sources, target) in table.items():
            assert sources and set(sources) <= states, (model.__name__, verb, sources)
            assert target in states, (model.__name__, verb, target)


def test_no_model_keeps_a_second_table_of_moves():
    for model in apps.get_models():
        extra = [
            name
            for name in ("ALLOWED", "RELEASE_WITHOUT_DELIVERY", "STAFF_REFUND")
            if hasattr(model, name)
        ]
        if model is StripeEvent:  # the outcome table of event processing (`move`)
            assert extra == ["ALLOWED"]
        else:
            assert not extra, (model.__name__, extra)


def test_an_unknown_verb_is_a_programming_error_and_an_illegal_move_a_409():
    milestone = Milestone(status=MilestoneStatus.AWAITING_FUNDING)
    assert transition_field(milestone) == "status"
    with pytest.raises(LookupError):
        transition_target(milestone, "teleport")
    assert transition_target(milestone, "fund") == MilestoneStatus.FUNDED
    assert transition_allowed(milestone, "cancel")
    assert not transition_allowed(milestone, "approve")
    with pytest.raises(InvalidTransition) as refused:
        transition_target(milestone, "approve")
    assert refused.value.extra["current_state"] == MilestoneStatus.AWAITING_FUNDING
    assert milestone.status == MilestoneStatus.AWAITING_FUNDING


def transition_tables_markdown() -> str:
    """The state machines as docs/DESIGN.md shows them: one table per model, one row per move."""
    parts = []
    for model, table in sorted(_tables().items(), key=lambda item: item[0]._meta.label):
        field = getattr(model, "TRANSITION_FIELD", "status")
        parts.append(f"**{model.__name__}** (`{model._meta.label}.{field}`)\n")
        parts.append("| move | from | to |\n|---|---|---|")
        for verb, (sources, target) in table.items():
            parts.append(f"| `{verb}` | {', '.join(sorted(sources))} | {target} |")
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def test_the_design_document_shows_the_tables_as_they_are():
    text = (ROOT / "docs" / "DESIGN.md").read_text()
    start, end = "<!-- transitions:start -->\n", "<!-- transitions:end -->"
    assert start in text and end in text, "docs/DESIGN.md lost its transitions markers"
    shown = text.split(start, 1)[1].split(end, 1)[0]
    expected = transition_tables_markdown()
    assert shown == expected, "docs/DESIGN.md's state machines differ; paste:\n" + expected
