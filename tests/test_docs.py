"""Docs that cannot drift: the README names every command, table and record field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from multivector.cli import app
from multivector.records import RECORD_FIELDS, Article, Extraction
from multivector.store import metadata

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)  # type: ignore[union-attr]


def test_commands_are_registered():
    assert {
        "analyze",
        "extract",
        "articles",
        "evaluate",
        "quotes",
        "forecasts",
        "vectors",
        "report",
        "serve",
        "export",
    } <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme_and_has_help(runner, command):
    assert f"multivector {command}" in README
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage: " in result.stdout and "--help" in result.stdout


@pytest.mark.parametrize("table", sorted(t for t in metadata.tables if t != "schema_migrations"))
def test_every_table_is_in_the_schema_section(table):
    schema = README[README.index("## Database schema") :]
    assert f"| `{table}` |" in schema


def test_every_extract_field_is_documented():
    fields = Extraction(Article(id="x", doc="d", path="p", text="t")).to_json()
    section = README[README.index("## Record format") : README.index("## The multi-vector")]
    for name in fields:
        assert f'"{name}"' in section or f"`{name}`" in section, name
    for name in RECORD_FIELDS:
        assert f"| `{name}` |" in section


def test_ci_runs_exactly_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.+?)\n```", README)
    assert "bash scripts/test" in commands
    assert re.search(r"^bash scripts/test$", ci, re.MULTILINE)
