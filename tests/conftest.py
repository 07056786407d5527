"""Shared fixtures: the read-only development data beside the repo, temp stores, the CLI runner.

The real articles in ../shared are read at run time only (never copied into the repo); every
test that needs them skips cleanly when they are absent.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
EXAMPLES = REPO / "examples" / "corpus"

#: Writes `content` (str as UTF-8, or bytes as given) to `name` under tmp_path; returns the path.
WriteFile = Callable[..., Path]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared next to the repo root (seeds and gold); skip when this checkout has none."""
    if not (SHARED / "corpus" / "seeds").is_dir():
        pytest.skip(f"development data not found at {SHARED} (../shared beside the repo)")
    return SHARED


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    return shared_dir / "corpus" / "seeds"


@pytest.fixture(scope="session")
def gold_dir(shared_dir: Path) -> Path:
    gold = shared_dir / "gold"
    if not gold.is_dir():
        pytest.skip(f"gold annotations not found at {gold}")
    return gold


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    if not any(EXAMPLES.glob("*")):
        pytest.skip(f"example corpus not found at {EXAMPLES}")
    return EXAMPLES


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    """A path for a fresh SQLite database (not created yet)."""
    return tmp_path / "store.db"


@pytest.fixture
def runner() -> CliRunner:
    """Typer's runner. With click >= 8.2, `result.stdout` and `result.stderr` are always kept
    apart (`result.output` interleaves both); older click needed `mix_stderr=False`."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """Helper: write_file("sub/a.txt", "text" | b"bytes") -> Path, creating folders."""

    def write(name: str, content: str | bytes, *, base: Path | None = None) -> Path:
        path = (base or tmp_path) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
        return path

    return write


def dump_db(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, sorted, so two databases can be compared for equality."""
    con = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
            # fts_* full-text indexes are derived data whose internal layout depends on batching
            if not row[0].startswith("fts_")
        ]
        return {
            table: sorted(con.execute(f'SELECT * FROM "{table}"'), key=repr) for table in tables
        }
    finally:
        con.close()


@pytest.fixture
def db_dump() -> Callable[[Path], dict[str, list[tuple[object, ...]]]]:
    """The `dump_db` helper as a fixture."""
    return dump_db
