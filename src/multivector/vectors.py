"""Foreign-policy vectors: the focal country and the partner groups it balances between.

A vectors file (TOML, user-editable) names the focal country (`focus`, ISO3) and, for each
vector, the actor codes that count towards it with a weight; an actor may belong to several
vectors (the SCO: half Russia, half China). The relations step maps every partner mention to
vectors with `VectorSet.weights`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import data_path, load_toml
from .errors import ConfigError

VECTORS_DIR = "vectors"
DEFAULT = "default"


@dataclass(frozen=True)
class VectorSet:
    """A focal country and its vectors (vector name -> {actor code: weight})."""

    focus: str | None
    vectors: Mapping[str, Mapping[str, float]]
    labels: Mapping[str, str] = field(default_factory=dict)
    name: str = ""
    path: str = ""

    def weights(self, actor: str) -> dict[str, float]:
        """Vectors `actor` counts towards, with weights; empty for the focus and for strangers."""
        if actor == self.focus:
            return {}
        return {v: members[actor] for v, members in self.vectors.items() if actor in members}

    @property
    def actors(self) -> frozenset[str]:
        """Every actor code that belongs to some vector."""
        return frozenset(a for members in self.vectors.values() for a in members)


def _parse(data: Mapping[str, Any], path: str) -> VectorSet:
    """Validate a parsed vectors file, so a typo fails loudly with the file named."""
    focus = data.get("focus")
    if focus is not None and not (isinstance(focus, str) and len(focus) == 3 and focus.isupper()):
        raise ConfigError(f"{path}: focus must be an ISO3 code like 'KAZ', not {focus!r}")
    vectors: dict[str, dict[str, float]] = {}
    labels: dict[str, str] = {}
    for name, table in data.get("vectors", {}).items():
        members = table.get("members", {}) if isinstance(table, Mapping) else {}
        if not isinstance(members, Mapping) or not members:
            raise ConfigError(f"{path}: vector {name!r} needs a non-empty `members` table")
        for actor, weight in members.items():
            if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
                raise ConfigError(f"{path}: vector {name!r}: weight of {actor} must be > 0")
        vectors[name] = {actor: float(w) for actor, w in members.items()}
        labels[name] = str(table.get("label", name))
    if not vectors:
        raise ConfigError(f"{path}: no [vectors.NAME] tables")
    return VectorSet(focus, vectors, labels, str(data.get("name", "")), path)


@functools.lru_cache(maxsize=1)
def _bundled() -> dict[str, Path]:
    """Bundled definitions by file stem."""
    folder = data_path(VECTORS_DIR)
    return {p.stem: p for p in sorted(folder.glob("*.toml"))}


def _resolve(path_or_name: str | Path) -> Path:
    bundled = _bundled()
    if str(path_or_name) in bundled:
        return bundled[str(path_or_name)]
    path = Path(path_or_name)
    if not path.exists():
        raise ConfigError(
            f"{path}: vectors file not found (bundled definitions: {', '.join(bundled)})"
        )
    return path


def load_vectors(path_or_name: str | Path | None = None, *, focus: str | None = None) -> VectorSet:
    """A vectors definition: a file, a bundled name ("kazakhstan"), or chosen by `focus`.

    Without a file, a bundled definition that declares `focus` is used; failing that, the
    generic default with `focus` as its focal country. A `focus` given here overrides the
    file's own.
    """
    focus = focus.upper() if focus else None
    if path_or_name is None:
        path_or_name = DEFAULT
        for stem, path in _bundled().items():
            if focus and load_toml(str(path)).get("focus") == focus:
                path_or_name = stem
                break
    path = _resolve(path_or_name)
    vset = _parse(load_toml(str(path)), str(path))
    if focus and focus != vset.focus:
        vset = VectorSet(focus, vset.vectors, vset.labels, vset.name, vset.path)
    return vset
