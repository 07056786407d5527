"""Name lists and name comparison for `multivector.persons`.

`fold_name` gives a transliteration-tolerant skeleton of a name (the key the quotes scorer
and `multivector quotes --speaker` compare); `NameLists` compiles `data/persons.toml`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .config import load_data
from .text import trie_regex

# --------------------------------------------------------------------------- name folding

_FOLD_RULES = (
    ("dzh", "j"), ("zh", "j"), ("kh", "h"), ("x", "ks"), ("q", "k"), ("tch", "ch"),
    ("tz", "ts"), ("ph", "f"), ("ck", "k"), ("y", "i"),
)  # fmt: skip
_VOWEL_I = re.compile(r"([aeiou])i(?=e)")
_DOUBLE = re.compile(r"(.)\1+")
_FOLD_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


@functools.lru_cache(maxsize=8192)
def fold_name(name: str) -> str:
    """A transliteration-tolerant skeleton of a name, word by word.

    Kasym-Zhomart / Kassym-Jomart, Andrei / Andrey, Alexey / Aleksei, Tokayev / Tokaev and
    Yevgeny / Evgeny fold alike: accents dropped, lower case, zh/dzh->j, kh->h, x->ks, q->k, y->i,
    vowel+i+e -> vowel+e, initial ie -> e, hyphens and apostrophes dropped, doubled letters once.
    """
    if name.isascii():  # nothing to decompose (most names, checked in C)
        plain = name.casefold()
    else:
        decomposed = unicodedata.normalize("NFKD", name)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    words = []
    for word in _FOLD_WORD.findall(plain):
        word = word.replace("-", "").replace("'", "").replace("’", "")
        for old, new in _FOLD_RULES:
            word = word.replace(old, new)
        word = _VOWEL_I.sub(r"\1", word)
        if word.startswith("ie") and len(word) > 3:
            word = word[1:]
        words.append(_DOUBLE.sub(r"\1", word))
    return " ".join(words)


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def surname_typo(a: str, b: str) -> bool:
    """Folded surnames one letter apart (two on long names), same start and ending.

    The ending must agree so that Ivanov / Ivanova or Kowalski / Kowalska stay apart.
    """
    if a == b:
        return True
    shorter = min(len(a), len(b))
    if shorter < 7 or a[:3] != b[:3] or a[-2:] != b[-2:]:
        return False
    return _edit_distance(a, b, 2 if shorter >= 10 else 1) <= (2 if shorter >= 10 else 1)


def given_compatible(a: str, b: str) -> bool:
    """Folded given names of one person: equal, an initial, a short form, or one letter off."""
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 4 and long_.startswith(short):
        return True
    return len(short) >= 6 and _edit_distance(a, b, 1) <= 1


# --------------------------------------------------------------------------- word lists


@dataclass(frozen=True)
class NameLists:
    """The compiled word lists of `data/persons.toml`; build once with `NameLists.load()`."""

    given: frozenset[str]
    surname_first: frozenset[str]
    particles: frozenset[str]
    honorifics: frozenset[str]
    role_class: Mapping[str, str]
    modifiers: frozenset[str]
    former: frozenset[str]
    ordinals: frozenset[str]
    speech: frozenset[str]
    stop: frozenset[str]
    chain_nouns: frozenset[str]
    time_words: frozenset[str]
    generic: frozenset[str]
    function_words: frozenset[str]
    affiliation: frozenset[str]
    head_of: frozenset[str]
    current: frozenset[str]
    adverbs: frozenset[str]
    predicate: frozenset[str]
    description: re.Pattern[str]

    @functools.cached_property
    def word_kinds(self) -> dict[str, str]:
        """Memo of `persons._word_kind`, which depends on these lists only (and kept small
        by its user): capitalised words recur from article to article."""
        return {}

    @functools.cached_property
    def description_ascii(self) -> re.Pattern[str]:
        """`description` compiled with re.ASCII: the same matches, sooner, on a text whose
        letters, digits and spaces are all ASCII (`persontext.plain_ascii`)."""
        flags = (self.description.flags & ~re.UNICODE) | re.ASCII
        return re.compile(self.description.pattern, flags)

    @classmethod
    def load(cls, path: str | Path | None = None) -> NameLists:
        data = load_data("persons.toml", path)
        names, roles = data.get("names", {}), data.get("roles", {})
        stop_data, cues = data.get("stop", {}), data.get("cues", {})
        role_class = {}
        for cls_name in ("neutral", "expert", "government", "head"):
            for noun in roles.get(cls_name, []):
                role_class[noun.casefold()] = cls_name
        modifiers = _folded(roles.get("modifiers", []))
        stop = {
            w.casefold()
            for w in [*stop_data.get("words", []), *stop_data.get("function_words", [])]
        }
        stop.update(_country_words())
        return cls(
            given=frozenset(fold_name(n) for n in names.get("given", [])),
            surname_first=frozenset(fold_name(n) for n in names.get("surname_first", [])),
            particles=frozenset(names.get("particles", [])),
            honorifics=_folded(data.get("titles", {}).get("honorifics", [])),
            role_class=role_class,
            modifiers=modifiers,
            former=_folded(roles.get("former", [])),
            ordinals=_folded(roles.get("ordinals", [])),
            speech=_folded(cues.get("speech_verbs", [])),
            stop=frozenset(stop),
            chain_nouns=frozenset(stop_data.get("chain_nouns", [])),
            affiliation=_folded(roles.get("affiliation_words", [])),
            head_of=_folded(roles.get("head_of", [])),
            current=_folded(roles.get("current", [])),
            adverbs=_folded(cues.get("adverbs", [])),
            predicate=_folded(cues.get("predicate_words", [])),
            generic=_folded(roles.get("generic", [])),
            function_words=_folded(stop_data.get("function_words", [])),
            time_words=_folded(stop_data.get("time_words", [])),
            description=_description_pattern(roles.get("bindable", []), modifiers),
        )


def _folded(words: Iterable[str]) -> frozenset[str]:
    """The words case-folded, as the lists are looked up with folded tokens."""
    return frozenset(w.casefold() for w in words)


def _country_words() -> set[str]:
    """One-word country names from pycountry: never person names."""
    try:
        import pycountry
    except ImportError:  # pragma: no cover - pycountry is a dependency
        return set()
    words = set()
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if value and " " not in value and "," not in value:
                words.add(value.casefold())
    return words


def _description_pattern(nouns: Iterable[str], modifiers: Iterable[str]) -> re.Pattern[str]:
    # tries, not flat alternations: the engine tries one branch per letter instead of every
    # word at every "the" (a quarter less time; the same longest-first matches)
    # No letter-by-letter backtracking over capitalised words: a space follows `cap` and
    # `ex-\w`, so they take their letters possessively; a possessor (`cap` after its first
    # letter) is first checked, by a lookahead, to end in "'s" and a space, and only then
    # read with the "'s" given back.
    noun_alt, mod_alt = trie_regex(nouns), trie_regex(modifiers)
    cap = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w’'-]*+)"
    cap_rest = r"(?:\.(?:[A-Z]\.)+|(?=[\w’'-]*+(?<=['’]s)[^\S\n])[\w’'-]*)"
    sp = r"[^\S\n]+"
    # Both openings ("the/his/her", a capitalised possessor "X's") start with a letter of
    # [A-Zth] at a word start; the pattern consumes that letter first (the lookbehind
    # `(?<!\w.)` is the word start), since the engine skips at C speed to the characters a
    # pattern opens with. So the groups `det` and `poss` hold the opening word without its
    # first letter ("he", "is"; `poss` may be empty): the word starts at match.start().
    return re.compile(
        rf"[A-Zth](?<!\w.)(?:(?P<det>(?<=[Tt])he|(?<=[Hh])(?:is|er)){sp}"
        rf"|(?P<poss>(?<=[A-Z]){cap_rest})['’]s{sp})"
        rf"(?P<mods>(?:(?:(?i:{mod_alt})|ex-\w++|{cap}){sp}){{0,3}})"
        rf"(?P<noun>(?i:{noun_alt}))(?![\w-])"
        rf"(?P<comp>{sp}of{sp}(?:the{sp})?{cap}(?:{sp}(?:of{sp}(?:the{sp})?)?{cap})*)?"
        rf"(?P<generic>{sp}of{sp}(?:the{sp})?[a-z])?"
    )


@functools.lru_cache(maxsize=1)
def default_lists() -> NameLists:
    """The bundled lists, compiled once per process."""
    return NameLists.load()
