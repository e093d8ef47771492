"""What error codes an API operation can answer, read from the code (no request is made).

Starting at the view's handler for the operation, the walk reads each function's source (AST),
follows every name it references that resolves to project code (a service, a selector, a helper,
a serializer class, a method of the view through `self.`), and collects:

- each `SomeError.MEMBER` of an error enum (a `StrEnum` in an app's `errors` module, or
  `marketplace.errors.CommonError`) the code references, and
- each domain exception built without `code=` (`raise Conflict("...")` answers `conflict`,
  `InvalidTransition(...)` answers `invalid_state`).

It over-approximates (a code referenced on a branch the operation never takes still counts) and
cannot see through calls on instances (`brief.close()`): the services keep their rules in
functions, so those are where codes are raised.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from enum import Enum
from types import FunctionType, ModuleType
from typing import Any

from rest_framework.serializers import BaseSerializer

from marketplace.errors import DomainError

PROJECT = {"accounts", "campaigns", "creators", "payments", "marketplace"}
# Ground-floor modules whose codes the schema documents by kind of operation, not per view.
GROUND = {"marketplace.filters", "marketplace.pagination", "marketplace.parsers"}


def _project(obj: Any) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return module.split(".")[0] in PROJECT and module not in GROUND


def _is_error_member(obj: Any) -> bool:
    cls = type(obj)
    return isinstance(obj, Enum) and (
        cls.__module__.endswith("errors") or cls.__name__.endswith("Error")
    )


class Walk:
    def __init__(self) -> None:
        self.codes: set[str] = set()
        self._seen: set[Any] = set()

    def function(self, fn: Any, owner: type | None = None) -> None:
        fn = inspect.unwrap(fn)
        if not isinstance(fn, FunctionType) or fn.__code__ in self._seen:
            return
        self._seen.add(fn.__code__)
        scope = dict(fn.__globals__)
        for name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or (), strict=True):
            try:
                scope[name] = cell.cell_contents
            except ValueError:  # a cell not filled yet
                continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
        except (OSError, TypeError, SyntaxError):
            # A lambda inside a larger expression has no source of its own: follow the
            # names its code object references instead.
            self._names(fn.__code__.co_names, scope, owner)
            return
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                self._call(node, scope, owner)
            if isinstance(node, ast.Name | ast.Attribute):
                self.value(_resolve(node, scope, owner), owner)

    def _names(self, names: tuple[str, ...], scope: dict, owner: type | None) -> None:
        for name in names:
            found = scope.get(name)
            self.value(found, owner)
            if isinstance(found, ModuleType):
                for attr in names:
                    self.value(getattr(found, attr, None), owner)

    def _call(self, node: ast.Call, scope: dict, owner: type | None) -> None:
        cls = _resolve(node.func, scope, owner)
        if isinstance(cls, type) and issubclass(cls, DomainError):
            if not any(keyword.arg == "code" for keyword in node.keywords):
                self.codes.add(str(cls.code))

    def value(self, obj: Any, owner: type | None) -> None:
        if obj is None:
            return
        if _is_error_member(obj):
            self.codes.add(str(obj))
        elif isinstance(obj, FunctionType | staticmethod | classmethod):
            target = obj.__func__ if isinstance(obj, staticmethod | classmethod) else obj
            if _project(inspect.unwrap(target)) or owner is not None and _via_self(target):
                self.function(target, owner if _via_self(target) else None)
        elif isinstance(obj, type) and _project(obj) and obj not in self._seen:
            self._seen.add(obj)
            if issubclass(obj, BaseSerializer):
                self.cls(obj)

    def cls(self, klass: type) -> None:
        """Every method a class defines in project code (a serializer's `validate_*`, ...)."""
        for base in klass.__mro__:
            if not _project(base):
                continue
            for member in vars(base).values():
                if isinstance(member, FunctionType | staticmethod | classmethod):
                    target = member.__func__ if not isinstance(member, FunctionType) else member
                    self.function(target, klass)


def _project_instance(obj: Any) -> bool:
    return obj is not None and not isinstance(obj, ModuleType | type | Enum) and _project(type(obj))


def _via_self(fn: Any) -> bool:
    return "." in getattr(fn, "__qualname__", "")


def _resolve(node: ast.AST, scope: dict, owner: type | None) -> Any:
    if isinstance(node, ast.Name):
        if node.id == "self":
            return owner
        return scope.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, scope, owner)
        if _project_instance(base):  # a spec object, e.g. an action's `run`
            return getattr(base, node.attr, None)
        if isinstance(base, ModuleType | type) or _is_error_member(base):
            if isinstance(base, type) and not _project(base) and base is not owner:
                return None
            try:
                return inspect.getattr_static(base, node.attr)
            except AttributeError:
                return getattr(base, node.attr, None)
    return None


def reachable_codes(view_cls: type, handler: str) -> set[str]:
    """The codes the `handler` method of `view_cls` (and what it calls) can answer."""
    walk = Walk()
    for name in (handler, "get_queryset", "get_object", "get_serializer_class"):
        member = inspect.getattr_static(view_cls, name, None)
        if isinstance(member, FunctionType):
            walk.function(member, view_cls)
        elif member is None:
            inherited = getattr(view_cls, name, None)
            if inherited is not None:
                walk.function(inherited, view_cls)
    serializer = getattr(view_cls, "serializer_class", None)
    if isinstance(serializer, type):
        walk.value(serializer, view_cls)
    return walk.codes
