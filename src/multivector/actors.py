"""Actor mentions: states, blocs, organisations, metonyms and demonyms, resolved to codes.

Every later measurement counts who engages with whom, so this step must be precise and work
for any country. The gazetteer is data (pycountry names plus `data/gazetteer.toml` plus the
user's files), compiled once into one Aho-Corasick automaton; a text is scanned in one pass,
candidates are checked for word boundaries and case, and the longest match wins. Flags
(`place`, `in_name`, `ethnic`) come from cue word lists in the same TOML file.
"""

from __future__ import annotations

import functools
import gettext
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import ahocorasick
import pycountry

from .config import data_path, load_data, load_toml
from .errors import ConfigError
from .pipeline import Resources, step
from .records import Article, Mention, MentionKind

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
_PREV_WORD = re.compile(r"([\w'’.]+)[ \t]+$")
_NEXT_WORD = re.compile(r"^[ \t]+([\w'’.]+)")
_PAREN_ALIAS = re.compile(r"\s*\(\s*(?:(\w+)\s+)?$")
_WINDOW = 60


@dataclass(frozen=True, slots=True)
class Entry:
    """What a surface form stands for. `actor` is "" for a blocked phrase."""

    actor: str
    kind: str
    role: str  # name | region | demonym | language | metonym | prefix | phrase | block
    guarded: bool = False


@dataclass(frozen=True)
class Cues:
    """Cue words for the flags; phrases are tuples of lower-case words."""

    place_before: tuple[tuple[str, ...], ...]
    not_place_before: tuple[tuple[str, ...], ...]
    place_after: tuple[tuple[str, ...], ...]
    region_route_word: str
    dateline_after: re.Pattern[str] | None
    alias_words: frozenset[str]
    openers: frozenset[str]
    name_heads: frozenset[str]
    name_connectors: frozenset[str]
    name_suffixes: frozenset[str]
    ethnic_after: frozenset[str]
    ethnic_before: tuple[tuple[str, ...], ...]
    language_verbs: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Gazetteer:
    """A compiled gazetteer: surface form -> Entry, the automaton over all case variants, cues."""

    forms: Mapping[str, Entry]
    automaton: Any
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


def _cue_phrases(values: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(v.lower().split()) for v in values)


def _compile(pattern: str | None) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern) if pattern else None
    except re.error as exc:
        raise ConfigError(f"gazetteer cue pattern {pattern!r}: {exc}") from None


def _cues(data: Mapping[str, Any]) -> Cues:
    c = data.get("cues", {})
    return Cues(
        place_before=_cue_phrases(c.get("place_before", [])),
        not_place_before=_cue_phrases(c.get("not_place_before", [])),
        place_after=_cue_phrases(c.get("place_after", [])),
        region_route_word=str(c.get("region_route_word", "to")),
        dateline_after=_compile(c.get("dateline_after")),
        alias_words=frozenset(w.lower() for w in c.get("alias_words", [])),
        openers=frozenset(w.lower() for w in c.get("openers", [])),
        name_heads=frozenset(c.get("name_heads", [])),
        name_connectors=frozenset(c.get("name_connectors", [])),
        name_suffixes=frozenset(w.lower() for w in c.get("name_suffixes", [])),
        ethnic_after=frozenset(w.lower() for w in c.get("ethnic_after", [])),
        ethnic_before=_cue_phrases(c.get("ethnic_before", [])),
        language_verbs=_cue_phrases(c.get("language_verbs", [])),
    )


def _actor_kind(code: str, table: Mapping[str, Any]) -> str:
    kind = str(table.get("kind") or ("country" if len(code) == 3 and code.isupper() else "bloc"))
    if kind not in _KINDS:
        raise ConfigError(f"gazetteer actor {code}: unknown kind {kind!r}; use one of {_KINDS}")
    return kind


def build_gazetteer(data: Mapping[str, Any]) -> Gazetteer:
    """Compile a merged gazetteer document into forms and one automaton."""
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

    automaton = ahocorasick.Automaton()
    for surface, entry in forms.items():
        variants = {surface, surface[0].upper() + surface[1:]}
        if sum(ch.isalpha() for ch in surface) >= 4 and not entry.guarded:
            variants.add(surface.upper())
        for variant in variants:
            # a variant is the capitalised form of a lower-case-initial surface; an exact
            # surface defined elsewhere keeps its own entry
            owner = forms.get(variant, entry)
            automaton.add_word(variant, (len(variant), owner))
    automaton.make_automaton()
    return Gazetteer(forms=forms, automaton=automaton, cues=_cues(data))


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


def _left_ok(text: str, start: int, surface: str) -> bool:
    if start == 0 or not text[start - 1].isalnum():
        return True
    # text glued by scraping ("...KavkazaU.S. President"): abbreviations with dots only
    return "." in surface and text[start - 1].islower() and surface[0].isupper()


def _prev_word(text: str, start: int) -> tuple[str, bool] | None:
    """The word right before `start` (only blanks between) and whether it opens a sentence."""
    m = _PREV_WORD.search(text, max(0, start - _WINDOW), start)
    if not m:
        return None
    before = text[max(0, m.start() - 3) : m.start()].rstrip()
    return m.group(1), (not before or before[-1] in _SENTENCE_START)


@functools.lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    return frozenset(load_data("abbreviations.toml").get("abbreviations", []))


def _next_word(text: str, end: int) -> str | None:
    m = _NEXT_WORD.match(text[end : end + _WINDOW])
    return m.group(1) if m else None


def _guard_ok(text: str, start: int, end: int, entry: Entry, gaz: Gazetteer) -> bool:
    """Reject person-like or headline-caps uses of ambiguous forms ("Michael Jordan", "LET US")."""
    letters = text[start:end].replace(".", "")
    if entry.guarded:
        nxt = _next_word(text, end)
        if nxt and nxt[0].isupper():
            return False
        prev = _prev_word(text, start)
        if prev and prev[0][0].isupper():
            word, opens_sentence = prev
            if word.endswith("."):
                if word[:-1] in _abbreviations():
                    return False  # a title: "Mr. Jordan"
            elif not opens_sentence or word.lower() not in gaz.cues.openers:
                return False
    if letters.isupper() and len(letters) <= 4:
        prev_word = _prev_word(text, start)
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


def _candidates(text: str, gaz: Gazetteer) -> list[tuple[int, int, Entry]]:
    out = []
    n = len(text)
    for last, (length, entry) in gaz.automaton.iter(text):
        end = last + 1
        start = end - length
        surface = text[start:end]
        if end < n and text[end].isalnum() and surface[-1].isalnum():
            continue
        if entry.role == "prefix" and text[end : end + 1] != "-":
            continue
        if not _left_ok(text, start, surface):
            continue
        if (entry.guarded or length <= 5) and not _guard_ok(text, start, end, entry, gaz):
            continue
        out.append((start, end, entry))
    return out


def _longest(
    cands: list[tuple[int, int, Entry]], size: int
) -> tuple[list[tuple[int, int, Entry]], bytearray]:
    """Non-overlapping candidates, longest first, then leftmost; and the mask they cover."""
    taken = bytearray(size)
    chosen = []
    for start, end, entry in sorted(cands, key=lambda c: (c[0] - c[1], c[0])):
        if taken.find(1, start, end) != -1:
            continue
        taken[start:end] = b"\x01" * (end - start)
        chosen.append((start, end, entry))
    chosen.sort(key=lambda c: c[0])
    return chosen, taken


# ---------------------------------------------------------------------------------------------
# Flags


def _tokens_before(text: str, start: int) -> list[str]:
    return _TOKEN.findall(text, max(0, start - _WINDOW), start)[-8:]


def _tokens_after(text: str, end: int) -> list[str]:
    return _TOKEN.findall(text, end, min(len(text), end + _WINDOW))[:8]


def _ends_with(tokens: list[str], phrases: Iterable[tuple[str, ...]]) -> bool:
    low = [t.lower() for t in tokens[-4:]]
    return any(p and low[-len(p) :] == list(p) for p in phrases)


def _starts_with(tokens: list[str], phrases: Iterable[tuple[str, ...]]) -> bool:
    low = [t.lower() for t in tokens[:4]]
    return any(p and low[: len(p)] == list(p) for p in phrases)


def _is_place(text: str, start: int, end: int, role: str, prev: Mention | None, cues: Cues) -> bool:
    """A capital, seat or region used as a location (venue, visit, route, "(Moscow)")."""
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
    before, after = _tokens_before(text, start), _tokens_after(text, end)
    if _ends_with(before, cues.place_before) and not _ends_with(before, cues.not_place_before):
        return True
    if _starts_with(after, cues.place_after):
        return True
    return (
        role == "region"
        and len(after) >= 2
        and after[0].lower() == cues.region_route_word
        and after[1][0].isupper()
    )


def _name_chain_has_head(tokens: Iterable[re.Match[str]], taken: bytearray, cues: Cues) -> bool:
    """Walk capitalised words and connectors; a head word makes it an institution name.

    Words of another actor mention are walked over but never count as heads, so "the IMF and
    World Bank" does not put the IMF inside a bank's name.
    """
    for i, match in enumerate(tokens):
        if i >= 10:
            break
        if taken[match.start()]:
            continue
        tok = match.group()
        if tok in cues.name_heads:
            return True
        if tok[0].isupper() or tok in cues.name_connectors:
            continue
        break
    return False


def _is_in_name(text: str, start: int, end: int, taken: bytearray, cues: Cues) -> bool:
    """Inside an institution, treaty or outlet name ("Russian Academy of Sciences")."""
    after = _TOKEN.finditer(text, end, min(len(text), end + _WINDOW))
    first = next(after, None)
    if first is not None:
        if first.group().lower() in cues.name_suffixes:
            return True
        if _name_chain_has_head(itertools.chain((first,), after), taken, cues):
            return True
    before = list(_TOKEN.finditer(text, max(0, start - _WINDOW), start))
    return _name_chain_has_head(reversed(before), taken, cues)


def _is_ethnic(
    text: str, start: int, end: int, role: str, prev: Mention | None, cues: Cues
) -> bool:
    """Ethnic or language use of a demonym ("of Russian descent", "the Kazakh language")."""
    if role == "language":
        return True
    if role != "demonym":
        return False
    if prev is not None and prev.ethnic and text[prev.end : start] in (" and ", " or ", ", "):
        return True  # "in English and French"
    after = _tokens_after(text, end)
    if after:
        first = after[0].lower()
        if first in cues.ethnic_after:
            return True
        if first == "-" and len(after) > 1 and "-" + after[1].lower() in cues.ethnic_after:
            return True
    before = _tokens_before(text, start)
    if _ends_with(before, cues.ethnic_before):
        return True
    bare = not after or not after[0][0].isalnum() or after[0].lower() in ("and", "or")
    return bare and _ends_with(before, cues.language_verbs)


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
    chosen, taken = _longest(_candidates(text, gaz), len(text))
    for start, end, entry in chosen:
        if not entry.actor or skipped.find(1, start, end) != -1:
            continue
        mention = Mention(
            start=start,
            end=end,
            surface=text[start:end],
            actor=entry.actor,
            kind=cast(MentionKind, entry.kind),
            place=_is_place(text, start, end, entry.role, prev, gaz.cues),
            in_name=_is_in_name(text, start, end, taken, gaz.cues),
            ethnic=_is_ethnic(text, start, end, entry.role, prev, gaz.cues),
        )
        out.append(mention)
        prev = mention
    return tuple(out)


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
