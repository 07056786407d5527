"""The forecast ledger: who predicted what about whom, with which horizon, due when."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from .quotes import speaker_matches
from .store import Store, articles, forecasts

LEDGER_COLUMNS = [
    "date",
    "speaker",
    "about",
    "horizon",
    "window_from",
    "window_to",
    "status",
    "text",
    "source",
    "doc",
]


def status(window_to: str | None, as_of: date) -> str:
    """'due' once the window has closed, 'open' before; 'undated' with no window."""
    if not window_to:
        return "undated"
    return "due" if window_to < as_of.isoformat() else "open"


def list_forecasts(
    store: Store,
    *,
    speaker: str | None = None,
    about: str | None = None,
    due_before: str | None = None,
    as_of: date | None = None,
    limit: int | None = 1000,
) -> list[dict[str, Any]]:
    """Stored forecasts, oldest article first.

    `speaker` matches any spelling of the name; `about` keeps forecasts concerning that actor
    code; `due_before` keeps forecasts whose window closes before that ISO date.
    """
    f, a = forecasts, articles
    query = (
        sa.select(f, a.c.doc, a.c.source, a.c.published)
        .join(a, a.c.id == f.c.article_id)
        .order_by(a.c.published, a.c.doc, f.c.char_start)
    )
    if due_before:
        query = query.where(f.c.window_to.is_not(None), f.c.window_to < due_before)
    if speaker:
        query = query.where(f.c.speaker.is_not(None))
    today = as_of or date.today()
    wanted = about.upper() if about else None
    rows: list[dict[str, Any]] = []
    with store.engine.connect() as conn:
        for r in conn.execute(query):
            if speaker and not speaker_matches(speaker, r.speaker):
                continue
            concerned = list(r.about or [])
            if wanted and wanted not in concerned:
                continue
            rows.append(
                {
                    "date": r.published,
                    "speaker": r.speaker,
                    "about": ",".join(concerned),
                    "horizon": r.horizon,
                    "window_from": r.window_from,
                    "window_to": r.window_to,
                    "status": status(r.window_to, today),
                    "text": r.text,
                    "source": r.source,
                    "doc": r.doc,
                    "start": r.char_start,
                    "end": r.char_end,
                }
            )
            if limit is not None and len(rows) >= limit:
                break
    return rows
