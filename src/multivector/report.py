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

import sqlalchemy as sa
from jinja2 import Environment, PackageLoader, select_autoescape

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
    ReportPage,
    SummarySection,
)
from .contexts import slug as slug
from .queries import ReadOnlyDB, open_readonly, rows, sentence

Period = Literal["all", "year", "quarter", "month"]


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
    return BalanceSection(
        chart=chart(balance_figure(dated, names), "chart-balance"),
        periods=tuple(p.period for p in dated),
        note=note,
        evidence=tuple(Link(n, links.vector(n)) for n in names),
    )


def _profile_section(
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
        evidence=tuple(Link(n, links.vector(n)) for n in names),
    )


def _domain_section(
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
        evidence=tuple(Link(n, links.vector(n)) for n in names),
    )


def _index_section(
    periods: list[Any], names: Sequence[str], chart: ChartWriter, links: Links
) -> IndexSection:
    dated = [p for p in periods if p.period != "all"] or [p for p in periods if p.period == "all"]
    fig = index_figure(dated)
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
    fig = forecast_figure(found, [r.status for r in out], [r.speaker for r in out], today)
    return ForecastSection(
        chart=chart(fig, "chart-forecasts"),
        today=today.isoformat() if today else "not given",
        rows=tuple(out),
        total=total,
    )


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
