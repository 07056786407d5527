"""The `multivector` command: a thin layer over the Python API in `multivector.api`.

Exit status, for every command: 0 when every input was read, 1 when some input was
skipped (each skip is reported on stderr, one line naming the file and the reason),
2 for usage errors (unknown option, bad value, missing database).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from . import api
from .clean import ChromeRules
from .errors import MultivectorError
from .indices import Period
from .ingest import DEFAULT_MAX_BYTES, IngestOptions, file_identity, parse_date
from .pipeline import build_pipeline
from .records import Article, Skip
from .store import Store

EXIT_HELP = (
    "Exit status: 0 when every input was read; 1 when some input was skipped (each skip is "
    "reported on stderr with the file and the reason); 2 for usage errors."
)

app = typer.Typer(
    name="multivector",
    help=(
        "Turn news and analysis articles about a country's foreign policy into structured, "
        "measurable evidence: who engages with whom, who said what, which forecasts were made, "
        "and how balanced the country's engagement is.\n\n" + EXIT_HELP
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

PathsArg = Annotated[
    list[str],
    typer.Argument(
        help="Files, folders (read recursively) or glob patterns: .txt, .html/.htm, "
        ".json/.jsonl, .warc/.warc.gz.",
        show_default=False,
        metavar="PATH",
    ),
]
DbOpt = Annotated[
    str,
    typer.Option(
        "--db", help="SQLite file, or a SQLAlchemy URL such as postgresql://user@host/dbname."
    ),
]
MaxSizeOpt = Annotated[
    float, typer.Option("--max-size", help="Skip files larger than this many megabytes.", min=0.001)
]
PublishedOpt = Annotated[
    str | None,
    typer.Option(
        "--published",
        help="Publication date (YYYY-MM-DD) for articles that state none. Without it, an "
        "unknown date stays empty; it is never guessed.",
    ),
]
BoilerplateOpt = Annotated[
    Path | None,
    typer.Option(
        "--boilerplate", help="Your own site-chrome rules (TOML), replacing the bundled ones."
    ),
]
WorkersOpt = Annotated[
    int,
    typer.Option(
        "--workers",
        help="Run the extraction on this many local worker processes (Dask); 1 runs it here.",
        min=1,
    ),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Run the extraction on an existing Dask cluster, e.g. tcp://host:8786.",
    ),
]
FocusOpt = Annotated[
    str | None,
    typer.Option(
        "--focus",
        help="ISO 3166 alpha-3 code of the focal country, e.g. KAZ. Without it: the focus of "
        "the --vectors file, else each article's most mentioned state (on a tie, the first).",
    ),
]
VectorsOpt = Annotated[
    str | None,
    typer.Option(
        "--vectors",
        help="Vector definition (TOML file, or a bundled name such as 'kazakhstan'). Default: "
        "the bundled definition for --focus, else the generic one.",
    ),
]
GazetteerOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--gazetteer", help="Extra gazetteer file (TOML) of names, aliases and codes; repeatable."
    ),
]

SpacyModelOpt = Annotated[
    str | None,
    typer.Option(
        "--spacy-model",
        help="An installed spaCy model with an 'ner' component whose PERSON entities add to the "
        "rule-based person finder (e.g. en_core_web_sm). Default: rules and name lists only.",
    ),
]


#: `--rules NAME=FILE`: which step option each replaceable data file feeds.
RULE_FILES = {
    "persons": "persons_file",
    "quotes": "quote_cues",
    "quantities": "quantities_lexicon",
    "forecasts": "forecasts_lexicon",
    "relations": "relations",
}
RulesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--rules",
        help="Replace a bundled rules file with your own, as NAME=FILE (repeatable); NAME is "
        "one of: "
        + ", ".join(RULE_FILES)
        + ". Start from a copy of src/multivector/data/NAME.toml.",
    ),
]


def _rule_files(rules: list[str] | None) -> dict[str, str]:
    options = {}
    for item in rules or ():
        name, _, path = item.partition("=")
        if name not in RULE_FILES or not path:
            raise _fail(f"--rules {item!r}: use NAME=FILE with NAME one of {', '.join(RULE_FILES)}")
        if not Path(path).is_file():
            raise _fail(f"--rules {item!r}: no such file {path}")
        options[RULE_FILES[name]] = path
    return options


def _pipeline(
    focus: str | None,
    vectors: str | None,
    gazetteer: list[Path] | None,
    spacy_model: str | None = None,
    rules: list[str] | None = None,
) -> Any:
    options: dict[str, Any] = {
        "vectors": vectors,
        "gazetteer": tuple(gazetteer or ()),
        "spacy_model": spacy_model,
        **_rule_files(rules),
    }
    return build_pipeline(resources=api.make_resources(focus=focus, **options))


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"Error: {message}", markup=False)
    return typer.Exit(code)


def _ingest_options(max_size: float, published: str | None, rules: Path | None) -> IngestOptions:
    date = None
    if published is not None:
        date = parse_date(published)
        if date is None:
            raise _fail(f"--published {published!r} is not a date; use YYYY-MM-DD")
    return IngestOptions(
        max_bytes=int(max_size * 1_000_000), published=date, chrome=ChromeRules.load(rules)
    )


def _report_skip(item: Article | Skip) -> None:
    if isinstance(item, Skip):
        err.print(item.message, markup=False)


@contextmanager
def _progress(enabled: bool, label: str) -> Iterator[Any]:
    """A progress display on stderr that counts articles; silent when not on a terminal."""
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} articles"),
        TimeElapsedColumn(),
        console=err,
        disable=not enabled,
        transient=True,
    )
    with progress:
        task = progress.add_task(label, total=None)

        def advance(item: Article | Skip) -> None:
            _report_skip(item)
            if isinstance(item, Article):
                progress.advance(task)

        yield advance


@app.command()
def analyze(
    paths: PathsArg,
    db: DbOpt = "multivector.db",
    focus: FocusOpt = None,
    max_size: MaxSizeOpt = DEFAULT_MAX_BYTES / 1_000_000,
    published: PublishedOpt = None,
    boilerplate: BoilerplateOpt = None,
    batch_size: Annotated[
        int, typer.Option(help="Articles stored per transaction.", min=1)
    ] = api.DEFAULT_BATCH,
    progress: Annotated[bool, typer.Option(help="Show a progress bar on stderr.")] = True,
    workers: WorkersOpt = 1,
    scheduler: SchedulerOpt = None,
    vectors: VectorsOpt = None,
    gazetteer: GazetteerOpt = None,
    spacy_model: SpacyModelOpt = None,
    rules: RulesOpt = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="At the end, write the HTML report to this file (`--report` alone: report.html).",
        ),
    ] = None,
) -> None:
    """Read a corpus, run every extraction step and store the results.

    Articles already in the database (same text) are not added again, so re-running on the
    same files, or after an interrupted run, is safe. Prints a summary and the vector
    table of the focal country at the end.
    """
    try:
        options = _ingest_options(max_size, published, boilerplate)
        if report is not None:  # a report from an earlier run is not an article
            options = _excluding(options, file_identity(report))
        pipeline = _pipeline(focus, vectors, gazetteer, spacy_model, rules)
        with Store(db) as store, _progress(progress and err.is_terminal, "Analysing") as listener:
            summary = api.analyze(
                paths,
                db=store,
                options=options,
                pipeline=pipeline,
                batch_size=batch_size,
                listener=listener,
                workers=workers,
                scheduler=scheduler,
            )
    except MultivectorError as exc:
        raise _fail(str(exc)) from None
    typer.echo(
        f"articles: {summary.read} read, {summary.added} added, "
        f"{summary.already_stored} already stored, {summary.skipped} skipped"
    )
    found = ", ".join(f"{n} {name}" for name, n in summary.records.items() if n)
    if found:
        typer.echo(f"records: {found}")
    typer.echo(f"database: {db}")
    try:
        with Store(db) as store:
            _print_vectors(store, focus=focus, vectors=vectors, by="all", fmt="table", n_boot=1000)
        if report is not None:
            typer.echo(f"report: {_write_report(db, report, focus, vectors, 'year', None, 1000)}")
    except MultivectorError as exc:
        raise _fail(str(exc)) from None
    raise typer.Exit(summary.exit_code)


@app.command()
def extract(
    paths: PathsArg,
    format: Annotated[str, typer.Option("--format", help="Output format: jsonl.")] = "jsonl",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of stdout.")
    ] = None,
    focus: FocusOpt = None,
    max_size: MaxSizeOpt = DEFAULT_MAX_BYTES / 1_000_000,
    published: PublishedOpt = None,
    boilerplate: BoilerplateOpt = None,
    workers: WorkersOpt = 1,
    scheduler: SchedulerOpt = None,
    vectors: VectorsOpt = None,
    gazetteer: GazetteerOpt = None,
    spacy_model: SpacyModelOpt = None,
    rules: RulesOpt = None,
) -> None:
    """Print one JSON object per article with everything extracted from it; stores nothing.

    Fields: doc, path, id, title, source, published, language, encoding, format, url,
    boilerplate, mentions, persons, quotes, statements, forecasts, numbers (and text for
    JSON and WARC inputs). See the README for each record's shape.
    """
    if format != "jsonl":
        raise _fail(f"--format {format!r} is not supported; use jsonl")
    if out is not None:
        try:
            out.open("a", encoding="utf-8").close()  # fail now, not after reading the corpus
        except OSError as exc:
            raise _fail(f"--out {out}: cannot write there ({exc.strerror or exc})") from None
    try:
        options = _ingest_options(max_size, published, boilerplate)
        pipeline = _pipeline(focus, vectors, gazetteer, spacy_model, rules)
        skipped = 0
        with out.open("w", encoding="utf-8") if out else _stdout() as sink:
            options = _not_reading(sink, options)
            for result in api.extract(
                paths, options=options, pipeline=pipeline, workers=workers, scheduler=scheduler
            ):
                if isinstance(result, Skip):
                    skipped += 1
                    _report_skip(result)
                else:
                    sink.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
    except MultivectorError as exc:
        raise _fail(str(exc)) from None
    raise typer.Exit(1 if skipped else 0)


def _not_reading(sink: Any, options: IngestOptions) -> IngestOptions:
    """Options that skip the file the output goes to, should it lie among the inputs."""
    try:
        identity = file_identity(sink.fileno())
    except (AttributeError, OSError, ValueError):  # not a real file (a test runner's buffer)
        return options
    return _excluding(options, identity)


def _excluding(options: IngestOptions, identity: tuple[int, int] | None) -> IngestOptions:
    """`options` that also skip the file of this identity (None: no file to skip)."""
    if identity is None:
        return options
    return dataclasses.replace(options, exclude=options.exclude | {identity})


@contextmanager
def _stdout() -> Iterator[Any]:
    yield sys.stdout


@app.command()
def articles(
    db: DbOpt = "multivector.db",
    format: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    limit: Annotated[int, typer.Option(help="Show at most this many articles.", min=1)] = 1000,
) -> None:
    """List the stored articles: id, file, title, source, date and language."""
    columns = ["id", "doc", "title", "source", "published", "language", "chars"]
    try:
        with Store(db, create=False) as store:
            rows = [
                {c: r[c] for c in columns}
                for r in store.iter_rows("articles", order_by=["doc", "id"], limit=limit)
            ]
    except MultivectorError as exc:
        raise _fail(str(exc)) from None
    emit_rows(rows, columns, format, title="Stored articles")


@app.command()
def evaluate(
    paths: PathsArg,
    gold: Annotated[
        Path, typer.Option("--gold", help="Folder of gold JSON files (schema of shared/gold).")
    ],
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    floors: Annotated[
        Path | None,
        typer.Option("--floors", help="JSON file of metric floors; exit 1 when one is missed."),
    ] = None,
    focus: FocusOpt = None,
    vectors: VectorsOpt = None,
    gazetteer: GazetteerOpt = None,
    spacy_model: SpacyModelOpt = None,
    rules: RulesOpt = None,
) -> None:
    """Score extraction against hand annotations: precision, recall and F1 per record type.

    Mentions need the exact span and code; quotes pair at overlap (IoU) >= 0.5, attribution
    also needs the same speaker; forecasts and numbers pair at IoU >= 0.3. Optional gold
    records (implicit, borderline, boilerplate, headline, in_name, ethnic) neither reward nor
    penalise. Persons: how many gold persons with several name forms were merged into one,
    and how many predicted persons wrongly join two gold persons.
    """
    from . import evaluate as ev

    try:
        gold_records = ev.load_gold(gold)
        pipeline = _pipeline(focus, vectors, gazetteer, spacy_model, rules)
        predictions = (
            r.to_json() for r in api.extract(paths, pipeline=pipeline) if not isinstance(r, Skip)
        )
        result = ev.evaluate(predictions, gold_records)
        floor_values = json.loads(floors.read_text(encoding="utf-8"))["floors"] if floors else {}
    except (MultivectorError, OSError, ValueError, KeyError) as exc:
        raise _fail(str(exc)) from None
    if format == "json":
        typer.echo(json.dumps(result.to_json(), indent=2))
    else:
        rows = [{"record": name, **score.to_json()} for name, score in result.scores.items()]
        emit_rows(
            rows,
            ["record", "tp", "fp", "fn", "precision", "recall", "f1"],
            "table",
            title="Extraction vs gold",
        )
        p = result.persons
        typer.echo(
            f"persons: {p.merged}/{p.gold_multi_form} gold persons with several name forms "
            f"merged, {p.false_merges} false merges"
        )
        if result.missing:
            typer.echo(f"no prediction for gold documents: {', '.join(result.missing)}")
    failures = ev.check_floors(result, floor_values)
    for failure in failures:
        err.print(f"below floor: {failure}", markup=False)
    raise typer.Exit(1 if failures or result.missing else 0)


@app.command()
def quotes(
    speaker: Annotated[
        str | None,
        typer.Option(help="Only this speaker, in any spelling of the name ('Pritchin')."),
    ] = None,
    about: Annotated[
        str | None,
        typer.Option(help="Only quotations that mention this actor code (e.g. CHN, EU)."),
    ] = None,
    db: DbOpt = "multivector.db",
    format: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    limit: Annotated[int, typer.Option(help="Show at most this many quotations.", min=1)] = 1000,
) -> None:
    """List stored quotations: date, speaker, role, kind, text, source and article."""
    from .quotes import QUOTE_COLUMNS, list_quotes

    try:
        with Store(db, create=False) as store:
            found = list_quotes(store, speaker=speaker, about=about, limit=limit)
            rows = [{c: r[c] for c in QUOTE_COLUMNS} for r in found]
    except MultivectorError as exc:
        raise _fail(str(exc)) from None
    emit_rows(rows, QUOTE_COLUMNS, format, title="Quotations")


@app.command()
def forecasts(
    speaker: Annotated[
        str | None, typer.Option(help="Only this speaker, in any spelling of the name.")
    ] = None,
    about: Annotated[
        str | None, typer.Option(help="Only forecasts concerning this actor code (e.g. CHN).")
    ] = None,
    due_before: Annotated[
        str | None,
        typer.Option("--due-before", help="Only forecasts whose window closes before YYYY-MM-DD."),
    ] = None,
    db: DbOpt = "multivector.db",
    format: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    limit: Annotated[int, typer.Option(help="Show at most this many forecasts.", min=1)] = 1000,
) -> None:
    """The forecast ledger: who predicted what, about whom, with which horizon and window.

    The window is resolved from the horizon ('in the next year or two') and the article's
    date; it is empty when the date is unknown. status: 'due' when the window has closed
    (as of today), 'open' before, 'undated' without a window.
    """
    from .ledger import LEDGER_COLUMNS, list_forecasts

    if due_before is not None and parse_date(due_before) != due_before:
        raise _fail(f"--due-before {due_before!r} is not a date; use YYYY-MM-DD")
    try:
        with Store(db, create=False) as store:
            found = list_forecasts(
                store, speaker=speaker, about=about, due_before=due_before, limit=limit
            )
    except MultivectorError as exc:
        raise _fail(str(exc)) from None
    emit_rows(
        [{c: r[c] for c in LEDGER_COLUMNS} for r in found],
        LEDGER_COLUMNS,
        format,
        title="Forecast ledger",
    )


@app.command("vectors")
def vectors_command(
    db: DbOpt = "multivector.db",
    focus: FocusOpt = None,
    vectors: VectorsOpt = None,
    by: Annotated[
        str, typer.Option("--by", help="Periods: all (whole corpus), year, quarter or month.")
    ] = "all",
    format: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    boot: Annotated[
        int, typer.Option("--boot", help="Bootstrap resamples for the intervals.", min=0)
    ] = 1000,
) -> None:
    """The multi-vector indices of the stored corpus, per vector and period.

    share: the vector's part of the focal country's engagement (with a 95% bootstrap
    interval over articles); tone: mean intensity -1..1; coop/tension: statements by
    polarity; balance: normalised entropy of the shares (0..1); eff_exp and eff_hhi: the
    effective number of vectors. Articles without a date count only in the period 'all'.
    See the README for every definition.
    """
    _period(by)
    try:
        with Store(db, create=False) as store:
            _print_vectors(store, focus=focus, vectors=vectors, by=by, fmt=format, n_boot=boot)
    except MultivectorError as exc:
        raise _fail(str(exc)) from None


def _period(by: str, *, allow_all: bool = True) -> Period:
    """The --by value as a period, or a usage error naming the choices."""
    choices = ("all", "year", "quarter", "month") if allow_all else ("year", "quarter", "month")
    if by not in choices:
        raise _fail(f"--by {by!r}: use {', '.join(choices)}")
    return cast(Period, by)


def _print_vectors(
    store: Store, *, focus: str | None, vectors: str | None, by: str, fmt: str, n_boot: int
) -> None:
    from .indices import INDEX_COLUMNS, flatten, stored_foci, vector_indices
    from .vectors import load_vectors

    chosen = focus.upper() if focus else None
    if chosen is None:
        foci = stored_foci(store)
        if not foci:
            if fmt == "table":
                typer.echo("vectors: no relation statements stored (is a focal country set?)")
            return
        chosen = foci[0]
    vector_set = load_vectors(vectors, focus=chosen)
    periods = vector_indices(store, focus=chosen, vectors=vector_set, by=_period(by), n_boot=n_boot)
    if fmt == "json":
        for period in periods:
            typer.echo(json.dumps(dataclasses.asdict(period), ensure_ascii=False))
        return
    emit_rows(flatten(periods), list(INDEX_COLUMNS), fmt, title=f"Vectors of {chosen}")


ByOpt = Annotated[
    str, typer.Option("--by", help="Periods of the time charts: year, quarter or month.")
]


def _write_report(
    db: str,
    out: Path,
    focus: str | None,
    vectors: str | None,
    by: str,
    today: str | None,
    n_boot: int,
) -> Path:
    from datetime import date

    from .report import build_report

    period = _period(by, allow_all=False)
    day = date.today()
    if today is not None:
        parsed = parse_date(today)
        if parsed is None:
            raise _fail(f"--today {today!r} is not a date; use YYYY-MM-DD")
        day = date.fromisoformat(parsed)
    return build_report(
        db,
        focus=focus.upper() if focus else None,
        vectors=vectors,
        out=out,
        by=period,
        today=day,
        n_boot=n_boot,
    )


@app.command()
def report(
    db: DbOpt = "multivector.db",
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")] = Path(
        "report.html"
    ),
    focus: FocusOpt = None,
    vectors: VectorsOpt = None,
    by: ByOpt = "year",
    today: Annotated[
        str | None,
        typer.Option("--today", help="Date the forecast ledger counts from (default: today)."),
    ] = None,
    boot: Annotated[
        int, typer.Option("--boot", help="Bootstrap resamples for the intervals.", min=0)
    ] = 1000,
) -> None:
    """Write one self-contained HTML report (opens offline): vector balance over time, the
    vector profile with tone, domains, balance indices, the forecast ledger, the people
    quoted most, and the statements and articles behind every chart."""
    try:
        path = _write_report(db, out, focus, vectors, by, today, boot)
    except MultivectorError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"report: {path}")


@app.command()
def serve(
    db: DbOpt = "multivector.db",
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)
    ] = 8000,
) -> None:
    """A local dashboard in the browser, read-only on the database: the report's charts,
    search over statements and quotes, a page per person and per article, JSON under /api/."""
    from .queries import open_readonly
    from .web import serve as run

    try:
        open_readonly(db).close()  # a missing or broken database: a clear error, no server
        typer.echo(f"multivector dashboard on http://{host}:{port}/ (Ctrl+C to stop)")
        run(db, host=host, port=port)
    except MultivectorError as exc:
        raise _fail(str(exc)) from None


@app.command()
def export(
    table: Annotated[
        str,
        typer.Option(
            "--table",
            help="quotes, statements, mentions, forecasts, numbers, "
            "articles, persons, article_persons, skips or boilerplate.",
        ),
    ],
    format: Annotated[str, typer.Option("--format", help="csv, jsonl or parquet.")] = "csv",
    db: DbOpt = "multivector.db",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file (stdout for csv and jsonl).")
    ] = None,
) -> None:
    """Stream one stored table as CSV, JSON lines or Parquet (in batches, any size)."""
    from .export import export_table

    try:
        n = export_table(db, table, format=format, out=out)
    except MultivectorError as exc:
        raise _fail(str(exc)) from None
    if out is not None:
        typer.echo(f"{n} rows written to {out}")


def _optional_values(argv: list[str]) -> list[str]:
    """`--report` given without a file means report.html (an option with an optional value)."""
    out = list(argv)
    for i, arg in enumerate(out):
        if arg == "--report" and (i + 1 == len(out) or out[i + 1].startswith("-")):
            out.insert(i + 1, "report.html")
            break
    return out


def emit_rows(rows: list[dict[str, Any]], columns: list[str], format: str, *, title: str) -> None:
    """Print rows as a rich table, JSON lines or CSV."""
    if format == "json":
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False, default=str))
    elif format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    elif format == "table":
        table = Table(title=title)
        for column in columns:
            table.add_column(column)
        for row in rows:
            # Text, not str: a title like "[red]x" or ":flag:" is data, not rich markup/emoji
            table.add_row(*(Text("" if row[c] is None else str(row[c])) for c in columns))
        Console(width=200).print(table)
    else:
        raise _fail(f"--format {format!r} is not supported; use table, json or csv")


def main() -> None:
    app(args=_optional_values(sys.argv[1:]))
