"""The HTML report: self-contained, every chart present with data, evidence linked and typed."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dashboard_data import ARTICLES, fill
from multivector import report as rp
from multivector.cli import _optional_values, app
from multivector.queries import open_readonly
from template_contract import fields_used, merge, unused

CHART_IDS = (
    "chart-balance",
    "chart-profile",
    "chart-domains",
    "chart-indices",
    "chart-forecasts",
    "chart-people",
)


class _Ids(HTMLParser):
    """Collects element ids, link targets and script sources of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.script_src: list[str] = []
        self.link_href: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
        if tag == "script" and a.get("src"):
            self.script_src.append(a["src"] or "")
        if tag == "link" and a.get("href"):
            self.link_href.append(a["href"] or "")


@pytest.fixture(scope="module")
def filled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("report") / "store.db"
    fill(db)
    return db


@pytest.fixture(scope="module")
def report_html(filled_db: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("out") / "report.html"
    path = rp.build_report(filled_db, out=out, today=date(2027, 1, 1), n_boot=200)
    assert path == out
    return out.read_text(encoding="utf-8")


def test_report_is_self_contained(report_html: str) -> None:
    page = _Ids()
    page.feed(report_html)
    assert page.script_src == [] and page.link_href == []  # nothing fetched from the network
    assert report_html.count("window.PlotlyConfig") == 1  # plotly.js inlined exactly once
    for chart in CHART_IDS:
        assert chart in page.ids


def test_every_internal_link_resolves(report_html: str) -> None:
    page = _Ids()
    page.feed(report_html)
    internal = [h[1:] for h in page.hrefs if h.startswith("#")]
    assert internal, "the report links down to its evidence"
    assert sorted(set(internal) - page.ids) == []


def test_evidence_sentences_come_from_the_offsets(report_html: str) -> None:
    # sentences are cut out of the article text by their stand-off offsets
    for sentence in (
        "Kazakhstan and Russia disagreed over pipeline tariffs.",
        "China and Kazakhstan agreed to expand rail links through the dry port.",
    ):
        assert sentence in report_html
    for spec in ARTICLES:
        assert spec["title"] in report_html


def test_report_context_figures(filled_db: Path) -> None:
    with open_readonly(filled_db) as db:
        page = rp.report_context(db, rp.ReportOptions(today=date(2027, 1, 1), n_boot=100))
    assert page.summary.focus == "KAZ"
    assert page.summary.articles == 3 and page.summary.statements == 6
    profile = {row.vector: row for row in page.profile.rows}
    assert profile["RUSSIA"].share == "50.0%" and profile["RUSSIA"].statements == 3
    assert profile["CHINA"].tone == "0.60"
    assert page.balance.periods == ("2023", "2024")
    domains = {(r.vector, r.domain): (r.cooperation, r.tension) for r in page.domains.rows}
    assert domains[("RUSSIA", "energy")] == (0, 1)
    assert domains[("CHINA", "energy")] == (1, 0)
    assert [r.status for r in page.forecasts.rows] == ["due", "open", "not yet due"]
    assert page.people.rows[0].name == "Aigerim Sadykova"
    assert page.people.rows[0].roles == "trade minister"
    groups = {g.vector: g for g in page.evidence.groups}
    assert groups["RUSSIA"].total == 3 and len(groups["RUSSIA"].rows) == 3
    assert groups["TURKIC"].total == 0


@pytest.mark.parametrize(
    ("window", "today", "status"),
    [
        (("2026-01-01", "2026-12-31"), date(2027, 1, 1), "due"),
        (("2026-01-01", "2026-12-31"), date(2026, 12, 31), "open"),
        (("2026-01-01", "2026-12-31"), date(2025, 12, 31), "not yet due"),
        (("2030", "2030"), date(2030, 6, 1), "open"),
        (("2030", "2030"), date(2031, 1, 1), "due"),
        ((None, "2025-06"), date(2025, 7, 1), "due"),
        ((None, None), date(2025, 7, 1), "no window"),
        (("2026-01-01", "2026-12-31"), None, "unknown"),
    ],
)
def test_forecast_status(
    window: tuple[str | None, str | None], today: date | None, status: str
) -> None:
    assert rp.forecast_status(*window, today) == status


def test_without_today_nothing_is_due(filled_db: Path, tmp_path: Path) -> None:
    html = rp.build_report(filled_db, out=tmp_path / "r.html", n_boot=0).read_text()
    assert "not given" in html
    assert 'class="status-due"' not in html


def test_undated_corpus_shows_the_whole_period(tmp_path: Path) -> None:
    from dashboard_data import build_extraction
    from multivector.store import Store

    specs = [{**spec, "published": None} for spec in ARTICLES]
    with Store(tmp_path / "u.db") as store:
        store.write_batch([build_extraction(s, i) for i, s in enumerate(specs)])
    with open_readonly(tmp_path / "u.db") as db:
        page = rp.report_context(db, rp.ReportOptions(n_boot=0))
    assert page.balance.periods == ("all",)
    assert "No article has a publication date" in page.balance.note


REPORT_CLASSES = [
    rp.ReportPage,
    rp.SummarySection,
    rp.BalanceSection,
    rp.ProfileSection,
    rp.ProfileRow,
    rp.DomainSection,
    rp.DomainRow,
    rp.IndexSection,
    rp.IndexRow,
    rp.ForecastSection,
    rp.ForecastRow,
    rp.PeopleSection,
    rp.PersonRow,
    rp.EvidenceSection,
    rp.EvidenceGroup,
    rp.EvidenceRow,
    rp.PersonQuotes,
    rp.QuoteRow,
    rp.ArticleRef,
    rp.Link,
]
SECTION_TEMPLATES = {
    "sections/summary.html": rp.SummarySection,
    "sections/balance.html": rp.BalanceSection,
    "sections/profile.html": rp.ProfileSection,
    "sections/domains.html": rp.DomainSection,
    "sections/indices.html": rp.IndexSection,
    "sections/forecasts.html": rp.ForecastSection,
    "sections/people.html": rp.PeopleSection,
    "sections/evidence.html": rp.EvidenceSection,
}


def test_templates_use_exactly_the_documented_fields() -> None:
    env = rp.environment()
    used = merge(
        fields_used(env, "report.html", {"page": rp.ReportPage}),
        *(fields_used(env, name, {"section": cls}) for name, cls in SECTION_TEMPLATES.items()),
    )
    assert unused(used, REPORT_CLASSES) == {}


def test_cli_report_and_errors(runner, filled_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "cli.html"
    result = runner.invoke(
        app,
        [
            "report",
            "--db",
            str(filled_db),
            "--out",
            str(out),
            "--today",
            "2027-01-01",
            "--by",
            "quarter",
            "--boot",
            "50",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert out.is_file() and "2023-Q1" in out.read_text()
    missing = runner.invoke(app, ["report", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and "no such database" in missing.stderr
    (tmp_path / "junk.db").write_bytes(b"this is not sqlite")
    junk = runner.invoke(app, ["report", "--db", str(tmp_path / "junk.db")])
    assert junk.exit_code == 2 and "not a SQLite database" in junk.stderr
    bad = runner.invoke(app, ["report", "--db", str(filled_db), "--today", "soon"])
    assert bad.exit_code == 2 and "--today" in bad.stderr


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["analyze", "c", "--report"], ["analyze", "c", "--report", "report.html"]),
        (["analyze", "--report", "--db", "x"], ["analyze", "--report", "report.html", "--db", "x"]),
        (["analyze", "c", "--report", "r.html"], ["analyze", "c", "--report", "r.html"]),
        (["analyze", "c"], ["analyze", "c"]),
    ],
)
def test_report_option_value_is_optional(argv: list[str], expected: list[str]) -> None:
    assert _optional_values(argv) == expected


def test_analyze_writes_the_report(runner, tmp_path: Path, write_file) -> None:
    corpus = tmp_path / "corpus"
    write_file(
        "corpus/a.txt",
        "Sunland and Rivia sign a deal\n\nKazakhstan and China signed a "
        "rail agreement on Monday. Kazakhstan welcomed Chinese investment.\n",
    )
    out = tmp_path / "analyzed.html"
    result = runner.invoke(
        app,
        [
            "analyze",
            str(corpus),
            "--db",
            str(tmp_path / "a.db"),
            "--focus",
            "KAZ",
            "--report",
            str(out),
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert f"report: {out}" in result.stdout
    assert out.is_file() and "chart-balance" in out.read_text()


def test_seed_corpus_report_has_data_in_every_chart(shared_dir: Path, tmp_path: Path) -> None:
    import multivector.extractors  # noqa: F401 - registers the steps
    from multivector import api
    from multivector.pipeline import available_steps, build_pipeline

    provided = {s.provides for s in available_steps().values()}
    if not {"statements", "quotes", "forecasts"} <= provided:
        pytest.skip(f"the pipeline has no statements/quotes/forecasts steps yet ({provided})")
    db = tmp_path / "seeds.db"
    pipeline = build_pipeline(resources=api.make_resources(focus="KAZ"))
    api.analyze([shared_dir / "corpus" / "seeds"], db=db, pipeline=pipeline)
    html = rp.build_report(
        db, out=tmp_path / "seeds.html", today=date(2026, 11, 22), n_boot=100
    ).read_text()
    with open_readonly(db) as ro:
        page = rp.report_context(ro, rp.ReportOptions(today=date(2026, 11, 22), n_boot=50))
    assert page.summary.statements > 0
    assert any(row.statements for row in page.profile.rows)
    assert page.domains.rows and page.indices.rows and page.people.rows
    for chart in CHART_IDS:
        assert re.search(rf'id="{chart}"', html)
