"""Read-only queries over a stored corpus, shared by the report, the dashboard and exports.

Every query is SQLAlchemy Core with bound parameters (never string-built SQL from user
input). `open_readonly` opens a database without ever writing to it: SQLite through a
`mode=ro` URI, other databases in read-only transactions. Sentence texts come from the
stand-off offsets: `substr(articles.text, char_start + 1, char_end - char_start)`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from . import store as t
from .errors import StoreError
from .records import Domain, Polarity
from .store import database_url

#: Tables the exports and the dashboard may read, by public name.
TABLES: dict[str, sa.Table] = {
    "articles": t.articles,
    "statements": t.statements,
    "quotes": t.quotes,
    "mentions": t.mentions,
    "forecasts": t.forecasts,
    "numbers": t.numbers,
    "persons": t.persons,
    "article_persons": t.article_persons,
    "skips": t.skips,
    "boilerplate": t.boilerplate,
}
#: The values statements.domain and statements.polarity hold, in display order.
DOMAINS: tuple[str, ...] = get_args(Domain)
POLARITIES: tuple[str, ...] = get_args(Polarity)
REQUIRED = ("articles", "statements", "quotes", "forecasts", "persons")
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass
class ReadOnlyDB:
    """An engine that cannot write, plus the label to show users."""

    engine: Engine
    label: str

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> ReadOnlyDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_readonly(db: str | Path) -> ReadOnlyDB:
    """Open a stored corpus for reading only; a clear StoreError when it is missing or broken."""
    url = database_url(db)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.is_file():
            raise StoreError(f"{path}: no such database; run `multivector analyze` first")
        with path.open("rb") as fh:
            head = fh.read(16)
        if head != SQLITE_MAGIC:
            raise StoreError(f"{path}: not a SQLite database (corrupt or another kind of file)")
        uri = f"file:{quote(str(path.resolve()))}?mode=ro"

        def connect() -> sqlite3.Connection:
            return sqlite3.connect(uri, uri=True, check_same_thread=False)

        engine = sa.create_engine(
            "sqlite://", creator=connect, poolclass=sa.pool.QueuePool, pool_size=8, max_overflow=8
        )
        label = str(path)
    else:
        engine = sa.create_engine(url, execution_options={"postgresql_readonly": True})
        label = sa.engine.make_url(url).render_as_string(hide_password=True)
    try:
        with engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(
            f"{label}: cannot read the database ({exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]})"
        ) from None
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        engine.dispose()
        raise StoreError(
            f"{label}: not a multivector database (no table {', '.join(missing)}); "
            "run `multivector analyze` first"
        )
    return ReadOnlyDB(engine, label)


def sentence(table: sa.Table) -> sa.ColumnElement[str]:
    """The text a record's offsets point at, cut from its article."""
    a = t.articles
    return sa.func.substr(a.c.text, table.c.char_start + 1, table.c.char_end - table.c.char_start)


def with_article(table: sa.Table, *columns: Any) -> sa.Select[Any]:
    """`columns` of a record table, with the title, file, source and date of its article."""
    a = t.articles
    return sa.select(*columns, a.c.title, a.c.doc, a.c.source, a.c.published).join(
        a, a.c.id == table.c.article_id
    )


def quoted_by(key: str) -> sa.ColumnElement[bool]:
    """Quotes of a person: by person key, or by bare speaker name when the quote has no key."""
    q = t.quotes
    return sa.or_(q.c.person_key == key, sa.and_(q.c.person_key.is_(None), q.c.speaker == key))


def rows(db: ReadOnlyDB, query: sa.Executable) -> list[dict[str, Any]]:
    with db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def scalar(db: ReadOnlyDB, query: sa.Executable) -> Any:
    with db.engine.connect() as conn:
        return conn.execute(query).scalar()


def count_rows(db: ReadOnlyDB, table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
    """How many rows of `table` match every condition in `where` (all rows without one)."""
    return int(scalar(db, sa.select(sa.func.count()).select_from(table).where(*where)) or 0)


def json_has(db: ReadOnlyDB, column: sa.ColumnElement[Any], value: str) -> sa.ColumnElement[bool]:
    """Rows whose JSON list `column` holds the string `value` (a bound parameter).

    SQLite stores the list as JSON text, in which a string element appears exactly as
    `json.dumps(value)`, quotes included: a substring test is exact and much cheaper per
    row than json_each. PostgreSQL: JSONB containment."""
    if db.is_sqlite:
        return sa.func.instr(column, json.dumps(value)) > 0
    from sqlalchemy.dialects.postgresql import JSONB

    return sa.cast(column, JSONB).contains([value])


def vector_filter(db: ReadOnlyDB, vector: str) -> sa.ColumnElement[bool]:
    """Statements assigned to `vector`."""
    return json_has(db, t.statements.c.vectors, vector)


def counts(db: ReadOnlyDB) -> dict[str, int]:
    """How many rows each main table holds."""
    out = {}
    with db.engine.connect() as conn:
        for name in (
            "articles",
            "statements",
            "quotes",
            "forecasts",
            "persons",
            "mentions",
            "numbers",
        ):
            out[name] = int(
                conn.execute(sa.select(sa.func.count()).select_from(TABLES[name])).scalar() or 0
            )
    return out


def stream(db: ReadOnlyDB, table: str, *, batch: int = 5000) -> Iterator[list[dict[str, Any]]]:
    """Every row of a table in primary-key order, in lists of `batch` rows."""
    tab = TABLES[table]
    query = sa.select(tab).order_by(*tab.primary_key.columns)
    with db.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=batch).execute(query)
        for part in result.partitions(batch):
            yield [dict(r._mapping) for r in part]
