"""The typed contexts the templates render: one frozen dataclass per report section and
per dashboard page, and the links from charts down to their evidence.

The templates use exactly the fields documented here, which a test checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

# --------------------------------------------------------------------------- report sections


@dataclass(frozen=True)
class Link:
    """A link from a chart down to its evidence."""

    label: str
    href: str


@dataclass(frozen=True)
class ArticleRef:
    id: str
    href: str
    title: str
    source: str
    published: str
    doc: str


@dataclass(frozen=True)
class SummarySection:
    """Head of the report: what was analysed."""

    focus: str
    database: str
    today: str
    by: str
    articles: int
    dated_articles: int
    statements: int
    quotes: int
    forecasts: int
    persons: int


@dataclass(frozen=True)
class BalanceSection:
    """Vector shares per period: stacked, and each with its 95% bootstrap band."""

    chart: Markup
    periods: tuple[str, ...]
    note: str
    evidence: tuple[Link, ...]


@dataclass(frozen=True)
class ProfileRow:
    vector: str
    share: str
    share_ci: str
    tone: str
    tone_ci: str
    statements: int
    articles: int
    href: str


@dataclass(frozen=True)
class ProfileSection:
    """Whole-corpus vector profile: shares (radar) and tone (bars with intervals)."""

    chart: Markup
    rows: tuple[ProfileRow, ...]
    evidence: tuple[Link, ...]


@dataclass(frozen=True)
class DomainRow:
    vector: str
    domain: str
    cooperation: int
    tension: int
    href: str


@dataclass(frozen=True)
class DomainSection:
    """Cooperation (up) and tension (down) statements per vector, by domain."""

    chart: Markup
    rows: tuple[DomainRow, ...]
    evidence: tuple[Link, ...]


@dataclass(frozen=True)
class IndexRow:
    period: str
    articles: int
    statements: int
    balance: str
    balance_ci: str
    effective_exp: str
    effective_hhi: str
    lead_ratio: str
    top3: str


@dataclass(frozen=True)
class IndexSection:
    """Balance index and effective number of vectors per period."""

    chart: Markup
    rows: tuple[IndexRow, ...]
    evidence: tuple[Link, ...]


@dataclass(frozen=True)
class ForecastRow:
    speaker: str
    text: str
    about: str
    horizon: str
    window: str
    status: str
    article: ArticleRef


@dataclass(frozen=True)
class ForecastSection:
    """The forecast ledger: who predicted what, for when, and whether it is due by `today`."""

    chart: Markup
    today: str
    rows: tuple[ForecastRow, ...]
    total: int


@dataclass(frozen=True)
class PersonRow:
    name: str
    roles: str
    country: str
    quotes: int
    articles: int
    href: str


@dataclass(frozen=True)
class PeopleSection:
    """The people quoted most, with their roles."""

    chart: Markup
    rows: tuple[PersonRow, ...]


@dataclass(frozen=True)
class EvidenceRow:
    sentence: str
    partners: str
    domain: str
    polarity: str
    intensity: str
    speaker: str
    article: ArticleRef


@dataclass(frozen=True)
class EvidenceGroup:
    """Statements behind one vector (the first `shown` of `total`)."""

    vector: str
    anchor: str
    total: int
    rows: tuple[EvidenceRow, ...]


@dataclass(frozen=True)
class QuoteRow:
    text: str
    kind: str
    cue: str
    article: ArticleRef


@dataclass(frozen=True)
class PersonQuotes:
    name: str
    anchor: str
    total: int
    rows: tuple[QuoteRow, ...]


@dataclass(frozen=True)
class EvidenceSection:
    """Appendix: statements per vector, quotes per person, and the articles they come from."""

    groups: tuple[EvidenceGroup, ...]
    people: tuple[PersonQuotes, ...]
    articles: tuple[ArticleRef, ...]


@dataclass(frozen=True)
class OverviewPage:
    """The report's charts; on the dashboard their evidence links lead to search, person and
    article pages."""

    title: str
    summary: SummarySection
    balance: BalanceSection
    profile: ProfileSection
    domains: DomainSection
    indices: IndexSection
    forecasts: ForecastSection
    people: PeopleSection


@dataclass(frozen=True)
class ReportPage(OverviewPage):
    """The whole report file: the overview's charts and the evidence appendix."""

    evidence: EvidenceSection


# --------------------------------------------------------------------------- links


def slug(text: str) -> str:
    """An HTML id fragment for a vector or person name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


@dataclass(frozen=True)
class Links:
    """Where evidence lives: anchors inside the report, or dashboard URLs."""

    vector: Callable[[str], str] = lambda v: f"#evidence-{slug(v)}"
    person: Callable[[str], str] = lambda key: f"#person-{slug(key)}"
    article: Callable[[str], str] = lambda aid: f"#article-{aid}"
    forecasts: str = "#forecasts"
    people: str = "#people"


# --------------------------------------------------------------------------- dashboard pages


@dataclass(frozen=True)
class Pager:
    """Where this page of results sits: limit/offset with next and previous links."""

    limit: int
    offset: int
    shown: int
    prev_href: str
    next_href: str


@dataclass(frozen=True)
class ErrorPage:
    title: str
    message: str
    hint: str


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class Hit:
    """One statement or quote found, with where it comes from."""

    kind: str
    text: str
    speaker: str
    speaker_href: str
    partners: str
    vectors: str
    domain: str
    polarity: str
    article_title: str
    article_source: str
    published: str
    href: str


@dataclass(frozen=True)
class SearchPage:
    title: str
    q: str
    kind: str
    kinds: tuple[Option, ...]
    vectors: tuple[Option, ...]
    domains: tuple[Option, ...]
    polarities: tuple[Option, ...]
    partner: str
    speaker: str
    source: str
    date_from: str
    date_to: str
    hits: tuple[Hit, ...]
    pager: Pager
    api_href: str


@dataclass(frozen=True)
class PersonRole:
    role: str
    article_title: str
    published: str
    href: str


@dataclass(frozen=True)
class PersonQuote:
    text: str
    kind: str
    article_title: str
    published: str
    href: str


@dataclass(frozen=True)
class PersonForecast:
    text: str
    horizon: str
    window: str
    article_title: str
    published: str
    href: str


@dataclass(frozen=True)
class PersonPage:
    """One person across the corpus: roles, quotes and forecasts, oldest first."""

    title: str
    name: str
    key: str
    country: str
    aliases: str
    roles: tuple[PersonRole, ...]
    quotes: tuple[PersonQuote, ...]
    forecasts: tuple[PersonForecast, ...]
    chart: Markup
    pager: Pager
    api_href: str


@dataclass(frozen=True)
class RecordRow:
    anchor: str
    kind: str
    start: int
    end: int
    text: str
    detail: str


@dataclass(frozen=True)
class KindCount:
    kind: str
    count: int


@dataclass(frozen=True)
class ArticlePage:
    """An article's text with every extracted record marked at its offsets."""

    title: str
    headline: str
    article_id: str
    source: str
    published: str
    doc: str
    url: str
    body: Markup
    counts: tuple[KindCount, ...]
    records: tuple[RecordRow, ...]
    api_href: str


@dataclass(frozen=True)
class ListRow:
    label: str
    detail: str
    count: int
    href: str


@dataclass(frozen=True)
class ListPage:
    """A paginated list: the people or the articles."""

    title: str
    heading: str
    rows: tuple[ListRow, ...]
    pager: Pager
    api_href: str
