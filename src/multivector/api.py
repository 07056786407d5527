"""The Python API: what the CLI commands call.

>>> from multivector import extract, analyze
>>> for result in extract(["examples/corpus"]):
...     print(result.to_json()["title"] if hasattr(result, "article") else result.message)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from .ingest import IngestOptions, read_articles
from .pipeline import Pipeline, Resources, build_pipeline
from .records import RECORD_FIELDS, Article, Extraction, Skip
from .store import Store

DEFAULT_BATCH = 200
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


def _batches(items: Iterable[Article | Skip], size: int) -> Iterator[list[Article | Skip]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def extract(
    paths: Iterable[str | Path],
    *,
    options: IngestOptions | None = None,
    pipeline: Pipeline | None = None,
) -> Iterator[Extraction | Skip]:
    """Read and extract every article under `paths`, streaming one result per article or skip."""
    pipeline = pipeline or build_pipeline()
    for item in read_articles(paths, options):
        yield item if isinstance(item, Skip) else pipeline(item)


def analyze(
    paths: Iterable[str | Path],
    *,
    db: str | Path | Store = "multivector.db",
    options: IngestOptions | None = None,
    pipeline: Pipeline | None = None,
    batch_size: int = DEFAULT_BATCH,
    listener: Listener | None = None,
) -> RunSummary:
    """Ingest, extract and store a corpus; articles already stored are not extracted again."""
    store = db if isinstance(db, Store) else Store(db)
    pipeline = pipeline or build_pipeline()
    summary = RunSummary()
    try:
        for batch in _batches(read_articles(paths, options), batch_size):
            new_articles = [a for a in batch if isinstance(a, Article)]
            skipped = [s for s in batch if isinstance(s, Skip)]
            known = store.known_ids([a.id for a in new_articles])
            extractions = [pipeline(a) for a in new_articles if a.id not in known]
            result = store.write_batch(extractions, skipped)
            summary.read += len(new_articles)
            summary.added += result.added
            summary.already_stored += len(new_articles) - result.added
            summary.skipped += len(skipped)
            for extraction in extractions:
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
