"""The queries behind each dashboard page, over one read-only database.

`Dashboard` answers the web app's pages (`web.py`) with their typed contexts
(`contexts.py`): the overview (the report's sections, cached until the data change), search
over statements and quotes, one person, one article with its records highlighted in place, and
the paginated lists of people and articles. Queries are parameterised and paginated.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import threading
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, urlencode

import sqlalchemy as sa
from markupsafe import Markup

from . import store as t
from .charts import ChartWriter, person_figure
from .contexts import (
    ArticlePage,
    Hit,
    KindCount,
    Links,
    ListRow,
    OverviewPage,
    Pager,
    PersonForecast,
    PersonPage,
    PersonQuote,
    PersonRole,
    RecordRow,
)
from .highlight import Span, highlight
from .queries import (
    ReadOnlyDB,
    json_has,
    quoted_by,
    rows,
    sentence,
    vector_filter,
    with_article,
)
from .report import ReportOptions, report_context
from .report_queries import default_focus, person_quotes, resolve_vectors, vector_names
from .sections import forecast_window

MAX_LIMIT = 500


SEARCH_TABLES = {"statements": "fts_statements", "quotes": "fts_quotes"}


#: The records marked in an article: kind, anchor prefix, table, and the tooltip of a row.
RECORD_KINDS: tuple[tuple[str, str, sa.Table, Callable[[dict[str, Any]], str]], ...] = (
    ("boilerplate", "b", t.boilerplate, lambda r: f"site chrome ({r['rule']})"),
    ("mention", "m", t.mentions, lambda r: f"{r['actor']} ({r['kind']})"),
    (
        "statement",
        "s",
        t.statements,
        lambda r: (
            f"{', '.join(r['vectors']) or 'no vector'} · {r['domain']}"
            f" · {r['polarity']} ({r['intensity']:+.2f}) · {r['modality']}"
        ),
    ),
    ("quote", "q", t.quotes, lambda r: f"{r['speaker'] or 'unattributed'} ({r['kind']})"),
    (
        "forecast",
        "f",
        t.forecasts,
        lambda r: f"{r['speaker'] or 'unattributed'} · horizon {r['horizon'] or '–'}",
    ),
    ("number", "n", t.numbers, lambda r: f"{r['value']} {r['unit'] or ''}".strip()),
)


PG_SEARCH_COLUMN = "search_doc"


def _pg_word_filter(table: sa.Table, q: str) -> Any:
    """Every word of `q` among a record's words, through PostgreSQL's GIN indexes (the
    expression over quotes must read exactly as the index's, `store.PG_SEARCH_DOC`)."""
    if table.name == "quotes":
        doc = t.PG_SEARCH_DOC.format(text="quotes.text", speaker="quotes.speaker")
    else:
        doc = f"statements.{PG_SEARCH_COLUMN}"
    return sa.text(f"{doc} @@ plainto_tsquery('simple', :words)").bindparams(words=q)


def fts_query(text: str) -> str:
    """The user's words as an FTS5 query: every word must occur (each one quoted, so
    operators and punctuation in the input are inert)."""
    words = re.findall(r"\w+", text)
    return " ".join(f'"{w}"' for w in words)


def person_href(key: str) -> str:
    return f"/person/{quote(key, safe='')}"


def article_href(aid: str, anchor: str = "") -> str:
    return f"/article/{quote(aid, safe='')}" + (f"#{anchor}" if anchor else "")


def record_anchor(prefix: str, start: int, end: int) -> str:
    """The id of a record on its article page (prefix from RECORD_KINDS): links into the
    page and the page itself must spell it alike."""
    return f"{prefix}-{start}-{end}"


def record_href(prefix: str, r: dict[str, Any]) -> str:
    """The link to a stored record (a row with article_id, char_start, char_end)."""
    return article_href(r["article_id"], record_anchor(prefix, r["char_start"], r["char_end"]))


WEB_LINKS = Links(
    vector=lambda v: f"/search?{urlencode({'vector': v})}",
    person=person_href,
    article=article_href,
    forecasts="/#forecasts",
    people="/people",
)


class Dashboard:
    """The queries behind each page, over one read-only database."""

    def __init__(self, db: ReadOnlyDB, *, n_boot: int = 200) -> None:
        self.db = db
        self.n_boot = n_boot
        self._overview: tuple[tuple[Any, ...], OverviewPage] | None = None
        self._lock = threading.Lock()
        self.search_tables = self._search_tables()

    def _search_tables(self) -> set[str]:
        """The word indexes this database has: SQLite's FTS5 tables, or on PostgreSQL the
        `statements.search_doc` column (migration 0004, with the quotes index beside it)."""
        with self.db.engine.connect() as conn:
            inspector = sa.inspect(conn)
            if not self.db.is_sqlite:
                columns = {c["name"] for c in inspector.get_columns("statements")}
                return {PG_SEARCH_COLUMN} if PG_SEARCH_COLUMN in columns else set()
            names = set(inspector.get_table_names())
        return {name for name in SEARCH_TABLES.values() if name in names}

    def _version(self) -> tuple[Any, ...]:
        """Cheap fingerprint of the stored data, so the cached overview follows new runs."""
        s, a = t.statements, t.articles
        with self.db.engine.connect() as conn:
            if self.db.is_sqlite:
                return tuple(
                    conn.execute(
                        sa.text(
                            "SELECT (SELECT max(rowid) FROM statements), (SELECT max(rowid) FROM "
                            "articles), (SELECT max(rowid) FROM quotes), (SELECT max(rowid) FROM "
                            "forecasts)"
                        )
                    ).one()
                )
            return (
                conn.execute(sa.select(sa.func.count()).select_from(s)).scalar(),
                conn.execute(sa.select(sa.func.count()).select_from(a)).scalar(),
            )

    def overview(self) -> OverviewPage:
        version = self._version()
        with self._lock:
            if self._overview is not None and self._overview[0] == version:
                return self._overview[1]
            page = report_context(
                self.db,
                ReportOptions(
                    by="year",
                    today=_today(),
                    n_boot=self.n_boot,
                    forecasts=50,
                    evidence=0,
                    links=WEB_LINKS,
                ),
                inline_js=False,
            )
            overview = OverviewPage(
                **{f.name: getattr(page, f.name) for f in dataclasses.fields(OverviewPage)}
            )
            self._overview = (version, overview)
            return overview

    # ------------------------------------------------------------------ search

    def search(self, params: dict[str, str], limit: int, offset: int) -> tuple[list[Hit], bool]:
        kind = params.get("kind") or "statements"
        if kind == "quotes":
            found = self._search_quotes(params, limit + 1, offset)
        else:
            found = self._search_statements(params, limit + 1, offset)
        return found[:limit], len(found) > limit

    def _storage_order(self, table: sa.Table) -> list[Any]:
        """Rows in the order they were stored: on SQLite the rowid, which lets a full-text
        match or a filter stream the first page instead of sorting every hit."""
        if self.db.is_sqlite:
            return [sa.literal_column(f"{table.name}.rowid")]
        return list(table.primary_key.columns)

    def _text_filter(self, table: sa.Table, q: str) -> Any:
        words = fts_query(q)
        if not words:
            return None
        name = SEARCH_TABLES[table.name]
        if name in self.search_tables:
            return sa.text(
                f"{table.name}.rowid IN (SELECT rowid FROM {name} WHERE {name} MATCH :fts)"
            ).bindparams(fts=words)
        if PG_SEARCH_COLUMN in self.search_tables:
            return _pg_word_filter(table, q)
        column = table.c.text if table is t.quotes else sentence(table)
        conds = [column.ilike(f"%{w}%") for w in re.findall(r"\w+", q)]
        return sa.and_(*conds)

    def _common(self, table: sa.Table, params: dict[str, str]) -> list[Any]:
        a = t.articles.alias("filtered")
        conds: list[Any] = []
        text = self._text_filter(table, params.get("q", ""))
        if text is not None:
            conds.append(text)
        if params.get("speaker"):
            conds.append(table.c.speaker.ilike(f"%{params['speaker']}%"))
        about: list[Any] = []
        if params.get("source"):
            about.append(a.c.source.ilike(f"%{params['source']}%"))
        if params.get("date_from"):
            about.append(a.c.published >= params["date_from"])
        if params.get("date_to"):
            about.append(a.c.published <= params["date_to"] + "\uffff")
        if about:  # correlated: one index lookup per candidate row, no scan of all articles
            conds.append(
                sa.exists(
                    sa.select(sa.literal(1))
                    .select_from(a)
                    .where(a.c.id == table.c.article_id, *about)
                )
            )
        return conds

    def _hit_rows(
        self, table: sa.Table, columns: Sequence[Any], conds: list[Any], limit: int, offset: int
    ) -> list[dict[str, Any]]:
        """A page of matching records with their articles, in storage order."""
        query = (
            with_article(table, *columns)
            .where(*conds)
            .order_by(*self._storage_order(table))
            .limit(limit)
            .offset(offset)
        )
        return rows(self.db, query)

    def _search_statements(self, params: dict[str, str], limit: int, offset: int) -> list[Hit]:
        s = t.statements
        conds = self._common(s, params)
        if params.get("vector"):
            conds.append(vector_filter(self.db, params["vector"]))
        if params.get("partner"):
            conds.append(json_has(self.db, s.c.partners, params["partner"].upper()))
        if params.get("domain"):
            conds.append(s.c.domain == params["domain"])
        if params.get("polarity"):
            conds.append(s.c.polarity == params["polarity"])
        columns = (
            s.c.article_id,
            s.c.char_start,
            s.c.char_end,
            s.c.partners,
            s.c.vectors,
            s.c.domain,
            s.c.polarity,
            s.c.speaker,
            sentence(s).label("text"),
        )
        return [
            _hit(
                "statement",
                "s",
                r,
                _speaker_href(r["speaker"]),
                partners=", ".join(r["partners"]),
                vectors=", ".join(r["vectors"]),
                domain=r["domain"],
                polarity=r["polarity"],
            )
            for r in self._hit_rows(s, columns, conds, limit, offset)
        ]

    def _search_quotes(self, params: dict[str, str], limit: int, offset: int) -> list[Hit]:
        q = t.quotes
        conds = self._common(q, params)
        columns = (
            q.c.article_id,
            q.c.char_start,
            q.c.char_end,
            q.c.speaker,
            q.c.person_key,
            q.c.text,
        )
        return [
            _hit("quote", "q", r, _speaker_href(r["person_key"] or r["speaker"]))
            for r in self._hit_rows(q, columns, conds, limit, offset)
        ]

    @functools.cached_property
    def vector_names(self) -> list[str]:
        """The search form's vectors: the overview's, without computing the overview."""
        return vector_names(resolve_vectors(default_focus(self.db)))

    # ------------------------------------------------------------------ people

    def person(self, key: str, limit: int, offset: int) -> tuple[PersonPage | None, bool]:
        """One person's page (their quotes from `offset`), and whether more quotes follow;
        None when nothing is known of `key`."""
        p = t.persons
        found = rows(self.db, sa.select(p).where(p.c.key == key))
        if not found:  # a bare name (statement and forecast speakers): its person, if known
            found = rows(self.db, sa.select(p).where(p.c.name == key).order_by(p.c.key).limit(1))
            key = found[0]["key"] if found else key
        mentions = self._person_mentions(key)
        quote_rows = person_quotes(self.db, key, limit + 1, offset)
        if not found and not mentions and not quote_rows and offset == 0:
            return None, False
        name = found[0]["name"] if found else (mentions[0]["name"] if mentions else key)
        names = {name, key} | {alias for m in mentions for alias in (m["aliases"] or ())}
        names |= {m["name"] for m in mentions}
        page = PersonPage(
            title=f"{name} · multivector",
            name=name,
            key=key,
            country=(found[0]["country"] if found else None)
            or next((m["country"] for m in mentions if m["country"]), None)
            or "–",
            aliases=", ".join(sorted(names - {name, key})) or "–",
            roles=tuple(
                PersonRole(
                    role=role,
                    article_title=m["title"] or m["doc"],
                    published=m["published"] or "undated",
                    href=article_href(m["article_id"]),
                )
                for m in mentions
                for role in (m["roles"] or ())
            ),
            quotes=tuple(_person_quote(r) for r in quote_rows[:limit]),
            forecasts=tuple(_person_forecast(r) for r in self._person_forecasts(sorted(names))),
            chart=self._person_chart(key, sorted(names)),
            pager=Pager(limit, offset, 0, "", ""),
            api_href="",
        )
        return page, len(quote_rows) > limit

    def _person_mentions(self, key: str) -> list[dict[str, Any]]:
        """The articles that name the person, with their name, aliases, roles and country there."""
        ap, a = t.article_persons, t.articles
        columns = (ap.c.article_id, ap.c.name, ap.c.aliases, ap.c.roles, ap.c.country)
        return rows(
            self.db,
            with_article(ap, *columns)
            .where(ap.c.person_key == key)
            .order_by(a.c.published, ap.c.article_id)
            .limit(MAX_LIMIT),
        )

    def _person_forecasts(self, names: Sequence[str]) -> list[dict[str, Any]]:
        """Forecasts whose speaker is one of the person's names."""
        f, a = t.forecasts, t.articles
        columns = (
            f.c.article_id,
            f.c.char_start,
            f.c.char_end,
            f.c.text,
            f.c.horizon,
            f.c.window_from,
            f.c.window_to,
        )
        return rows(
            self.db,
            with_article(f, *columns)
            .where(f.c.speaker.in_(names))
            .order_by(a.c.published, f.c.article_id, f.c.char_start)
            .limit(MAX_LIMIT),
        )

    def _person_chart(self, key: str, names: Sequence[str]) -> Markup:
        """Quotes and forecasts per publication year (undated articles: 'undated')."""
        q, f, a = t.quotes, t.forecasts, t.articles
        year = sa.func.coalesce(sa.func.substr(a.c.published, 1, 4), "undated").label("year")
        series = {}
        for label, table, cond in (
            ("quotes", q, quoted_by(key)),
            ("forecasts", f, f.c.speaker.in_(names)),
        ):
            found = rows(
                self.db,
                sa.select(year, sa.func.count().label("n"))
                .select_from(table)
                .join(a, a.c.id == table.c.article_id)
                .where(cond)
                .group_by(year),
            )
            series[label] = {r["year"]: r["n"] for r in found}
        fig = person_figure(series)
        return ChartWriter(inline_js=False)(fig, "chart-person")

    def people(self, limit: int, offset: int) -> tuple[list[ListRow], bool]:
        p, ap = t.persons, t.article_persons
        query = (
            sa.select(
                p.c.key,
                p.c.name,
                p.c.country,
                sa.select(sa.func.count())
                .where(ap.c.person_key == p.c.key)
                .scalar_subquery()
                .label("articles"),
            )
            .order_by(p.c.name, p.c.key)
            .limit(limit + 1)
            .offset(offset)
        )
        found = rows(self.db, query)
        return [
            ListRow(
                label=r["name"],
                detail=r["country"] or "",
                count=r["articles"],
                href=person_href(r["key"]),
            )
            for r in found[:limit]
        ], len(found) > limit

    def articles(self, limit: int, offset: int) -> tuple[list[ListRow], bool]:
        a = t.articles
        query = (
            sa.select(a.c.id, a.c.title, a.c.doc, a.c.source, a.c.published, a.c.chars)
            .order_by(a.c.published.desc(), a.c.id)
            .limit(limit + 1)
            .offset(offset)
        )
        found = rows(self.db, query)
        return [
            ListRow(
                label=r["title"] or r["doc"],
                detail=f"{r['source'] or ''} {r['published'] or 'undated'}".strip(),
                count=r["chars"],
                href=article_href(r["id"]),
            )
            for r in found[:limit]
        ], len(found) > limit

    # ------------------------------------------------------------------ articles

    def article(self, aid: str) -> ArticlePage | None:
        """An article's page: its text with every record marked, and the records listed."""
        a = t.articles
        found = rows(self.db, sa.select(a).where(a.c.id == aid))
        if not found:
            return None
        art = found[0]
        text: str = art["text"]
        spans = self._record_spans(aid)
        counts = tuple(
            KindCount(kind, sum(1 for s in spans if s.kind == kind)) for kind, *_ in RECORD_KINDS
        )
        records = [
            RecordRow(
                anchor=s.anchor,
                kind=s.kind,
                start=s.start,
                end=s.end,
                text=text[s.start : s.end],
                detail=s.title,
            )
            for s in spans
        ]
        records.sort(key=lambda r: (r.start, -r.end, r.kind))
        return ArticlePage(
            title=f"{art['title'] or art['doc']} · multivector",
            headline=art["title"] or art["doc"],
            article_id=aid,
            source=art["source"] or "–",
            published=art["published"] or "undated",
            doc=art["doc"],
            url=art["url"] or "",
            body=highlight(text, spans),
            counts=counts,
            records=tuple(records),
            api_href=f"/api/article/{quote(aid)}",
        )

    def _record_spans(self, aid: str) -> list[Span]:
        """Every record of an article as a span, kind by kind (in RECORD_KINDS order)."""
        spans = []
        for kind, prefix, table, detail in RECORD_KINDS:
            query = (
                sa.select(table)
                .where(table.c.article_id == aid)
                .order_by(table.c.char_start, table.c.char_end)
            )
            for r in rows(self.db, query):
                start, end = int(r["char_start"]), int(r["char_end"])
                spans.append(Span(start, end, kind, record_anchor(prefix, start, end), detail(r)))
        return spans


def _hit(kind: str, prefix: str, r: dict[str, Any], speaker_href: str, **detail: str) -> Hit:
    """A search hit from a record row joined to its article; `detail`: statement fields."""
    return Hit(
        kind=kind,
        text=r["text"],
        speaker=r["speaker"] or "",
        speaker_href=speaker_href,
        partners=detail.get("partners", ""),
        vectors=detail.get("vectors", ""),
        domain=detail.get("domain", ""),
        polarity=detail.get("polarity", ""),
        article_title=r["title"] or r["doc"],
        article_source=r["source"] or "",
        published=r["published"] or "undated",
        href=record_href(prefix, r),
    )


def _person_quote(r: dict[str, Any]) -> PersonQuote:
    return PersonQuote(
        text=r["text"],
        kind=r["kind"],
        article_title=r["title"] or r["doc"],
        published=r["published"] or "undated",
        href=record_href("q", r),
    )


def _person_forecast(r: dict[str, Any]) -> PersonForecast:
    return PersonForecast(
        text=r["text"],
        horizon=r["horizon"] or "–",
        window=forecast_window(r["window_from"], r["window_to"]),
        article_title=r["title"] or r["doc"],
        published=r["published"] or "undated",
        href=record_href("f", r),
    )


def _speaker_href(speaker: str | None) -> str:
    return person_href(speaker) if speaker else ""


def _today() -> Any:
    from datetime import date

    return date.today()
