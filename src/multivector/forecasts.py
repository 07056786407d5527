"""Forecasts: statements about the future, with speaker, partners, horizon and time window.

A forecast is a clause that carries a future cue (a modal such as "will" or "may", an
intention such as "intends to", an expectation such as "is expected", a hedge such as
"is likely to", or a horizon phrase such as "in the medium term"), minus scheduled events,
relative and conditional clauses, embedded questions and normative "should". The clause is
trimmed of connectives, introductory phrases and reporting frames ("X believes that"), so
the record holds what is forecast. Cues and horizon phrases are each found by one compiled
pattern over the whole text; all vocabularies live in `data/forecasts.toml`.
"""

from __future__ import annotations

import bisect
import calendar
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from .actors import dominant_state
from .config import load_data
from .pipeline import Resources, step
from .quantities import load_lexicon as load_quantity_lexicon
from .records import Article, Forecast, Mention, Quote
from .text import (
    Caseless,
    WordStartFinder,
    ascii_lower,
    caseless_pattern,
    covering,
    in_sorted_spans,
    matches_at,
    paragraph_spans,
    sentence_spans,
    sorted_spans,
    trie_regex,
)

# The last word of a window; it starts the window or follows a non-word character (the
# leftmost match always does), so the engine skips the starts inside words.
_PREV_WORD = re.compile(r"(?<![\w'’-])([\w'’-]+)[^\w]*$")
# The same word read in the reversed window, when the window holds a letter or digit: past
# the trailing non-word run, whose ' ’ - marks next to the word belong to it.
_PREV_WORD_REVERSED = re.compile(r"[^\w]*?([’'-]*\w[\w'’-]*)")
_TOKEN = re.compile(r"[\w'’-]+")
# Words after a cue up to the first punctuation mark: other characters (blanks, dashes,
# slashes) are skipped, and a token that opens with _ ' ’ or - ends the run as a mark does.
_RUN_WORD = r"(?:[^\w'’,;:.!?()\"“”-]*[^\W_][\w'’-]*)"
_TRIM = " \t\n.,;:!?\"'“”‘’«»()–—-"
_TRIM_BUT_QUESTION = _TRIM.replace("?", "")
_OPEN_QUOTES = " \t\"'“‘«"
_NEGATED = re.compile(r"\b(?:not|never|no)\b|n['’]t\b", re.IGNORECASE)


@dataclass(frozen=True)
class HorizonRule:
    name: str
    rule: str
    years: int = 0
    months: int = 0
    days: int = 0


@dataclass(frozen=True)
class ForecastLexicon:
    """Compiled cue, exclusion, span and horizon rules of `forecasts.toml`."""

    cue_re: re.Pattern[str]
    cue_lower: re.Pattern[str] | None  # `cue_re` for `ascii_lower` texts, when it can be
    cue_kind: Mapping[str, str]
    lowercase_only: frozenset[str]
    scheduled: frozenset[str]
    scheduled_window: int
    day: Caseless
    not_after_can_re: re.Pattern[str]
    can_requires_re: re.Pattern[str]
    past_modals: frozenset[str]
    have_done_re: re.Pattern[str]
    blockers_before: frozenset[str]
    relative: frozenset[str]
    embedding: Caseless
    question_words: frozenset[str]
    headline_not_before_to: frozenset[str]
    connective: Caseless
    intro: Caseless
    frame: Caseless
    bare_frame_re: re.Pattern[str]
    attribution_re: re.Pattern[str]
    tail_attribution: Caseless
    dateline_re: re.Pattern[str]
    trailing_cuts: tuple[str, ...]
    split_re: re.Pattern[str]
    horizon_re: re.Pattern[str]
    # where a cue or a horizon phrase may start in an `ascii_lower` text; None when a horizon
    # lead spells a letter that copy cannot match (an upper-case or a non-ASCII one)
    finder: WordStartFinder | None
    horizons: Mapping[str, HorizonRule]
    horizon_words: Mapping[str, int]
    numbers: Mapping[str, float]

    @functools.cached_property
    def window_re(self) -> re.Pattern[str]:
        """The first `scheduled_window` words after a position, up to a punctuation mark."""
        return re.compile(f"{_RUN_WORD}{{0,{self.scheduled_window}}}")

    @functools.cached_property
    def any_cut(self) -> re.Pattern[str]:
        """Any of the `trailing_cuts`, found in one scan."""
        return re.compile("|".join(map(re.escape, self.trailing_cuts)) or r"(?!x)x")

    @functools.cached_property
    def scheduled_phrases(self) -> tuple[str, ...]:
        """The scheduling verbs of several words ("take place"), found by substring tests."""
        return tuple(v for v in self.scheduled if " " in v)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ForecastLexicon:
        cues, excl, span = data["cues"], data["exclude"], data["span"]
        adverbs = trie_regex(excl.get("can_adverbs", ["also"]))
        leads = [w.lower() for w in data.get("horizon_settings", {}).get("leads", ["in"])]
        firsts = re.escape("".join(sorted({w[0] for w in leads})))
        kinds: dict[str, str] = {}
        for kind in ("modal", "reported", "intention", "expectation", "hedge"):
            for phrase in cues.get(kind, ()):
                kinds[re.sub(r"\s+", " ", phrase.lower())] = kind
        cue_source = rf"(?<![\w'’])(?:{trie_regex(kinds)})(?!\w)"
        bare = {c.lower() for c in span.get("bare_connectives", ())}
        conns = [c for c in span["connectives"] if c.lower() not in bare]
        connective = Caseless.of(
            rf"(?:(?:{trie_regex(conns)}|{trie_regex(bare)})\s*,\s*|(?:{trie_regex(bare)})\s+)"
        )
        gap = int(span.get("frame_gap", 4))
        verbs = trie_regex(span["reporting_verbs"])
        frame = Caseless.of(
            rf"\b(?:{verbs})\b(?:[\s,]+[\w'’.-]+){{0,{gap}}}?[\s,]+that\s+|\b(?:{verbs})\s*:\s*[\"“]?"
        )
        splits = trie_regex(s.strip(" ,") for s in span["clause_splits"])
        and_before = trie_regex(span["and_split_before"])
        # Every split opens with a punctuation mark, matched first (each alternative then
        # looks back at it): the engine then skips from mark to mark instead of trying every
        # alternative at every position.
        split_re = re.compile(
            rf"[,.!?…;:](?:(?<=[,.!?…])(?:[\"”’»](?=\s|$)|\s*[”»])|(?<=;)\s*|(?<=:)\s+[\"“]?"
            rf"|(?<=,)\s+(?:{splits})\s+|(?<=,)\s+and\s+(?=(?:{and_before})\b))",
            re.IGNORECASE,
        )
        horizons: dict[str, HorizonRule] = {}
        parts = []
        for i, h in enumerate(data.get("horizon", ())):
            name = f"h{i}"
            pattern = re.sub(r"\(\?P<(\w+)>", rf"(?P<{name}_\1>", h["pattern"])
            parts.append(f"(?P<{name}>{pattern})")
            horizons[name] = HorizonRule(
                name,
                h["rule"],
                int(h.get("years", 0)),
                int(h.get("months", 0)),
                int(h.get("days", 0)),
            )
        return cls(
            cue_re=re.compile(cue_source, re.IGNORECASE),
            cue_lower=caseless_pattern(cue_source),
            cue_kind=kinds,
            lowercase_only=frozenset(c.lower() for c in cues.get("lowercase_only", ())),
            scheduled=frozenset(v.lower() for v in excl["scheduled_verbs"]),
            scheduled_window=int(excl.get("scheduled_window", 8)),
            day=Caseless.of(rf"\b(?:{trie_regex(excl['day_markers'])})\b"),
            not_after_can_re=re.compile(
                rf"\s+(?:(?:{adverbs})\s+)?(?:{trie_regex(excl['not_after_can'])})\b", re.IGNORECASE
            ),
            past_modals=frozenset(m.lower() for m in excl.get("past_modals", ())),
            have_done_re=re.compile(
                r"\s+(?:not\s+|also\s+|already\s+)?have\s+(?:\w+ed|"
                + trie_regex(excl.get("past_participles", ["been"]))
                + r")\b",
                re.IGNORECASE,
            ),
            can_requires_re=re.compile(
                rf"\s+(?:(?:{adverbs})\s+)?(?:{trie_regex(excl.get('can_requires', ['be']))})\b",
                re.IGNORECASE,
            ),
            blockers_before=frozenset(w.lower() for w in excl["blockers_before"]),
            relative=frozenset(w.lower() for w in excl["relative_pronouns"]),
            embedding=Caseless.of(rf"\b(?:{trie_regex(excl['embedding_words'])})\b"),
            question_words=frozenset(w.lower() for w in excl["question_words"]),
            headline_not_before_to=frozenset(w.lower() for w in excl["headline_not_before_to"]),
            connective=connective,
            intro=Caseless.of(rf"(?:{trie_regex(span['intro_openers'])})\b"),
            frame=frame,
            tail_attribution=Caseless.of(
                rf",\s*[\"”»]?\s*(?:[\w'’.-]+\s+){{1,5}}(?:{verbs})[\s.!?\"”’]*$"
            ),
            dateline_re=re.compile(span.get("dateline", r"(?!x)x")),
            bare_frame_re=re.compile(
                rf"(?:[\w'’.-]+\s+){{1,5}}?(?:{trie_regex(span.get('bare_frame_verbs', ()))})\s+"
                rf"(?=(?:the|a|an|it|he|she|they|we|i|this|there|(?-i:[A-Z]\w*))\b)(?!that\b)",
                re.IGNORECASE,
            ),
            attribution_re=re.compile(
                rf",\s*[\"”»]?\s*(?:(?-i:[A-Z][\w'’.-]*)\s+){{1,3}}(?:{verbs})\b"
                rf"|,\s*[\"”»]?\s*(?:he|she|they|it|we|I)\s+(?:{verbs})\b",
                re.IGNORECASE,
            ),
            trailing_cuts=tuple(span.get("trailing_cuts", ())),
            split_re=split_re,
            horizon_re=re.compile(
                rf"(?<!\w)(?=[{firsts}])(?={trie_regex(leads)})(?:{'|'.join(parts)})"
                if parts
                else r"(?!x)x",
                re.IGNORECASE,
            ),
            finder=(
                WordStartFinder.of(trie_regex([*kinds, *leads]))
                if caseless_pattern(trie_regex(leads)) is not None
                else None
            ),
            horizons=horizons,
            horizon_words={k.lower(): int(v) for k, v in data.get("horizon_words", {}).items()},
            numbers=load_quantity_lexicon().cardinals,
        )


@functools.lru_cache(maxsize=8)
def load_lexicon(path: str | None = None) -> ForecastLexicon:
    """The bundled forecast lexicon, or a user's replacement file."""
    return ForecastLexicon.from_data(load_data("forecasts.toml", path))


# --- horizon windows -----------------------------------------------------------------------


def _add(day: date, years: int = 0, months: int = 0, days: int = 0) -> date:
    """Calendar arithmetic that clamps the day ("Feb 29" + 1 year -> Feb 28)."""
    total = day.year * 12 + day.month - 1 + years * 12 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last)) + timedelta(days=days)


def _count(raw: str | None, lex: ForecastLexicon) -> int:
    if raw is None:
        return lex.horizon_words.get("default", 3)
    key = re.sub(r"\s+", " ", raw.lower())
    if key.isdigit():
        return int(key)
    if key in lex.horizon_words:
        return lex.horizon_words[key]
    return int(lex.numbers.get(key, lex.horizon_words.get("default", 3)))


def resolve_window(
    match: re.Match[str], published: str | None, lex: ForecastLexicon
) -> tuple[str, str] | None:
    """The [from, to] ISO dates a horizon phrase covers, counted from the publication date."""
    name = match.lastgroup
    if not published or name is None or name not in lex.horizons:
        return None
    try:
        pub = date.fromisoformat(published[:10])
    except ValueError:
        return None
    rule = lex.horizons[name]
    group = match.groupdict()

    def g(key: str) -> str | None:
        return group.get(f"{name}_{key}")

    end: date | None = None
    start = pub
    if rule.rule == "offset":
        end = _add(pub, rule.years, rule.months, rule.days)
    elif rule.rule == "count":
        n = _count(g("n"), lex)
        unit = (g("unit") or "year").lower().rstrip("s")
        if unit == "decade":
            end = _add(pub, years=10 * n)
        elif unit == "year":
            end = _add(pub, years=n)
        elif unit == "month":
            end = _add(pub, months=n)
        elif unit == "week":
            end = pub + timedelta(weeks=n)
        elif unit == "day":
            end = pub + timedelta(days=n)
    elif rule.rule in ("by_year", "in_year") and g("year"):
        year = int(g("year") or 0)
        if year < pub.year:
            return None
        end = date(year, 12, 31)
        if rule.rule == "in_year" and year > pub.year:
            start = date(year, 1, 1)
    elif rule.rule in ("this", "next"):
        unit = (g("unit") or "year").lower()
        step_ = 1 if rule.rule == "next" else 0
        if unit == "year":
            if step_:
                start = date(pub.year + 1, 1, 1)
            end = date(pub.year + step_, 12, 31)
        elif unit == "month":
            first = _add(pub.replace(day=1), months=step_)
            if step_:
                start = first
            end = _add(first, months=1) - timedelta(days=1)
        else:
            monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=step_)
            if step_:
                start = monday
            end = monday + timedelta(days=6)
    if end is None:
        return None
    return start.isoformat(), end.isoformat()


# --- clause analysis -----------------------------------------------------------------------


class _Cue(NamedTuple):  # a tuple: made for every cue hit, far cheaper than a dataclass
    start: int
    end: int
    phrase: str
    kind: str


def _prev_word(text: str, pos: int, floor: int) -> str:
    """The word before `pos` (lower-cased), looking back at most 30 characters, not before
    `floor`. The window is cut out, so that a word it cuts reads as starting at its edge."""
    window = text[max(floor, pos - 30) : pos]
    m = _PREV_WORD_REVERSED.match(window[::-1])  # one anchored match, the common case
    if m is not None:
        return m.group(1)[::-1].lower()
    m = _PREV_WORD.search(window)
    return m.group(1).lower() if m else ""


def _valid(text: str, lowered: str | None, cue: _Cue, seg_start: int, lex: ForecastLexicon) -> bool:
    """Whether a cue marks a forecast here, not a noun, a relative clause, a condition...

    `lowered` is `ascii_lower(text)`, scanned instead of `text` where a pattern allows it."""
    prev = _prev_word(text, cue.start, seg_start)
    if prev in lex.blockers_before or prev in lex.relative:
        return False
    part_start = max(seg_start, text.rfind(",", seg_start, cue.start) + 1)
    embedding, view = lex.embedding.on(text, lowered)
    if embedding.search(view, part_start, cue.start):
        return False
    if cue.phrase in ("can", "could", "cannot", "can't") and lex.not_after_can_re.match(
        text, cue.end
    ):
        return False  # "one can say", "can be called"
    if cue.phrase in ("can", "cannot", "can't") and not lex.can_requires_re.match(text, cue.end):
        return False  # ability: "the minister can sign decrees"
    if cue.phrase in lex.past_modals and lex.have_done_re.match(text, cue.end):
        return False  # "may have been": a guess about the past
    return not _scheduled(text, cue, lex)


def _scheduled(text: str, cue: _Cue, lex: ForecastLexicon) -> bool:
    """ "will" (or "is set to") before a scheduling verb ("will be held", "will host talks",
    "is set to visit") states a plan of record, not a forecast."""
    if cue.phrase not in ("will", "shall", "'ll", "won't") and cue.kind != "intention":
        return False
    run = lex.window_re.match(text, cue.end, min(len(text), cue.end + 120))
    words = [w.lower() for w in _TOKEN.findall(run.group())] if run else []
    if not lex.scheduled.isdisjoint(words):
        return True
    joined = " ".join(words)
    return any(v in joined for v in lex.scheduled_phrases)


def _segments(text: str, start: int, end: int, lex: ForecastLexicon) -> list[tuple[int, int]]:
    """Clauses of one sentence: split at ; : closing quotes and weak conjunctions."""
    out = []
    cursor = start
    for m in lex.split_re.finditer(text, start, end):
        out.append((cursor, m.start()))
        cursor = m.end()
    out.append((cursor, end))
    return [(a, b) for a, b in out if b > a]


def _trim(
    text: str,
    lowered: str | None,
    start: int,
    end: int,
    cues: Sequence[_Cue],
    lex: ForecastLexicon,
) -> tuple[int, int, bool]:
    """Drop openers, introductory phrases and reporting frames; cut trailing asides.

    Returns the new span and whether a reporting frame was dropped (for "would"). `lowered` is
    `ascii_lower(text)`, scanned instead of `text` where a pattern allows it.
    """
    tail_attribution, view = lex.tail_attribution.on(text, lowered)
    tail = tail_attribution.search(view, cues[0].end, end)
    if tail:  # "..., the chamber of commerce predicts": its verb is no cue of the clause
        end = tail.start()
        cues = [c for c in cues if c.end <= end]
    if not cues:
        return start, start, False
    first, last = cues[0].start, cues[-1].end
    while start < first and text[start] in _OPEN_QUOTES:
        start += 1
    dateline = lex.dateline_re.match(text, start, first)
    if dateline:
        start = dateline.end()  # "NEW DELHI — "
    connective, view = lex.connective.on(text, lowered)
    while True:
        m = connective.match(view, start, first)
        if not m or m.end() > first:
            break
        start = m.end()
        while start < first and text[start] in _OPEN_QUOTES:
            start += 1
    intro, view = lex.intro.on(text, lowered)
    if intro.match(view, start, first):
        comma = text.find(",", start, first)
        if comma != -1:
            start = comma + 1
            while start < first and text[start] in " \t":
                start += 1
    framed = False
    frame_end = None
    bare = lex.bare_frame_re.match(text, start, first)
    if bare and not _NEGATED.search(text, start, bare.end()):
        frame_end = bare.end()  # "Officials said the bloc will ..."
    frame, view = lex.frame.on(text, lowered)
    for m in frame.finditer(view, start, first):
        if not _NEGATED.search(text, max(start, m.start() - 12), m.start() + 1):
            frame_end = m.end()  # but keep "I do not think that ..." whole
    if frame_end is not None:
        start, framed = frame_end, True
        while start < first and text[start] in _OPEN_QUOTES:
            start += 1
    if lex.any_cut.search(text, last, end):  # most clauses hold none: one scan rules them out
        for cut in lex.trailing_cuts:
            pos = text.find(cut, last, end)
            if pos != -1:
                end = pos
    attribution = lex.attribution_re.search(text, last, end)
    if attribution:
        end = attribution.start()  # "..., Kazantsev believes." / "..., the minister said in Rome"
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    while start < end and text[start] in _TRIM:
        start += 1
    chunk = text[start:end]
    if end < len(text) and (
        (text[end] == "”" and chunk.count("“") > chunk.count("”"))
        or (text[end] == '"' and chunk.count('"') % 2)
    ):
        end += 1  # keep the closing mark of a quoted fragment: will “slightly collapse”
    return start, end, framed


def _says_day(text: str, lowered: str | None, start: int, end: int, lex: ForecastLexicon) -> bool:
    """Whether text[start:end] names a day-level time ("today", "on Monday")."""
    day, view = lex.day.on(text, lowered)
    return day.search(view, start, end) is not None


def _is_headline_line(text: str, start: int, end: int) -> bool:
    line = text[start:end].rstrip()
    return bool(line) and line[-1] not in ".!;:" and len(line.split()) <= 20


def _is_question(text: str, start: int, end: int, lex: ForecastLexicon) -> bool:
    line = text[start:end].strip().strip("\"“”'‘’«»")
    words = line.split(maxsplit=1)  # none when only blanks stood between the quote marks
    return line.endswith("?") or (bool(words) and words[0].lower() in lex.question_words)


#: Horizon rules that do not make a clause a forecast by themselves ("signed in 2013",
#: "signed new contracts this month": news uses them for the past as often as the future).
_NOT_CUES = frozenset({"open", "in_year", "this"})

# "X to do Y". The leftmost match of the word before "to" starts the searched text or follows
# a non-word character, so the engine need not try the starts inside words.
_HEADLINE_TO = re.compile(r"(?<![\w'’-])([\w'’-]+)\s+to\s+([a-z][\w-]*)\b")
_DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their", "this", "these", "that"})


def _headline_forecast(text: str, start: int, end: int, lex: ForecastLexicon) -> bool:
    """ "X to do Y" in a headline announces a future act ("Minister to boost ties"), unless
    the act is a scheduled event ("Minister to visit Lima")."""
    pos = start
    while (m := _HEADLINE_TO.search(text[pos:end])) is not None:  # cut out: see _HEADLINE_TO
        before, verb = m.group(1).lower(), m.group(2).lower()
        if before in lex.headline_not_before_to or verb in _DETERMINERS:
            pos += m.end()
            continue
        return verb not in lex.scheduled
    return False


# --- the extractor -------------------------------------------------------------------------


def find_forecasts(
    text: str,
    *,
    quotes: Sequence[Quote] = (),
    mentions: Sequence[Mention] = (),
    skip: Iterable[tuple[int, int] | Any] = (),
    published: str | None = None,
    focus: str | None = None,
    lexicon: ForecastLexicon | None = None,
) -> tuple[Forecast, ...]:
    """Every forecast in `text` (outside `skip` spans), in text order.

    `speaker` comes from the quote that encloses the forecast; `about` lists the actors
    mentioned inside it other than `focus` (or `[focus]` when there are none); the window is
    resolved against `published` (ISO date) and is None without one.
    """
    lex = lexicon or load_lexicon()
    skips = sorted_spans(skip)
    cues: list[_Cue] = []
    lowered = ascii_lower(text)
    starts = lex.finder.starts(lowered) if lex.finder and lowered is not None else None
    hits: Iterable[re.Match[str]]
    if lex.cue_lower is not None and lowered is not None:  # spans only: read cues from `text`
        hits = (
            lex.cue_lower.finditer(lowered)
            if starts is None
            else matches_at(lex.cue_lower, lowered, starts)
        )
    else:
        hits = lex.cue_re.finditer(text)
    for m in hits:
        start, end = m.span()
        raw = text[start:end]
        phrase = raw.lower()
        if not phrase.isalpha():  # "going  to": one blank between words
            phrase = " ".join(phrase.split())
        if phrase in lex.lowercase_only and not raw.islower():
            continue
        cues.append(_Cue(start, end, phrase, lex.cue_kind.get(phrase, "modal")))
    horizons = (
        list(lex.horizon_re.finditer(text))
        if starts is None
        else matches_at(lex.horizon_re, text, starts)
    )
    cue_starts = [c.start for c in cues]
    hz_starts = [h.start() for h in horizons]

    headline: tuple[int, int] | None = None
    for p_start, p_end in paragraph_spans(text):
        if not in_sorted_spans(p_start, p_end, skips):
            if _is_headline_line(text, p_start, p_end):
                headline = (p_start, p_end)
            break

    spans: list[tuple[int, int, int, int]] = []  # start, end, sentence start, sentence end
    for s_start, s_end in _sentences_holding(sentence_spans(text), cue_starts, hz_starts):
        if in_sorted_spans(s_start, s_end, skips):
            continue
        lo, hi = bisect.bisect_left(cue_starts, s_start), bisect.bisect_left(cue_starts, s_end)
        hlo, hhi = bisect.bisect_left(hz_starts, s_start), bisect.bisect_left(hz_starts, s_end)
        if lo == hi and hlo == hhi:
            continue
        if text[s_start:s_end].rstrip(_TRIM_BUT_QUESTION).endswith("?"):
            continue
        if (
            headline
            and headline[0] <= s_start < headline[1]
            and _is_question(text, s_start, s_end, lex)
        ):
            continue
        for a, b in _segments(text, s_start, s_end, lex):
            here = [c for c in cues[lo:hi] if a <= c.start and c.end <= b]
            found = [c for c in here if _valid(text, lowered, c, a, lex)]
            if here and not found:
                continue  # "will take place next week", "who will travel next month"
            for h in horizons[hlo:hhi]:
                rule = lex.horizons.get(h.lastgroup or "")
                if a <= h.start() and h.end() <= b and rule and rule.rule not in _NOT_CUES:
                    found.append(_Cue(h.start(), h.end(), h.group().lower(), "horizon"))
            if not found:
                continue
            if len(found) > 1:
                found.sort(key=lambda c: c.start)
            start, end, framed = _trim(text, lowered, a, b, found, lex)
            if all(c.kind == "modal" for c in found) and _says_day(text, lowered, start, end, lex):
                continue  # "Today, the capital will host talks"
            if not framed and all(c.kind == "reported" for c in found):
                continue
            if end - start < 8:
                continue
            spans.append((start, end, s_start, s_end))

    if headline and not any(headline[0] <= s < headline[1] for s, *_ in spans):
        h_start, h_end = headline
        if not _is_question(text, h_start, h_end, lex) and _headline_forecast(
            text, h_start, h_end, lex
        ):
            spans.append((h_start, h_end, h_start, h_end))
    spans.sort()
    by_start = _MentionIndex(mentions)
    out = []
    for start, end, s_start, s_end in spans:
        horizon, window = _horizon(horizons, hz_starts, start, end, s_start, s_end, published, lex)
        out.append(
            Forecast(
                start=start,
                end=end,
                text=text[start:end],
                speaker=_speaker(quotes, start, end),
                about=_about(by_start, (start, end), (s_start, s_end), focus),
                horizon=horizon,
                window=window,
            )
        )
    return tuple(out)


def _sentences_holding(
    sentences: Sequence[tuple[int, int]], *starts: Sequence[int]
) -> list[tuple[int, int]]:
    """The sentences, in order, in which one of the sorted `starts` lies.

    Most sentences hold no cue and no horizon phrase; finding the few that do by bisection
    spares a pass over all of them.
    """
    out: list[tuple[int, int]] = []
    last = -1
    for pos in sorted(p for seq in starts for p in seq):
        i = bisect.bisect_right(sentences, (pos, _AFTER_ALL)) - 1
        if i > last and pos < sentences[i][1]:
            out.append(sentences[i])
            last = i
    return out


#: Greater than any offset: (pos, _AFTER_ALL) sorts after every span starting at pos.
_AFTER_ALL = float("inf")


def _horizon(
    horizons: Sequence[re.Match[str]],
    starts: Sequence[int],
    start: int,
    end: int,
    s_start: int,
    s_end: int,
    published: str | None,
    lex: ForecastLexicon,
) -> tuple[str | None, tuple[str, str] | None]:
    """The horizon phrase inside the forecast, else one leading up to it in its sentence
    ("Under the new president, ties will ...")."""
    lo, hi = bisect.bisect_left(starts, s_start), bisect.bisect_left(starts, s_end)
    usable = [h for h in horizons[lo:hi] if not _past_year(h, published, lex)]
    inside = [h for h in usable if start <= h.start() and h.end() <= end]
    chosen = inside or [h for h in usable if h.end() <= start]
    if not chosen:
        return None, None
    h = chosen[0]
    return h.group(), resolve_window(h, published, lex)


def _past_year(match: re.Match[str], published: str | None, lex: ForecastLexicon) -> bool:
    """A calendar year before the publication year is history, not a horizon."""
    name = match.lastgroup or ""
    rule = lex.horizons.get(name)
    if rule is None or rule.rule != "in_year":
        return False
    year = match.groupdict().get(f"{name}_year")
    return not published or not year or int(year) < int(published[:4])


def _speaker(quotes: Sequence[Quote], start: int, end: int) -> str | None:
    """The speaker of the quote that encloses (most of) the forecast."""
    quote = covering(start, end, quotes)
    return quote.speaker if quote is not None else None


class _MentionIndex:
    """Mentions ordered by start, so those inside a span are found by bisection instead of a
    pass over all of them for every forecast."""

    def __init__(self, mentions: Sequence[Mention]) -> None:
        starts = [m.start for m in mentions]
        self.mentions = mentions
        self.order: list[int] | None = None  # None while the mentions come in text order
        if starts != sorted(starts):
            self.order = sorted(range(len(mentions)), key=starts.__getitem__)
            starts = [starts[i] for i in self.order]
        self.starts = starts

    def inside(self, start: int, end: int) -> list[Mention]:
        """The mentions within [start, end), in their given order."""
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_right(self.starts, end)
        if self.order is None:
            found: Sequence[Mention] = self.mentions[lo:hi]
        else:
            found = [self.mentions[i] for i in sorted(self.order[lo:hi])]
        return [m for m in found if m.end <= end]


def _about(
    mentions: _MentionIndex,
    span: tuple[int, int],
    sentence: tuple[int, int],
    focus: str | None,
) -> tuple[str, ...]:
    """Actors the forecast is about: those mentioned inside it other than the focal country,
    else those elsewhere in its sentence ("As for Peru, ties will improve"), else the focus."""
    for start, end in (span, sentence):
        codes: list[str] = []
        for m in mentions.inside(start, end):
            if not (m.in_name or m.ethnic) and m.actor not in codes and m.actor != focus:
                codes.append(m.actor)
        if codes:
            return tuple(codes)
    return (focus,) if focus else ()


# --- pipeline step -------------------------------------------------------------------------


@step("forecasts", provides="forecasts", requires=("quotes", "mentions"))
def forecasts_step(
    article: Article, records: Mapping[str, tuple[Any, ...]], resources: Resources
) -> tuple[Forecast, ...]:
    """Forecasts of one article, outside its boilerplate."""
    override = resources.options.get("forecasts_lexicon")
    lex = resources.get(
        "forecasts.lexicon", lambda r: load_lexicon(str(Path(override)) if override else None)
    )
    mentions = records.get("mentions", ())
    focus = resources.options.get("focus") or dominant_state(mentions)
    return find_forecasts(
        article.text,
        quotes=records.get("quotes", ()),
        mentions=mentions,
        skip=article.boilerplate,
        published=article.published,
        focus=focus,
        lexicon=lex,
    )
