"""Where extraction runs: in this process (default), on local processes, or on a Dask cluster.

The engine maps batches of articles to batches of extractions and hands them back in input
order, so the caller (the single writer of `api.analyze`, or `api.extract`'s JSONL stream)
sees exactly what a serial run would produce. At most `in_flight` batches are out at once,
so memory stays bounded however long the corpus is.

Workers do not receive a pipeline object (its loaded resources may be large or not
picklable): they receive a `PipelineSpec` (step names + options) and rebuild the pipeline
once per process. Dask is imported only when a parallel engine is asked for.
"""

from __future__ import annotations

import importlib
import logging
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from itertools import islice
from typing import Any, TypeVar

from .errors import PipelineError
from .pipeline import Pipeline, Resources, build_pipeline
from .records import Article, Extraction, Skip

T = TypeVar("T")
DEFAULT_BATCH = 200
SCALE_HINT = "install the scale-out extra: pip install 'multivector[scale]'"


@dataclass(frozen=True)
class PipelineSpec:
    """What a worker needs to rebuild a pipeline: the step names, the modules that register
    them (a step can live outside `extractors.STEP_MODULES`), and the options."""

    steps: tuple[str, ...] | None = None
    options: tuple[tuple[str, Any], ...] = ()
    modules: tuple[str, ...] = ()

    @classmethod
    def of(cls, pipeline: Pipeline) -> PipelineSpec:
        """The spec of an existing pipeline (its steps must be defined in importable modules)."""
        return cls(
            steps=tuple(s.name for s in pipeline.steps),
            options=tuple(sorted(pipeline.resources.options.items())),
            modules=tuple(sorted({s.func.__module__ for s in pipeline.steps})),
        )

    def build(self) -> Pipeline:
        for module in self.modules:
            importlib.import_module(module)  # registers its steps
        return build_pipeline(self.steps, Resources(options=dict(self.options)))


_PIPELINES: dict[PipelineSpec, Pipeline] = {}


def worker_pipeline(spec: PipelineSpec) -> Pipeline:
    """The pipeline for `spec`, built once per process and reused for every batch."""
    pipeline = _PIPELINES.get(spec)
    if pipeline is None:
        pipeline = _PIPELINES[spec] = spec.build()
    return pipeline


def extract_batch(spec: PipelineSpec, articles: Sequence[Article]) -> list[dict[str, Any]]:
    """Run on a worker: the records of each article of a batch, without the article itself
    (the caller has it; sending the text back would double the traffic)."""
    pipeline = worker_pipeline(spec)
    out = []
    for article in articles:
        extraction = pipeline(article)
        out.append({name: getattr(extraction, name) for name in _RECORD_PARTS})
    return out


_RECORD_PARTS = tuple(f.name for f in fields(Extraction) if f.name != "article")


class Engine:
    """Maps `(tag, articles)` jobs to `(tag, extractions)` in input order.

    `workers` > 1 starts a local Dask cluster of that many single-threaded processes;
    `scheduler` ("tcp://host:8786") connects to a running Dask cluster instead. Otherwise
    the pipeline runs here, in this process. Use as a context manager.
    """

    def __init__(
        self,
        pipeline: Pipeline | None = None,
        *,
        workers: int | None = None,
        scheduler: str | None = None,
    ) -> None:
        self.pipeline = pipeline or build_pipeline()
        self.workers = workers or 1
        self.scheduler = scheduler
        self.in_flight = 1  # set when a cluster is reached: two batches per worker thread
        self.client: Any = None
        self._cluster: Any = None

    @property
    def parallel(self) -> bool:
        return self.scheduler is not None or self.workers > 1

    def __enter__(self) -> Engine:
        if not self.parallel:
            return self
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise PipelineError(f"--workers/--scheduler need Dask: {SCALE_HINT}") from None
        try:
            if self.scheduler is not None:
                # waits distributed.comm.timeouts.connect (Dask config, 30 s by default)
                self.client = Client(self.scheduler)
            else:
                import dask

                # no statistical profiler sampling the workers' stacks: pure CPU for extraction
                with dask.config.set({"distributed.worker.profile.enabled": False}):
                    self._cluster = LocalCluster(
                        n_workers=self.workers,
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        dashboard_address=":0",  # no fixed port: runs side by side never collide
                        silence_logs=logging.ERROR,
                    )
                self.client = Client(self._cluster)
        except (OSError, TimeoutError) as exc:
            self.__exit__()
            where = self.scheduler or "a local cluster"
            raise PipelineError(f"cannot start Dask on {where}: {exc}") from None
        self.in_flight = 2 * (sum(self.client.nthreads().values()) or 1)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def map(
        self, jobs: Iterable[tuple[T, Sequence[Article]]]
    ) -> Iterator[tuple[T, list[Extraction]]]:
        """Extractions of each job's articles, job by job, in input order."""
        if self.client is None:
            for tag, articles in jobs:
                yield tag, [self.pipeline(a) for a in articles]
            return
        spec = PipelineSpec.of(self.pipeline)
        pending: deque[tuple[T, Sequence[Article], Any]] = deque()
        limit = self.in_flight
        for tag, articles in jobs:
            articles = list(articles)
            future = (
                self.client.submit(extract_batch, spec, articles, pure=False) if articles else None
            )
            pending.append((tag, articles, future))
            while len(pending) >= limit:
                yield _collect(pending.popleft())
        while pending:
            yield _collect(pending.popleft())


def _collect(job: tuple[T, Sequence[Article], Any]) -> tuple[T, list[Extraction]]:
    """Wait for one batch and join its records to its articles."""
    tag, articles, future = job
    if future is None:
        return tag, []
    return tag, join_records(articles, future.result())


def join_records(articles: Sequence[Article], parts: Sequence[dict[str, Any]]) -> list[Extraction]:
    """Extractions from a batch's articles and the records `extract_batch` sent back."""
    return [Extraction(article=a, **p) for a, p in zip(articles, parts, strict=True)]


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most `size` items."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def run_extraction(
    items: Iterable[Article | Skip],
    *,
    pipeline: Pipeline | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    batch_size: int = DEFAULT_BATCH,
) -> Iterator[Extraction | Skip]:
    """Extract every article of `items`, passing skips through, in input order."""
    with Engine(pipeline, workers=workers, scheduler=scheduler) as engine:
        if not engine.parallel:  # one at a time: the first result comes out at once
            for item in items:
                yield item if isinstance(item, Skip) else engine.pipeline(item)
            return
        jobs = (
            (batch, [a for a in batch if isinstance(a, Article)])
            for batch in batches(items, batch_size)
        )
        for batch, extractions in engine.map(jobs):
            done = iter(extractions)
            for item in batch:
                yield item if isinstance(item, Skip) else next(done)
