"""The report's sections: each built from the stored figures and queries into its typed context
(`contexts.py`), with its chart (`charts.py`) and the links down to its evidence.

Shared by the HTML report and the dashboard's overview, which differ only in their `Links`.
Dates: the forecast ledger says whether a forecast is due relative to `today`, which the
caller passes in; with no `today`, the status is "unknown". No date is ever guessed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

from . import store as t
from .charts import (
    ChartWriter,
    balance_figure,
    domain_figure,
    forecast_figure,
    index_figure,
    people_figure,
    profile_figure,
    stored_domains,
)
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
    PeopleSection,
    PersonQuotes,
    PersonRow,
    ProfileRow,
    ProfileSection,
    QuoteRow,
    SummarySection,
)
from .queries import ReadOnlyDB, count_rows
from .report_queries import forecast_rows, person_quotes, top_people, vector_statements

# --------------------------------------------------------------------------- formatting


def _fmt(value: float | None, digits: int = 2) -> str:
    if value is None or math.isnan(value):
        return "–"
    return f"{round(value, digits) + 0.0:.{digits}f}"  # + 0.0: no "-0.00"


def _ci(low: float | None, high: float | None, digits: int = 2) -> str:
    return "–" if low is None or high is None else f"{_fmt(low, digits)}–{_fmt(high, digits)}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _pct_ci(low: float | None, high: float | None) -> str:
    return "–" if low is None or high is None else f"{100 * low:.1f}–{100 * high:.1f}%"


def article_ref(ref: dict[str, Any] | None, aid: str, links: Links) -> ArticleRef:
    ref = ref or {}
    return ArticleRef(
        id=aid,
        href=links.article(aid),
        title=ref.get("title") or ref.get("doc") or aid,
        source=ref.get("source") or "",
        published=ref.get("published") or "undated",
        doc=ref.get("doc") or "",
    )


# --------------------------------------------------------------------------- sections


def summary_section(
    db: ReadOnlyDB, focus: str | None, by: str, today: date | None, statements: int
) -> SummarySection:
    a = t.articles
    return SummarySection(
        focus=focus or "none (no statements stored)",
        database=db.label,
        today=today.isoformat() if today else "not given",
        by=by,
        articles=count_rows(db, a),
        dated_articles=count_rows(db, a, a.c.published.is_not(None)),
        statements=statements,
        quotes=count_rows(db, t.quotes),
        forecasts=count_rows(db, t.forecasts),
        persons=count_rows(db, t.persons),
    )


def _dated(periods: list[Any]) -> list[Any]:
    """The dated periods, or the whole corpus ('all') when no article has a date."""
    return [p for p in periods if p.period != "all"] or [p for p in periods if p.period == "all"]


def _vector_links(names: Sequence[str], links: Links) -> tuple[Link, ...]:
    """The "statements behind this chart" links: one per vector."""
    return tuple(Link(n, links.vector(n)) for n in names)


def balance_section(
    periods: list[Any], names: Sequence[str], chart: ChartWriter, links: Links
) -> BalanceSection:
    dated = _dated(periods)
    note = ""
    if all(p.period == "all" for p in dated):
        note = (
            "No article has a publication date, so the whole corpus is shown as one "
            "period ('all'); pass --published at analysis time to date undated articles."
        )
    return BalanceSection(
        chart=chart(balance_figure(dated, names), "chart-balance"),
        periods=tuple(p.period for p in dated),
        note=note,
        evidence=_vector_links(names, links),
    )


def profile_section(
    whole: Any, names: Sequence[str], chart: ChartWriter, links: Links
) -> ProfileSection:
    figs = list(whole.vectors)
    fig = profile_figure(whole, names)
    table = tuple(
        ProfileRow(
            vector=f.vector,
            share=_pct(f.share.value),
            share_ci=_pct_ci(f.share.low, f.share.high),
            tone=_fmt(f.tone.value),
            tone_ci=_ci(f.tone.low, f.tone.high),
            statements=f.statements,
            articles=f.articles,
            href=links.vector(f.vector),
        )
        for f in figs
    )
    return ProfileSection(
        chart=chart(fig, "chart-profile"),
        rows=table,
        evidence=_vector_links(names, links),
    )


def domain_section(
    whole: Any, names: Sequence[str], chart: ChartWriter, links: Links
) -> DomainSection:
    domains = stored_domains(whole)
    fig = domain_figure(whole, names, domains)
    table = tuple(
        DomainRow(
            vector=f.vector,
            domain=d,
            cooperation=f.cooperation.get(d, 0),
            tension=f.tension.get(d, 0),
            href=links.vector(f.vector),
        )
        for f in whole.vectors
        for d in domains
        if f.cooperation.get(d, 0) or f.tension.get(d, 0)
    )
    return DomainSection(
        chart=chart(fig, "chart-domains"),
        rows=table,
        evidence=_vector_links(names, links),
    )


def index_section(
    periods: list[Any], names: Sequence[str], chart: ChartWriter, links: Links
) -> IndexSection:
    fig = index_figure(_dated(periods))
    table = tuple(
        IndexRow(
            period=p.period,
            articles=p.articles,
            statements=p.statements,
            balance=_fmt(p.balance.value),
            balance_ci=_ci(p.balance.low, p.balance.high),
            effective_exp=_fmt(p.effective_exp.value),
            effective_hhi=_fmt(p.effective_hhi.value),
            lead_ratio=_fmt(p.lead_ratio),
            top3=", ".join(p.top3),
        )
        for p in periods
    )
    return IndexSection(
        chart=chart(fig, "chart-indices"),
        rows=table,
        evidence=_vector_links(names, links),
    )


def forecast_window(window_from: str | None, window_to: str | None) -> str:
    """A forecast's time window as text ("–" when it states none)."""
    if not window_from and not window_to:
        return "–"
    return f"{window_from or '…'} → {window_to or '…'}"


def forecast_status(window_from: str | None, window_to: str | None, today: date | None) -> str:
    """Whether a forecast can be checked yet: due (window over), open, not yet due, no window."""
    if not window_from and not window_to:
        return "no window"
    if today is None:
        return "unknown"
    iso = today.isoformat()
    end = window_to or window_from or ""
    if iso[: len(end)] > end:
        return "due"
    if window_from and iso[: len(window_from)] < window_from:
        return "not yet due"
    return "open"


def forecast_section(
    db: ReadOnlyDB, today: date | None, chart: ChartWriter, links: Links, limit: int
) -> ForecastSection:
    total, found = forecast_rows(db, limit)
    out = []
    for r in found:
        out.append(
            ForecastRow(
                speaker=r["speaker"] or "unattributed",
                text=r["text"],
                about=", ".join(r["about"] or ()) or "–",
                horizon=r["horizon"] or "–",
                window=forecast_window(r["window_from"], r["window_to"]),
                status=forecast_status(r["window_from"], r["window_to"], today),
                article=article_ref(r, r["article_id"], links),
            )
        )
    fig = forecast_figure(found, [r.status for r in out], [r.speaker for r in out], today)
    return ForecastSection(
        chart=chart(fig, "chart-forecasts"),
        today=today.isoformat() if today else "not given",
        rows=tuple(out),
        total=total,
    )


def people_section(
    db: ReadOnlyDB, chart: ChartWriter, links: Links, limit: int
) -> tuple[PeopleSection, list[dict[str, Any]]]:
    people = top_people(db, limit)
    fig = people_figure(people)
    section = PeopleSection(
        chart=chart(fig, "chart-people"),
        rows=tuple(
            PersonRow(
                name=p["name"],
                roles=", ".join(p["roles"]) or "–",
                country=p["country"] or "–",
                quotes=p["quotes"],
                articles=p["articles"],
                href=links.person(p["key"]),
            )
            for p in people
        ),
    )
    return section, people


def evidence_section(
    db: ReadOnlyDB,
    names: Sequence[str],
    focus: str | None,
    people: list[dict[str, Any]],
    links: Links,
    per_group: int,
) -> EvidenceSection:
    refs: dict[str, ArticleRef] = {}

    def ref(r: dict[str, Any]) -> ArticleRef:
        aid = r["article_id"]
        if aid not in refs:
            refs[aid] = article_ref(r, aid, links)
        return refs[aid]

    groups = []
    for name in names:
        total, found = vector_statements(db, name, focus, per_group)
        groups.append(
            EvidenceGroup(
                vector=name,
                anchor=links.vector(name).lstrip("#"),
                total=total,
                rows=tuple(
                    EvidenceRow(
                        sentence=r["sentence"],
                        partners=", ".join(r["partners"]),
                        domain=r["domain"],
                        polarity=r["polarity"],
                        intensity=_fmt(r["intensity"]),
                        speaker=r["speaker"] or "–",
                        article=ref(r),
                    )
                    for r in found
                ),
            )
        )
    quoted = [
        PersonQuotes(
            name=person["name"],
            anchor=links.person(person["key"]).lstrip("#"),
            total=person["quotes"],
            rows=tuple(
                QuoteRow(text=r["text"], kind=r["kind"], cue=r["cue"] or "–", article=ref(r))
                for r in person_quotes(db, person["key"], per_group)
            ),
        )
        for person in people
    ]
    return EvidenceSection(
        groups=tuple(groups),
        people=tuple(quoted),
        articles=tuple(sorted(refs.values(), key=lambda r: (r.published, r.title))),
    )
