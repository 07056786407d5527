"""Speakers of quotations: lookups over one text (sentences, paragraphs, person spans,
mentions, earlier attributions) and the resolution of a subject phrase to a speaker —
a person's name or description, a pronoun's antecedent, a collective state speaker
("the leadership of X" becomes a state label) or an unnamed source."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .actors import dominant_state
from .quotecues import SEPARATORS, QuoteCues
from .records import Mention, Person
from .text import ascii_lower, caseless_pattern, paragraph_spans, sentence_spans


@dataclass(frozen=True, slots=True)
class Speaker:
    """A resolved speaker: label (person name, state label or None) and its mention."""

    name: str | None
    person_id: str | None
    mention: str | None
    start: int
    end: int


_PRONOUN_RE = re.compile(r"\b(?P<p>he|she|they|him|his|her|them|their)$", re.IGNORECASE)
_PRONOUN_LOWER = caseless_pattern(_PRONOUN_RE.pattern)
_NAME_RE = re.compile(r"(?:[A-Z][\w’'-]*\.?\s+){0,3}[A-Z][\w’'-]*[a-z][\w’'-]*$")

# Patterns of the speaker and reported-clause rules below, compiled once (they run for
# every cue; a module-level re.match call pays a cache lookup each time).
_STATE_NOUN_RE = re.compile(r"\b(?:country|nation|republic|state)\b", re.I)
_INDEFINITE_RE = re.compile(r"an?\b", re.I)
_APPOSITION_OPEN_RE = re.compile(r",|\s+(?:of|from|at|with)\s")
_APPOSITION_BREAK_RE = re.compile(r"\band\b|[;:\"“”«»]")


class QuoteContext:
    """Lookups over one text: person spans, mentions, sentences, earlier attributions."""

    def __init__(
        self,
        text: str,
        persons: Sequence[Person],
        mentions: Sequence[Mention],
        cues: QuoteCues,
        focus: str | None,
    ) -> None:
        self.text = text
        self.lowered = ascii_lower(text)  # for cheap tests before case-insensitive patterns
        self.cues = cues
        spans = sorted(
            ((s.start, s.end, p) for p in persons for s in p.spans), key=lambda t: (t[0], -t[1])
        )
        self.person_spans = spans
        self.person_starts = [s[0] for s in spans]
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.mention_starts = [m.start for m in self.mentions]
        self.sentences = sentence_spans(text)
        self.sentence_starts = [s[0] for s in self.sentences]
        self.paragraphs = paragraph_spans(text)
        self.paragraph_starts = [p[0] for p in self.paragraphs]
        self.history: list[tuple[int, Speaker]] = []  # (mention position, speaker)
        # the direct quotes' spans merged (no antecedents inside), for bisecting
        self._quoted_starts: list[int] = []
        self._quoted_ends: list[int] = []
        self._named: dict[int, bool] = {}  # by id() of the persons above
        self.focus = focus

    # -- positions
    def sentence_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_starts, pos) - 1)

    def sentence_span(self, pos: int) -> tuple[int, int]:
        if not self.sentences:
            return (0, len(self.text))
        i = bisect.bisect_right(self.sentence_starts, pos) - 1  # sentence_of, inlined: a hot path
        return self.sentences[i if i > 0 else 0]

    def paragraph_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.paragraph_starts, pos) - 1)

    def paragraph_span(self, pos: int) -> tuple[int, int]:
        if not self.paragraphs:
            return (0, len(self.text))
        return self.paragraphs[self.paragraph_of(pos)]

    def _may_hold(self, words: re.Pattern[str] | None, start: int, end: int) -> bool:
        """False when text[start:end] surely holds none of `words` (lower-case, searched in
        the lower-cased copy of the text); True when it may."""
        low = self.lowered
        return words is None or low is None or words.search(low, start, end) is not None

    def _search(
        self, pattern: re.Pattern[str], lower: re.Pattern[str] | None, phrase: str, start: int
    ) -> re.Match[str] | None:
        """`pattern.search(phrase)` (phrase = text[start:...]), which is case-insensitive, run
        as `lower` over the phrase in the lower-cased copy when both exist: the same span, about
        twice as fast. Its groups then read that copy, so use them case-insensitively."""
        low = self.lowered
        if lower is None or low is None:
            return pattern.search(phrase)
        return lower.search(low[start : start + len(phrase)])

    def _is_named(self, person: Person) -> bool:
        """`_is_named`, worked out once per person of the text."""
        named = self._named.get(id(person))
        if named is None:
            named = self._named[id(person)] = _is_named(person)
        return named

    def set_quoted(self, spans: list[tuple[int, int]]) -> None:
        """The direct quotations' spans; positions inside them are merged into disjoint
        sorted spans once, so that `in_quote` bisects instead of testing each."""
        starts: list[int] = []
        ends: list[int] = []
        for s, e in sorted(sp for sp in spans if sp[0] < sp[1]):
            if ends and s <= ends[-1]:
                ends[-1] = max(ends[-1], e)
            else:
                starts.append(s)
                ends.append(e)
        self._quoted_starts, self._quoted_ends = starts, ends

    def in_quote(self, pos: int) -> bool:
        i = bisect.bisect_right(self._quoted_starts, pos) - 1
        return i >= 0 and pos < self._quoted_ends[i]

    # -- persons and mentions
    def persons_in(self, start: int, end: int) -> list[tuple[int, int, Person]]:
        """Person spans overlapping [start, end), in text order."""
        i = bisect.bisect_left(self.person_starts, start - 200)
        out = []
        for s, e, p in self.person_spans[i:]:
            if s >= end:
                break
            if e > start:
                out.append((s, e, p))
        return out

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        i = bisect.bisect_left(self.mention_starts, start)
        out = []
        for m in self.mentions[i:]:
            if m.start >= end:
                break
            if m.end <= end:
                out.append(m)
        return out

    def state_name(self, mention: Mention | None) -> str | None:
        code = mention.actor if mention is not None else self.dominant_country()
        if code is None:
            return None
        name = self.cues.country_names.get(code) or _country_name(code)
        return self.cues.state_label.format(country=name)

    @functools.cached_property
    def _dominant(self) -> str | None:
        return dominant_state(self.mentions)

    def dominant_country(self) -> str | None:
        return self.focus or self._dominant

    # -- resolution
    def resolve(self, start: int, end: int, *, anchor: int) -> Speaker | None:
        """The speaker named by text[start:end], read from its right end (the head).

        `anchor` is where the quotation starts: pronouns look for antecedents before it.
        Returns None when the phrase names no speaker; a Speaker with name None for an
        unnamed source.
        """
        text = self.text
        phrase = text[start:end]
        tail = self._adverb_tail(phrase)
        if tail is not None and tail.start() > 0:
            end = start + tail.start()
        phrase = text[start:end]
        if not phrase.strip():
            return None
        # Rules in order; the first that names a speaker wins (a Speaker is always truthy).
        return (
            self._person_at_head(start, end, anchor)
            or self._pronoun(start, end, phrase, anchor)
            or self.appositive(start, end)
            or self._collective(start, end, phrase)
            or self._named_body(start, end)
            or self._source(start, end, phrase, anchor)
            or self._state_subject(start, end)
            or self._unlisted_name(start, end, phrase)
        )

    def _adverb_tail(self, phrase: str) -> re.Match[str] | None:
        """`between_re.search(phrase)` ("X also", "X, in turn,"), started where its match can
        begin: at the final separators unless a word it may hold ends the phrase, else after
        the last character it cannot hold (its scan of the rest is the slow part)."""
        cues = self.cues
        core = phrase.rstrip(SEPARATORS)
        if core.endswith(cues.between_ends):
            return cues.between_re.search(phrase, len(core.rstrip(cues.between_chars)))
        return cues.between_re.search(phrase, len(core))

    def _person_at_head(self, start: int, end: int, anchor: int) -> Speaker | None:
        """A person mention (name or description) ending at the head of the phrase."""
        text = self.text
        inside = [c for c in self.persons_in(start, end) if c[0] >= start]
        candidates = [c for c in inside if c[1] >= end - 1]
        if not candidates:
            candidates = [c for c in inside if not text[c[1] : end].strip(" ,’'s")]
        if not candidates:
            return None
        s, e, person = max(candidates, key=lambda c: (c[1], -c[0]))
        if not self._is_named(person):  # a description the persons step left unbound
            head = text[s:e].split()[-1].lower()
            bound = self.describe(s, e, head, anchor)
            if bound.person_id is not None:
                return bound
        return Speaker(person.name, person.id, text[s:e], s, e)

    def _pronoun(self, start: int, end: int, phrase: str, anchor: int) -> Speaker | None:
        """A pronoun heading the phrase ('he', 'and she'): its antecedent."""
        pm = self._search(_PRONOUN_RE, _PRONOUN_LOWER, phrase, start)  # a lower-case "p"
        lead = phrase[: pm.start()].strip() if pm is not None else ""
        if pm is not None and (lead in ("", "and", "but") or lead.endswith(",")):
            return self.antecedent(start + pm.start(), start + pm.end(), pm.group("p"), anchor)
        return None

    def _collective(self, start: int, end: int, phrase: str) -> Speaker | None:
        """A collective state speaker ('the leadership of X'): the state label."""
        if not self._may_hold(self.cues.state_bodies, start, end):
            return None
        sm = self._search(self.cues.state_tail_re, self.cues.state_tail_lower, phrase, start)
        if sm is None:
            return None
        inside = self.mentions_in(start, end)
        mention = inside[-1] if inside else None
        if mention is None and not _STATE_NOUN_RE.search(phrase):
            return None
        m_start = _phrase_start(self.text, start, end, mention)
        return Speaker(self.state_name(mention), None, self.text[m_start:end], m_start, end)

    def _source(self, start: int, end: int, phrase: str, anchor: int) -> Speaker | None:
        """An unnamed source ('experts'), or a description with no person span: the latest
        fitting speaker."""
        cues = self.cues
        may_hold = self._may_hold(cues.unnamed_heads, start, end)
        um = self._search(cues.unnamed_re, cues.unnamed_lower, phrase, start) if may_hold else None
        if um is not None:
            s = start + um.start()
            return Speaker(None, None, self.text[s:end].strip(), s, end)
        if not self._may_hold(self.cues.description_heads, start, end):
            return None
        dm = self._search(cues.description_re, cues.description_lower, phrase, start)
        if dm is None:
            return None
        s = start + dm.start()
        if _INDEFINITE_RE.match(dm.group()):
            return self.indefinite(s, end, dm.group("head").lower(), anchor)
        return self.describe(s, end, dm.group("head").lower(), anchor)

    def _head_mention(self, start: int, end: int) -> Mention | None:
        """The actor mention at the head (the right end) of a subject phrase."""
        heads = [m for m in self.mentions_in(start, end) if m.end >= end - 1]
        return heads[-1] if heads else None

    def _named_body(self, start: int, end: int) -> Speaker | None:
        """A bloc or organisation that is the whole subject ('the European Commission said'),
        read before the unnamed-source rule takes its head noun for a generic 'commission'."""
        m = self._head_mention(start, end)
        if m is None or m.kind not in ("bloc", "org"):
            return None
        if self.text[start : m.start].strip().lower() not in ("", "the"):
            return None  # 'experts from the EU said': the experts speak
        return Speaker(m.surface, None, m.surface, m.start, m.end)

    def _state_subject(self, start: int, end: int) -> Speaker | None:
        """A state or its metonym as subject ('the Kremlin said'): the state label; a bloc or
        an organisation ('NATO said', 'the European Commission said'): its name as written."""
        m = self._head_mention(start, end)
        if m is None or m.kind == "demonym" or m.place:
            return None
        label = self.state_name(m) if m.kind in ("country", "metonym") else m.surface
        return Speaker(label, None, m.surface, m.start, m.end)

    def _unlisted_name(self, start: int, end: int, phrase: str) -> Speaker | None:
        """A capitalised name the persons step did not list."""
        nm = _NAME_RE.search(phrase)
        if nm is None:
            return None
        words = nm.group().split()
        while words and words[0] in self.cues.not_names:
            words = words[1:]
        if not words:
            return None
        surface = " ".join(words)
        s = end - len(nm.group()) + nm.group().find(words[0])
        return Speaker(surface, None, surface, s, end)

    def appositive(self, start: int, end: int) -> Speaker | None:
        """The person a subject phrase names before an apposition, an aside or an
        affiliation ('X, 45, a researcher at Y,', 'X of the Y institute')."""
        for s, e, person in self.persons_in(start, end):
            if s < start or e > end:
                continue
            rest = self.text[e:end]
            if not _APPOSITION_OPEN_RE.match(rest):
                continue  # 'X, the head of Y,' or 'X of the Y institute'
            if _APPOSITION_BREAK_RE.search(rest):
                continue
            if self.cues.verb_re.search(rest) or len(rest.split()) > 25:
                continue
            return Speaker(person.name, person.id, self.text[s:e], s, e)
        return None

    def antecedent(self, start: int, end: int, pronoun: str, anchor: int) -> Speaker:
        """The person a speaker pronoun refers to: the subject of the latest attribution,
        else the first person named in the nearest earlier sentence."""
        surface = self.text[start:end]
        plural = pronoun.lower() in self.cues.plural_pronouns
        origin = min(anchor, start)
        first = self.sentence_of(origin)
        for index in range(first, max(-1, first - 4), -1):
            s_start, s_end = self.sentences[index] if self.sentences else (0, len(self.text))
            limit = min(s_end, origin)
            earlier = [sp for pos, sp in self.history if s_start <= pos < limit]
            if earlier:
                sp = earlier[-1]
                if plural and sp.person_id is not None:
                    return Speaker(None, None, surface, start, end)
                return Speaker(sp.name, sp.person_id, surface, start, end)
            if plural:
                continue
            if index == first:  # 'Abenov disagreed: the plan, he argued, ...'
                colon = self.text.rfind(":", s_start, origin)
                if colon < 0:
                    continue
                limit = colon
            people = [
                c
                for c in self.persons_in(s_start, limit)
                if c[0] >= s_start and not self.in_quote(c[0]) and c[1] <= limit
            ]
            if people:
                person = people[0][2]
                return Speaker(person.name, person.id, surface, start, end)
        return Speaker(None, None, surface, start, end)

    def indefinite(self, start: int, end: int, head: str, anchor: int) -> Speaker:
        """'an expert from X': a person named before whose role carries X or the head noun;
        otherwise a new, unnamed source."""
        surface = self.text[start:end]
        origin = min(anchor, start)
        words = set(re.findall(r"\b[A-Z][\w-]+", surface))
        before = [c for c in self.persons_in(0, origin) if c[1] <= origin and self._is_named(c[2])]
        for _s, _e, person in reversed(before):
            roles = " ".join(person.roles)
            if (words and words <= set(re.findall(r"\b[A-Z][\w-]+", roles))) or re.search(
                rf"\b{re.escape(head)}\b", roles.lower()
            ):
                return Speaker(person.name, person.id, surface, start, end)
        return Speaker(None, None, surface, start, end)

    def describe(self, start: int, end: int, head: str, anchor: int) -> Speaker:
        """A description with no named person behind it: the latest named person whose
        roles or aliases carry the head noun, else the latest speaker, else the latest
        person mentioned."""
        surface = self.text[start:end]
        origin = min(anchor, start)
        before = [c for c in self.persons_in(0, origin) if c[1] <= origin and self._is_named(c[2])]
        for _s, _e, person in reversed(before):
            forms = " ".join((*person.roles, *person.aliases, person.name)).lower()
            if re.search(rf"\b{re.escape(head)}\b", forms):
                return Speaker(person.name, person.id, surface, start, end)
        for pos, sp in reversed(self.history):
            if pos < origin and sp.person_id is not None:
                return Speaker(sp.name, sp.person_id, surface, start, end)
        if before:
            person = before[-1][2]
            return Speaker(person.name, person.id, surface, start, end)
        return Speaker(None, None, surface, start, end)


def _is_named(person: Person) -> bool:
    """Whether a person has a proper name (capitalised words), not only descriptions."""
    for form in (person.name, *person.aliases):
        words = re.findall(r"[^\W\d_][\w’'.-]*", form)
        if words and words[0].lower() != "the" and all(w[0].isupper() for w in words):
            return True
    return False


def _phrase_start(text: str, start: int, end: int, mention: Mention | None) -> int:
    """Start of a collective-speaker phrase: 'the leadership of X', 'X's leaders'."""
    phrase = text[start:end]
    m = re.search(r"\b(?:the\s+)?(?:[\w’'-]+\s+){0,2}[\w’'-]+$", phrase)
    s = start + (m.start() if m else 0)
    if mention is not None:
        s = min(s, mention.start)
        lead = re.search(r"\bthe\s+(?:\w+\s+){0,2}$", text[max(start, s - 40) : s], re.I)
        if lead is not None:
            s = max(start, s - 40) + lead.start()
    return s


@functools.lru_cache(maxsize=512)
def _country_name(code: str) -> str:
    try:
        import pycountry

        country = pycountry.countries.get(alpha_3=code)
    except (ImportError, KeyError, LookupError):
        country = None
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name).split(",")[0]
