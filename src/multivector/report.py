"""The HTML report: one self-contained file with every chart and the evidence behind it.

The file opens offline: plotly's JavaScript is inlined once (with the first chart), every
other chart reuses it. Each section is rendered from a typed context (one frozen dataclass
per section, below); the templates use exactly the fields documented there, which a test
checks. Every chart links down to the statements, quotes and articles behind it.

Dates: the forecast ledger says whether a forecast is due relative to `today`, which the
caller passes in; with no `today`, the status is "unknown". No date is ever guessed.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import plotly.graph_objects as go
import sqlalchemy as sa
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from plotly.subplots import make_subplots

from . import store as t
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
    ReportPage,
    SummarySection,
)
from .contexts import slug as slug
from .queries import ReadOnlyDB, open_readonly, rows, sentence

Period = Literal["all", "year", "quarter", "month"]
PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
DOMAIN_COLOURS = {
    "economy": "#1f77b4",
    "energy": "#ff7f0e",
    "security": "#d62728",
    "diplomacy": "#2ca02c",
    "culture": "#9467bd",
    "migration": "#8c564b",
    "transport": "#17becf",
    "other": "#7f7f7f",
}


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


def _colour(names: Sequence[str]) -> dict[str, str]:
    return {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(names)}


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


class ChartWriter:
    """Turns figures into HTML divs; plotly's JavaScript goes into the first one only."""

    def __init__(self, inline_js: bool) -> None:
        self.inline_js = inline_js
        self.count = 0

    def __call__(self, fig: go.Figure, div_id: str) -> Markup:
        first = self.inline_js and self.count == 0
        self.count += 1
        fig.update_layout(
            margin={"l": 50, "r": 20, "t": 40, "b": 40},
            template="plotly_white",
            font={"family": "system-ui, sans-serif", "size": 12},
        )
        html = fig.to_html(
            full_html=False,
            include_plotlyjs=bool(first),
            div_id=div_id,
            config={"displaylogo": False, "responsive": True},
        )
        return Markup(html)


def _article_ref(ref: dict[str, Any] | None, aid: str, links: Links) -> ArticleRef:
    ref = ref or {}
    return ArticleRef(
        id=aid,
        href=links.article(aid),
        title=ref.get("title") or ref.get("doc") or aid,
        source=ref.get("source") or "",
        published=ref.get("published") or "undated",
        doc=ref.get("doc") or "",
    )


# --------------------------------------------------------------------------- data


def default_focus(db: ReadOnlyDB) -> str | None:
    """The focal country with the most statements (None when nothing is stored)."""
    s = t.statements
    query = (
        sa.select(s.c.focus)
        .where(s.c.focus.is_not(None))
        .group_by(s.c.focus)
        .order_by(sa.func.count().desc(), s.c.focus)
        .limit(1)
    )
    found = rows(db, query)
    return found[0]["focus"] if found else None


class StoredVectors:
    """A vector set read back from stored statements, for when no definition can be loaded.

    A partner belongs to the vectors its single-partner statements were assigned to.
    """

    def __init__(
        self, names: Sequence[str], members: dict[str, dict[str, float]], focus: str | None
    ) -> None:
        self.names = tuple(names)
        self._members = members
        self.focus = focus
        self.vectors = {n: {p: 1.0 for p, vs in members.items() if n in vs} for n in names}

    def weights(self, partner: str) -> dict[str, float]:
        return self._members.get(partner, {})

    @classmethod
    def from_db(cls, db: ReadOnlyDB, focus: str | None) -> StoredVectors:
        s = t.statements
        query = sa.select(s.c.partners, s.c.vectors)
        if focus is not None:
            query = query.where(s.c.focus == focus)
        names: set[str] = set()
        members: dict[str, dict[str, float]] = defaultdict(dict)
        with db.engine.connect() as conn:
            for partners, vectors in conn.execute(query):
                names.update(vectors)
                if len(partners) == 1:
                    for v in vectors:
                        members[partners[0]][v] = 1.0
        return cls(sorted(names), dict(members), focus)


def resolve_vectors(db: ReadOnlyDB, focus: str | None, vectors: Any = None) -> Any:
    """The vector definition: an object given, a path or name to load, or the bundled one."""
    if vectors is None or isinstance(vectors, str | Path):
        try:
            from .vectors import load_vectors
        except ImportError:  # no vector definitions available: read them back from the store
            return StoredVectors.from_db(db, focus)
        vectors = load_vectors(vectors, focus=focus)
    return vectors


def vector_names(vectors: Any) -> list[str]:
    """Vector names in definition order."""
    return list(getattr(vectors, "names", None) or vectors.vectors)


def compute_indices(
    db: ReadOnlyDB, *, focus: str | None, vectors: Any, by: Period, n_boot: int
) -> list[Any]:
    from .indices import vector_indices

    return vector_indices(db, focus=focus, vectors=vectors, by=by, n_boot=n_boot)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- sections


def _balance_section(
    periods: list[Any], names: Sequence[str], chart: ChartWriter, links: Links
) -> BalanceSection:
    dated = [p for p in periods if p.period != "all"]
    note = ""
    if not dated:
        dated = [p for p in periods if p.period == "all"]
        note = (
            "No article has a publication date, so the whole corpus is shown as one "
            "period ('all'); pass --published at analysis time to date undated articles."
        )
    labels = [p.period for p in dated]
    colours = _colour(names)
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        subplot_titles=("Stacked shares of attention", "Each vector's share with its 95% interval"),
    )
    by_name = [{f.vector: f for f in p.vectors} for p in dated]
    single = len(labels) == 1  # one period: bars and error bars, since areas need two points
    for name in names:
        figs = [figures[name] for figures in by_name]
        values = [f.share.value or 0.0 for f in figs]
        hover = f"{name}: %{{y:.1%}}<extra></extra>"
        if single:
            fig.add_trace(
                go.Bar(
                    x=labels,
                    y=values,
                    name=name,
                    legendgroup=name,
                    marker_color=colours[name],
                    hovertemplate=hover,
                ),
                row=1,
                col=1,
            )
        else:
            fig.add_trace(
                go.Scatter(
                    x=labels,
                    y=values,
                    name=name,
                    stackgroup="shares",
                    mode="lines+markers",
                    line={"color": colours[name]},
                    legendgroup=name,
                    hovertemplate=hover,
                ),
                row=1,
                col=1,
            )
        lows = [f.share.low if f.share.low is not None else (f.share.value or 0.0) for f in figs]
        highs = [f.share.high if f.share.high is not None else (f.share.value or 0.0) for f in figs]
        if single:
            fig.add_trace(
                go.Scatter(
                    x=[name],
                    y=values,
                    mode="markers",
                    showlegend=False,
                    legendgroup=name,
                    marker={"color": colours[name], "size": 9},
                    hovertemplate=hover,
                    error_y={
                        "type": "data",
                        "array": [h - v for h, v in zip(highs, values, strict=True)],
                        "arrayminus": [v - lo for lo, v in zip(lows, values, strict=True)],
                    },
                ),
                row=2,
                col=1,
            )
            continue
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=highs,
                mode="lines",
                line={"width": 0},
                showlegend=False,
                legendgroup=name,
                hoverinfo="skip",
            ),
            row=2,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=lows,
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor=_rgba(colours[name], 0.18),
                showlegend=False,
                legendgroup=name,
                hoverinfo="skip",
            ),
            row=2,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=values,
                mode="lines+markers",
                name=name,
                line={"color": colours[name]},
                showlegend=False,
                legendgroup=name,
                hovertemplate=f"{name}: %{{y:.1%}}<extra></extra>",
            ),
            row=2,
            col=1,
        )
    fig.update_yaxes(tickformat=".0%", row=1, col=1)
    fig.update_yaxes(tickformat=".0%", row=2, col=1)
    fig.update_xaxes(type="category")
    if single:  # the lower panel lists the vectors side by side, each with its interval
        fig = _unshare_x(fig)
    fig.update_layout(height=560, legend={"orientation": "h", "y": -0.08}, barmode="stack")
    return BalanceSection(
        chart=chart(fig, "chart-balance"),
        periods=tuple(labels),
        note=note,
        evidence=tuple(Link(n, links.vector(n)) for n in names),
    )


def _unshare_x(fig: go.Figure) -> go.Figure:
    """Let the lower panel have its own categories (vector names instead of the period)."""
    fig.layout.xaxis.matches = None
    fig.layout.xaxis2.matches = None
    fig.update_xaxes(showticklabels=True, row=1, col=1)
    return fig


def _profile_section(
    whole: Any, names: Sequence[str], chart: ChartWriter, links: Links
) -> ProfileSection:
    figs = list(whole.vectors)
    colours = _colour(names)
    fig = make_subplots(
        rows=1,
        cols=2,
        specs=[[{"type": "polar"}, {"type": "xy"}]],
        subplot_titles=("Share of attention", "Tone (−1 tension … +1 cooperation)"),
    )
    shares = [f.share.value or 0.0 for f in figs]
    fig.add_trace(
        go.Scatterpolar(
            r=[*shares, shares[0]] if shares else [],
            theta=[*names, names[0]] if names else [],
            fill="toself",
            name="share",
            showlegend=False,
            hovertemplate="%{theta}: %{r:.1%}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    tones = [f.tone.value if f.tone.value is not None else 0.0 for f in figs]
    plus = [
        (f.tone.high - f.tone.value)
        if f.tone.high is not None and f.tone.value is not None
        else 0.0
        for f in figs
    ]
    minus = [
        (f.tone.value - f.tone.low) if f.tone.low is not None and f.tone.value is not None else 0.0
        for f in figs
    ]
    fig.add_trace(
        go.Bar(
            x=list(names),
            y=tones,
            marker_color=[colours[n] for n in names],
            error_y={"type": "data", "array": plus, "arrayminus": minus},
            showlegend=False,
            hovertemplate="%{x}: tone %{y:.2f}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    fig.update_polars(radialaxis_tickformat=".0%")
    fig.update_yaxes(range=[-1, 1], row=1, col=2)
    fig.update_layout(height=420)
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
        evidence=tuple(Link(n, links.vector(n)) for n in names),
    )


def _domain_section(
    whole: Any, names: Sequence[str], chart: ChartWriter, links: Links
) -> DomainSection:
    domains = sorted(
        {d for f in whole.vectors for d in (*f.cooperation, *f.tension)},
        key=lambda d: (list(DOMAIN_COLOURS).index(d) if d in DOMAIN_COLOURS else 99, d),
    )
    fig = go.Figure()
    for domain in domains:
        colour = DOMAIN_COLOURS.get(domain, "#444444")
        fig.add_trace(
            go.Bar(
                x=list(names),
                y=[f.cooperation.get(domain, 0) for f in whole.vectors],
                name=domain,
                legendgroup=domain,
                marker_color=colour,
                hovertemplate=f"%{{x}} · {domain} · cooperation: %{{y}}<extra></extra>",
            )
        )
        fig.add_trace(
            go.Bar(
                x=list(names),
                y=[-f.tension.get(domain, 0) for f in whole.vectors],
                name=domain,
                legendgroup=domain,
                showlegend=False,
                marker_color=colour,
                marker_pattern_shape="/",
                customdata=[f.tension.get(domain, 0) for f in whole.vectors],
                hovertemplate=f"%{{x}} · {domain} · tension: %{{customdata}}<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="relative",
        height=420,
        yaxis_title="statements (cooperation above 0, tension below)",
    )
    fig.add_hline(y=0, line_color="#333", line_width=1)
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
        evidence=tuple(Link(n, links.vector(n)) for n in names),
    )


def _index_section(
    periods: list[Any], names: Sequence[str], chart: ChartWriter, links: Links
) -> IndexSection:
    dated = [p for p in periods if p.period != "all"] or [p for p in periods if p.period == "all"]
    labels = [p.period for p in dated]
    fig = make_subplots(specs=[[{"secondary_y": True}]])

    def band(values: list[Any], colour: str, secondary: bool, name: str) -> None:
        highs = [v.high if v.high is not None else v.value for v in values]
        lows = [v.low if v.low is not None else v.value for v in values]
        if len(labels) == 1:  # a band needs two points: an error bar instead
            v = values[0]
            error = {
                "type": "data",
                "array": [(highs[0] or 0) - (v.value or 0)],
                "arrayminus": [(v.value or 0) - (lows[0] or 0)],
            }
            fig.add_trace(
                go.Scatter(
                    x=labels,
                    y=[v.value],
                    mode="markers",
                    name=name,
                    marker={"color": colour, "size": 10},
                    error_y=error,
                ),
                secondary_y=secondary,
            )
            return
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=highs,
                mode="lines",
                line={"width": 0},
                showlegend=False,
                hoverinfo="skip",
            ),
            secondary_y=secondary,
        )
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=lows,
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor=_rgba(colour, 0.18),
                showlegend=False,
                hoverinfo="skip",
            ),
            secondary_y=secondary,
        )
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=[v.value for v in values],
                mode="lines+markers",
                name=name,
                line={"color": colour},
            ),
            secondary_y=secondary,
        )

    band([p.balance for p in dated], "#1f77b4", False, "balance (0 … 1)")
    band([p.effective_exp for p in dated], "#d62728", True, "effective vectors, exp(H)")
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=[p.effective_hhi.value for p in dated],
            mode="lines+markers",
            name="effective vectors, 1/HHI",
            line={"color": "#ff7f0e", "dash": "dot"},
        ),
        secondary_y=True,
    )
    fig.update_yaxes(title_text="balance", range=[0, 1.05], secondary_y=False)
    fig.update_yaxes(title_text="effective number of vectors", rangemode="tozero", secondary_y=True)
    fig.update_xaxes(type="category")
    fig.update_layout(height=420, legend={"orientation": "h", "y": -0.15})
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
        evidence=tuple(Link(n, links.vector(n)) for n in names),
    )


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


def _forecast_section(
    db: ReadOnlyDB, today: date | None, chart: ChartWriter, links: Links, limit: int
) -> ForecastSection:
    f, a = t.forecasts, t.articles
    base = sa.select(
        f.c.article_id,
        f.c.text,
        f.c.speaker,
        f.c.about,
        f.c.horizon,
        f.c.window_from,
        f.c.window_to,
        a.c.title,
        a.c.doc,
        a.c.source,
        a.c.published,
    ).join(a, a.c.id == f.c.article_id)
    total = int(_scalar(db, sa.select(sa.func.count()).select_from(f)))
    found = rows(
        db,
        base.order_by(
            f.c.window_to.is_(None), f.c.window_to, a.c.published, f.c.article_id, f.c.char_start
        ).limit(limit),
    )
    out = []
    for r in found:
        window = "–"
        if r["window_from"] or r["window_to"]:
            window = f"{r['window_from'] or '…'} → {r['window_to'] or '…'}"
        out.append(
            ForecastRow(
                speaker=r["speaker"] or "unattributed",
                text=r["text"],
                about=", ".join(r["about"] or ()) or "–",
                horizon=r["horizon"] or "–",
                window=window,
                status=forecast_status(r["window_from"], r["window_to"], today),
                article=_article_ref(r, r["article_id"], links),
            )
        )
    fig = go.Figure()
    status_colour = {
        "due": "#d62728",
        "open": "#2ca02c",
        "not yet due": "#1f77b4",
        "unknown": "#7f7f7f",
    }
    windowed = [(i, r) for i, r in enumerate(found) if r["window_from"] or r["window_to"]]
    for status, colour in status_colour.items():
        chosen = [(i, r) for i, r in windowed if out[i].status == status]
        if not chosen:
            continue
        fig.add_trace(
            go.Scatter(
                x=[
                    v
                    for _, r in chosen
                    for v in (
                        r["window_from"] or r["window_to"],
                        r["window_to"] or r["window_from"],
                        None,
                    )
                ],
                y=[v for i, r in chosen for v in (_short(out[i].speaker, i),) * 2 + (None,)],
                mode="lines+markers",
                name=status,
                line={"color": colour, "width": 6},
                hovertemplate="%{x}<extra>" + status + "</extra>",
            )
        )
    undated = len(found) - len(windowed)
    title = "Forecast windows" + (
        f" ({undated} without a window: see the ledger)" if undated else ""
    )
    if today is not None and windowed:
        fig.add_vline(x=today.isoformat(), line_dash="dash", line_color="#333")
        fig.add_annotation(
            x=today.isoformat(), y=1, yref="paper", text="today", showarrow=False, yanchor="bottom"
        )
    if not windowed:
        counts: dict[str, int] = defaultdict(int)
        for row in out:
            counts[row.speaker] += 1
        fig.add_trace(
            go.Bar(
                x=list(counts), y=list(counts.values()), name="forecasts", marker_color="#1f77b4"
            )
        )
        title = "Forecasts per speaker (none states a time window)"
    fig.update_layout(title=title, height=360, xaxis={"type": "date"} if windowed else {})
    return ForecastSection(
        chart=chart(fig, "chart-forecasts"),
        today=today.isoformat() if today else "not given",
        rows=tuple(out),
        total=total,
    )


def _short(name: str, i: int) -> str:
    return f"{name[:28]} #{i + 1}"


def _scalar(db: ReadOnlyDB, query: sa.Executable) -> Any:
    with db.engine.connect() as conn:
        return conn.execute(query).scalar() or 0


def top_people(db: ReadOnlyDB, limit: int) -> list[dict[str, Any]]:
    """People quoted most: key (or the bare name), name, roles, country, quotes, articles."""
    q, p, ap = t.quotes, t.persons, t.article_persons
    who = sa.func.coalesce(q.c.person_key, q.c.speaker).label("who")
    query = (
        sa.select(
            who,
            sa.func.count().label("quotes"),
            sa.func.count(sa.distinct(q.c.article_id)).label("articles"),
            sa.func.max(q.c.speaker).label("speaker"),
        )
        .where(who.is_not(None))
        .group_by(who)
        .order_by(sa.func.count().desc(), who)
        .limit(limit)
    )
    found = rows(db, query)
    keys = [r["who"] for r in found]
    names = {r["key"]: r for r in rows(db, sa.select(p).where(p.c.key.in_(keys)))} if keys else {}
    roles: dict[str, list[str]] = defaultdict(list)
    countries: dict[str, str] = {}
    if keys:
        for r in rows(
            db,
            sa.select(ap.c.person_key, ap.c.roles, ap.c.country).where(ap.c.person_key.in_(keys)),
        ):
            for role in r["roles"] or ():
                if role not in roles[r["person_key"]]:
                    roles[r["person_key"]].append(role)
            if r["country"]:
                countries.setdefault(r["person_key"], r["country"])
    out = []
    for r in found:
        person = names.get(r["who"])
        out.append(
            {
                "key": r["who"],
                "name": person["name"] if person else (r["speaker"] or r["who"]),
                "roles": roles.get(r["who"], []),
                "country": (person["country"] if person else None) or countries.get(r["who"]),
                "quotes": r["quotes"],
                "articles": r["articles"],
            }
        )
    return out


def _people_section(
    db: ReadOnlyDB, chart: ChartWriter, links: Links, limit: int
) -> tuple[PeopleSection, list[dict[str, Any]]]:
    people = top_people(db, limit)
    fig = go.Figure(
        go.Bar(
            y=[p["name"] for p in people][::-1],
            x=[p["quotes"] for p in people][::-1],
            orientation="h",
            marker_color="#1f77b4",
            customdata=[", ".join(p["roles"]) or "no role stated" for p in people][::-1],
            hovertemplate="%{y}: %{x} quotes<br>%{customdata}<extra></extra>",
        )
    )
    fig.update_layout(height=max(260, 26 * len(people) + 80), xaxis_title="quotes")
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


def json_has(db: ReadOnlyDB, column: sa.ColumnElement[Any], value: str) -> sa.ColumnElement[bool]:
    """Rows whose JSON list `column` holds the string `value` (a bound parameter).

    SQLite stores the list as JSON text, in which a string element appears exactly as
    `json.dumps(value)`, quotes included: a substring test is exact and much cheaper per
    row than json_each. PostgreSQL: JSONB containment."""
    if db.is_sqlite:
        return sa.func.instr(column, json.dumps(value)) > 0
    from sqlalchemy.dialects.postgresql import JSONB

    return sa.cast(column, JSONB).contains([value])


def vector_filter(db: ReadOnlyDB, vector: str) -> sa.ColumnElement[bool]:
    """Statements assigned to `vector`."""
    return json_has(db, t.statements.c.vectors, vector)


def _evidence_section(
    db: ReadOnlyDB,
    names: Sequence[str],
    focus: str | None,
    people: list[dict[str, Any]],
    links: Links,
    per_group: int,
) -> EvidenceSection:
    s, a, q = t.statements, t.articles, t.quotes
    refs: dict[str, ArticleRef] = {}

    def ref(r: dict[str, Any]) -> ArticleRef:
        aid = r["article_id"]
        if aid not in refs:
            refs[aid] = _article_ref(r, aid, links)
        return refs[aid]

    groups = []
    for name in names:
        cond = vector_filter(db, name)
        if focus is not None:
            cond = sa.and_(cond, s.c.focus == focus)
        total = int(_scalar(db, sa.select(sa.func.count()).select_from(s).where(cond)))
        found = rows(
            db,
            sa.select(
                s.c.article_id,
                s.c.partners,
                s.c.domain,
                s.c.polarity,
                s.c.intensity,
                s.c.speaker,
                sentence(s).label("sentence"),
                a.c.title,
                a.c.doc,
                a.c.source,
                a.c.published,
            )
            .join(a, a.c.id == s.c.article_id)
            .where(cond)
            .order_by(a.c.published.desc(), s.c.article_id, s.c.char_start)
            .limit(per_group),
        )
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
    quoted = []
    for person in people:
        cond = sa.or_(
            q.c.person_key == person["key"],
            sa.and_(q.c.person_key.is_(None), q.c.speaker == person["key"]),
        )
        found = rows(
            db,
            sa.select(
                q.c.article_id,
                q.c.text,
                q.c.kind,
                q.c.cue,
                a.c.title,
                a.c.doc,
                a.c.source,
                a.c.published,
            )
            .join(a, a.c.id == q.c.article_id)
            .where(cond)
            .order_by(a.c.published, q.c.article_id, q.c.char_start)
            .limit(per_group),
        )
        quoted.append(
            PersonQuotes(
                name=person["name"],
                anchor=links.person(person["key"]).lstrip("#"),
                total=person["quotes"],
                rows=tuple(
                    QuoteRow(text=r["text"], kind=r["kind"], cue=r["cue"] or "–", article=ref(r))
                    for r in found
                ),
            )
        )
    return EvidenceSection(
        groups=tuple(groups),
        people=tuple(quoted),
        articles=tuple(sorted(refs.values(), key=lambda r: (r.published, r.title))),
    )


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
    vectors = resolve_vectors(db, focus, options.vectors)
    names = vector_names(vectors)
    periods = compute_indices(
        db, focus=focus, vectors=vectors, by=options.by, n_boot=options.n_boot
    )
    whole = periods[0]
    chart = ChartWriter(inline_js)
    links = options.links
    a = t.articles
    summary = SummarySection(
        focus=focus or "none (no statements stored)",
        database=db.label,
        today=options.today.isoformat() if options.today else "not given",
        by=options.by,
        articles=int(_scalar(db, sa.select(sa.func.count()).select_from(a))),
        dated_articles=int(
            _scalar(db, sa.select(sa.func.count()).select_from(a).where(a.c.published.is_not(None)))
        ),
        statements=whole.statements,
        quotes=int(_scalar(db, sa.select(sa.func.count()).select_from(t.quotes))),
        forecasts=int(_scalar(db, sa.select(sa.func.count()).select_from(t.forecasts))),
        persons=int(_scalar(db, sa.select(sa.func.count()).select_from(t.persons))),
    )
    balance_section = _balance_section(periods, names, chart, links)
    profile = _profile_section(whole, names, chart, links)
    domains = _domain_section(whole, names, chart, links)
    indices = _index_section(periods, names, chart, links)
    forecasts = _forecast_section(db, options.today, chart, links, options.forecasts)
    people, people_rows = _people_section(db, chart, links, options.people)
    evidence = (
        _evidence_section(db, names, focus, people_rows, links, options.evidence)
        if options.evidence > 0
        else EvidenceSection((), (), ())
    )
    return ReportPage(
        title=f"multivector report: {focus or 'no focal country'}",
        summary=summary,
        balance=balance_section,
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
