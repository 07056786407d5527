"""Exports: every table in every format, the same rows as stored, streamed in batches."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dashboard_data import fill
from multivector.cli import app
from multivector.errors import MultivectorError
from multivector.export import EXPORTABLE, export_table

JSON_COLUMNS = {"partners", "vectors", "about", "aliases", "roles"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "store.db"
    fill(path)
    return path


def stored(db: Path, table: str) -> list[dict[str, object]]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        found = [dict(r) for r in con.execute(f'SELECT * FROM "{table}"')]
    finally:
        con.close()
    for row in found:
        for key in JSON_COLUMNS & row.keys():
            row[key] = json.loads(row[key])
        for key in ("place", "in_name", "ethnic"):
            if key in row:
                row[key] = bool(row[key])
    return found


def key(row: dict[str, object]) -> str:
    return json.dumps(row, sort_keys=True, default=str)


@pytest.mark.parametrize("table", EXPORTABLE)
def test_jsonl_and_parquet_hold_exactly_the_stored_rows(
    db: Path, tmp_path: Path, table: str
) -> None:
    expected = sorted(map(key, stored(db, table)))
    assert expected or table not in ("statements", "quotes", "mentions", "articles")
    out = tmp_path / f"{table}.jsonl"
    assert export_table(db, table, format="jsonl", out=out, batch=2) == len(expected)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(map(key, lines)) == expected
    parquet = tmp_path / f"{table}.parquet"
    assert export_table(db, table, format="parquet", out=parquet, batch=2) == len(expected)
    assert sorted(map(key, pq.read_table(parquet).to_pylist())) == expected


def test_csv_keeps_lists_as_json(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "statements.csv"
    n = export_table(db, "statements", format="csv", out=out)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert n == len(rows) == 6
    assert {json.loads(r["vectors"])[0] for r in rows} == {"RUSSIA", "CHINA", "WEST"}
    assert all(int(r["char_end"]) > int(r["char_start"]) for r in rows)


def test_cli_export_to_stdout_and_file(runner, db: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--table", "quotes", "--format", "csv", "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 3 and {r["person_key"] for r in rows} >= {"daniyar-omarov"}
    out = tmp_path / "persons.parquet"
    result = runner.invoke(
        app,
        ["export", "--table", "persons", "--format", "parquet", "--db", str(db), "--out", str(out)],
    )
    assert result.exit_code == 0 and "2 rows written" in result.stdout
    assert pq.read_table(out).num_rows == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--table", "secrets"], "unknown table 'secrets'"),
        (["--table", "quotes", "--format", "xml"], "unknown format 'xml'"),
        (["--table", "quotes", "--format", "parquet"], "give a file with --out"),
    ],
)
def test_cli_export_errors(runner, db: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["export", "--db", str(db), *args])
    assert result.exit_code == 2 and message in result.stderr


def test_export_of_a_missing_database(tmp_path: Path) -> None:
    with pytest.raises(MultivectorError, match="no such database"):
        export_table(tmp_path / "none.db", "quotes")
