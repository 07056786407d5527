"""Which context fields a Jinja template reads (datasette-style documented-context check).

Walks the template's syntax tree from its root variables (each a dataclass type), following
`for` loops over tuple fields, `with` bindings and included templates, and records every
`x.field` it reads. An
attribute that is not a field of the dataclass is an error at once.
"""

from __future__ import annotations

import dataclasses
import typing
from collections import defaultdict
from typing import Any

from jinja2 import Environment, nodes

Seq = tuple  # marker: ("seq", T) is a sequence of T


def _field_type(cls: type, name: str) -> Any:
    hint = typing.get_type_hints(cls)[name]
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        if args and dataclasses.is_dataclass(args[0]):
            return ("seq", args[0])
    return hint if dataclasses.is_dataclass(hint) else None


def fields_used(env: Environment, name: str, roots: dict[str, type]) -> dict[type, set[str]]:
    """{dataclass: fields read} for template `name` rendered with `roots` in scope."""
    source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
    used: dict[type, set[str]] = defaultdict(set)

    def resolve(node: nodes.Node, scope: dict[str, Any]) -> Any:
        if isinstance(node, nodes.Name):
            return scope.get(node.name)
        if isinstance(node, nodes.Getattr):
            parent = resolve(node.node, scope)
            if parent is None or isinstance(parent, tuple):
                visit(node.node, scope)
                return None
            names = {f.name for f in dataclasses.fields(parent)}
            assert node.attr in names, f"{name}: {parent.__name__} has no field {node.attr!r}"
            used[parent].add(node.attr)
            return _field_type(parent, node.attr)
        visit(node, scope)
        return None

    def visit(node: nodes.Node, scope: dict[str, Any]) -> None:
        if isinstance(node, nodes.For):
            kind = resolve(node.iter, scope)
            inner = dict(scope)
            if isinstance(node.target, nodes.Name):
                inner[node.target.name] = kind[1] if isinstance(kind, tuple) else None
            for child in node.body:
                visit(child, inner)
            for child in node.else_:
                visit(child, scope)
            if node.test is not None:
                visit(node.test, inner)
            return
        if isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=True):
                kind = resolve(value, scope)
                if isinstance(target, nodes.Name):
                    inner[target.name] = kind
            for child in node.body:
                visit(child, inner)
            return
        if isinstance(node, nodes.Getattr):
            resolve(node, scope)
            return
        if isinstance(node, nodes.Include) and isinstance(node.template, nodes.Const):
            included = env.loader.get_source(env, node.template.value)[0]  # type: ignore[union-attr]
            visit(env.parse(included), scope)  # the included template sees the same names
            return
        for child in node.iter_child_nodes():
            visit(child, scope)

    visit(env.parse(source), dict(roots))
    return used


def merge(*parts: dict[type, set[str]]) -> dict[type, set[str]]:
    out: dict[type, set[str]] = defaultdict(set)
    for part in parts:
        for cls, names in part.items():
            out[cls] |= names
    return out


def unused(used: dict[type, set[str]], classes: list[type]) -> dict[str, set[str]]:
    """Documented fields that no template reads, per class (should be empty)."""
    out = {}
    for cls in classes:
        missing = {f.name for f in dataclasses.fields(cls)} - used.get(cls, set())
        if missing:
            out[cls.__name__] = missing
    return out
