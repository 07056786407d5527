"""The forecast ledger and the `forecasts` command, on a store of hand-built records."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from multivector.cli import app
from multivector.ledger import list_forecasts, status
from multivector.records import Article, Extraction, Forecast
from multivector.store import Store

TEXT = "Ministers expect trade with China to double by 2030. Ties with Iran will stay cool."


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "ledger.db"
    article = Article(id="a1", doc="a1.txt", path="a1.txt", text=TEXT, published="2024-05-01")
    records = (
        Forecast(
            0, 52, TEXT[0:52], "Aliya Nurlanova", ("CHN",), "by 2030", ("2024-05-01", "2030-12-31")
        ),
        Forecast(53, 84, TEXT[53:84], None, ("IRN",), None, None),
    )
    with Store(path) as store:
        store.write_batch([Extraction(article=article, forecasts=records)])
    return path


@pytest.mark.parametrize(
    ("window_to", "expected"),
    [("2020-01-01", "due"), ("2030-12-31", "open"), (None, "undated")],
)
def test_status(window_to, expected):
    assert status(window_to, date(2026, 1, 1)) == expected


def test_filters(db):
    with Store(db, create=False) as store:
        everything = list_forecasts(store, as_of=date(2026, 1, 1))
        assert [r["about"] for r in everything] == ["CHN", "IRN"]
        assert everything[0]["status"] == "open" and everything[1]["status"] == "undated"
        assert [r["about"] for r in list_forecasts(store, about="irn")] == ["IRN"]
        assert [r["speaker"] for r in list_forecasts(store, speaker="Nurlanova")] == [
            "Aliya Nurlanova"
        ]
        assert list_forecasts(store, due_before="2030-01-01") == []
        assert len(list_forecasts(store, due_before="2031-01-01")) == 1


def test_forecasts_command(db):
    result = CliRunner().invoke(app, ["forecasts", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows[0]["horizon"] == "by 2030" and rows[0]["window_to"] == "2030-12-31"
    bad = CliRunner().invoke(app, ["forecasts", "--db", str(db), "--due-before", "soon"])
    assert bad.exit_code == 2
