"""The plotly figures of the report and the dashboard, and how they become HTML.

Each function takes the computed figures (indices per period, forecast rows, people) and
returns a `go.Figure`; `ChartWriter` turns figures into divs, inlining plotly's JavaScript
into the first one only, so a report opens offline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import plotly.graph_objects as go
from markupsafe import Markup
from plotly.subplots import make_subplots

from .queries import DOMAINS

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
DOMAIN_COLOURS = dict(
    zip(
        DOMAINS,
        ("#1f77b4", "#ff7f0e", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#17becf", "#7f7f7f"),
        strict=True,
    )
)
STATUS_COLOURS = {
    "due": "#d62728",
    "open": "#2ca02c",
    "not yet due": "#1f77b4",
    "unknown": "#7f7f7f",
}


def colours(names: Sequence[str]) -> dict[str, str]:
    """A palette colour per name, in order (cycling)."""
    return {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(names)}


def rgba(hex_colour: str, alpha: float) -> str:
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


def add_band(
    fig: go.Figure,
    x: Sequence[Any],
    highs: Sequence[Any],
    lows: Sequence[Any],
    colour: str,
    *,
    legendgroup: str | None = None,
    **where: Any,
) -> None:
    """A shaded interval between `lows` and `highs` (two invisible lines, the lower filled up
    to the upper); `where` places it (row/col or secondary_y)."""
    fig.add_trace(
        go.Scatter(
            x=x,
            y=highs,
            mode="lines",
            line={"width": 0},
            showlegend=False,
            legendgroup=legendgroup,
            hoverinfo="skip",
        ),
        **where,
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=lows,
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=rgba(colour, 0.18),
            showlegend=False,
            legendgroup=legendgroup,
            hoverinfo="skip",
        ),
        **where,
    )


# --------------------------------------------------------------------------- balance


def balance_figure(dated: Sequence[Any], names: Sequence[str]) -> go.Figure:
    """Stacked shares per period above, each vector's share with its 95% interval below."""
    labels = [p.period for p in dated]
    colour = colours(names)
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
        _balance_traces(fig, name, labels, figs, colour[name], single)
    fig.update_yaxes(tickformat=".0%", row=1, col=1)
    fig.update_yaxes(tickformat=".0%", row=2, col=1)
    fig.update_xaxes(type="category")
    if single:  # the lower panel lists the vectors side by side, each with its interval
        fig = _unshare_x(fig)
    fig.update_layout(height=560, legend={"orientation": "h", "y": -0.08}, barmode="stack")
    return fig


def _balance_traces(
    fig: go.Figure, name: str, labels: list[str], figs: list[Any], colour: str, single: bool
) -> None:
    """One vector's traces: its stacked share (top) and its share with an interval (bottom)."""
    values = [f.share.value or 0.0 for f in figs]
    hover = f"{name}: %{{y:.1%}}<extra></extra>"
    if single:
        top: go.Bar | go.Scatter = go.Bar(
            x=labels,
            y=values,
            name=name,
            legendgroup=name,
            marker_color=colour,
            hovertemplate=hover,
        )
    else:
        top = go.Scatter(
            x=labels,
            y=values,
            name=name,
            stackgroup="shares",
            mode="lines+markers",
            line={"color": colour},
            legendgroup=name,
            hovertemplate=hover,
        )
    fig.add_trace(top, row=1, col=1)
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
                marker={"color": colour, "size": 9},
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
        return
    add_band(fig, labels, highs, lows, colour, legendgroup=name, row=2, col=1)
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=values,
            mode="lines+markers",
            name=name,
            line={"color": colour},
            showlegend=False,
            legendgroup=name,
            hovertemplate=f"{name}: %{{y:.1%}}<extra></extra>",
        ),
        row=2,
        col=1,
    )


def _unshare_x(fig: go.Figure) -> go.Figure:
    """Let the lower panel have its own categories (vector names instead of the period)."""
    fig.layout.xaxis.matches = None
    fig.layout.xaxis2.matches = None
    fig.update_xaxes(showticklabels=True, row=1, col=1)
    return fig


# --------------------------------------------------------------------------- profile, domains


def profile_figure(whole: Any, names: Sequence[str]) -> go.Figure:
    """The whole corpus: share of attention (radar) and tone with its interval (bars)."""
    figs = list(whole.vectors)
    colour = colours(names)
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
            marker_color=[colour[n] for n in names],
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
    return fig


def stored_domains(whole: Any) -> list[str]:
    """The domains that occur, in the usual order (unknown ones last, alphabetically)."""
    return sorted(
        {d for f in whole.vectors for d in (*f.cooperation, *f.tension)},
        key=lambda d: (list(DOMAIN_COLOURS).index(d) if d in DOMAIN_COLOURS else 99, d),
    )


def domain_figure(whole: Any, names: Sequence[str], domains: Sequence[str]) -> go.Figure:
    """Cooperation (up) and tension (down) statements per vector, stacked by domain."""
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
    return fig


# --------------------------------------------------------------------------- indices


def index_figure(dated: Sequence[Any]) -> go.Figure:
    """Balance (left axis) and the effective number of vectors (right axis) per period."""
    labels = [p.period for p in dated]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    _index_band(fig, labels, [p.balance for p in dated], "#1f77b4", False, "balance (0 … 1)")
    _index_band(
        fig,
        labels,
        [p.effective_exp for p in dated],
        "#d62728",
        True,
        "effective vectors, exp(H)",
    )
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
    return fig


def _index_band(
    fig: go.Figure, labels: list[str], values: list[Any], colour: str, secondary: bool, name: str
) -> None:
    """An estimate per period with its interval: a band, or an error bar for one period."""
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
    add_band(fig, labels, highs, lows, colour, secondary_y=secondary)
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


# --------------------------------------------------------------------------- forecasts, people


def forecast_figure(
    found: Sequence[Mapping[str, Any]],
    statuses: Sequence[str],
    speakers: Sequence[str],
    today: date | None,
) -> go.Figure:
    """Each forecast's time window as a line coloured by status, with `today` marked; when no
    forecast states a window, forecasts per speaker instead."""
    fig = go.Figure()
    windowed = [(i, r) for i, r in enumerate(found) if r["window_from"] or r["window_to"]]
    for status, colour in STATUS_COLOURS.items():
        chosen = [(i, r) for i, r in windowed if statuses[i] == status]
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
                y=[v for i, r in chosen for v in (_short(speakers[i], i),) * 2 + (None,)],
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
        for speaker in speakers:
            counts[speaker] += 1
        fig.add_trace(
            go.Bar(
                x=list(counts), y=list(counts.values()), name="forecasts", marker_color="#1f77b4"
            )
        )
        title = "Forecasts per speaker (none states a time window)"
    fig.update_layout(title=title, height=360, xaxis={"type": "date"} if windowed else {})
    return fig


def _short(name: str, i: int) -> str:
    return f"{name[:28]} #{i + 1}"


def people_figure(people: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Quotes per person, most quoted on top, with their roles on hover."""
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
    return fig


def person_figure(series: Mapping[str, Mapping[str, int]]) -> go.Figure:
    """One person's quotes and forecasts per year of publication, side by side."""
    years = sorted({y for counts in series.values() for y in counts})
    fig = go.Figure(
        [
            go.Bar(x=years, y=[counts.get(y, 0) for y in years], name=label)
            for label, counts in series.items()
        ]
    )
    fig.update_layout(
        height=260,
        barmode="group",
        xaxis={"type": "category"},
        title="Quotes and forecasts per year of publication",
    )
    return fig
