"""Quotations: who said what, in direct and reported speech, with the speaker resolved.

One pass of a few compiled patterns over the text finds quotation marks and reporting cues
(verbs, "according to", "in his opinion", "X's statement that", medial ", he said,").
Speakers are found next to the cue and resolved through the persons step's `Person.spans`
(every mention of a person, names and descriptions): the person whose span holds the
speaker mention; a pronoun goes to the subject of the latest attribution or the person
mentioned before it. Collective state speakers ("the leadership of X") become a
"Government of X" label through the mentions step; unnamed sources ("experts") stay null.
Cue lists live in `data/quotes.toml`.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import load_data
from .persons import fold_name
from .pipeline import Resources, step
from .records import Article, Mention, Person, Quote
from .text import paragraph_spans, sentence_spans

_WHO = r"[^,.;:!?\"“”«»()\n]{1,160}?"
_POSS = r"[^,.;:!?\"“”«»()\n]{1,80}?"
_OUTLET = r"[^,.;:!?\"“”«»()\n]{1,80}?"


def _alternation(phrases: Iterable[str]) -> str:
    """A regex matching any of the literal phrases (longest first), as a prefix trie so that
    the regex engine does not retry every phrase at every position; spaces match any white
    space."""
    trie: dict[str, Any] = {}
    for phrase in {p.strip().lower() for p in phrases if p.strip()}:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: dict[str, Any]) -> str:
    ends = "" in node
    branches = []
    for ch in sorted((k for k in node if k), key=lambda k: k):
        atom = r"\s+" if ch == " " else re.escape(ch)
        branches.append(atom + _trie_regex(node[ch]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if ends else body


@dataclass(frozen=True)
class QuoteCues:
    """Compiled cue lists; build once with `QuoteCues.load()`."""

    opening: frozenset[str]
    closing: frozenset[str]
    straight: frozenset[str]
    single: frozenset[str]
    mark_re: re.Pattern[str]
    clause_verbs: frozenset[str]
    that_verbs: frozenset[str]
    object_verbs: frozenset[str]
    object_as_verbs: frozenset[str]
    to_verbs: frozenset[str]
    verb_re: re.Pattern[str]
    topic_re: re.Pattern[str]
    prefix_re: re.Pattern[str]
    medial_re: re.Pattern[str]
    noun_re: re.Pattern[str]
    after_re: re.Pattern[str]
    after_inverted_re: re.Pattern[str]
    attr_verb_re: re.Pattern[str]
    naming_re: re.Pattern[str]
    between_re: re.Pattern[str]
    description_re: re.Pattern[str]
    apposition_re: re.Pattern[str]
    unnamed_re: re.Pattern[str]
    state_tail_re: re.Pattern[str]
    singular_pronouns: frozenset[str]
    plural_pronouns: frozenset[str]
    state_label: str
    not_names: frozenset[str]
    country_names: Mapping[str, str]
    min_words_unattributed: int
    min_words_fragment: int
    max_paragraphs: int

    @classmethod
    def load(cls, path: str | Path | None = None) -> QuoteCues:
        return _load_cues(str(path) if path is not None else None)


@functools.lru_cache(maxsize=8)
def _load_cues(path: str | None) -> QuoteCues:
    data = load_data("quotes.toml", path)
    marks, verbs, phrases = data["marks"], data["verbs"], data["phrases"]
    speakers, direct = data["speakers"], data.get("direct", {})
    single = [*marks.get("single_open", []), *marks.get("single_close", [])]
    single += marks.get("single_straight", [])
    all_marks = [*marks["open"], *marks["close"], *marks["straight"], *single]
    clause = {v.lower() for v in verbs["clause"]}
    obj = {v.lower() for v in verbs["object"]}
    obj_as = {v.lower() for v in verbs.get("object_as", [])}
    that = {v.lower() for v in verbs["that"]} - clause - obj - obj_as
    to = {v.lower() for v in verbs["to"]}
    every = clause | that | obj | obj_as | to
    attributing = every | {v.lower() for v in verbs.get("direct", [])}
    verb_alt = _alternation(every)
    attr_alt = _alternation(attributing | {"according to"})
    between = _alternation(speakers["between"])
    prefix_parts = []
    for template in phrases["prefix"]:
        pattern = re.escape(template.lower()).replace(r"\ ", r"\s+")
        pattern = pattern.replace(r"\{who\}", f"(?P<who>{_WHO})", 1)
        pattern = pattern.replace(r"\{poss\}", f"(?P<who>{_POSS})", 1)
        pattern = pattern.replace(r"\{outlet\}", _OUTLET)
        prefix_parts.append(pattern)
    # Named groups may not repeat across alternatives: number them.
    numbered = []
    for i, p in enumerate(prefix_parts):
        numbered.append(f"(?:\\b{p.replace('(?P<who>', f'(?P<who{i}>')}\\s*,)")
    prefix_re = re.compile("|".join(numbered), re.IGNORECASE)
    descriptions = _alternation(speakers["descriptions"])
    unnamed = _alternation(speakers["unnamed"])
    bodies = _alternation(speakers["state_bodies"])
    return QuoteCues(
        opening=frozenset(marks["open"]),
        closing=frozenset(marks["close"]),
        straight=frozenset(marks["straight"]),
        single=frozenset(single),
        mark_re=re.compile("|".join(re.escape(m) for m in all_marks)),
        clause_verbs=frozenset(clause),
        that_verbs=frozenset(that),
        object_verbs=frozenset(obj),
        object_as_verbs=frozenset(obj_as),
        to_verbs=frozenset(to),
        verb_re=re.compile(rf"(?<![\w-])(?:{verb_alt})(?![\w-])"),
        topic_re=re.compile(
            rf"\s*(?:{_alternation(verbs['topic_words'])})(?![\w-])", re.IGNORECASE
        ),
        prefix_re=prefix_re,
        medial_re=re.compile(
            rf",\s+(?:according\s+to\s+(?P<acc>{_WHO})|(?P<who>(?:[\w.’'-]+\s+){{0,3}}?[\w.’'-]+)\s+"
            rf"(?:(?:{between})\s+)?(?P<verb>(?-i:{_alternation(clause | that)}))"
            rf"(?:\s+(?:on|in|at|last|this|yesterday|today|earlier|later)\b[^,;:\"“”]{{0,30}})?)"
            rf"\s*,\s+(?=[a-z])",
            re.IGNORECASE,
        ),
        noun_re=re.compile(
            rf"(?:’s|'s|’|')\s+(?:{_alternation(phrases['nouns'])})\s+that\b", re.IGNORECASE
        ),
        after_re=re.compile(
            rf"\s*(?P<who>[^\s\"“”«»,.;:!?](?:[^\"“”«»,;:!?\n]{{0,80}}?))\s+"
            rf"(?:(?:{between})\s+)?(?P<verb>(?-i:{attr_alt}))(?![\w-])",
            re.IGNORECASE,
        ),
        after_inverted_re=re.compile(
            rf"\s*(?P<verb>(?-i:{attr_alt}))\s+(?P<who>[^\"“”«»,;:!?\n]{{1,80}}?)\s*(?=[.,;:!?]|$)",
            re.IGNORECASE,
        ),
        attr_verb_re=re.compile(rf"(?<![\w-])(?:{attr_alt}|[Aa]ccording\s+to)(?![\w-])"),
        naming_re=re.compile(
            rf"(?<![\w-])(?P<verb>{_alternation(verbs.get('naming', []))})\s+"
            rf"(?:[\w’'-]+\s+){{0,5}}?(?:as\s+)?$"
        ),
        between_re=re.compile(rf"(?:\s*,?\s*\b(?:{between}|[a-z]+ly)\b)*\s*,?\s*$"),
        description_re=re.compile(
            rf"\b(?:the|an?|this|that|our|his|her|their)\s+(?:[\w.’'-]+\s+){{0,4}}?"
            rf"(?P<head>{descriptions})(?:\s+(?:of|from|at|with|for)\s+{_WHO})?$",
            re.IGNORECASE,
        ),
        apposition_re=re.compile(
            rf"(?:an?|the)\s+(?:[\w.’'-]+\s+){{0,4}}?(?:{descriptions})\b[^,;:.\"“”]{{0,80}},\s*",
            re.IGNORECASE,
        ),
        unnamed_re=re.compile(
            rf"(?:^|\b)(?:(?:the|some|many|most|several|other|[\w’'-]+)\s+){{0,3}}"
            rf"(?P<head>{unnamed})(?:\s+(?:[a-z][\w-]*\s+){{0,2}}?(?:in|at|from|of|with|for|to|on)"
            rf"\s+{_WHO}|\s+who\s+{_WHO})?$",
            re.IGNORECASE,
        ),
        state_tail_re=re.compile(
            rf"(?:(?:’s|'s|’)\s+(?:[\w-]+\s+)?(?:{bodies})|\b(?:{bodies})\s+of\s+(?:the\s+)?"
            rf"[\w’'. -]{{1,40}}|\b(?:{bodies}))$",
            re.IGNORECASE,
        ),
        singular_pronouns=frozenset(p.lower() for p in speakers["singular_pronouns"]),
        plural_pronouns=frozenset(p.lower() for p in speakers["plural_pronouns"]),
        state_label=str(speakers.get("state_label", "Government of {country}")),
        country_names=dict(speakers.get("country_names", {})),
        not_names=frozenset(speakers.get("not_names", [])),
        min_words_unattributed=int(direct.get("min_words_unattributed", 4)),
        min_words_fragment=int(direct.get("min_words_fragment", 2)),
        max_paragraphs=int(direct.get("max_paragraphs", 6)),
    )


# --------------------------------------------------------------------------- speakers


@dataclass(frozen=True, slots=True)
class Speaker:
    """A resolved speaker: label (person name, state label or None) and its mention."""

    name: str | None
    person_id: str | None
    mention: str | None
    start: int
    end: int


_PRONOUN_RE = re.compile(r"\b(?P<p>he|she|they|him|his|her|them|their)$", re.IGNORECASE)
_NAME_RE = re.compile(r"(?:[A-Z][\w’'-]*\.?\s+){0,3}[A-Z][\w’'-]*[a-z][\w’'-]*$")


# Patterns of the speaker and reported-clause rules below, compiled once (they run for
# every cue; a module-level re.match call pays a cache lookup each time).
_STATE_NOUN_RE = re.compile(r"\b(?:country|nation|republic|state)\b", re.I)
_INDEFINITE_RE = re.compile(r"an?\b", re.I)
_APPOSITION_OPEN_RE = re.compile(r",|\s+(?:of|from|at|with)\s")
_APPOSITION_BREAK_RE = re.compile(r"\band\b|[;:\"“”«»]")
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


class _Context:
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
        self.quoted: list[tuple[int, int]] = []  # direct quote spans (no antecedents inside)
        self.focus = focus

    # -- positions
    def sentence_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_starts, pos) - 1)

    def sentence_span(self, pos: int) -> tuple[int, int]:
        if not self.sentences:
            return (0, len(self.text))
        return self.sentences[self.sentence_of(pos)]

    def paragraph_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.paragraph_starts, pos) - 1)

    def paragraph_span(self, pos: int) -> tuple[int, int]:
        if not self.paragraphs:
            return (0, len(self.text))
        return self.paragraphs[self.paragraph_of(pos)]

    def in_quote(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.quoted)

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
        counts = Counter(m.actor for m in self.mentions if m.kind in ("country", "demonym"))
        return counts.most_common(1)[0][0] if counts else None

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
        tail = self.cues.between_re.search(phrase)
        if tail is not None and tail.start() > 0:
            end = start + tail.start()
        phrase = text[start:end]
        if not phrase.strip():
            return None
        # 1. a person mention (name or description) ending at the head
        candidates = [c for c in self.persons_in(start, end) if c[1] >= end - 1 and c[0] >= start]
        if not candidates:
            candidates = [c for c in self.persons_in(start, end) if c[0] >= start]
            candidates = [c for c in candidates if not text[c[1] : end].strip(" ,’'s")]
        if candidates:
            s, e, person = max(candidates, key=lambda c: (c[1], -c[0]))
            if not _is_named(person):  # a description the persons step left unbound
                head = text[s:e].split()[-1].lower()
                bound = self.describe(s, e, head, anchor)
                if bound.person_id is not None:
                    return bound
            return Speaker(person.name, person.id, text[s:e], s, e)
        # 2. pronouns
        pm = _PRONOUN_RE.search(phrase)
        lead = phrase[: pm.start()].strip() if pm is not None else ""
        if pm is not None and (lead in ("", "and", "but") or lead.endswith(",")):
            return self.antecedent(start + pm.start(), start + pm.end(), pm.group("p"), anchor)
        # 3. a named person with an apposition: "X, the head of Y, (in an interview) said"
        appositive = self.appositive(start, end)
        if appositive is not None:
            return appositive
        # 4. collective state speakers
        sm = self.cues.state_tail_re.search(phrase)
        if sm is not None:
            inside = self.mentions_in(start, end)
            mention = inside[-1] if inside else None
            if mention is not None or _STATE_NOUN_RE.search(phrase):
                m_start = _phrase_start(text, start, end, mention)
                return Speaker(self.state_name(mention), None, text[m_start:end], m_start, end)
        # 5. unnamed sources
        um = self.cues.unnamed_re.search(phrase)
        if um is not None:
            s = start + um.start()
            return Speaker(None, None, text[s:end].strip(), s, end)
        # 6. descriptions without a person span: the latest fitting speaker
        dm = self.cues.description_re.search(phrase)
        if dm is not None:
            s = start + dm.start()
            if _INDEFINITE_RE.match(dm.group()):
                return self.indefinite(s, end, dm.group("head").lower(), anchor)
            return self.describe(s, end, dm.group("head").lower(), anchor)
        # 7. a state or its metonym as subject ("the Kremlin said")
        heads = [m for m in self.mentions_in(start, end) if m.end >= end - 1]
        if heads and heads[-1].kind in ("country", "metonym", "org") and not heads[-1].place:
            m = heads[-1]
            label = self.state_name(m) if m.kind != "org" else m.surface
            return Speaker(label, None, m.surface, m.start, m.end)
        # 8. a capitalised name the persons step did not list
        nm = _NAME_RE.search(phrase)
        if nm is not None:
            words = nm.group().split()
            while words and words[0] in self.cues.not_names:
                words = words[1:]
            if words:
                surface = " ".join(words)
                s = end - len(nm.group()) + nm.group().find(words[0])
                return Speaker(surface, None, surface, s, end)
        return None

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
        before = [c for c in self.persons_in(0, origin) if c[1] <= origin and _is_named(c[2])]
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
        before = [c for c in self.persons_in(0, origin) if c[1] <= origin and _is_named(c[2])]
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


# --------------------------------------------------------------------------- marks


@dataclass(slots=True)
class _Direct:
    open_pos: int  # position of the opening mark, or -1 when it is missing
    start: int
    end: int
    close_pos: int  # position of the closing mark, or -1 when it is missing
    speaker: Speaker | None = None
    cue: str | None = None
    attributed: bool = False
    single: bool = False


def _role(text: str, pos: int, mark: str, cues: QuoteCues) -> str:
    """'open', 'close' or 'either' for a mark, from its glyph and its neighbours."""
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 1] if pos + 1 < len(text) else " "
    left_open = before.isspace() or before in "([{—–-/"
    right_open = not after.isspace() and after not in ",.;:!?)]}"
    if mark in cues.opening:
        return "open"
    if mark in cues.closing:
        return "open?" if left_open and right_open else "close"
    if left_open and right_open:
        return "open"
    if not left_open and not right_open:
        return "close"
    if not left_open:
        return "close" if not right_open or after in "-" else "either"
    return "either"


def _single_role(text: str, pos: int, mark: str) -> str | None:
    """'open' or 'close' for a single mark, None for an apostrophe (don't, the workers')."""
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 1] if pos + 1 < len(text) else " "
    if before.isalnum() and after.isalnum():
        return None
    if (before.isspace() or before in '([{—–-"“') and after.isalpha():
        return "open" if mark != "’" or not before.isalnum() else None
    if not before.isspace() and (after.isspace() or after in ',.;:!?)]}"”'):
        return "close" if before in ",.!?" or before.isalpha() else None
    return None


def _family(mark: str, cues: QuoteCues) -> str:
    if mark in cues.single:
        return "single"
    if mark in cues.straight:
        return "straight"
    return "guillemet" if mark in "«»" else "curly"


def _scan_marks(text: str, cues: QuoteCues, ctx: _Context) -> list[_Direct]:
    """Pair quotation marks into quotations: nested marks of another family are skipped,
    an opening mark at a paragraph start continues a quotation left open, and a mark with
    no partner gives a quotation missing its opening or closing mark."""
    found: list[_Direct] = []
    open_pos = -1
    open_family = ""
    last_close = -1
    for match in cues.mark_re.finditer(text):
        pos, mark = match.start(), match.group()
        family = _family(mark, cues)
        if family == "single" or open_family == "single":
            if open_pos >= 0 and open_family != "single":
                continue  # single marks inside a double-quoted passage
            if family == "single":
                single = _single_role(text, pos, mark)
                if single is None:
                    continue
                if (
                    single == "close"
                    and open_pos >= 0
                    and not (ctx.paragraph_of(pos) - ctx.paragraph_of(open_pos))
                ):
                    found.append(_Direct(open_pos, open_pos + 1, pos, pos, single=True))
                    open_pos, open_family = -1, ""
                elif single == "open":
                    open_pos, open_family = pos, "single"  # an unclosed one is dropped
                continue
            if ctx.sentence_of(pos) == ctx.sentence_of(open_pos):
                continue  # double marks nested in a single-quoted passage
            open_pos, open_family = -1, ""  # a stray opening apostrophe: forget it
        role = _role(text, pos, mark, cues)
        if open_pos < 0:
            if role == "close" or (role == "either" and _closes_orphan(text, pos)):
                found.append(_orphan_close(text, pos, last_close, ctx))
                last_close = pos
                continue
            open_pos, open_family = pos, family
            continue
        if family != open_family:
            continue  # a nested quotation inside the open one
        crossed = ctx.paragraph_of(pos) - ctx.paragraph_of(open_pos)
        if crossed:
            para_start = ctx.paragraph_span(pos)[0]
            if crossed > cues.max_paragraphs:
                found.append(_unclosed(text, open_pos, ctx))
                open_pos = pos
            elif role != "close" and not text[para_start:pos].strip():
                continue  # the opening mark of a quotation's next paragraph
            elif role in ("close", "either", "open?"):
                found.append(_Direct(open_pos, open_pos + 1, pos, pos))
                open_pos, last_close = -1, pos
            else:
                found.append(_unclosed(text, open_pos, ctx))
                open_pos = pos
            continue
        if role in ("close", "either", "open?"):
            found.append(_Direct(open_pos, open_pos + 1, pos, pos))
            if _words(text[open_pos:pos]) >= cues.min_words_unattributed:
                last_close = pos
            open_pos = -1
        else:  # a second opening mark: the first one was never closed
            found.append(_unclosed(text, open_pos, ctx))
            open_pos = pos
    if open_pos >= 0 and open_family != "single":
        found.append(_unclosed(text, open_pos, ctx))
    return found


def _closes_orphan(text: str, pos: int) -> bool:
    return pos > 0 and text[pos - 1] in ",.!?"


def _orphan_close(text: str, pos: int, last_close: int, ctx: _Context) -> _Direct:
    """A closing mark with no opening one: the quotation starts at its paragraph (or after
    the sentence holding the previous closing mark)."""
    start = ctx.paragraph_span(pos)[0]
    if last_close >= start:
        start = ctx.sentence_span(last_close)[1]
    return _Direct(-1, start, pos, pos)


def _unclosed(text: str, open_pos: int, ctx: _Context) -> _Direct:
    """An opening mark never closed: the quotation runs to the end of its paragraph."""
    return _Direct(open_pos, open_pos + 1, ctx.paragraph_span(open_pos)[1], -1)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip white space, and a trailing attribution comma, from a quoted span."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and text[end - 1] == ",":
        end -= 1
        while end > start and text[end - 1].isspace():
            end -= 1
    return start, end


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


# --------------------------------------------------------------------------- indirect


@dataclass(slots=True)
class _Indirect:
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


def _find_indirect(
    text: str, cues: QuoteCues, ctx: _Context, skip: Sequence[Any]
) -> list[_Indirect]:
    found: list[_Indirect] = []
    for m in cues.verb_re.finditer(text):
        cand = _verb_cue(text, m, cues, ctx)
        if cand is not None:
            found.append(cand)
    for s_start, _s_end in ctx.sentences:  # prefix cues open a sentence
        lead = _CONNECTOR_RE.match(text, s_start)
        pm = cues.prefix_re.match(text, lead.end() if lead else s_start)
        if pm is not None and (cand := _prefix_cue(text, pm, ctx)) is not None:
            found.append(cand)
    for m in cues.medial_re.finditer(text):
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
        found.append(_Indirect(start, end, cue, m.start(group), m.span(group)))
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
        found.append(_Indirect(_skip_space(text, m.end()), end, cue, who[0], who))
    return [c for c in found if c.end - c.start > 3 and not _inside(c.start, c.end, skip)]


_OWNER_RE = re.compile(r"(?:\b(?:the|an?)\s+(?:[\w-]+\s+){0,2})?[\w.-]*\w$", re.IGNORECASE)
_CONNECTOR_RE = re.compile(r"(?:and|but|so|therefore|thus|however|yet)\b\s*,?\s*", re.IGNORECASE)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t,":
        pos += 1
    return pos


def _verb_cue(text: str, m: re.Match[str], cues: QuoteCues, ctx: _Context) -> _Indirect | None:
    """A reporting verb with its speaker before it and its reported clause after it."""
    verb = _SPACES_RE.sub(" ", m.group().lower())
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
        colon = _COLON_CLAUSE_RE.match(rest)
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
    return _Indirect(content, end, cue, m.start(), (s_start, m.start()))


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
    text: str, m: re.Match[str], verb: str, cues: QuoteCues, ctx: _Context, rest: str
) -> _Indirect | None:
    """'<clause>, X believes.': the reported clause comes before its speaker."""
    s_start = ctx.sentence_span(m.start())[0]
    if not _TRAILING_REST.match(rest):
        return None
    comma = text.rfind(",", s_start, m.start())
    if comma < 0 or comma - s_start < 10:
        return None
    if re.search(r"[\"“”«»]", text[comma : m.start()]):
        return None  # "...," X said: a direct quotation's attribution
    who = (comma + 1, m.start())
    if len(text[who[0] : who[1]].split()) > 6:
        return None
    prefix = cues.prefix_re.match(text, s_start)
    if (prefix is not None and prefix.end() > comma) or re.search(r"[:;]", text[s_start:comma]):
        return None  # 'According to him, the government hopes ...' is no clause of its own
    return _Indirect(s_start, comma, verb, m.start(), who)


def _prefix_cue(text: str, m: re.Match[str], ctx: _Context) -> _Indirect | None:
    """'According to X, <clause>' at a sentence start; mid-sentence it is medial."""
    s_start, s_end = ctx.sentence_span(m.start())
    who_group = next(g for g, v in m.groupdict().items() if v is not None)
    who = m.span(who_group)
    lead = text[s_start : m.start()].strip()
    cue = text[m.start() : m.end()].rstrip(" ,")
    if lead and not re.fullmatch(r"(?:and|but|so|therefore|thus|however|yet)?,?", lead, re.I):
        return None  # mid-sentence: handled as a medial cue
    content = _skip_space(text, m.end())
    apposition = ctx.cues.apposition_re.match(text, content, s_end)
    if apposition is not None and ctx.persons_in(*who):
        content = _skip_space(text, apposition.end())  # "Sara Lind, an analyst at X, ..."
    if not ctx.persons_in(*who):
        # "According to the researcher at X, the head of Y Z Name, <clause>"
        for s, e, _person in ctx.persons_in(who[1], min(s_end, who[1] + 300)):
            between = text[who[1] : e]
            if text[e : e + 1] == "," and s >= who[1] and not ctx.cues.verb_re.search(between):
                who, content = (who[0], e), _skip_space(text, e + 1)
                cue = f"{text[m.start() : who[0]].strip()} {text[s:e]}"
                break
    return _Indirect(content, _clause_end(text, content, s_end), cue, m.start(), who)


def _inside(start: int, end: int, spans: Sequence[Any]) -> bool:
    for span in spans:
        s, e = span if isinstance(span, tuple) else (span.start, span.end)
        if start < e and s < end:
            return True
    return False


# --------------------------------------------------------------------------- direct


def _attribute_after(
    text: str, q: _Direct, cues: QuoteCues, ctx: _Context
) -> tuple[tuple[int, int], str] | None:
    """'...," the expert noted.' — a speaker and verb right after the closing mark."""
    if q.close_pos < 0:
        return None
    start = q.close_pos + 1
    s_end = (
        ctx.sentence_span(start)[1]
        if ctx.sentence_span(start)[1] > start
        else ctx.paragraph_span(start)[1]
    )
    limit = min(s_end, ctx.paragraph_span(q.close_pos)[1], start + 160)
    seg = text[start:limit]
    if seg.startswith(","):  # '"...", he said' - the comma outside the marks
        seg, start = seg[1:], start + 1
    if text[q.close_pos - 1 : q.close_pos] == "." and not re.match(r"\s*[a-z]", seg):
        return None  # '..." She added ...' starts a new sentence
    nxt = re.search(r"[\"“”«»]", seg)
    if nxt is not None:
        seg = seg[: nxt.start()]
    inv = cues.after_inverted_re.match(seg)
    if inv is not None and _looks_like_speaker(inv.group("who")):
        # 'said Greta Lindqvist of the group X': the speaker heads the phrase
        head = re.search(r",|\s(?:of|from|at|for|with|who|in)\s", inv.group("who"))
        w_end = inv.start("who") + head.start() if head else inv.end("who")
        return (start + inv.start("who"), start + w_end), inv.group("verb")
    fwd = cues.after_re.match(seg)
    if fwd is not None and len(fwd.group("who").split()) <= 7:
        return (start + fwd.start("who"), start + fwd.end("who")), fwd.group("verb")
    return None


def _looks_like_speaker(who: str) -> bool:
    w = who.strip()
    return bool(w) and (w[0].isupper() or bool(re.match(r"(?:the|an?|one|his|her)\b", w, re.I)))


def _attribute_before(
    text: str, q: _Direct, cues: QuoteCues, ctx: _Context, prev_end: int
) -> tuple[tuple[int, int], str] | None:
    """'According to him, "...' or 'X said: "...' — a cue right before the opening mark."""
    if q.open_pos < 0:
        return None
    s_start = max(ctx.sentence_span(q.open_pos)[0], prev_end)
    seg = text[s_start : q.open_pos]
    naming = cues.naming_re.search(seg)
    if naming is not None and not q.single:  # 'X called the deal "a turning point"'
        return (s_start, s_start + naming.start()), naming.group("verb")
    if not re.search(r"[,:]\s*$", seg):
        return None
    prefix = None
    for found in cues.prefix_re.finditer(seg):
        prefix = found
    if prefix is not None and not seg[prefix.end() :].strip():
        group = next(g for g, v in prefix.groupdict().items() if v is not None)
        return (s_start + prefix.start(group), s_start + prefix.end(group)), seg[
            prefix.start() : prefix.end()
        ].rstrip(" ,")
    verbs = list(cues.attr_verb_re.finditer(seg))
    if verbs:
        v = verbs[-1]
        return (s_start, s_start + v.start()), v.group()
    if seg.rstrip().endswith(":"):
        people = [c for c in ctx.persons_in(s_start, q.open_pos) if c[0] >= s_start]
        if people:  # 'X praised his team: "..."' - the subject speaks
            return (people[0][0], people[0][1]), ":"
        return (s_start, s_start + len(seg.rstrip()) - 1), ":"
    return None


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
    ctx = _Context(text, persons, mentions, cues, focus)
    directs = _direct_candidates(text, cues, ctx, skip)
    ctx.quoted = [
        (d.open_pos if d.open_pos >= 0 else d.start, max(d.close_pos, d.end) + 1) for d in directs
    ]
    indirect = [
        c
        for c in _find_indirect(text, cues, ctx, skip)
        if not ctx.in_quote(c.cue_start) and not ctx.in_quote(c.who[1] - 1)
    ]
    _resolve_speakers(text, cues, ctx, directs, indirect)
    return _records(text, cues, ctx, directs, indirect)


def _direct_candidates(
    text: str, cues: QuoteCues, ctx: _Context, skip: Sequence[Any]
) -> list[_Direct]:
    """Quoted passages outside `skip`, trimmed; unclosed ones only after a cue, and none
    nested inside another."""
    directs = [d for d in _scan_marks(text, cues, ctx) if not _inside(d.start, d.end, skip)]
    for d in directs:
        d.start, d.end = _trim(text, d.start, d.end)
    directs = [
        d
        for d in directs
        if d.end > d.start
        and (d.close_pos >= 0 or _attribute_before(text, d, cues, ctx, 0) is not None)
    ]
    return [
        d
        for d in directs
        if not any(
            o is not d
            and o.start <= d.start
            and d.end <= o.end
            and (o.end - o.start) > (d.end - d.start)
            for o in directs
        )
    ]


def _resolve_speakers(
    text: str, cues: QuoteCues, ctx: _Context, directs: list[_Direct], indirect: list[_Indirect]
) -> None:
    """Find and resolve every speaker, in text order so that pronouns see earlier ones."""
    events: list[tuple[int, int, int]] = []
    attributions: dict[int, tuple[tuple[int, int], str]] = {}
    prev_end = 0
    for i, d in enumerate(directs):
        after = _attribute_after(text, d, cues, ctx)
        before = _attribute_before(text, d, cues, ctx, prev_end)
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
    text: str, cues: QuoteCues, ctx: _Context, directs: list[_Direct], indirect: list[_Indirect]
) -> tuple[Quote, ...]:
    """Quote records: reported clauses (unless a quotation covers them), the quotations,
    and quoted fragments of reported speech with the speaker of their clause."""
    kept = _select_indirect([c for c in indirect if c.speaker is not None])
    out: list[Quote] = []
    fragments: set[int] = set()
    for c in kept:
        overlap = sum(
            min(c.end, d.end) - max(c.start, d.start)
            for d in directs
            if d.start < c.end and c.start < d.end
        )
        opens = any(abs(d.start - c.start) <= 2 for d in directs)
        if opens and overlap > 0.6 * (c.end - c.start):  # 'According to him, "..."': direct
            for d in directs:
                if d.start < c.end and c.start < d.end and not d.attributed:
                    d.speaker, d.cue, d.attributed = c.speaker, c.cue, True
            continue
        out.append(_record(text, c.speaker, c.start, c.end, "indirect", c.cue))
        for d in directs:
            if c.start <= d.start and d.end <= c.end + 2:
                fragments.add(id(d))
                long_enough = _words(text[d.start : d.end]) >= cues.min_words_fragment
                if not d.attributed and not d.single and long_enough:
                    d.speaker, d.cue, d.attributed = c.speaker, c.cue, True
    for d in directs:
        if d.attributed:
            out.append(_record(text, d.speaker, d.start, d.end, "direct", d.cue))
        elif _standalone(text, d, cues, ctx) and id(d) not in fragments:
            speaker = _context_speaker(ctx, d)
            if d.single and (speaker is None or speaker.name is None):
                continue  # single marks without a speaker are too often not quotations
            out.append(_record(text, speaker, d.start, d.end, "direct", None))
    out.sort(key=lambda q: (q.start, q.end))
    return tuple(out)


def _standalone(text: str, d: _Direct, cues: QuoteCues, ctx: _Context) -> bool:
    """Whether a quotation with no cue stands as one: both marks, opening a sentence, and
    long enough not to be a scare quote or a title."""
    return (
        d.close_pos >= 0
        and d.open_pos >= 0
        and _starts_sentence(text, d, ctx)
        and _words(text[d.start : d.end]) >= cues.min_words_unattributed
    )


def _select_indirect(cands: list[_Indirect]) -> list[_Indirect]:
    """One record per reported clause: among overlapping candidates keep the earliest cue."""
    kept: list[_Indirect] = []
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


def _starts_sentence(text: str, d: _Direct, ctx: _Context) -> bool:
    """Whether a quotation opens a sentence (after a full stop, a colon or a line start)."""
    before = text[ctx.paragraph_span(d.open_pos)[0] : d.open_pos].rstrip()
    return not before or before[-1] in '.!?:"”»'


def _context_speaker(ctx: _Context, d: _Direct) -> Speaker | None:
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
    rows: list[dict[str, Any]] = []
    with store.engine.connect() as conn:
        for r in conn.execute(query):
            aliases = list(r.aliases or [])
            if speaker and not speaker_matches(speaker, r.speaker, *aliases):
                continue
            roles = list(r.roles or [])
            rows.append(
                {
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
            )
            if limit is not None and len(rows) >= limit:
                break
    return rows
