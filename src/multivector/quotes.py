"""Quotations: who said what, in direct and reported speech, with the speaker resolved.

One pass of a few compiled patterns over the text finds quotation marks and reporting cues
(verbs, "according to", "in his opinion", "X's statement that", medial ", he said,").
Speakers are found next to the cue and resolved through the persons step's `Person.spans`
(every mention of a person, names and descriptions): the person whose span holds the
speaker mention; a pronoun goes to the subject of the latest attribution or the person
mentioned before it. Collective state speakers ("the leadership of X") become a
"Government of X" label through the mentions step; unnamed sources ("experts") stay null.
Cue lists live in `data/quotes.toml`.

This module joins the parts and is the public face: `quotecues` compiles the cue lists,
`quotemarks` pairs quotation marks into direct quotations and finds the cue next to them,
`reported` finds reported-speech clauses, and `speakers` resolves a subject phrase to a
speaker.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from typing import Any

from .persons import fold_name
from .pipeline import Resources, step
from .quotecues import QuoteCues
from .quotemarks import (
    Direct,
    attribute_after,
    attribute_before,
    direct_candidates,
    has_words,
    standalone,
)
from .records import Article, Mention, Person, Quote
from .reported import Indirect, find_indirect
from .speakers import QuoteContext, Speaker

__all__ = [
    "QUOTE_COLUMNS",
    "QuoteCues",
    "find_quotes",
    "list_quotes",
    "quotes_step",
    "speaker_matches",
]

_SPACES_RE = re.compile(r"\s+")


# --------------------------------------------------------------------------- main


def find_quotes(
    text: str,
    *,
    persons: Sequence[Person] = (),
    mentions: Sequence[Mention] = (),
    skip: Sequence[Any] = (),
    cues: QuoteCues | None = None,
    focus: str | None = None,
) -> tuple[Quote, ...]:
    """Direct and reported quotations in `text`, each with its speaker resolved.

    `persons` and `mentions` come from the persons and mentions steps (speakers are found
    through `Person.spans`); `skip` holds spans (site chrome) to leave out; `focus` is the
    country that "the country's leadership" stands for when the text does not say.
    """
    cues = cues or QuoteCues.load()
    ctx = QuoteContext(text, persons, mentions, cues, focus)
    directs = direct_candidates(text, cues, ctx, skip)
    ctx.set_quoted(
        [(d.open_pos if d.open_pos >= 0 else d.start, max(d.close_pos, d.end) + 1) for d in directs]
    )
    indirect = [
        c
        for c in find_indirect(text, cues, ctx, skip)
        if not ctx.in_quote(c.cue_start) and not ctx.in_quote(c.who[1] - 1)
    ]
    _resolve_speakers(text, cues, ctx, directs, indirect)
    return _records(text, cues, ctx, directs, indirect)


def _resolve_speakers(
    text: str, cues: QuoteCues, ctx: QuoteContext, directs: list[Direct], indirect: list[Indirect]
) -> None:
    """Find and resolve every speaker, in text order so that pronouns see earlier ones."""
    events: list[tuple[int, int, int]] = []
    attributions: dict[int, tuple[tuple[int, int], str]] = {}
    prev_end = 0
    for i, d in enumerate(directs):
        after = attribute_after(text, d, cues, ctx)
        before = attribute_before(text, d, cues, ctx, prev_end)
        chosen = after or before
        if after and before and before[1].lower().startswith(("according", "in ")):
            chosen = before
        if chosen is not None:
            attributions[i] = chosen
        prev_end = max(d.close_pos, d.end) + 1
        events.append((chosen[0][0] if chosen else d.start, 0, i))
    events.extend((c.who[0], 1, j) for j, c in enumerate(indirect))
    events.sort()
    used = [who for who, _cue in attributions.values()]
    for _pos, is_indirect, idx in events:
        if not is_indirect:
            d = directs[idx]
            if idx in attributions:
                (w_start, w_end), cue = attributions[idx]
                anchor = d.open_pos if d.open_pos >= 0 else d.start
                d.speaker = ctx.resolve(w_start, w_end, anchor=anchor)
                if cue == ":" and d.speaker is not None and d.speaker.person_id is None:
                    d.speaker = None  # 'Interview: "..."' - a label, not a speaker
                d.cue = cue if cue != ":" else None
                d.attributed = d.speaker is not None
            if d.speaker is not None and d.speaker.mention is not None:
                ctx.history.append((d.speaker.start, d.speaker))
            continue
        c = indirect[idx]
        if any(s <= c.cue_start < e for s, e in used):
            continue  # the cue attributes a direct quotation
        c.speaker = ctx.resolve(c.who[0], c.who[1], anchor=c.cue_start)
        if c.speaker is not None:
            ctx.history.append((c.speaker.start, c.speaker))
    ctx.history.sort(key=lambda h: h[0])


def _records(
    text: str, cues: QuoteCues, ctx: QuoteContext, directs: list[Direct], indirect: list[Indirect]
) -> tuple[Quote, ...]:
    """Quote records: reported clauses (unless a quotation covers them), the quotations,
    and quoted fragments of reported speech with the speaker of their clause."""
    kept = _select_indirect([c for c in indirect if c.speaker is not None])
    out: list[Quote] = []
    fragments: set[int] = set()
    by_start = _DirectsByStart(directs)
    for c in kept:
        near = by_start.near(c.start, c.end)
        overlap = sum(
            min(c.end, d.end) - max(c.start, d.start)
            for d in near
            if d.start < c.end and c.start < d.end
        )
        opens = any(abs(d.start - c.start) <= 2 for d in near)
        if opens and overlap > 0.6 * (c.end - c.start):  # 'According to him, "..."': direct
            for d in near:
                if d.start < c.end and c.start < d.end and not d.attributed:
                    d.speaker, d.cue, d.attributed = c.speaker, c.cue, True
            continue
        out.append(_record(text, c.speaker, c.start, c.end, "indirect", c.cue))
        for d in near:
            if c.start <= d.start and d.end <= c.end + 2:
                fragments.add(id(d))
                long_enough = has_words(text, d.start, d.end, cues.min_words_fragment)
                if not d.attributed and not d.single and long_enough:
                    d.speaker, d.cue, d.attributed = c.speaker, c.cue, True
    for d in directs:
        if d.attributed:
            out.append(_record(text, d.speaker, d.start, d.end, "direct", d.cue))
        elif standalone(text, d, cues, ctx) and id(d) not in fragments:
            speaker = _context_speaker(ctx, d)
            if d.single and (speaker is None or speaker.name is None):
                continue  # single marks without a speaker are too often not quotations
            out.append(_record(text, speaker, d.start, d.end, "direct", None))
    out.sort(key=lambda q: (q.start, q.end))
    return tuple(out)


class _DirectsByStart:
    """The quotations sorted by start, so that a reported clause visits only those near it
    (an article may hold dozens of each)."""

    def __init__(self, directs: list[Direct]) -> None:
        self.directs = sorted(directs, key=lambda d: d.start)
        self.starts = [d.start for d in self.directs]
        self.longest = max((d.end - d.start for d in directs), default=0)

    def near(self, start: int, end: int) -> list[Direct]:
        """The quotations starting in [start - longest - 2, end + 2]: every one that overlaps
        [start, end), starts within 2 of `start`, or lies in [start, end + 2]."""
        lo = bisect.bisect_left(self.starts, start - self.longest - 2)
        return self.directs[lo : bisect.bisect_right(self.starts, end + 2)]


def _select_indirect(cands: list[Indirect]) -> list[Indirect]:
    """One record per reported clause: among overlapping candidates keep the earliest cue."""
    kept: list[Indirect] = []
    for c in sorted(cands, key=lambda c: (c.start, -(c.end - c.start))):
        clash = None
        for k in kept:
            inter = min(k.end, c.end) - max(k.start, c.start)
            union = max(k.end, c.end) - min(k.start, c.start)
            if inter > 0 and inter / union >= 0.5:
                clash = k
                break
        if clash is None:
            kept.append(c)
        elif (
            clash.speaker is not None
            and clash.speaker.name is None
            and c.speaker
            and c.speaker.name
        ):
            kept[kept.index(clash)] = c
    return kept


def _context_speaker(ctx: QuoteContext, d: Direct) -> Speaker | None:
    """A quotation with no cue next to it continues the latest speaker nearby (split quotes,
    a quotation after 'X answered that ...')."""
    origin = d.open_pos
    first = ctx.sentence_of(origin)
    p_index = ctx.paragraph_of(origin)
    for pos, sp in reversed(ctx.history):
        if pos >= origin:
            continue
        if first - ctx.sentence_of(pos) <= 3 and p_index - ctx.paragraph_of(pos) <= 1:
            return Speaker(sp.name, sp.person_id, sp.mention, sp.start, sp.end)
        break
    return None


def _record(
    text: str, speaker: Speaker | None, start: int, end: int, kind: str, cue: str | None
) -> Quote:
    return Quote(
        speaker=speaker.name if speaker else None,
        speaker_id=speaker.person_id if speaker else None,
        speaker_mention=speaker.mention if speaker else None,
        text=text[start:end],
        start=start,
        end=end,
        kind=kind,  # type: ignore[arg-type]
        cue=_SPACES_RE.sub(" ", cue).strip() if cue else None,
    )


# --------------------------------------------------------------------------- pipeline


@step("quotes", provides="quotes", requires=("persons", "mentions"))
def quotes_step(
    article: Article, records: Mapping[str, tuple[Any, ...]], resources: Resources
) -> tuple[Quote, ...]:
    """Pipeline step: quotations of one article, site chrome left out."""
    cues = resources.get("quote_cues", lambda r: QuoteCues.load(r.options.get("quote_cues")))
    return find_quotes(
        article.text,
        persons=records.get("persons", ()),
        mentions=records.get("mentions", ()),
        skip=article.boilerplate,
        cues=cues,
        focus=resources.options.get("focus"),
    )


# --------------------------------------------------------------------------- queries

QUOTE_COLUMNS = ["date", "speaker", "role", "kind", "text", "source", "doc", "cue"]


def _name_keys(*names: str | None) -> set[str]:
    """Folded words of names, so 'Pritchin' finds 'Stanislav Pritchin' in any spelling."""
    keys = set()
    for name in names:
        for word in re.findall(r"[^\W\d_][\w’'-]*", name or ""):
            keys.add(fold_name(word))
    return keys


def speaker_matches(query: str, *names: str | None) -> bool:
    """Whether every word of `query` names the speaker, spelling variants folded together."""
    wanted = _name_keys(query)
    return bool(wanted) and wanted <= _name_keys(*names)


def list_quotes(
    store: Any, *, speaker: str | None = None, about: str | None = None, limit: int | None = 1000
) -> list[dict[str, Any]]:
    """Stored quotations with speaker, role, date and source, newest first.

    `speaker` matches transliteration-tolerantly against the speaker's name and aliases;
    `about` keeps quotations whose span contains a mention of that actor code.
    """
    rows: list[dict[str, Any]] = []
    with store.engine.connect() as conn:
        for r in conn.execute(_quotes_query(speaker=speaker, about=about)):
            aliases = list(r.aliases or [])
            if speaker and not speaker_matches(speaker, r.speaker, *aliases):
                continue
            rows.append(_quote_row(r))
            if limit is not None and len(rows) >= limit:
                break
    return rows


def _quotes_query(*, speaker: str | None, about: str | None) -> Any:
    """The SQL side of `list_quotes`: quotations joined to their article and speaker,
    newest first; the speaker's name is matched in Python (spelling variants)."""
    import sqlalchemy as sa

    from .store import article_persons, articles, mentions
    from .store import quotes as quotes_table

    q, a, ap = quotes_table, articles, article_persons
    query = (
        sa.select(
            q.c.article_id,
            q.c.char_start,
            q.c.char_end,
            q.c.speaker,
            q.c.speaker_mention,
            q.c.text,
            q.c.kind,
            q.c.cue,
            a.c.doc,
            a.c.source,
            a.c.published,
            ap.c.roles,
            ap.c.aliases,
        )
        .select_from(
            q.join(a, a.c.id == q.c.article_id).outerjoin(
                ap, sa.and_(ap.c.article_id == q.c.article_id, ap.c.local_id == q.c.speaker_id)
            )
        )
        .order_by(a.c.published.desc(), a.c.doc, q.c.char_start)
    )
    if about:
        m = mentions
        query = query.where(
            sa.exists().where(
                m.c.article_id == q.c.article_id,
                m.c.char_start >= q.c.char_start,
                m.c.char_end <= q.c.char_end,
                m.c.actor == about.upper(),
            )
        )
    if speaker:
        query = query.where(q.c.speaker.is_not(None))
    return query


def _quote_row(r: Any) -> dict[str, Any]:
    """One `list_quotes` row (QUOTE_COLUMNS plus the span) from a query result row."""
    roles = list(r.roles or [])
    return {
        "date": r.published,
        "speaker": r.speaker,
        "role": roles[0] if roles else None,
        "kind": r.kind,
        "text": r.text,
        "source": r.source,
        "doc": r.doc,
        "cue": r.cue,
        "start": r.char_start,
        "end": r.char_end,
    }
