"""The Dask engine gives exactly the serial output: same JSONL in the same order, same database.

One real `distributed.LocalCluster` (two worker processes on 127.0.0.1) serves the module;
`--scheduler` connects to it, `--workers 2` starts a cluster of its own.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from multivector import api
from multivector.cli import app
from multivector.engine import Engine, PipelineSpec, extract_batch, worker_pipeline
from multivector.pipeline import Resources, build_pipeline
from multivector.records import Extraction, Skip
from scale_corpus import db_url, dump, write_corpus

distributed = pytest.importorskip("distributed", reason="Dask not installed (multivector[scale])")
# distributed's own servers leave sockets to the garbage collector at shutdown
__all__ = ["db_url"]  # the fixture, parametrised over SQLite and PostgreSQL
pytestmark = pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"), n_txt=30, n_jsonl=10)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",  # any free port (8787 may be taken)
        silence_logs=logging.ERROR,
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def _lines(results: Iterator[Extraction | Skip]) -> list[dict[str, Any]]:
    return [r.to_json() for r in results]


def test_spec_rebuilds_the_pipeline_once_per_process() -> None:
    pipeline = build_pipeline(resources=Resources(options={"focus": "NOR"}))
    spec = PipelineSpec.of(pipeline)
    assert pickle.loads(pickle.dumps(spec)) == spec
    assert dict(spec.options) == {"focus": "NOR"}
    assert set(spec.modules) == {s.func.__module__ for s in pipeline.steps}
    assert [s.name for s in spec.build().steps] == [s.name for s in pipeline.steps]
    assert worker_pipeline(spec) is worker_pipeline(spec)
    assert extract_batch(spec, []) == []


def test_records_survive_pickling_between_processes(corpus: Path) -> None:
    """Workers send records back pickled (`Record.__reduce__`): every field, nested records
    and the extras dict must come back equal and of the same types."""
    extractions = [r for r in api.extract([corpus]) if isinstance(r, Extraction)]
    assert sum(len(e.mentions) + len(e.quotes) + len(e.persons) for e in extractions) > 50
    back = pickle.loads(pickle.dumps(extractions, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == extractions
    assert [e.to_json() for e in back] == [e.to_json() for e in extractions]
    assert {type(m) for e in back for m in e.mentions} == {
        type(m) for e in extractions for m in e.mentions
    }


def test_extract_on_cluster_equals_serial(corpus: Path, scheduler: str) -> None:
    serial = _lines(api.extract([corpus]))
    with Engine(workers=1) as engine:
        assert not engine.parallel
    parallel = _lines(api.extract([corpus], scheduler=scheduler))
    assert [r.get("doc", r.get("path")) for r in parallel][:3] == [
        "a000.txt",
        "a001.txt",
        "a002.txt",
    ]
    assert parallel == serial
    assert len(serial) == 42  # 31 files + 10 records + 1 skipped line


def test_analyze_on_cluster_stores_the_same_database(
    corpus: Path, scheduler: str, tmp_path: Path, db_url: str
) -> None:
    """The one writer may be SQLite or PostgreSQL: same rows as a serial SQLite run."""
    serial_db = f"sqlite:///{tmp_path / 'serial.db'}"
    dask_db = db_url
    serial = api.analyze([corpus], db=serial_db, batch_size=4)
    seen: list[str] = []
    parallel = api.analyze(
        [corpus],
        db=dask_db,
        batch_size=4,  # many small batches in flight, so order matters
        scheduler=scheduler,
        listener=lambda item: seen.append(getattr(item, "doc", "skip")),
    )
    assert parallel == serial
    assert (serial.read, serial.added, serial.already_stored, serial.skipped) == (41, 40, 1, 1)
    assert dump(dask_db) == dump(serial_db)
    assert seen[:2] == ["a000.txt", "a001.txt"]
    again = api.analyze([corpus], db=dask_db, batch_size=4, scheduler=scheduler)
    assert (again.added, again.already_stored) == (0, 41)


@pytest.mark.slow
def test_cli_workers_option_matches_serial(corpus: Path, tmp_path: Path, runner: Any) -> None:
    serial = runner.invoke(app, ["extract", str(corpus)])
    parallel = runner.invoke(app, ["extract", str(corpus), "--workers", "2"])
    assert parallel.exit_code == serial.exit_code == 1, parallel.stderr  # malformed JSONL line
    assert parallel.stdout == serial.stdout, (parallel.stderr, parallel.exception)
    assert parallel.stderr == serial.stderr
    db = tmp_path / "cli.db"
    stored = runner.invoke(app, ["analyze", str(corpus), "--db", str(db), "--workers", "2"])
    assert "41 read, 40 added, 1 already stored, 1 skipped" in stored.stdout


def test_unreachable_scheduler_is_a_clear_error(runner: Any) -> None:
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = runner.invoke(
            app, ["extract", "nothing-here.txt", "--scheduler", "tcp://127.0.0.1:9"]
        )
    assert result.exit_code == 2
    assert "cannot start Dask on tcp://127.0.0.1:9" in result.stderr
