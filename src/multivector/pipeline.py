"""Extraction steps and the pipeline that runs them over one article.

Each step is a pure function from an article (and the records earlier steps produced) to a
tuple of records. A step declares the record fields it `requires` and the one it `provides`,
so a pipeline is checked when it is built, and steps can be swapped or added (spaCy's
component contracts, made small). Steps register themselves with `@step`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import PipelineError
from .records import RECORD_FIELDS, Article, Extraction

#: What a step sees: the article, the records so far, and the shared resources.
StepFunc = Callable[[Article, Mapping[str, tuple[Any, ...]], "Resources"], tuple[Any, ...]]


@dataclass(frozen=True)
class Step:
    name: str
    provides: str
    requires: tuple[str, ...]
    func: StepFunc


_REGISTRY: dict[str, Step] = {}


def step(
    name: str, *, provides: str, requires: Sequence[str] = ()
) -> Callable[[StepFunc], StepFunc]:
    """Register an extraction step under `name`."""
    if provides not in RECORD_FIELDS:
        raise PipelineError(f"step {name!r} provides unknown field {provides!r}")

    def register(func: StepFunc) -> StepFunc:
        _REGISTRY[name] = Step(name, provides, tuple(requires), func)
        return func

    return register


@dataclass
class Resources:
    """Loaded configuration shared by all steps (gazetteers, vectors, cue lists).

    Steps fetch what they need with `get(key, loader)`, so a resource is loaded once per
    process and only when a step that needs it runs.
    """

    options: dict[str, Any] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def get(self, key: str, loader: Callable[[Resources], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = loader(self)
        return self._cache[key]


def available_steps() -> dict[str, Step]:
    """All registered steps, importing the extraction modules that define them."""
    from . import extractors  # noqa: F401  (registers the steps)

    return dict(_REGISTRY)


@dataclass(frozen=True)
class Pipeline:
    steps: tuple[Step, ...]
    resources: Resources

    def __call__(self, article: Article) -> Extraction:
        records: dict[str, Any] = {}
        for s in self.steps:
            records[s.provides] = tuple(s.func(article, records, self.resources))
        return Extraction(article=article, **records)


def build_pipeline(
    names: Iterable[str] | None = None, resources: Resources | None = None
) -> Pipeline:
    """A pipeline of the named steps (all available ones by default), in dependency order."""
    registry = available_steps()
    wanted = list(names) if names is not None else list(registry)
    unknown = [n for n in wanted if n not in registry]
    if unknown:
        raise PipelineError(f"unknown step(s) {unknown}; available: {sorted(registry)}")
    ordered: list[Step] = []
    provided: set[str] = set()
    pending = [registry[n] for n in wanted]
    while pending:
        ready = [s for s in pending if set(s.requires) <= provided]
        if not ready:
            missing = {
                n: sorted(set(s.requires) - provided) for n, s in ((s.name, s) for s in pending)
            }
            raise PipelineError(f"steps cannot run, requirements not provided: {missing}")
        for s in ready:
            ordered.append(s)
            provided.add(s.provides)
            pending.remove(s)
    return Pipeline(tuple(ordered), resources or Resources())
