"""Named status moves: each model with a status carries one TRANSITIONS table, verb ->
(the states the move may start from, the state it ends in). `marketplace.audit.transition`
applies a move and writes its audit row, whose verb is always a name in the table."""

from collections.abc import Iterable, Mapping

from django.db import models

from .errors import InvalidTransition

Transitions = Mapping[str, tuple[frozenset[str], str]]
"""A model's table of named moves: verb -> (the states it may start from, the state it ends in)."""


def moves(**table: tuple[Iterable[str], str]) -> Transitions:
    """Build a model's TRANSITIONS table: `moves(fund=({AWAITING}, FUNDED), ...)`."""
    return {verb: (frozenset(sources), target) for verb, (sources, target) in table.items()}


def transition_target(obj: models.Model, verb: str) -> str:
    """The state `verb` moves `obj` to, if its model's table allows it from the current state;
    else InvalidTransition (409, naming the current state). Services call it to refuse early,
    before other checks; an unknown verb is a programming error (LookupError)."""
    table: Transitions = type(obj).TRANSITIONS  # type: ignore[attr-defined]
    if verb not in table:
        raise LookupError(f"{obj._meta.label} has no transition named {verb!r}")
    sources, target = table[verb]
    current = getattr(obj, transition_field(obj))
    if current not in sources:
        raise InvalidTransition(obj._meta.verbose_name, current, verb)
    return target


def transition_field(obj: models.Model) -> str:
    """The field a model's table moves: `status` unless the model names another."""
    return getattr(type(obj), "TRANSITION_FIELD", "status")


def transition_allowed(obj: models.Model, verb: str) -> bool:
    """Whether the move `verb` may start from `obj`'s current state (for what a page offers)."""
    sources, _ = type(obj).TRANSITIONS[verb]  # type: ignore[attr-defined]
    return getattr(obj, transition_field(obj)) in sources
