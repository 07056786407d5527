"""The HTML report: one self-contained file with every chart and the evidence behind it.

The file opens offline: plotly's JavaScript is inlined once (with the first chart), every
other chart reuses it. Each section is rendered from a typed context (one frozen dataclass
per section, in `contexts.py`); the templates use exactly the fields documented there, which
a test checks. The sections are built in `sections.py` from the queries in
`report_queries.py`, with the figures of `charts.py`; this module puts them together.
Every chart links down to the statements, quotes and articles behind it.

`today` (given by the caller, never guessed) decides which forecasts are due: see
`sections.forecast_status`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from .charts import ChartWriter
from .contexts import (
    ArticleRef,
    BalanceSection,
    DomainRow,
    DomainSection,
    EvidenceGroup,
    EvidenceRow,
    EvidenceSection,
    ForecastRow,
    ForecastSection,
    IndexRow,
    IndexSection,
    Link,
    Links,
    OverviewPage,
    PeopleSection,
    PersonQuotes,
    PersonRow,
    ProfileRow,
    ProfileSection,
    QuoteRow,
    ReportPage,
    SummarySection,
    slug,
)
from .indices import Period, vector_indices
from .queries import ReadOnlyDB, json_has, open_readonly, vector_filter
from .report_queries import (
    default_focus,
    resolve_vectors,
    top_people,
    vector_names,
)
from .sections import (
    balance_section,
    domain_section,
    evidence_section,
    forecast_section,
    forecast_status,
    index_section,
    people_section,
    profile_section,
    summary_section,
)

#: The report's public names, including those that now live in the modules it is built from.
__all__ = [
    "ArticleRef",
    "BalanceSection",
    "ChartWriter",
    "DomainRow",
    "DomainSection",
    "EvidenceGroup",
    "EvidenceRow",
    "EvidenceSection",
    "ForecastRow",
    "ForecastSection",
    "IndexRow",
    "IndexSection",
    "Link",
    "Links",
    "OverviewPage",
    "PeopleSection",
    "Period",
    "PersonQuotes",
    "PersonRow",
    "ProfileRow",
    "ProfileSection",
    "QuoteRow",
    "ReportOptions",
    "ReportPage",
    "SummarySection",
    "build_report",
    "default_focus",
    "environment",
    "forecast_status",
    "json_has",
    "render_report",
    "report_context",
    "resolve_vectors",
    "slug",
    "top_people",
    "vector_filter",
    "vector_names",
]


# --------------------------------------------------------------------------- building


@dataclass
class ReportOptions:
    focus: str | None = None
    vectors: Any = None
    by: Period = "year"
    today: date | None = None
    n_boot: int = 1000
    people: int = 15
    forecasts: int = 500
    evidence: int = 200
    links: Links = field(default_factory=Links)


def report_context(db: ReadOnlyDB, options: ReportOptions, *, inline_js: bool = True) -> ReportPage:
    """Everything the report shows, computed from a read-only database."""
    focus = options.focus or default_focus(db)
    vectors = resolve_vectors(focus, options.vectors)
    names = vector_names(vectors)
    periods = vector_indices(db, focus=focus, vectors=vectors, by=options.by, n_boot=options.n_boot)
    whole = periods[0]
    chart = ChartWriter(inline_js)
    links = options.links
    # in page order: the first chart carries plotly's JavaScript
    summary = summary_section(db, focus, options.by, options.today, whole.statements)
    balance = balance_section(periods, names, chart, links)
    profile = profile_section(whole, names, chart, links)
    domains = domain_section(whole, names, chart, links)
    indices = index_section(periods, names, chart, links)
    forecasts = forecast_section(db, options.today, chart, links, options.forecasts)
    people, people_rows = people_section(db, chart, links, options.people)
    evidence = (
        evidence_section(db, names, focus, people_rows, links, options.evidence)
        if options.evidence > 0
        else EvidenceSection((), (), ())
    )
    return ReportPage(
        title=f"multivector report: {focus or 'no focal country'}",
        summary=summary,
        balance=balance,
        profile=profile,
        domains=domains,
        indices=indices,
        forecasts=forecasts,
        people=people,
        evidence=evidence,
    )


def environment() -> Environment:
    """The Jinja2 environment over `multivector/templates` (autoescaped, strict)."""
    from jinja2 import StrictUndefined

    return Environment(
        loader=PackageLoader("multivector", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report(page: ReportPage) -> str:
    return environment().get_template("report.html").render(page=page)


def build_report(
    store: Any,
    *,
    focus: str | None = None,
    vectors: Any = None,
    out: Path = Path("report.html"),
    by: Period = "year",
    today: date | None = None,
    n_boot: int = 1000,
) -> Path:
    """Write the self-contained HTML report of a stored corpus to `out`; returns the path.

    `store` is a Store, a ReadOnlyDB, or a database path/URL. `today` decides which
    forecasts are due; without it their status is "unknown".
    """
    own = not isinstance(store, ReadOnlyDB)
    if isinstance(store, ReadOnlyDB):
        db = store
    elif hasattr(store, "url"):
        db = open_readonly(
            store.url.removeprefix("sqlite:///")
            if store.url.startswith("sqlite:///")
            else store.url
        )
    else:
        db = open_readonly(store)
    try:
        page = report_context(
            db, ReportOptions(focus=focus, vectors=vectors, by=by, today=today, n_boot=n_boot)
        )
        html = render_report(page)
    finally:
        if own:
            db.close()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
