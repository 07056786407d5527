"""Report, dashboard and exports on PostgreSQL: same answers as on SQLite, read-only access.

Needs MULTIVECTOR_TEST_PG (scripts/test starts a throwaway server and sets it); skips otherwise.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboard_data import fill
from multivector.export import export_table
from multivector.queries import open_readonly
from multivector.report import ReportOptions, report_context
from scale_corpus import throwaway_pg_database
from test_web import Client, hit_texts

PG_URL = os.environ.get("MULTIVECTOR_TEST_PG")


@pytest.fixture(scope="module")
def pg_db() -> Iterator[str]:
    with throwaway_pg_database("mv_views") as url:
        fill(url)
        yield url


@pytest.fixture(scope="module")
def pg_client(pg_db: str) -> Iterator[Client]:
    client = Client(pg_db)
    yield client
    client.close()


def test_report_context_on_postgres(pg_db: str) -> None:
    with open_readonly(pg_db) as db:
        page = report_context(db, ReportOptions(today=date(2027, 1, 1), n_boot=50))
    assert page.summary.statements == 6
    assert {g.vector: g.total for g in page.evidence.groups}["RUSSIA"] == 3
    assert [r.status for r in page.forecasts.rows] == ["due", "open", "not yet due"]


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("q=pipeline+tariffs", 1),
        ("vector=CHINA", 2),
        ("partner=rus&polarity=tension", 2),
        ("kind=quotes&speaker=sadykova", 2),
        ("date_from=2024", 2),
    ],
)
def test_search_on_postgres(pg_client: Client, query: str, count: int) -> None:
    response = pg_client.get(f"/api/search?{query}")
    assert response.status_code == 200
    assert len(hit_texts(response)) == count


@pytest.fixture(scope="module")
def sqlite_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    db = str(tmp_path_factory.mktemp("same") / "same.db")
    fill(db)
    client = Client(db)
    yield client
    client.close()


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("q=pipeline", 1),
        ("q=PIPELINE+tariffs", 1),  # case does not matter
        ("q=pipelin", 0),  # words, not substrings
        ("kind=quotes&q=sadykova", 2),  # a speaker's words are indexed with the quote
        ("kind=quotes&q=the", 1),
    ],
)
def test_postgres_word_search_answers_as_sqlite_fts5(
    pg_client: Client, sqlite_client: Client, query: str, count: int
) -> None:
    on_pg = hit_texts(pg_client.get(f"/api/search?{query}"))
    assert on_pg == hit_texts(sqlite_client.get(f"/api/search?{query}"))
    assert len(on_pg) == count


def test_postgres_search_index_follows_the_writes(pg_db: str) -> None:
    with open_readonly(pg_db) as db, db.engine.connect() as conn:
        statements = conn.scalar(sa.text("SELECT count(*) FROM statements"))
        indexed = conn.scalar(
            sa.text("SELECT count(*) FROM statements WHERE search_doc @@ 'pipeline'::tsquery")
        )
        empty = conn.scalar(sa.text("SELECT count(*) FROM statements WHERE search_doc IS NULL"))
        names = {r[0] for r in conn.exec_driver_sql("SELECT indexname FROM pg_indexes")}
    assert (statements, indexed, empty) == (6, 1, 0)
    assert {"statements_search", "quotes_search"} <= names


def test_pages_and_read_only_on_postgres(pg_db: str, pg_client: Client) -> None:
    for url in ("/", "/people", "/articles", "/person/aigerim-sadykova"):
        assert pg_client.get(url).status_code == 200
    with (
        open_readonly(pg_db) as db,
        db.engine.connect() as conn,
        pytest.raises(sa.exc.DBAPIError, match="read-only"),
    ):
        conn.exec_driver_sql("DELETE FROM skips")


def test_export_on_postgres(pg_db: str, tmp_path: Path) -> None:
    out = tmp_path / "statements.jsonl"
    assert export_table(pg_db, "statements", format="jsonl", out=out) == 6
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {tuple(r["vectors"]) for r in rows} == {("RUSSIA",), ("CHINA",), ("WEST",)}
