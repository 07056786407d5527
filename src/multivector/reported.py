"""Reported speech: clauses introduced by a reporting verb ("X said that ..."), a prefix
("According to X, ..."), a medial cue ("..., X said, ...") or a noun ("X's statement
that ..."), each with the span where its speaker is named."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .quotecues import QuoteCues
from .speakers import QuoteContext, Speaker
from .text import matches_at, overlaps

_CONJUNCTION_RE = re.compile(r"(?:and|but|while|as)\b")
_PREDICATE_RE = re.compile(r"\s+(?:is|was|are|were|has been|seems|appears)\b[^,]*$")
_POSSESSIVE_LEAD_RE = re.compile(r"^(?:’s|'s|’|')\s*")
_SPACES_RE = re.compile(r"\s+")
_TOLD_TO_RE = re.compile(r"\s+(?P<to>[^,.;:\"“”]{1,60}?)(?:\s*,\s*(?:that\s+)?|\s+that\s+)")
_OBJECT_AS_RE = re.compile(r"\s+(?P<obj>[^.;:!?\"“”«»]{1,120}?)\s+as\s+")
_PRONOUN_OBJECT_RE = re.compile(r"it|this|that|them|these|those", re.I)
_THAT_CLAUSE_RE = re.compile(
    r"(?:\s+(?:in|on|at|during|after|before|while|to|with|for)\b[^,.;:\"“”]{0,80}?)?"
    r"\s*,?\s+that\b\s*,?"
)
_COLON_CLAUSE_RE = re.compile(r"[^.;:\"“”]{0,100}?:\s*(?=[^\s\"“”«])")
_CLAUSE_OVER_RE = re.compile(r"\s*[,.;!?]|\s*$")
_PREPOSITION_NEXT_RE = re.compile(
    r"\s+(?:in|on|at|during|after|before|while|to|with|for|from|as|by)\b"
)
_THAT_RE = re.compile(r"\s*,?\s*that\b")
_QUOTE_NEXT_RE = re.compile(r"\s*[\"“«”]")
_COMMA_RE = re.compile(",")
_QUOTE_MARK_RE = re.compile(r"[\"“”«»]")
_STOP_RE = re.compile(r"[:;]")
_LEAD_RE = re.compile(r"(?:and|but|so|therefore|thus|however|yet)?,?", re.I)


@dataclass(slots=True)
class Indirect:
    start: int
    end: int
    cue: str
    cue_start: int
    who: tuple[int, int]  # where to look for the speaker
    speaker: Speaker | None = None


_CLAUSE_STOP = re.compile(r":\s*[\"“«”]|,\s+(?:while|whereas)\b|;\s")


def _clause_end(text: str, start: int, sent_end: int) -> int:
    """End of a reported clause: the sentence end, before a colon that opens a quotation,
    without final punctuation."""
    stop = _CLAUSE_STOP.search(text, start, sent_end)
    end = stop.start() if stop else sent_end
    while end > start and text[end - 1] in " \t.!?;:\"“”»«'’":
        if text[end - 1] in "\"”»’'" and text[end - 2 : end - 1] not in ".!?":
            break
        end -= 1
    return end


def find_indirect(
    text: str, cues: QuoteCues, ctx: QuoteContext, skip: Sequence[Any]
) -> list[Indirect]:
    starts = _cue_starts(text, cues, ctx.lowered)
    found = [
        *_verb_cues(text, cues, ctx, starts),
        *_prefix_cues(text, cues, ctx),
        *_medial_cues(text, cues, ctx, starts),
        *_noun_cues(text, cues, ctx),
    ]
    return [c for c in found if c.end - c.start > 3 and not overlaps(c.start, c.end, skip)]


def _cue_starts(text: str, cues: QuoteCues, lowered: str | None) -> list[int]:
    """The word starts where a reporting verb or "according" may begin (a superset);
    `lowered` is `ascii_lower(text)`, which the context already holds."""
    if lowered is None:
        return cues.cue_starts_cased.starts(text)
    return cues.cue_starts.starts(lowered)


def _verb_cues(text: str, cues: QuoteCues, ctx: QuoteContext, starts: list[int]) -> list[Indirect]:
    """'X said that ...' and kin, the verb found only at the word starts worth a try."""
    found = []
    for m in matches_at(cues.verb_re, text, starts):
        cand = _verb_cue(text, m, cues, ctx)
        if cand is not None:
            found.append(cand)
    return found


def _prefix_cues(text: str, cues: QuoteCues, ctx: QuoteContext) -> list[Indirect]:
    """'According to X, ...': prefix cues open a sentence."""
    found = []
    for s_start in _prefix_sentences(ctx, cues):
        lead = _CONNECTOR_RE.match(text, s_start)
        pm = cues.prefix_re.match(text, lead.end() if lead else s_start)
        if pm is not None and (cand := _prefix_cue(text, pm, ctx)) is not None:
            found.append(cand)
    return found


def _prefix_sentences(ctx: QuoteContext, cues: QuoteCues) -> list[int]:
    """Starts of the sentences whose lower-cased opening word is a connector or a prefix's
    first word (all of them when the text has no lower-cased copy)."""
    starts = [s_start for s_start, _s_end in ctx.sentences]
    low, initials = ctx.lowered, cues.prefix_initials
    if low is None or initials is None:
        return starts
    openings = (*_CONNECTORS, *initials)
    return [s for s in starts if low.startswith(openings, s)]


def _medial_cues(
    text: str, cues: QuoteCues, ctx: QuoteContext, starts: list[int]
) -> list[Indirect]:
    """'<clause>, X said, ...' and '<clause>, according to X, ...'."""
    found = []
    for m in matches_at(cues.medial_re, text, _medial_starts(text, starts)):
        s_start, s_end = ctx.sentence_span(m.start())
        if m.start() <= s_start:
            continue
        group = "acc" if m.group("acc") is not None else "who"
        cue = text[m.start() + 1 : m.end()].strip(" ,") if group == "acc" else m.group("verb")
        end = _clause_end(text, m.end(), s_end)
        if _CONJUNCTION_RE.match(text, m.end()):
            end = m.start()  # '<clause>, officials said on Monday, and ...'
        colon = text.rfind(":", s_start, m.start())
        start = _skip_space(text, colon + 1) if colon >= 0 else s_start
        found.append(Indirect(start, end, cue, m.start(group), m.span(group)))
    return found


def _medial_starts(text: str, starts: list[int]) -> list[int]:
    """The commas a medial cue may open. Nothing between its two commas is a comma, and its
    verb or "according" opens a word after the first: so it opens at the last comma before one
    of `starts` (the word starts where a reporting verb or "according" may begin)."""
    commas = [m.start() for m in _COMMA_RE.finditer(text)]
    opening = set()
    for pos in starts:
        i = bisect.bisect_left(commas, pos)
        if i:
            opening.add(commas[i - 1])
    return sorted(opening)


def _noun_cues(text: str, cues: QuoteCues, ctx: QuoteContext) -> list[Indirect]:
    """'X's statement that ...': the owner of the noun is the speaker."""
    found = []
    for m in cues.noun_re.finditer(text):
        owner = _OWNER_RE.search(text, max(0, m.start() - 60), m.start())
        if owner is None:
            continue
        who = owner.span()
        s_start, s_end = ctx.sentence_span(who[0])
        end = _clause_end(text, m.end(), s_end)
        if who[0] - s_start < 3:  # the noun phrase is the subject: drop its predicate
            pred = _PREDICATE_RE.search(text[m.end() : end])
            if pred:
                end = m.end() + pred.start()
        cue = _POSSESSIVE_LEAD_RE.sub("", m.group()).strip()
        found.append(Indirect(_skip_space(text, m.end()), end, cue, who[0], who))
    return found


_OWNER_RE = re.compile(r"(?:\b(?:the|an?)\s+(?:[\w-]+\s+){0,2})?[\w.-]*\w$", re.IGNORECASE)
_CONNECTORS = ("and", "but", "so", "therefore", "thus", "however", "yet")
_CONNECTOR_RE = re.compile(rf"(?:{'|'.join(_CONNECTORS)})\b\s*,?\s*", re.IGNORECASE)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t,":
        pos += 1
    return pos


def _verb_cue(text: str, m: re.Match[str], cues: QuoteCues, ctx: QuoteContext) -> Indirect | None:
    """A reporting verb with its speaker before it and its reported clause after it."""
    verb = _verb_key(m.group())
    s_start, s_end = ctx.sentence_span(m.start())
    after = m.end()
    rest = text[after:s_end]
    cue_end = after
    # "X told <outlet> that/,", "X said in an interview that", "X said: ..."
    if verb in ("told", "tells"):
        t = _TOLD_TO_RE.match(rest)
        if t is None:  # 'told the Echo he was ...': an outlet, then the clause's subject
            t = _TOLD_CLAUSE_RE.match(rest)
        if t is None or cues.topic_re.match(" " + t.group("to")):
            return None
        content = after + t.end()
        cue_end = after + t.end("to")
    elif verb in cues.to_verbs:
        content = _skip_space(text, after)
    elif verb in cues.object_as_verbs:
        t = _OBJECT_AS_RE.match(rest)
        if t is None:
            return None
        pronoun = _PRONOUN_OBJECT_RE.fullmatch(t.group("obj"))
        content = after + (t.end() if pronoun else t.start("obj"))
        cue_end = after + (t.end() if pronoun else 0)
    else:
        t = _THAT_CLAUSE_RE.match(rest)
        colon = _colon_clause(rest) if t is None else None
        if t is not None:
            content = after + t.end()
        elif colon is not None and not _quote_follows(rest[colon.end() :]):
            content = after + colon.end()
        elif cues.topic_re.match(rest) or verb in cues.that_verbs:
            return _trailing(text, m, verb, cues, ctx, rest)
        elif verb in cues.clause_verbs or verb in cues.object_verbs:
            if _CLAUSE_OVER_RE.match(rest) or _TRAILING_REST.match(rest):
                return _trailing(text, m, verb, cues, ctx, rest)
            if _PREPOSITION_NEXT_RE.match(rest):
                return _trailing(text, m, verb, cues, ctx, rest)
            content = _skip_space(text, after)
        else:
            return None
    content = _skip_space(text, content)
    end = _clause_end(text, content, s_end)
    if end - content < 3:
        return None
    cue = text[m.start() : cue_end].strip()
    if t_that := _THAT_RE.match(text[cue_end:content]):
        cue = text[m.start() : cue_end + t_that.end()].strip()
    return Indirect(content, end, cue, m.start(), (s_start, m.start()))


@functools.lru_cache(maxsize=256)
def _verb_key(verb: str) -> str:
    """A reporting verb as the verb sets spell it: lower case, single spaces."""
    return _SPACES_RE.sub(" ", verb.lower())


def _colon_clause(rest: str) -> re.Match[str] | None:
    """'said: <clause>' -- the colon within 100 characters (a cheap test first, since the
    pattern's lazy scan is the slow part)."""
    if rest.find(":", 0, 101) < 0:
        return None
    return _COLON_CLAUSE_RE.match(rest)


def _quote_follows(rest: str) -> bool:
    return bool(_QUOTE_NEXT_RE.match(rest))


_TOLD_CLAUSE_RE = re.compile(
    r"\s+(?P<to>(?:the\s+)?(?:[A-Z][\w.’'-]*\s+){1,4}|reporters\s+|journalists\s+)"
    r"(?=(?:he|she|they|it|we|I|there|this|the|a|an|his|her|their|its)\s)"
)
_TRAILING_REST = re.compile(
    r"\s*(?:(?:in|on|at|during|after|before|while|when|as|from|with|for|by|last|this|"
    r"earlier|later|today|yesterday|recently)\b[^,;:\"“”]*)?[.!?]?\s*$"
)


def _trailing(
    text: str, m: re.Match[str], verb: str, cues: QuoteCues, ctx: QuoteContext, rest: str
) -> Indirect | None:
    """'<clause>, X believes.': the reported clause comes before its speaker."""
    s_start = ctx.sentence_span(m.start())[0]
    if not _TRAILING_REST.match(rest):
        return None
    comma = text.rfind(",", s_start, m.start())
    if comma < 0 or comma - s_start < 10:
        return None
    if _QUOTE_MARK_RE.search(text, comma, m.start()):
        return None  # "...," X said: a direct quotation's attribution
    who = (comma + 1, m.start())
    if len(text[who[0] : who[1]].split()) > 6:
        return None
    prefix = cues.prefix_re.match(text, s_start)
    if (prefix is not None and prefix.end() > comma) or _STOP_RE.search(text, s_start, comma):
        return None  # 'According to him, the government hopes ...' is no clause of its own
    return Indirect(s_start, comma, verb, m.start(), who)


def _prefix_cue(text: str, m: re.Match[str], ctx: QuoteContext) -> Indirect | None:
    """'According to X, <clause>' at a sentence start; mid-sentence it is medial."""
    s_start, s_end = ctx.sentence_span(m.start())
    who_group = next(g for g, v in m.groupdict().items() if v is not None)
    who = m.span(who_group)
    lead = text[s_start : m.start()].strip()
    cue = text[m.start() : m.end()].rstrip(" ,")
    if lead and not _LEAD_RE.fullmatch(lead):
        return None  # mid-sentence: handled as a medial cue
    content = _skip_space(text, m.end())
    apposition = ctx.cues.apposition_re.match(text, content, s_end)
    names_person = bool(ctx.persons_in(*who))
    if apposition is not None and names_person:
        content = _skip_space(text, apposition.end())  # "Sara Lind, an analyst at X, ..."
    if not names_person:
        # "According to the researcher at X, the head of Y Z Name, <clause>"
        for s, e, _person in ctx.persons_in(who[1], min(s_end, who[1] + 300)):
            between = text[who[1] : e]
            if text[e : e + 1] == "," and s >= who[1] and not ctx.cues.verb_re.search(between):
                who, content = (who[0], e), _skip_space(text, e + 1)
                cue = f"{text[m.start() : who[0]].strip()} {text[s:e]}"
                break
    return Indirect(content, _clause_end(text, content, s_end), cue, m.start(), who)
