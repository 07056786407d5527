"""The store's key behaviours on every backend: SQLite always, PostgreSQL when a server is given.

Set MULTIVECTOR_TEST_PG=postgresql://user@host:port/db (scripts/test starts a throwaway server
and sets it); each test then gets a fresh database of its own on that server.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from multivector import api
from multivector.cli import app
from multivector.records import Article, Extraction, Mention
from multivector.store import MIGRATIONS, Store, database_url, metadata
from scale_corpus import db_url, dump, write_corpus

__all__ = ["db_url"]  # the fixture, parametrised over SQLite and PostgreSQL


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"))


def test_plain_postgresql_url_uses_psycopg() -> None:
    assert database_url("postgresql://u@h:5/db") == "postgresql+psycopg://u@h:5/db"
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("x.db") == "sqlite:///x.db"


def test_migrations_applied_once(db_url: str) -> None:
    names = [name for name, _ in MIGRATIONS]
    with Store(db_url) as store:
        assert store.migrate() == []  # the constructor applied them all
        assert [r["name"] for r in store.iter_rows("schema_migrations")] == sorted(names)
        assert store.count("articles") == 0
    with Store(db_url) as store:  # reopening applies nothing
        assert store.migrate() == []
    assert set(dump(db_url)) == set(metadata.tables)


def test_rerun_is_idempotent(db_url: str, corpus: Path) -> None:
    first = api.analyze([corpus], db=db_url, batch_size=4)
    before = dump(db_url)
    second = api.analyze([corpus], db=db_url, batch_size=4)
    assert (first.read, first.added, first.already_stored, first.skipped) == (21, 20, 1, 1)
    assert (second.read, second.added, second.already_stored) == (21, 0, 21)
    assert dump(db_url) == before
    assert len(before["articles"]) == 20


def test_same_database_on_both_backends(db_url: str, corpus: Path, tmp_path: Path) -> None:
    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    api.analyze([corpus], db=reference)
    api.analyze([corpus], db=db_url, batch_size=3)
    assert dump(db_url) == dump(reference)


def _extraction(text: str, *, bad: bool = False) -> Extraction:
    article = Article(id=uuid.uuid4().hex, doc="d.txt", path="d.txt", text=text)
    surface: Any = None if bad else text[:4]  # NOT NULL column: the insert fails
    return Extraction(article=article, mentions=(Mention(0, 4, surface, "NOR", "country"),))


def test_failed_batch_leaves_nothing(db_url: str) -> None:
    with Store(db_url) as store:
        store.write_batch([_extraction("Oslo spoke first.")])
        with pytest.raises(sa.exc.IntegrityError):
            store.write_batch([_extraction("Oslo spoke again."), _extraction("Oslo.", bad=True)])
        assert store.count("articles") == 1
        assert store.count("mentions") == 1
        result = store.write_batch([_extraction("Oslo spoke again.")])
        assert result.added == 1
        assert store.count("articles") == 2


def test_analyze_and_articles_commands(db_url: str, corpus: Path, runner: Any) -> None:
    result = runner.invoke(app, ["analyze", str(corpus), "--db", db_url, "--no-progress"])
    assert result.exit_code == 1, result.output  # the malformed JSONL line is a skip
    assert "21 read, 20 added, 1 already stored, 1 skipped" in result.stdout
    assert "wire.jsonl:3: skipped: invalid JSON" in result.stderr
    listed = runner.invoke(app, ["articles", "--db", db_url, "--format", "json"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == 20
    assert {r["title"] for r in rows} >= {"Wire item 0", "Wire item 5"}
    assert "Norway and Chile sign transport accord number 0" in {r["title"] for r in rows}


def test_readers_see_growing_counts_while_a_run_writes(db_url: str, corpus: Path) -> None:
    """A second connection counts rows during the run: never an error, never a decrease."""
    seen: list[int] = []
    errors: list[BaseException] = []
    done = threading.Event()
    Store(db_url).close()  # schema first, so the reader has tables to count

    def read() -> None:
        reader = sa.create_engine(database_url(db_url))
        try:
            while not done.is_set():
                with reader.connect() as conn:
                    seen.append(conn.scalar(sa.text("SELECT count(*) FROM articles")) or 0)
                time.sleep(0.002)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            reader.dispose()

    thread = threading.Thread(target=read)
    thread.start()
    try:
        summary = api.analyze(
            [corpus], db=db_url, batch_size=1, listener=lambda _item: time.sleep(0.005)
        )
    finally:
        done.set()
        thread.join()
    assert not errors
    assert summary.added == 20
    assert len(set(seen)) > 2  # the reader did look while the run was writing
    assert seen == sorted(seen)
    assert seen[-1] <= 20
    with Store(db_url) as store:
        assert store.count("articles") == 20
