"""The `multivector` command end to end: analyze, extract, articles, re-runs, a killed run."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from multivector.cli import app

EXTRACT_FIELDS = [
    "doc", "path", "id", "title", "source", "published", "language", "encoding",
    "boilerplate", "mentions", "persons", "quotes", "statements", "forecasts", "numbers",
]  # fmt: skip
SUMMARY = "articles: {read} read, {added} added, {stored} already stored, {skipped} skipped"


def summary_line(read: int, added: int, stored: int, skipped: int) -> str:
    return SUMMARY.format(read=read, added=added, stored=stored, skipped=skipped)


def test_analyze_examples_then_rerun_adds_nothing(runner, examples_dir, tmp_db, db_dump):
    first = runner.invoke(app, ["analyze", str(examples_dir), "--db", str(tmp_db)])
    assert first.exit_code == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == summary_line(11, 11, 0, 0)
    assert f"database: {tmp_db}" in lines
    assert first.stderr == ""
    before = db_dump(tmp_db)
    assert len(before["articles"]) == 11

    second = runner.invoke(app, ["analyze", str(examples_dir), "--db", str(tmp_db)])
    assert second.exit_code == 0, second.stderr
    assert second.stdout.splitlines()[0] == summary_line(11, 0, 11, 0)
    assert db_dump(tmp_db) == before


def test_analyze_reports_skips_and_exits_1(runner, write_file, tmp_path, tmp_db):
    write_file("c/a.txt", "Ferry talks resume\nNorland and Ostravia met on Monday.\n")
    bad = write_file("c/b.txt", b"\x00\x01binary")
    result = runner.invoke(app, ["analyze", str(tmp_path / "c"), "--db", str(tmp_db)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == summary_line(1, 1, 0, 1)
    assert result.stderr == f"{bad}: skipped: binary file (contains NUL bytes), not text\n"
    con = sqlite3.connect(tmp_db)
    assert con.execute("SELECT path, line, reason FROM skips").fetchall() == [
        (str(bad), None, "binary file (contains NUL bytes), not text")
    ]
    con.close()


def test_same_article_in_two_files_is_stored_once(runner, write_file, tmp_path, tmp_db):
    text = "Ferry talks resume\nNorland and Ostravia met on Monday.\n"
    write_file("c/a.txt", text)
    write_file("c/copy/a.txt", text)
    result = runner.invoke(app, ["analyze", str(tmp_path / "c"), "--db", str(tmp_db)])
    assert result.stdout.splitlines()[0] == summary_line(2, 1, 1, 0)


def test_articles_lists_what_is_stored(runner, examples_dir, tmp_db):
    runner.invoke(app, ["analyze", str(examples_dir), "--db", str(tmp_db)])
    as_json = runner.invoke(app, ["articles", "--db", str(tmp_db), "--format", "json"])
    assert as_json.exit_code == 0, as_json.stderr
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert len(rows) == 11
    assert list(rows[0]) == ["id", "doc", "title", "source", "published", "language", "chars"]
    by_doc = {r["doc"]: r for r in rows}
    assert by_doc["03_tashkent_water_diplomacy.html"]["published"] == "2025-04-14"
    assert by_doc["steppe-wire-0412"]["title"].startswith("Kazakh uranium")
    assert [r["doc"] for r in rows] == sorted(r["doc"] for r in rows)

    table = runner.invoke(app, ["articles", "--db", str(tmp_db)])
    assert table.exit_code == 0
    assert "Stored articles" in table.stdout and "Oxus Observer" in table.stdout

    as_csv = runner.invoke(
        app, ["articles", "--db", str(tmp_db), "--format", "csv", "--limit", "2"]
    )
    assert as_csv.stdout.splitlines()[0] == "id,doc,title,source,published,language,chars"
    assert len(as_csv.stdout.splitlines()) == 3

    bad = runner.invoke(app, ["articles", "--db", str(tmp_db), "--format", "xml"])
    assert bad.exit_code == 2
    assert "not supported" in bad.stderr


def test_extract_fields_and_out_file(runner, examples_dir, tmp_path):
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(examples_dir), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 11
    for record in records:
        keys = [k for k in record if k in EXTRACT_FIELDS]
        assert keys == EXTRACT_FIELDS
    jsonl = [r for r in records if r["path"].endswith(".jsonl")]
    assert [r["doc"] for r in jsonl] == ["steppe-wire-0412", "steppe-wire-0419", "steppe-wire-0425"]
    assert [r["published"] for r in jsonl] == ["2025-03-18", "2025-03-25", None]
    assert all(r["text"] for r in jsonl)
    ru = next(r for r in records if r["doc"].endswith("_ru.txt"))
    assert (ru["encoding"], ru["language"]) == ("cp1251", "ru")


def test_extract_published_option_fills_only_unknown_dates(runner, examples_dir):
    result = runner.invoke(app, ["extract", str(examples_dir), "--published", "2025-01-31"])
    dates = {
        json.loads(line)["doc"]: json.loads(line)["published"]
        for line in result.stdout.splitlines()
    }
    assert dates["03_tashkent_water_diplomacy.html"] == "2025-04-14"
    assert dates["01_astana_balancing_act.txt"] == "2025-01-31"


def test_extract_seeds(runner, seeds_dir):
    result = runner.invoke(app, ["extract", str(seeds_dir), "--format", "jsonl"])
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 5
    assert all(r["published"] is None and r["title"] for r in records)
    assert all("text" not in r for r in records)  # .txt offsets point into the file itself


def test_help_states_exit_codes(runner):
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "1 when some input was skipped" in " ".join(result.stdout.split())


# --- a run killed half-way and started again -------------------------------------------------

WORDS = (
    "Norland",
    "Ostravia",
    "Astana",
    "Tashkent",
    "ministers",
    "trade",
    "rail",
    "ferry",
    "grain",
    "talks",
    "border",
    "pipeline",
    "tariff",
    "port",
    "agreement",
    "summit",
    "energy",
    "water",
    "corridor",
    "investors",
    "officials",
)


def generate_corpus(root: Path, n: int) -> None:
    """n small varied articles in sub-folders, a JSONL shard and a few bad files."""
    rng = random.Random(7)
    for i in range(n):
        words = rng.sample(WORDS, 8)
        text = (
            f"Report {i}: {words[0]} and {words[1]}\n\n"
            f"The {words[2]} said on day {i % 28 + 1} that {words[3]} and {words[4]} "
            f"would grow by {rng.randint(1, 40)}% within {rng.randint(2, 9)} years.\n"
            f'"We expect more {words[5]}," said analyst Ana {words[6]}, "and less {words[7]}."\n'
        )
        path = root / f"part{i % 7}" / f"article{i:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    with (root / "shard.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(200):
            fh.write(json.dumps({"id": f"j{i}", "text": f"Shard item {i}\nBody of item {i}."}))
            fh.write("\n" if i != 100 else "\n{broken\n")
    (root / "part3" / "empty.txt").write_bytes(b"")
    (root / "part5" / "binary.txt").write_bytes(b"\x00\x01\x02")


def run_analyze(corpus: Path, db: Path, seed: int) -> subprocess.Popen[bytes]:
    """`multivector analyze` in its own process; a different hash seed per run, so that
    nothing may depend on set or dict-of-str order."""
    args = ["analyze", str(corpus), "--db", str(db), "--batch-size", "10", "--no-progress"]
    return subprocess.Popen(
        [sys.executable, "-m", "multivector", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONHASHSEED": str(seed)},
    )


def stored_articles(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
        try:
            return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:  # not created yet, or mid-migration
        return 0


@pytest.mark.slow
def test_killed_run_resumed_equals_uninterrupted_run(tmp_path, db_dump):
    total = 2000
    corpus = tmp_path / "corpus"
    generate_corpus(corpus, total)
    expected_articles = total + 200

    clean_db = tmp_path / "clean.db"
    clean = run_analyze(corpus, clean_db, seed=1)
    out, err = clean.communicate(timeout=120)
    assert clean.returncode == 1, err  # the bad files are skipped
    assert out.decode().splitlines()[0] == summary_line(expected_articles, expected_articles, 0, 3)

    killed_db = tmp_path / "killed.db"
    victim = run_analyze(corpus, killed_db, seed=2)
    deadline = time.monotonic() + 60
    while stored_articles(killed_db) < total // 10 and victim.poll() is None:
        assert time.monotonic() < deadline, "the run stored nothing within a minute"
        time.sleep(0.005)
    victim.send_signal(signal.SIGKILL)
    victim.communicate(timeout=30)
    assert victim.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    partial = stored_articles(killed_db)
    assert 0 < partial < expected_articles

    resumed = run_analyze(corpus, killed_db, seed=3)
    out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 1, err
    read, added = expected_articles, expected_articles - partial
    assert out.decode().splitlines()[0] == summary_line(read, added, partial, 3)

    killed, clean_rows = db_dump(killed_db), db_dump(clean_db)
    assert killed.keys() == clean_rows.keys()
    differ = [table for table in clean_rows if killed[table] != clean_rows[table]]
    assert differ == [], f"tables differ after the resumed run: {differ}"


def test_articles_table_prints_titles_verbatim(runner, write_file, tmp_db):
    title = "[bold]Ferry[/bold] talks :ship: resume"
    path = write_file("a.txt", title + "\nNorland and Ostravia met on Monday.\n")
    runner.invoke(app, ["analyze", str(path), "--db", str(tmp_db), "--no-progress"])
    table = runner.invoke(app, ["articles", "--db", str(tmp_db)])
    assert table.exit_code == 0, table.stderr
    assert title in table.stdout


def test_extract_never_reads_its_own_output(runner, write_file, tmp_path):
    write_file("c/a.txt", "Ferry talks resume\nNorland and Ostravia met on Monday.\n")
    out = tmp_path / "c" / "out.jsonl"
    result = runner.invoke(app, ["extract", str(tmp_path / "c"), "--out", str(out)])
    assert result.stderr == f"{out}: skipped: this is the output file of the run itself\n"
    assert [json.loads(x)["doc"] for x in out.read_text().splitlines()] == ["a.txt"]

    redirected = tmp_path / "c" / "redirected.jsonl"
    with redirected.open("w") as sink:  # `multivector extract c > c/redirected.jsonl`
        proc = subprocess.run(
            [sys.executable, "-m", "multivector", "extract", str(tmp_path / "c")],
            stdout=sink,
            stderr=subprocess.PIPE,
            timeout=30,  # without the guard it reads what it writes, forever
        )
    assert proc.stderr.decode().splitlines() == [
        f"{out}:1: skipped: no 'text' field (or it is empty)",  # .txt records carry no text
        f"{redirected}: skipped: this is the output file of the run itself",
    ]
    assert [json.loads(x)["doc"] for x in redirected.read_text().splitlines()] == ["a.txt"]


def test_analyze_never_stores_its_own_report(runner, write_file, tmp_path, tmp_db):
    write_file("c/a.txt", "Ferry talks resume\nNorland and Ostravia met on Monday.\n")
    report = tmp_path / "c" / "report.html"
    args = ["analyze", str(tmp_path / "c"), "--db", str(tmp_db), "--report", str(report)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.stderr
    assert report.exists()
    again = runner.invoke(app, args)
    assert again.stderr == f"{report}: skipped: this is the output file of the run itself\n"
    assert again.stdout.splitlines()[0] == summary_line(1, 0, 1, 1)


@pytest.mark.parametrize("name", ["persons", "quotes", "quantities", "forecasts", "relations"])
def test_rules_option_replaces_a_bundled_rules_file(runner, write_file, tmp_path, name):
    from multivector.config import data_path

    article = write_file("c/a.txt", "Ferry talks\nMinister Aida Serikova said Norway will help.\n")
    own = tmp_path / f"{name}.toml"
    own.write_bytes(data_path(f"{name}.toml").read_bytes())
    default = runner.invoke(app, ["extract", str(article)])
    copied = runner.invoke(app, ["extract", str(article), "--rules", f"{name}={own}"])
    assert copied.exit_code == 0, copied.stderr
    assert copied.stdout == default.stdout
    bad = tmp_path / f"broken-{name}.toml"
    bad.write_text("this is = not [valid toml", encoding="utf-8")
    broken = runner.invoke(app, ["extract", str(article), "--rules", f"{name}={bad}"])
    assert broken.exit_code == 2
    assert str(bad) in broken.stderr


def test_rules_option_rejects_unknown_names(runner, write_file):
    article = write_file("a.txt", "Ferry talks\nNorland met Ostravia.\n")
    result = runner.invoke(app, ["extract", str(article), "--rules", "colours=x.toml"])
    assert result.exit_code == 2
    assert "--rules 'colours=x.toml': use NAME=FILE" in result.stderr
