"""The Python API: what the CLI commands call.

>>> from multivector import extract, analyze
>>> for result in extract(["examples/corpus"]):
...     print(result.to_json()["title"] if hasattr(result, "article") else result.message)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .engine import DEFAULT_BATCH, Engine, batches, run_extraction
from .ingest import IngestOptions, read_articles
from .pipeline import Pipeline, Resources
from .records import RECORD_FIELDS, Article, Extraction, Skip
from .store import Store

#: Called once per article or skip as the run goes (progress bars, logging).
Listener = Callable[[Article | Skip], None]


@dataclass
class RunSummary:
    """What a run did: counted articles and skips, and the records it stored."""

    read: int = 0
    added: int = 0
    already_stored: int = 0
    skipped: int = 0
    records: Counter[str] = field(default_factory=Counter)

    @property
    def exit_code(self) -> int:
        return 1 if self.skipped else 0


def extract(
    paths: Iterable[str | Path],
    *,
    options: IngestOptions | None = None,
    pipeline: Pipeline | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Iterator[Extraction | Skip]:
    """Read and extract every article under `paths`, streaming one result per article or skip.

    `workers` > 1 runs the extraction on that many local processes, `scheduler` on a Dask
    cluster ("tcp://host:8786"); either way the results come back in input order.
    """
    yield from run_extraction(
        read_articles(paths, options),
        pipeline=pipeline,
        workers=workers,
        scheduler=scheduler,
    )


def analyze(
    paths: Iterable[str | Path],
    *,
    db: str | Path | Store = "multivector.db",
    options: IngestOptions | None = None,
    pipeline: Pipeline | None = None,
    batch_size: int = DEFAULT_BATCH,
    listener: Listener | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> RunSummary:
    """Ingest, extract and store a corpus; articles already stored are not extracted again.

    Memory stays bounded: articles stream through in batches, and only counts are kept.
    With `workers`/`scheduler` the extraction runs on Dask workers while this process
    stays the one writer, storing batches in input order (the database ends up the same).
    """
    store = db if isinstance(db, Store) else Store(db)
    summary = RunSummary()
    in_flight: set[str] = set()  # ids sent for extraction but not yet stored

    def jobs() -> Iterator[tuple[list[Article | Skip], list[Article]]]:
        for batch in batches(read_articles(paths, options), batch_size):
            articles = [a for a in batch if isinstance(a, Article)]
            known = store.known_ids([a.id for a in articles])
            todo: dict[str, Article] = {}
            for a in articles:
                if a.id not in known and a.id not in in_flight and a.id not in todo:
                    todo[a.id] = a
            in_flight.update(todo)
            yield batch, list(todo.values())

    try:
        with Engine(pipeline, workers=workers, scheduler=scheduler) as engine:
            for batch, extractions in engine.map(jobs()):
                skipped = [s for s in batch if isinstance(s, Skip)]
                read = sum(1 for a in batch if isinstance(a, Article))
                result = store.write_batch(extractions, skipped)
                in_flight.difference_update(e.article.id for e in extractions)
                summary.read += read
                summary.added += result.added
                summary.already_stored += read - result.added
                summary.skipped += len(skipped)
                for extraction in extractions:
                    if extraction.article.id in result.added_ids:
                        for name in RECORD_FIELDS:
                            summary.records[name] += len(getattr(extraction, name))
                if listener is not None:
                    for item in batch:
                        listener(item)
    finally:
        if not isinstance(db, Store):
            store.close()
    return summary


def make_resources(*, focus: str | None = None, **options: object) -> Resources:
    """Shared resources for the extraction steps, from the user's options."""
    return Resources(options={"focus": focus, **options})
