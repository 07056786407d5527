"""The queries behind the report's sections (and the dashboard's overview).

Which focal country and vector set to show, the people quoted most, the forecast ledger, and
the statements and quotes that serve as evidence. Each returns plain rows (dicts); building
the section contexts from them is `sections.py`'s job.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from . import store as t
from .indices import stored_foci
from .queries import (
    ReadOnlyDB,
    count_rows,
    quoted_by,
    rows,
    sentence,
    vector_filter,
    with_article,
)
from .vectors import VectorSet, load_vectors


def default_focus(db: ReadOnlyDB) -> str | None:
    """The focal country with the most statements (None when nothing is stored)."""
    foci = stored_foci(db)
    return foci[0] if foci else None


def resolve_vectors(focus: str | None, vectors: VectorSet | str | Path | None = None) -> VectorSet:
    """The vector definition: an object given, a path or name to load, or the bundled one."""
    if vectors is None or isinstance(vectors, str | Path):
        return load_vectors(vectors, focus=focus)
    return vectors


def vector_names(vectors: VectorSet) -> list[str]:
    """Vector names in definition order."""
    return list(vectors.vectors)


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


def forecast_rows(db: ReadOnlyDB, limit: int) -> tuple[int, list[dict[str, Any]]]:
    """How many forecasts are stored, and the first `limit` with their articles, those with
    the earliest window end first (no window last)."""
    f, a = t.forecasts, t.articles
    columns = (
        f.c.article_id,
        f.c.text,
        f.c.speaker,
        f.c.about,
        f.c.horizon,
        f.c.window_from,
        f.c.window_to,
    )
    found = rows(
        db,
        with_article(f, *columns)
        .order_by(
            f.c.window_to.is_(None), f.c.window_to, a.c.published, f.c.article_id, f.c.char_start
        )
        .limit(limit),
    )
    return count_rows(db, f), found


def vector_statements(
    db: ReadOnlyDB, vector: str, focus: str | None, limit: int
) -> tuple[int, list[dict[str, Any]]]:
    """How many statements `vector` has (for `focus`, if given), and the newest `limit` with
    their sentences and articles."""
    s, a = t.statements, t.articles
    cond = vector_filter(db, vector)
    if focus is not None:
        cond = sa.and_(cond, s.c.focus == focus)
    columns = (
        s.c.article_id,
        s.c.partners,
        s.c.domain,
        s.c.polarity,
        s.c.intensity,
        s.c.speaker,
        sentence(s).label("sentence"),
    )
    found = rows(
        db,
        with_article(s, *columns)
        .where(cond)
        .order_by(a.c.published.desc(), s.c.article_id, s.c.char_start)
        .limit(limit),
    )
    return count_rows(db, s, cond), found


def person_quotes(db: ReadOnlyDB, key: str, limit: int, offset: int = 0) -> list[dict[str, Any]]:
    """A person's quotes from `offset`, at most `limit`, oldest first, with their articles
    (the report's evidence and the dashboard's person pages)."""
    q, a = t.quotes, t.articles
    columns = (q.c.article_id, q.c.char_start, q.c.char_end, q.c.text, q.c.kind, q.c.cue)
    return rows(
        db,
        with_article(q, *columns)
        .where(quoted_by(key))
        .order_by(a.c.published, q.c.article_id, q.c.char_start)
        .limit(limit)
        .offset(offset),
    )
