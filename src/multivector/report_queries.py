"""The queries behind the report's sections (and the dashboard's overview).

Which focal country and vector set to show, the people quoted most, the forecast ledger, and
the statements and quotes that serve as evidence. Each returns plain rows (dicts); building
the section contexts from them is `sections.py`'s job.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa

from . import store as t
from .queries import (
    ReadOnlyDB,
    count_rows,
    quoted_by,
    rows,
    sentence,
    vector_filter,
    with_article,
)

Period = Literal["all", "year", "quarter", "month"]


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


def person_quotes(db: ReadOnlyDB, key: str, limit: int) -> list[dict[str, Any]]:
    """The first `limit` quotes of a person, oldest first, with their articles."""
    q, a = t.quotes, t.articles
    return rows(
        db,
        with_article(q, q.c.article_id, q.c.text, q.c.kind, q.c.cue)
        .where(quoted_by(key))
        .order_by(a.c.published, q.c.article_id, q.c.char_start)
        .limit(limit),
    )
