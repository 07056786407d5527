"""A small fictional corpus for the scale-out tests (engine, PostgreSQL): varied short news items.

Every sentence here is invented for the tests; the countries are real names used generically.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from multivector.store import database_url, metadata

PG_URL = os.environ.get("MULTIVECTOR_TEST_PG")

_COUNTRIES = [
    ("Norway", "Oslo", "Norwegian"),
    ("Chile", "Santiago", "Chilean"),
    ("Vietnam", "Hanoi", "Vietnamese"),
    ("Kenya", "Nairobi", "Kenyan"),
    ("Poland", "Warsaw", "Polish"),
    ("Mongolia", "Ulaanbaatar", "Mongolian"),
    ("Canada", "Ottawa", "Canadian"),
]
_PEOPLE = ["Anna Berg", "Tomas Reyes", "Linh Tran", "Grace Mwangi", "Piotr Nowak", "Bold Bat"]


def article_text(i: int) -> str:
    """A short fictional news item, different for every `i`."""
    a, cap_a, dem_a = _COUNTRIES[i % len(_COUNTRIES)]
    b, cap_b, _ = _COUNTRIES[(i * 3 + 1) % len(_COUNTRIES)]
    person = _PEOPLE[i % len(_PEOPLE)]
    return (
        f"{a} and {b} sign transport accord number {i}\n\n"
        f"{cap_a} and {cap_b} agreed on Tuesday to expand rail freight by {10 + i} percent "
        f"over the next {2 + i % 5} years, officials said.\n\n"
        f'"This is a good day for both our peoples," {dem_a} foreign minister {person} '
        f"told reporters after the talks.\n\n"
        f"Trade between {a} and {b} reached ${i + 1}.{i % 10} billion last year. "
        f"{person} said {cap_a} expects the figure to double by {2030 + i % 7}.\n"
    )


def write_corpus(root: Path, n_txt: int = 14, n_jsonl: int = 6) -> Path:
    """`n_txt` text files, a JSONL file of `n_jsonl` records (one malformed line), a duplicate."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n_txt):
        (root / f"a{i:03d}.txt").write_text(article_text(i), encoding="utf-8")
    # the same text under another name: stored once, counted as already stored
    (root / "z_copy.txt").write_text(article_text(0), encoding="utf-8")
    lines = [
        json.dumps({"id": f"wire-{i}", "title": f"Wire item {i}", "text": article_text(100 + i)})
        for i in range(n_jsonl)
    ]
    lines.insert(2, "{not json")
    (root / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: two databases are equal when their dumps are."""
    engine = sa.create_engine(database_url(url))
    try:
        with engine.connect() as conn:
            return {
                t.name: sorted((tuple(r) for r in conn.execute(sa.select(t))), key=repr)
                for t in metadata.sorted_tables
            }
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh database on the test server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    with throwaway_pg_database("mv") as url:
        yield url


@contextmanager
def throwaway_pg_database(prefix: str) -> Iterator[str]:
    """A fresh database on the test server, dropped afterwards; skips when unusable."""
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set MULTIVECTOR_TEST_PG (scripts/test does)")
    server = sa.engine.make_url(database_url(PG_URL))
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL at {PG_URL} unusable: {str(exc).splitlines()[0]}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
