"""The store: articles and every record extracted from them, in SQLite or PostgreSQL.

One `Store` per database; it owns the schema (created by named migrations, recorded in
`schema_migrations`) and the writes. Articles are keyed by a hash of their text, and every
write is one transaction per batch, so re-running adds nothing and a run killed half-way
and started again ends with the same database as an uninterrupted one.

Offsets are stored as `char_start`/`char_end` (Python string indices into `articles.text`,
end exclusive), avoiding the SQL keyword END in column names.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .errors import StoreError
from .records import Extraction, Skip

metadata = sa.MetaData()


def _span_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("char_start", sa.Integer, primary_key=True),
        sa.Column("char_end", sa.Integer, primary_key=True),
    ]


migrations_table = sa.Table(
    "schema_migrations", metadata, sa.Column("name", sa.String(200), primary_key=True)
)
articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("doc", sa.Text, nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("source", sa.Text),
    sa.Column("published", sa.String(10), index=True),
    sa.Column("language", sa.String(8)),
    sa.Column("encoding", sa.String(32)),
    sa.Column("format", sa.String(8), nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("chars", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)
boilerplate = sa.Table("boilerplate", metadata, *_span_columns(), sa.Column("rule", sa.String(64)))
skips = sa.Table(
    "skips",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("line", sa.Integer),
    sa.Column("reason", sa.Text, nullable=False),
)
mentions = sa.Table(
    "mentions",
    metadata,
    *_span_columns(),
    sa.Column("surface", sa.Text, nullable=False),
    sa.Column("actor", sa.String(32), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("place", sa.Boolean, nullable=False),
    sa.Column("in_name", sa.Boolean, nullable=False),
    sa.Column("ethnic", sa.Boolean, nullable=False),
)
persons = sa.Table(
    "persons",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("country", sa.String(16)),
)
article_persons = sa.Table(
    "article_persons",
    metadata,
    sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id"), primary_key=True),
    sa.Column("local_id", sa.String(32), primary_key=True),
    sa.Column("person_key", sa.String(200), sa.ForeignKey("persons.key"), index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("aliases", sa.JSON, nullable=False),
    sa.Column("roles", sa.JSON, nullable=False),
    sa.Column("country", sa.String(16)),
)
quotes = sa.Table(
    "quotes",
    metadata,
    *_span_columns(),
    sa.Column("speaker", sa.Text, index=True),
    sa.Column("speaker_id", sa.String(32)),
    sa.Column("person_key", sa.String(200), index=True),
    sa.Column("speaker_mention", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("cue", sa.Text),
)
statements = sa.Table(
    "statements",
    metadata,
    *_span_columns(),
    sa.Column("partners", sa.JSON, nullable=False),
    sa.Column("vectors", sa.JSON, nullable=False),
    sa.Column("domain", sa.String(16), nullable=False),
    sa.Column("polarity", sa.String(16), nullable=False),
    sa.Column("intensity", sa.Float, nullable=False),
    sa.Column("modality", sa.String(16), nullable=False),
    sa.Column("speaker", sa.Text),
    sa.Column("focus", sa.String(32), index=True),
)
forecasts = sa.Table(
    "forecasts",
    metadata,
    *_span_columns(),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("speaker", sa.Text, index=True),
    sa.Column("about", sa.JSON, nullable=False),
    sa.Column("horizon", sa.Text),
    sa.Column("window_from", sa.String(10)),
    sa.Column("window_to", sa.String(10)),
)
numbers = sa.Table(
    "numbers",
    metadata,
    *_span_columns(),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("value", sa.Float),
    sa.Column("unit", sa.Text),
)


def _create(*tables: sa.Table) -> Callable[[Connection], None]:
    def migrate(conn: Connection) -> None:
        metadata.create_all(conn, tables=list(tables))

    return migrate


#: Full-text indexes (SQLite FTS5) over statement sentences and quotes, for the dashboard's
#: search. Derived data: triggers fill them as rows are written; contentless, so the text is
#: stored once (in `articles.text`). Tables named `fts_*`.
SEARCH_INDEX_SQL = (
    "CREATE VIRTUAL TABLE fts_statements USING fts5(text, speaker, content='', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE fts_quotes USING fts5(text, speaker, content='', "
    "tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO fts_statements(rowid, text, speaker) SELECT s.rowid, substr(a.text, "
    "s.char_start + 1, s.char_end - s.char_start), s.speaker FROM statements s "
    "JOIN articles a ON a.id = s.article_id",
    "INSERT INTO fts_quotes(rowid, text, speaker) SELECT rowid, text, speaker FROM quotes",
    "CREATE TRIGGER fts_statements_insert AFTER INSERT ON statements BEGIN "
    "INSERT INTO fts_statements(rowid, text, speaker) SELECT new.rowid, substr(a.text, "
    "new.char_start + 1, new.char_end - new.char_start), new.speaker FROM articles a "
    "WHERE a.id = new.article_id; END",
    "CREATE TRIGGER fts_quotes_insert AFTER INSERT ON quotes BEGIN "
    "INSERT INTO fts_quotes(rowid, text, speaker) VALUES (new.rowid, new.text, new.speaker); END",
)


def _search_index(conn: Connection) -> None:
    """FTS5 search tables on SQLite builds that have FTS5; elsewhere search uses LIKE."""
    if conn.dialect.name != "sqlite":
        return
    options = {row[0] for row in conn.exec_driver_sql("PRAGMA compile_options")}
    if "ENABLE_FTS5" not in options:
        return
    for sql in SEARCH_INDEX_SQL:
        conn.exec_driver_sql(sql)


#: The same search on PostgreSQL: word lists (tsvector, 'simple' configuration: lower-cased
#: words, no stemming, like FTS5's unicode61) with GIN indexes. Quotes index an expression over
#: their own columns; a statement's text lives in its article, so a trigger fills a
#: `search_doc` column as each statement is written (a column of the table itself, so that the
#: planner weighs the word filter against the other filters and the page order). The dashboard
#: uses them when `statements.search_doc` exists.
PG_SEARCH_DOC = "to_tsvector('simple', {text} || ' ' || coalesce({speaker}, ''))"
_PG_STATEMENT_TEXT = (
    "coalesce(substr({article}, {row}.char_start + 1, {row}.char_end - {row}.char_start), '')"
)
PG_SEARCH_INDEX_SQL = (
    "ALTER TABLE statements ADD COLUMN search_doc TSVECTOR",
    "UPDATE statements s SET search_doc = "
    + PG_SEARCH_DOC.format(
        text=_PG_STATEMENT_TEXT.format(article="a.text", row="s"), speaker="s.speaker"
    )
    + " FROM articles a WHERE a.id = s.article_id",
    "CREATE INDEX statements_search ON statements USING GIN (search_doc)",
    "CREATE FUNCTION statements_search_doc() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "NEW.search_doc := "
    + PG_SEARCH_DOC.format(
        text=_PG_STATEMENT_TEXT.format(
            article="(SELECT a.text FROM articles a WHERE a.id = NEW.article_id)", row="NEW"
        ),
        speaker="NEW.speaker",
    )
    + "; RETURN NEW; END $$",
    "CREATE TRIGGER statements_search_doc BEFORE INSERT ON statements FOR EACH ROW "
    "EXECUTE FUNCTION statements_search_doc()",
    "CREATE INDEX quotes_search ON quotes USING GIN ("
    + PG_SEARCH_DOC.format(text="text", speaker="speaker")
    + ")",
)


def _search_index_postgresql(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        for sql in PG_SEARCH_INDEX_SQL:
            conn.exec_driver_sql(sql)


#: Named migrations, applied in order, each once per database. Append; never edit one.
MIGRATIONS: tuple[tuple[str, Callable[[Connection], None]], ...] = (
    ("0001_articles", _create(articles, boilerplate, skips)),
    (
        "0002_records",
        _create(mentions, persons, article_persons, quotes, statements, forecasts, numbers),
    ),
    ("0003_search_index", _search_index),
    ("0004_search_index_postgresql", _search_index_postgresql),
)


def database_url(db: str | Path) -> str:
    """A SQLAlchemy URL from a URL or a plain file path (which means SQLite)."""
    text = str(db)
    for plain in ("postgresql://", "postgres://"):  # libpq-style URLs: use psycopg 3
        if text.startswith(plain):
            return "postgresql+psycopg://" + text.removeprefix(plain)
    if "://" in text:
        return text
    return f"sqlite:///{text}"


def _skip_id(skip: Skip) -> str:
    key = f"{skip.path}\x00{skip.line}\x00{skip.reason}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _span(article_id: str, record: Any) -> dict[str, Any]:
    return {"article_id": article_id, "char_start": record.start, "char_end": record.end}


def _rows(extraction: Extraction) -> dict[sa.Table, list[dict[str, Any]]]:
    """The rows one extraction adds to each table."""
    a = extraction.article
    aid = a.id
    person_key = {p.id: p.key for p in extraction.persons}
    return {
        articles: [{**a.metadata(), "chars": len(a.text), "text": a.text}],
        boilerplate: [{**_span(aid, b), "rule": b.rule} for b in a.boilerplate],
        mentions: [
            {
                **_span(aid, m),
                "surface": m.surface,
                "actor": m.actor,
                "kind": m.kind,
                "place": m.place,
                "in_name": m.in_name,
                "ethnic": m.ethnic,
            }
            for m in extraction.mentions
        ],
        persons: [
            {"key": p.key, "name": p.name, "country": p.country}
            for p in extraction.persons
            if p.key
        ],
        article_persons: [
            {
                "article_id": aid,
                "local_id": p.id,
                "person_key": p.key or None,
                "name": p.name,
                "aliases": list(p.aliases),
                "roles": list(p.roles),
                "country": p.country,
            }
            for p in extraction.persons
        ],
        quotes: [
            {
                **_span(aid, q),
                "speaker": q.speaker,
                "speaker_id": q.speaker_id,
                "person_key": person_key.get(q.speaker_id or ""),
                "speaker_mention": q.speaker_mention,
                "text": q.text,
                "kind": q.kind,
                "cue": q.cue,
            }
            for q in extraction.quotes
        ],
        statements: [
            {
                **_span(aid, s),
                "partners": list(s.partners),
                "vectors": list(s.vectors),
                "domain": s.domain,
                "polarity": s.polarity,
                "intensity": s.intensity,
                "modality": s.modality,
                "speaker": s.speaker,
                "focus": s.focus,
            }
            for s in extraction.statements
        ],
        forecasts: [
            {
                **_span(aid, f),
                "text": f.text,
                "speaker": f.speaker,
                "about": list(f.about),
                "horizon": f.horizon,
                "window_from": f.window[0] if f.window else None,
                "window_to": f.window[1] if f.window else None,
            }
            for f in extraction.forecasts
        ],
        numbers: [
            {**_span(aid, n), "text": n.text, "value": n.value, "unit": n.unit}
            for n in extraction.numbers
        ],
    }


@dataclass(frozen=True)
class BatchResult:
    added: int
    already_stored: int
    #: Ids of the articles this batch added (so callers can count what was really stored).
    added_ids: frozenset[str] = frozenset()


def _json_encoded(values: tuple[Any, ...], positions: Sequence[int]) -> tuple[Any, ...]:
    """`values` with the lists at `positions` as JSON text."""
    out = list(values)
    for i in positions:
        out[i] = json.dumps(out[i])
    return tuple(out)


class Store:
    """Schema, writes and simple reads over one database (SQLite file or SQLAlchemy URL)."""

    def __init__(self, db: str | Path = "multivector.db", *, create: bool = True) -> None:
        self.url = database_url(db)
        if not create and self.url.startswith("sqlite:///"):
            path = Path(self.url.removeprefix("sqlite:///"))
            if not path.exists():
                raise StoreError(f"{path}: no such database; run `multivector analyze` first")
        try:
            self.engine: Engine = sa.create_engine(self.url)
            if self.engine.dialect.name == "sqlite":
                sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self.migrate()
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(
                f"{db}: cannot open the database ({exc.__class__.__name__}: "
                f"{str(exc).splitlines()[0]})"
            ) from None

    def migrate(self) -> list[str]:
        """Apply the migrations this database has not had yet; returns their names."""
        applied: list[str] = []
        with self.engine.begin() as conn:
            migrations_table.create(conn, checkfirst=True)
            done = set(conn.scalars(sa.select(migrations_table.c.name)))
            for name, migrate in MIGRATIONS:
                if name not in done:
                    migrate(conn)
                    conn.execute(migrations_table.insert().values(name=name))
                    applied.append(name)
        return applied

    def _insert_rows(self, conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        """Insert rows, ignoring those already stored. On SQLite and PostgreSQL straight through
        the DB-API: SQLAlchemy's per-row parameter processing took a fifth of the write time."""
        mark = _PARAM_MARKS.get(self.engine.dialect.name)
        if mark is None:  # SQLAlchemy has no dialect-neutral INSERT … ON CONFLICT DO NOTHING
            raise StoreError(
                f"cannot write to a {self.engine.dialect.name} database: "
                "use a SQLite file or a postgresql:// URL"
            )
        sql, columns = _insert_sql(table, mark)
        names = [name for name, _ in columns]
        json_at = [i for i, (_, is_json) in enumerate(columns) if is_json]
        params = [tuple(map(row.get, names)) for row in rows]  # one C-level pass per row
        if json_at:
            params = [_json_encoded(values, json_at) for values in params]
        conn.exec_driver_sql(sql, params)

    def known_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of these article ids are stored already."""
        if not ids:
            return set()
        with self.engine.connect() as conn:
            return set(conn.scalars(sa.select(articles.c.id).where(articles.c.id.in_(list(ids)))))

    def write_batch(
        self, extractions: Iterable[Extraction], skipped: Iterable[Skip] = ()
    ) -> BatchResult:
        """Store a batch in one transaction: all of it or, if interrupted, none of it."""
        batch = list(extractions)
        known = self.known_ids([e.article.id for e in batch])
        rows: dict[sa.Table, list[dict[str, Any]]] = {t: [] for t in metadata.sorted_tables}
        fresh: set[str] = set()
        for extraction in batch:
            aid = extraction.article.id
            if aid in known or aid in fresh:
                continue
            fresh.add(aid)
            for table, table_rows in _rows(extraction).items():
                rows[table].extend(table_rows)
        rows[skips] = [
            {"id": _skip_id(s), "path": s.path, "line": s.line, "reason": s.reason} for s in skipped
        ]
        with self.engine.begin() as conn:
            for table in metadata.sorted_tables:
                if rows.get(table):
                    self._insert_rows(conn, table, rows[table])
        return BatchResult(
            added=len(fresh), already_stored=len(batch) - len(fresh), added_ids=frozenset(fresh)
        )

    def count(self, table: str) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.scalar(sa.select(sa.func.count()).select_from(metadata.tables[table])) or 0
            )

    def iter_rows(
        self, table: str, *, order_by: Sequence[str] = (), limit: int | None = None, offset: int = 0
    ) -> Iterator[dict[str, Any]]:
        """Rows of a table as dicts, streamed."""
        t = metadata.tables[table]
        query = sa.select(t)
        keys = order_by or [c.name for c in t.primary_key.columns]
        query = query.order_by(*(t.c[k] for k in keys)).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            for row in conn.execution_options(stream_results=True).execute(query):
                yield dict(row._mapping)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: DB-API parameter markers of the drivers used for each dialect (sqlite3, psycopg).
_PARAM_MARKS = {"sqlite": "?", "postgresql": "%s"}


@functools.cache
def _insert_sql(table: sa.Table, mark: str) -> tuple[str, tuple[tuple[str, bool], ...]]:
    """INSERT … ON CONFLICT DO NOTHING for one table, and its columns (name, is JSON)."""
    columns = tuple((c.name, isinstance(c.type, sa.JSON)) for c in table.columns)
    names = ", ".join(f'"{name}"' for name, _ in columns)
    marks = ", ".join(mark for _ in columns)
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING'
    return sql, columns


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
