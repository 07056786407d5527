"""Actor mentions: states, blocs, organisations, metonyms and demonyms, resolved to codes.

Every later measurement counts who engages with whom, so this step must be precise and work
for any country. The gazetteer is data (pycountry names plus `data/gazetteer.toml` plus the
user's files), compiled once into Aho-Corasick automata (see `_automata`); a text is scanned
in one pass, candidates are checked for word boundaries and case, and the longest match wins.
Flags (`place`, `in_name`, `ethnic`) come from cue word lists in the same TOML file.
"""

from __future__ import annotations

import functools
import gettext
import itertools
import operator
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, cast

import ahocorasick
import pycountry

from .config import data_path, load_toml
from .errors import ConfigError
from .pipeline import Resources, step
from .records import Article, Mention, MentionKind
from .text import abbreviations

#: Lists of surface forms an [actor.CODE] table may hold: the role of each form and its
#: mention kind (None: the actor's own kind).
ROLES: dict[str, tuple[str, str | None]] = {
    "names": ("name", None),
    "regions": ("region", None),
    "demonyms": ("demonym", "demonym"),
    "languages": ("language", "demonym"),
    "metonyms": ("metonym", "metonym"),
    "prefixes": ("prefix", "demonym"),
}
_KINDS = ("country", "bloc", "org", "metonym", "demonym")
_SENTENCE_START = frozenset('.!?"“”«»(:;\n')
_TOKEN = re.compile(r"[\w'’]+|[^\w\s]")
# the word before a position, read in the reversed text: blanks (or blanks and the line break
# right before the position, as `$` allows) and the word
_PREV_WORD = re.compile(r"\n?[ \t]+([\w'’.]+)")
_NEXT_WORD = re.compile(r"[ \t]+([\w'’.]+)")
_PAREN_ALIAS = re.compile(r"\s*\(\s*(?:(\w+)\s+)?$")
_WINDOW = 60  # characters around a span that context checks read (re clamps endpos to the text)
_START = operator.itemgetter(0)


@dataclass(frozen=True, slots=True)
class Entry:
    """What a surface form stands for. `actor` is "" for a blocked phrase."""

    actor: str
    kind: str
    role: str  # name | region | demonym | language | metonym | prefix | phrase | block
    guarded: bool = False


@dataclass(frozen=True)
class Phrases:
    """Cue phrases as tuples of lower-case words, indexed so most tests are one set lookup."""

    items: frozenset[tuple[str, ...]]
    lengths: tuple[int, ...]
    firsts: frozenset[str]
    lasts: frozenset[str]
    reach: int  # the words a test reads: the longest phrase's, at most 4

    @classmethod
    def of(cls, values: Iterable[str]) -> Phrases:
        items = frozenset(p for p in (tuple(v.lower().split()) for v in values) if p)
        return cls(
            items=items,
            lengths=tuple(sorted({len(p) for p in items})),
            firsts=frozenset(p[0] for p in items),
            lasts=frozenset(p[-1] for p in items),
            reach=min(4, max(map(len, items), default=0)),
        )

    def matches(self, words: Sequence[str], *, tail: bool) -> bool:
        """Whether `words` end (tail) or start with one of the phrases."""
        for k in self.lengths:
            if k > len(words):
                break
            if tuple(words[len(words) - k :] if tail else words[:k]) in self.items:
                return True
        return False


@dataclass(frozen=True)
class Cues:
    """Cue words for the flags; phrases are tuples of lower-case words."""

    place_before: Phrases
    not_place_before: Phrases
    place_after: Phrases
    region_route_word: str
    dateline_after: re.Pattern[str] | None
    alias_words: frozenset[str]
    openers: frozenset[str]
    name_heads: frozenset[str]
    name_connectors: frozenset[str]
    name_suffixes: frozenset[str]
    ethnic_after: frozenset[str]
    ethnic_before: Phrases
    language_verbs: Phrases


class _Variant(NamedTuple):
    """What the automaton reports for one case variant of a surface form, or a name head word.

    The flags depend only on the variant's own characters, so the candidate filters that
    look at them are decided once here, not at every hit.
    """

    length: int
    entry: Entry | None  # None for a name head word that is no surface form
    word_end: bool  # ends with a letter or digit: must not run on into a word
    glued_ok: bool  # a dotted abbreviation may follow a lower-case letter without a space
    short_caps: bool  # up to four capitals (dots aside): checked against headline caps
    guard: bool  # run _guard_ok: guarded, or a short capitals form of up to five characters
    head: bool = False  # a name head word (cues.name_heads)

    @classmethod
    def of(cls, variant: str, entry: Entry) -> _Variant:
        letters = variant.replace(".", "")
        short_caps = letters.isupper() and len(letters) <= 4
        return cls(
            length=len(variant),
            entry=entry,
            word_end=variant[-1].isalnum(),
            glued_ok="." in variant and variant[0].isupper(),
            short_caps=short_caps,
            guard=entry.guarded or (len(variant) <= 5 and short_caps),
        )

    @classmethod
    def head_word(cls, word: str) -> _Variant:
        return cls(len(word), None, False, False, False, False, head=True)


@dataclass(frozen=True)
class _Automaton:
    """An Aho-Corasick automaton over some variants; `trigger` (if any) finds a character that
    can start one of them, so the automaton need not scan a text that has none."""

    automaton: Any
    trigger: re.Pattern[str] | None


@dataclass(frozen=True)
class Gazetteer:
    """A compiled gazetteer: surface form -> Entry, automata over all case variants, cues."""

    forms: Mapping[str, Entry]
    automata: tuple[_Automaton, ...]
    cues: Cues

    def __contains__(self, surface: str) -> bool:
        return surface in self.forms


# ---------------------------------------------------------------------------------------------
# Loading


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge TOML documents: tables merge, lists extend, scalars are replaced."""
    out = dict(base)
    for key, value in extra.items():
        old = out.get(key)
        if isinstance(old, dict) and isinstance(value, Mapping):
            out[key] = _merge(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            out[key] = old + [v for v in value if v not in old]
        else:
            out[key] = value
    return out


@functools.lru_cache(maxsize=8)
def _pycountry_forms(
    generic: frozenset[str], locales: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    """(surface, ISO3) for every pycountry name, official name and common name.

    Names with commas or brackets ("Korea, Republic of") are inverted database keys, not
    running text, and are dropped. "Republic of X" style names are dropped too, so that the
    bare name is the span.
    """
    translations = []
    for lang in locales:
        try:
            translations.append(
                gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
            )
        except OSError:
            continue
    out: list[tuple[str, str]] = []
    for country in pycountry.countries:
        raw = [getattr(country, attr, None) for attr in ("name", "official_name", "common_name")]
        names = [n for n in raw if n]
        for tr in translations:
            names.extend(tr.gettext(n) for n in list(names))
        for name in dict.fromkeys(names):
            if "," in name or "(" in name:
                continue
            if name.startswith("the "):
                name = name[4:]
            head, sep, _tail = name.rpartition(" of ")
            if sep and set(head.split()) <= generic:
                continue
            out.append((name, country.alpha_3))
    return tuple(out)


def _compile(pattern: str | None) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern) if pattern else None
    except re.error as exc:
        raise ConfigError(f"gazetteer cue pattern {pattern!r}: {exc}") from None


def _cues(data: Mapping[str, Any]) -> Cues:
    c = data.get("cues", {})
    return Cues(
        place_before=Phrases.of(c.get("place_before", [])),
        not_place_before=Phrases.of(c.get("not_place_before", [])),
        place_after=Phrases.of(c.get("place_after", [])),
        region_route_word=str(c.get("region_route_word", "to")),
        dateline_after=_compile(c.get("dateline_after")),
        alias_words=frozenset(w.lower() for w in c.get("alias_words", [])),
        openers=frozenset(w.lower() for w in c.get("openers", [])),
        name_heads=frozenset(c.get("name_heads", [])),
        name_connectors=frozenset(c.get("name_connectors", [])),
        name_suffixes=frozenset(w.lower() for w in c.get("name_suffixes", [])),
        ethnic_after=frozenset(w.lower() for w in c.get("ethnic_after", [])),
        ethnic_before=Phrases.of(c.get("ethnic_before", [])),
        language_verbs=Phrases.of(c.get("language_verbs", [])),
    )


def _actor_kind(code: str, table: Mapping[str, Any]) -> str:
    kind = str(table.get("kind") or ("country" if len(code) == 3 and code.isupper() else "bloc"))
    if kind not in _KINDS:
        raise ConfigError(f"gazetteer actor {code}: unknown kind {kind!r}; use one of {_KINDS}")
    return kind


def build_gazetteer(data: Mapping[str, Any]) -> Gazetteer:
    """Compile a merged gazetteer document into forms and automata."""
    py = data.get("pycountry", {})
    actors: Mapping[str, Mapping[str, Any]] = data.get("actor", {})
    guarded = {f for table in actors.values() for f in table.get("ambiguous", [])}
    forms: dict[str, Entry] = {}

    def add(surface: str, entry: Entry) -> None:
        surface = surface.strip()
        if surface:
            forms[surface] = Entry(entry.actor, entry.kind, entry.role, surface in guarded)

    for surface, code in _pycountry_forms(
        frozenset(py.get("generic_words", [])), tuple(py.get("locales", []))
    ):
        add(surface, Entry(code, "country", "name"))
    heads = data.get("phrases", {}).get("heads", [])
    for code, table in actors.items():
        kind = _actor_kind(code, table)
        for key, (role, role_kind) in ROLES.items():
            for surface in table.get(key, []):
                add(surface, Entry(code, role_kind or kind, role))
        for adjective in table.get("collective", []):
            for head in heads:
                add(f"{adjective} {head}", Entry(code, "bloc", "phrase"))
    for surface in data.get("block", {}).get("phrases", []):
        add(surface, Entry("", "", "block"))

    variants: dict[str, _Variant] = {}
    for surface, entry in forms.items():
        cased = {surface, surface[0].upper() + surface[1:]}
        if sum(ch.isalpha() for ch in surface) >= 4 and not entry.guarded:
            cased.add(surface.upper())
        for variant in cased:
            # a variant is the capitalised form of a lower-case-initial surface; an exact
            # surface defined elsewhere keeps its own entry
            variants[variant] = _Variant.of(variant, forms.get(variant, entry))
    cues = _cues(data)
    # the name head words ride along in the same scan (see _Doc.near_head)
    for word in filter(None, cues.name_heads):
        known = variants.get(word)
        variants[word] = known._replace(head=True) if known else _Variant.head_word(word)
    return Gazetteer(forms=forms, automata=_automata(variants), cues=cues)


def _automata(variants: Mapping[str, _Variant]) -> tuple[_Automaton, ...]:
    """One automaton for the variants starting with an ASCII character, one for the rest.

    An automaton's cost per character grows with the number of distinct first characters
    (each node's children are searched one by one), and English text rarely holds one of
    the others (Cyrillic names, say), so the second automaton runs only when it does.
    """
    ascii_first = {v: x for v, x in variants.items() if v[0].isascii()}
    other = {v: x for v, x in variants.items() if not v[0].isascii()}
    out = []
    for group in (ascii_first, other):
        if not group:
            continue
        automaton = ahocorasick.Automaton()
        for variant, value in group.items():
            automaton.add_word(variant, value)
        automaton.make_automaton()
        firsts = "".join(sorted({re.escape(v[0]) for v in group}))
        trigger = None if group is ascii_first else re.compile(f"[{firsts}]")
        out.append(_Automaton(automaton, trigger))
    return tuple(out)


@functools.lru_cache(maxsize=16)
def _load_cached(extra: tuple[str, ...]) -> Gazetteer:
    data: dict[str, Any] = dict(load_toml(str(data_path("gazetteer.toml"))))
    for path in extra:
        data = _merge(data, load_toml(path))
    return build_gazetteer(data)


def load_gazetteer(extra: Sequence[str | Path] | str | Path = ()) -> Gazetteer:
    """The bundled gazetteer merged with the user's files (later files win); cached."""
    if isinstance(extra, str | Path):
        extra = (extra,)
    return _load_cached(tuple(str(Path(p)) for p in extra))


# ---------------------------------------------------------------------------------------------
# Matching


def _prev_word(text: str, reverse: str, start: int) -> tuple[str, bool] | None:
    """The word right before `start` (only blanks between) and whether it opens a sentence.

    `reverse` is the text reversed: the word is matched there, from `start` backwards.
    """
    pos = len(text) - start
    m = _PREV_WORD.match(reverse, pos, pos + _WINDOW)
    if not m:
        return None
    word_start = len(text) - m.end()
    before = text[max(0, word_start - 3) : word_start].rstrip()
    return m.group(1)[::-1], (not before or before[-1] in _SENTENCE_START)


def _next_word(text: str, end: int) -> str | None:
    m = _NEXT_WORD.match(text, end, end + _WINDOW)
    return m.group(1) if m else None


def _guard_ok(
    text: str, reverse: str, start: int, end: int, form: _Variant, gaz: Gazetteer
) -> bool:
    """Reject person-like or headline-caps uses of ambiguous forms ("Michael Jordan", "LET US")."""
    if form.entry is not None and form.entry.guarded:
        nxt = _next_word(text, end)
        if nxt and nxt[0].isupper():
            return False
        prev = _prev_word(text, reverse, start)
        if prev and prev[0][0].isupper():
            word, opens_sentence = prev
            if word.endswith("."):
                if word[:-1] in abbreviations():
                    return False  # a title: "Mr. Jordan"
            elif not opens_sentence or word.lower() not in gaz.cues.openers:
                return False
    if form.short_caps:
        prev_word = _prev_word(text, reverse, start)
        for neighbour in (_next_word(text, end), prev_word[0] if prev_word else None):
            if (
                neighbour
                and len(neighbour) >= 2
                and neighbour.isalpha()
                and neighbour.isupper()
                and neighbour not in gaz
            ):
                return False
    return True


def _scan(
    text: str, reverse: str, gaz: Gazetteer
) -> tuple[list[tuple[int, int, Entry]], list[tuple[int, int]]]:
    """One pass of the automata: the hits that stand as words (or a prefix before "-") and pass
    the guard, as candidate mentions; and the spans of name head words."""
    cands = []
    heads = []
    n = len(text)
    for scanner in gaz.automata:
        if scanner.trigger is not None and scanner.trigger.search(text) is None:
            continue
        for last, form in scanner.automaton.iter(text):
            end = last + 1
            start = end - form.length
            if form.head:
                heads.append((start, end))
            entry = form.entry
            if entry is None:
                continue
            if form.word_end and end < n and text[end].isalnum():
                continue
            if entry.role == "prefix" and text[end : end + 1] != "-":
                continue
            # text glued by scraping ("...KavkazaU.S. President"): dotted abbreviations only
            before = text[start - 1] if start else " "
            if before.isalnum() and not (form.glued_ok and before.islower()):
                continue
            if form.guard and not _guard_ok(text, reverse, start, end, form, gaz):
                continue
            cands.append((start, end, entry))
    return cands, heads


def _longest(cands: list[tuple[int, int, Entry]], size: int) -> list[tuple[int, int, Entry]]:
    """Non-overlapping candidates, longest first, then leftmost, in text order."""
    by_start = sorted(cands, key=_START)
    if all(a[1] <= b[0] for a, b in itertools.pairwise(by_start)):
        return by_start  # nothing overlaps (the usual case): every candidate stands
    taken = bytearray(size)
    chosen = []
    for start, end, entry in sorted(cands, key=lambda c: (c[0] - c[1], c[0])):
        if taken.find(1, start, end) != -1:
            continue
        taken[start:end] = b"\x01" * (end - start)
        chosen.append((start, end, entry))
    chosen.sort(key=_START)
    return chosen


def _mask(spans: Iterable[tuple[int, int, Any]], size: int) -> bytearray:
    """1 at every position inside one of `spans`."""
    mask = bytearray(size)
    for start, end, _value in spans:
        mask[start:end] = b"\x01" * (end - start)
    return mask


# ---------------------------------------------------------------------------------------------
# Flags
#
# Every flag looks at the tokens next to a mention (within _WINDOW characters). Most checks stop
# at the nearest token, so tokens are found one regex step at a time, and the longer windows are
# read only when the nearest token could start a cue. Tokens before a mention are found in the
# reversed text: the token pattern reads the same both ways, so a forward scan of the reversed
# text from the mention meets the window's tokens nearest first.


class _Doc:
    """One text prepared for the flag checks."""

    __slots__ = ("_chosen", "_taken", "cues", "near_head", "reverse", "text")

    def __init__(
        self,
        text: str,
        reverse: str,
        chosen: list[tuple[int, int, Entry]],
        heads: list[tuple[int, int]],
        cues: Cues,
    ) -> None:
        self.text = text
        self.reverse = reverse
        self.cues = cues
        # 1 within _WINDOW of a name head word (as any substring, even inside a word): a span
        # with no 1 in it has no head in its windows, so no name chain needs walking
        self.near_head = bytearray(len(text))
        for start, end in heads:
            lo = max(0, start - _WINDOW)
            hi = min(len(text), end + _WINDOW)
            self.near_head[lo:hi] = b"\x01" * (hi - lo)
        self._chosen = chosen
        self._taken: bytearray | None = None

    @property
    def taken(self) -> bytearray:
        """1 where a chosen candidate (mention or blocked phrase) lies; made when first asked."""
        if self._taken is None:
            self._taken = _mask(self._chosen, len(self.text))
        return self._taken

    def token_after(self, end: int) -> re.Match[str] | None:
        """The nearest token after `end`."""
        return _TOKEN.search(self.text, end, end + _WINDOW)

    def token_before(self, start: int) -> re.Match[str] | None:
        """The nearest token before `start`: a match in `reverse` (its text reads backwards)."""
        pos = len(self.text) - start
        return _TOKEN.search(self.reverse, pos, pos + _WINDOW)

    def word_before(self, start: int) -> str | None:
        """The nearest token before `start`, lower case."""
        match = self.token_before(start)
        return match.group()[::-1].lower() if match is not None else None

    def words_after(self, end: int, count: int) -> list[str]:
        """The first `count` tokens after `end`, lower case."""
        tokens = _TOKEN.finditer(self.text, end, end + _WINDOW)
        return [m.group().lower() for m in itertools.islice(tokens, count)]

    def words_before(self, start: int, count: int) -> list[str]:
        """The last `count` tokens before `start`, lower case, in reading order."""
        pos = len(self.text) - start
        tokens = _TOKEN.finditer(self.reverse, pos, pos + _WINDOW)
        return [m.group()[::-1].lower() for m in itertools.islice(tokens, count)][::-1]


def _ends_with(doc: _Doc, start: int, last: str | None, phrases: Phrases) -> bool:
    """Whether the (up to 4) words before `start` end with one of `phrases`; `last` is the
    nearest."""
    if last not in phrases.lasts:
        return False
    return phrases.matches(doc.words_before(start, phrases.reach), tail=True)


def _starts_with(doc: _Doc, end: int, first: str | None, phrases: Phrases) -> bool:
    """Whether the (up to 4) words after `end` start with one of `phrases`; `first` is the
    nearest."""
    if first not in phrases.firsts:
        return False
    return phrases.matches(doc.words_after(end, phrases.reach), tail=False)


def _is_place(
    doc: _Doc, start: int, end: int, role: str, prev: Mention | None, first: str | None
) -> bool:
    """A capital, seat or region used as a location (venue, visit, route, "(Moscow)").

    `first` is the token after the span, lower case.
    """
    text, cues = doc.text, doc.cues
    if role not in ("metonym", "region") or text[end : end + 2] in ("'s", "’s"):
        return False  # a possessive is an actor ("in Astana's policy"), not a location
    if text[start - 1 : start] == "(" and text[end : end + 1] == ")":
        return True
    line_start = start == 0 or text[start - 1] == "\n"
    if line_start and cues.dateline_after and cues.dateline_after.match(text, end, end + 40):
        return True
    if prev is not None and prev.place:
        m = _PAREN_ALIAS.fullmatch(text, prev.end, start)
        if m and (m.group(1) is None or m.group(1).lower() in cues.alias_words):
            return True
    last = doc.word_before(start)
    if _ends_with(doc, start, last, cues.place_before) and not _ends_with(
        doc, start, last, cues.not_place_before
    ):
        return True
    if _starts_with(doc, end, first, cues.place_after):
        return True
    if role != "region" or first != cues.region_route_word:
        return False
    after = _TOKEN.findall(text, end, end + _WINDOW)
    return len(after) >= 2 and after[1][0].isupper()


def _name_chain_has_head(
    doc: _Doc, edge: int, match: re.Match[str] | None, *, backwards: bool = False
) -> bool:
    """Walk capitalised words and connectors away from `edge`, from its nearest token `match`;
    a head word makes it an institution name.

    Words of another actor mention are walked over but never count as heads, so "the IMF and
    World Bank" does not put the IMF inside a bank's name.
    """
    source = doc.reverse if backwards else doc.text
    size = len(source)
    stop = (size - edge if backwards else edge) + _WINDOW
    taken, heads, connectors = doc.taken, doc.cues.name_heads, doc.cues.name_connectors
    for _ in range(10):
        if match is None:
            break
        if not taken[size - match.end() if backwards else match.start()]:
            tok = match.group()[::-1] if backwards else match.group()
            if tok in heads:
                return True
            if not (tok[0].isupper() or tok in connectors):
                break
        match = _TOKEN.search(source, match.end(), stop)
    return False


def _is_in_name(
    doc: _Doc, start: int, end: int, after: re.Match[str] | None, first: str | None
) -> bool:
    """Inside an institution, treaty or outlet name ("Russian Academy of Sciences").

    `after` is the token after the span and `first` the same in lower case.
    """
    if first in doc.cues.name_suffixes:
        return True
    if doc.near_head.find(1, start, end) == -1:
        return False
    return _name_chain_has_head(doc, end, after) or _name_chain_has_head(
        doc, start, doc.token_before(start), backwards=True
    )


def _is_ethnic(
    doc: _Doc,
    start: int,
    end: int,
    role: str,
    prev: Mention | None,
    after: re.Match[str] | None,
    first: str | None,
) -> bool:
    """Ethnic or language use of a demonym ("of Russian descent", "the Kazakh language").

    `after` is the token after the span and `first` the same in lower case.
    """
    if role == "language":
        return True
    if role != "demonym":
        return False
    text, cues = doc.text, doc.cues
    if prev is not None and prev.ethnic and text[prev.end : start] in (" and ", " or ", ", "):
        return True  # "in English and French"
    if first is not None:
        if first in cues.ethnic_after:
            return True
        if first == "-":
            words = doc.words_after(end, 2)
            if len(words) > 1 and "-" + words[1] in cues.ethnic_after:
                return True
    last = doc.word_before(start)
    if _ends_with(doc, start, last, cues.ethnic_before):
        return True
    bare = after is None or not after.group()[0].isalnum() or first in ("and", "or")
    return bare and _ends_with(doc, start, last, cues.language_verbs)


# ---------------------------------------------------------------------------------------------
# Public API


def find_mentions(
    text: str,
    *,
    gazetteer: Gazetteer | None = None,
    skip: Sequence[Any] = (),
) -> tuple[Mention, ...]:
    """Actor mentions in `text`, longest match first, outside the `skip` spans.

    `skip` holds (start, end) tuples or objects with start/end (e.g. Boilerplate records).
    """
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    skipped = bytearray(len(text))
    for span in skip:
        s, e = span if isinstance(span, tuple) else (span.start, span.end)
        skipped[max(0, s) : max(0, e)] = b"\x01" * (max(0, e) - max(0, s))
    out: list[Mention] = []
    prev: Mention | None = None
    reverse = text[::-1]
    cands, heads = _scan(text, reverse, gaz)
    chosen = _longest(cands, len(text))
    doc = _Doc(text, reverse, chosen, heads, gaz.cues)
    for start, end, entry in chosen:
        if not entry.actor or skipped.find(1, start, end) != -1:
            continue
        after = doc.token_after(end)
        first = after.group().lower() if after is not None else None
        place = _is_place(doc, start, end, entry.role, prev, first)
        in_name = _is_in_name(doc, start, end, after, first)
        ethnic = _is_ethnic(doc, start, end, entry.role, prev, after, first)
        # positional: keywords cost a quarter of the record's construction, paid per mention
        kind = cast(MentionKind, entry.kind)
        mention = Mention(start, end, text[start:end], entry.actor, kind, place, in_name, ethnic)
        out.append(mention)
        prev = mention
    return tuple(out)


STATE_KINDS = frozenset({"country", "metonym", "demonym"})


def dominant_state(mentions: Iterable[Mention]) -> str | None:
    """The state an article mentions most (by name, metonym or demonym, not inside another
    name), which stands in for the focal country when the user names none. Of states
    mentioned equally often, the first mentioned: news leads with its subject."""
    counts = Counter(m.actor for m in mentions if m.kind in STATE_KINDS and not m.in_name)
    return counts.most_common(1)[0][0] if counts else None  # ties keep text order


def _gazetteer_resource(resources: Resources) -> Gazetteer:
    extra = resources.options.get("gazetteer") or ()
    return load_gazetteer(extra)


@step("mentions", provides="mentions")
def mentions_step(
    article: Article, records: Mapping[str, tuple[Any, ...]], resources: Resources
) -> tuple[Mention, ...]:
    """Actor mentions of one article, site chrome skipped."""
    gaz = resources.get("actors.gazetteer", _gazetteer_resource)
    return find_mentions(article.text, gazetteer=gaz, skip=article.boilerplate)
