"""Exports: any stored table as CSV, JSON lines or Parquet, streamed in batches.

Rows are read in primary-key order, `stream`-ed from the database in batches, so memory
stays flat whatever the table size. JSON columns (partners, vectors, roles, ...) stay
lists in JSONL and Parquet and are JSON text in CSV. Offsets (`char_start`, `char_end`)
are exported as stored: they index `articles.text`, which the articles export carries.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal

import sqlalchemy as sa

from .errors import MultivectorError
from .queries import TABLES, ReadOnlyDB, open_readonly, stream

Format = Literal["csv", "jsonl", "parquet"]
FORMATS: tuple[str, ...] = ("csv", "jsonl", "parquet")
EXPORTABLE: tuple[str, ...] = (
    "quotes",
    "statements",
    "mentions",
    "forecasts",
    "numbers",
    "articles",
    "persons",
    "article_persons",
    "skips",
    "boilerplate",
)


class ExportError(MultivectorError):
    """An export was asked for an unknown table or format."""


def _columns(table: str) -> list[sa.Column[Any]]:
    return list(TABLES[table].columns)


def _csv_value(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


@contextmanager
def _text_sink(out: Path | None) -> Iterator[IO[str]]:
    if out is None:
        yield sys.stdout
    else:
        with out.open("w", encoding="utf-8", newline="") as fh:
            yield fh


def _arrow_schema(table: str) -> Any:
    import pyarrow as pa

    fields = []
    for column in _columns(table):
        kind = column.type
        if isinstance(kind, sa.JSON):
            arrow = pa.list_(pa.string())
        elif isinstance(kind, sa.Boolean):
            arrow = pa.bool_()
        elif isinstance(kind, sa.Integer):
            arrow = pa.int64()
        elif isinstance(kind, sa.Float):
            arrow = pa.float64()
        else:
            arrow = pa.string()
        fields.append(pa.field(column.name, arrow, nullable=True))
    return pa.schema(fields)


def export_table(
    db: ReadOnlyDB | str | Path,
    table: str,
    *,
    format: str = "csv",
    out: Path | None = None,
    batch: int = 5000,
) -> int:
    """Write every row of `table` to `out` (stdout for text formats when None); returns rows."""
    if table not in EXPORTABLE:
        raise ExportError(f"unknown table {table!r}; choose one of: {', '.join(EXPORTABLE)}")
    if format not in FORMATS:
        raise ExportError(f"unknown format {format!r}; choose one of: {', '.join(FORMATS)}")
    if format == "parquet" and out is None:
        raise ExportError("parquet is binary: give a file with --out")
    own = not isinstance(db, ReadOnlyDB)
    source = open_readonly(db) if not isinstance(db, ReadOnlyDB) else db
    try:
        if format == "parquet":
            return _parquet(source, table, out, batch)  # type: ignore[arg-type]
        return _text(source, table, format, out, batch)
    finally:
        if own:
            source.close()


def _text(db: ReadOnlyDB, table: str, format: str, out: Path | None, batch: int) -> int:
    names = [c.name for c in _columns(table)]
    n = 0
    with _text_sink(out) as sink:
        writer = csv.writer(sink) if format == "csv" else None
        if writer is not None:
            writer.writerow(names)
        for rows in stream(db, table, batch=batch):
            if writer is not None:
                writer.writerows([_csv_value(r[c]) for c in names] for r in rows)
            else:
                sink.writelines(
                    json.dumps({c: r[c] for c in names}, ensure_ascii=False) + "\n" for r in rows
                )
            n += len(rows)
    return n


def _parquet(db: ReadOnlyDB, table: str, out: Path, batch: int) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _arrow_schema(table)
    json_columns = {c.name for c in _columns(table) if isinstance(c.type, sa.JSON)}
    n = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with pq.ParquetWriter(out, schema) as writer:
        for rows in stream(db, table, batch=batch):
            data = {
                name: [
                    ([str(v) for v in r[name]] if r[name] is not None else None)
                    if name in json_columns
                    else r[name]
                    for r in rows
                ]
                for name in schema.names
            }
            writer.write_table(pa.Table.from_pydict(data, schema=schema))
            n += len(rows)
    return n
