"""The store: migrations, idempotent batches, all-or-nothing transactions, reads."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from multivector import analyze
from multivector.errors import StoreError
from multivector.ingest import IngestOptions, build_article
from multivector.records import Extraction, Mention, Quantity, Skip
from multivector.store import MIGRATIONS, Store, database_url

OPTIONS = IngestOptions()


def extraction(n: int, **records: tuple) -> Extraction:
    text = f"Ferry talks, round {n}\nNorland and Ostravia met for the {n}th time on Monday.\n"
    article = build_article(
        text,
        doc=f"a{n}.txt",
        path=f"/corpus/a{n}.txt",
        fmt="txt",
        options=OPTIONS,
        encoding="utf-8",
    )
    return Extraction(article=article, **records)


def test_new_database_gets_every_migration_once(tmp_db):
    with Store(tmp_db) as store:
        assert store.migrate() == []  # already applied when opened
    con = sqlite3.connect(tmp_db)
    names = [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY name")]
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    con.close()
    assert names == sorted(name for name, _ in MIGRATIONS)
    assert {"articles", "boilerplate", "skips", "mentions", "quotes", "numbers"} <= tables


def test_write_batch_is_idempotent(tmp_db, db_dump):
    batch = [extraction(1), extraction(2), extraction(1)]  # a duplicate inside the batch too
    skips = [Skip("/corpus/bad.txt", "empty file"), Skip("/corpus/f.jsonl", "line is not UTF-8", 3)]
    with Store(tmp_db) as store:
        first = store.write_batch(batch, skips)
        before = db_dump(tmp_db)
        second = store.write_batch(batch, skips)
        assert (first.added, first.already_stored) == (2, 1)
        assert (second.added, second.already_stored) == (0, 3)
        assert store.count("articles") == 2
        assert store.count("skips") == 2
    assert db_dump(tmp_db) == before


def test_batch_is_all_or_nothing(tmp_db):
    good = extraction(1, numbers=(Quantity(0, 5, "Ferry", None, None),))
    # surface is NOT NULL: the mentions insert fails after the article row was inserted
    broken = extraction(2, mentions=(Mention(0, 5, None, "NOR", "country"),))  # type: ignore[arg-type]
    with Store(tmp_db) as store:
        with pytest.raises(Exception, match="NOT NULL"):
            store.write_batch([good, broken], [Skip("/corpus/x.txt", "empty file")])
        assert [store.count(t) for t in ("articles", "numbers", "skips")] == [0, 0, 0]
        store.write_batch([good])
        assert store.count("articles") == 1


def test_records_are_stored_with_offsets(tmp_db):
    e = extraction(7, numbers=(Quantity(50, 53, "7th", 7.0, None),))
    with Store(tmp_db) as store:
        store.write_batch([e])
        (row,) = store.iter_rows("numbers")
        (art,) = store.iter_rows("articles")
    assert (row["article_id"], row["char_start"], row["char_end"]) == (e.article.id, 50, 53)
    assert art["text"] == e.article.text
    assert art["chars"] == len(e.article.text)
    assert art["title"] == "Ferry talks, round 7"


def test_iter_rows_order_and_limit(tmp_db):
    with Store(tmp_db) as store:
        store.write_batch([extraction(n) for n in range(5)])
        docs = [r["doc"] for r in store.iter_rows("articles", order_by=["doc"], limit=3)]
        rest = [r["doc"] for r in store.iter_rows("articles", order_by=["doc"], offset=3)]
    assert docs == ["a0.txt", "a1.txt", "a2.txt"]
    assert rest == ["a3.txt", "a4.txt"]


def test_opening_without_create_needs_an_existing_database(tmp_path):
    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "missing.db", create=False)


def test_a_file_that_is_not_a_database(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open the database"):
        Store(junk)


def test_database_in_a_missing_folder(tmp_path):
    with pytest.raises(StoreError, match="cannot open the database"):
        Store(tmp_path / "no" / "such" / "folder" / "x.db")


@pytest.mark.parametrize(
    "db,url",
    [
        ("multivector.db", "sqlite:///multivector.db"),
        (Path("/data/x.db"), "sqlite:////data/x.db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_database_url(db, url):
    assert database_url(db) == url


def test_analyze_into_an_open_store(tmp_db, write_file, tmp_path):
    write_file("c/a.txt", "Ferry talks resume\nNorland and Ostravia met on Monday.\n")
    write_file("c/b.txt", b"")
    with Store(tmp_db) as store:
        summary = analyze([tmp_path / "c"], db=store)
        again = analyze([tmp_path / "c"], db=store)
        assert store.count("skips") == 1
    assert (summary.read, summary.added, summary.skipped, summary.exit_code) == (1, 1, 1, 1)
    assert (again.read, again.added, again.already_stored) == (1, 0, 1)
