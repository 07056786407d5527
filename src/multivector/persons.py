"""People named in an article: their name forms, bound descriptions, roles and country.

No English NER model can be installed here, so people are found with rules over one pass of
word tokens and the word lists in `data/persons.toml`: a capitalised sequence becomes a person
when it holds a known given name, follows a title or role ("President X", "politician X",
"the Deputy Director of Y, X"), stands in apposition to a role ("X, senior researcher at Y"),
follows "according to", or is the subject of a speech verb ("X said"). Actor mentions (the
`mentions` step) are never names. Every later form of a known person (surname alone, title +
surname, transliteration variants, small typos of a long surname) and every bound description
("the president", "the expert", "the new Kazakh leader") is merged into that person; people
who share a surname but differ in given name stay apart.

Unnamed office holders that the text qualifies with a country ("the President of Russia") are
kept as description-only persons (key `office:<noun>:<ISO3>`); other unbound descriptions are
dropped. Text inside `skip` spans (boilerplate) never introduces a person, but a mention
there of a person named elsewhere in the article is attached to them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .config import load_data
from .pipeline import Resources, step
from .records import Article, Mention, Person, Span
from .text import paragraph_spans, sentence_spans

# --------------------------------------------------------------------------- name folding

_FOLD_RULES = (
    ("dzh", "j"), ("zh", "j"), ("kh", "h"), ("x", "ks"), ("q", "k"), ("tch", "ch"),
    ("tz", "ts"), ("ph", "f"), ("ck", "k"), ("y", "i"),
)  # fmt: skip
_VOWEL_I = re.compile(r"([aeiou])i(?=e)")
_DOUBLE = re.compile(r"(.)\1+")
_FOLD_WORD = re.compile(r"[a-z]+(?:['\-][a-z]+)*")


@functools.lru_cache(maxsize=8192)
def fold_name(name: str) -> str:
    """A transliteration-tolerant skeleton of a name, word by word.

    Kasym-Zhomart / Kassym-Jomart, Andrei / Andrey, Alexey / Aleksei, Tokayev / Tokaev and
    Yevgeny / Evgeny fold alike: ASCII, lower case, zh/dzh->j, kh->h, x->ks, q->k, y->i,
    vowel+i+e -> vowel+e, initial ie -> e, hyphens and apostrophes dropped, doubled letters once.
    """
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = []
    for word in _FOLD_WORD.findall(ascii_text):
        word = word.replace("-", "").replace("'", "")
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
    description: re.Pattern[str]

    @classmethod
    def load(cls, path: str | Path | None = None) -> NameLists:
        data = load_data("persons.toml", path)
        names, roles = data.get("names", {}), data.get("roles", {})
        role_class = {}
        for cls_name in ("neutral", "expert", "government", "head"):
            for noun in roles.get(cls_name, []):
                role_class[noun.casefold()] = cls_name
        modifiers = frozenset(m.casefold() for m in roles.get("modifiers", []))
        stop_data = data.get("stop", {})
        stop = {
            w.casefold()
            for w in [*stop_data.get("words", []), *stop_data.get("function_words", [])]
        }
        stop.update(_country_words())
        return cls(
            given=frozenset(fold_name(n) for n in names.get("given", [])),
            surname_first=frozenset(fold_name(n) for n in names.get("surname_first", [])),
            particles=frozenset(names.get("particles", [])),
            honorifics=frozenset(
                h.casefold() for h in data.get("titles", {}).get("honorifics", [])
            ),
            role_class=role_class,
            modifiers=modifiers,
            former=frozenset(m.casefold() for m in roles.get("former", [])),
            ordinals=frozenset(m.casefold() for m in roles.get("ordinals", [])),
            speech=frozenset(v.casefold() for v in data.get("cues", {}).get("speech_verbs", [])),
            stop=frozenset(stop),
            chain_nouns=frozenset(data.get("stop", {}).get("chain_nouns", [])),
            generic=frozenset(n.casefold() for n in roles.get("generic", [])),
            function_words=frozenset(
                w.casefold() for w in data.get("stop", {}).get("function_words", [])
            ),
            time_words=frozenset(w.casefold() for w in data.get("stop", {}).get("time_words", [])),
            description=_description_pattern(roles.get("bindable", []), modifiers),
        )


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
    noun_alt = "|".join(
        re.escape(n).replace(r"\ ", r"\s+") for n in sorted(nouns, key=len, reverse=True)
    )
    mod_alt = "|".join(re.escape(m) for m in sorted(modifiers, key=len, reverse=True))
    cap = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w’'-]*)"
    sp = r"[^\S\n]+"
    return re.compile(
        rf"(?:\b(?P<det>[Tt]he|[Hh]is|[Hh]er){sp}|\b(?P<poss>{cap})['’]s{sp})"
        rf"(?P<mods>(?:(?:(?i:{mod_alt})|ex-\w+|{cap}){sp}){{0,3}})"
        rf"(?P<noun>(?i:{noun_alt}))(?![\w-])"
        rf"(?P<comp>{sp}of{sp}(?:the{sp})?{cap}(?:{sp}(?:of{sp}(?:the{sp})?)?{cap})*)?"
        rf"(?P<generic>{sp}of{sp}(?:the{sp})?[a-z])?"
    )


# --------------------------------------------------------------------------- tokens

_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_]+(?:[-'’][^\W_]+)*")
_QUOTE_MARK = re.compile(r"[\"“”«»„]")
_CHAIN_WORDS = frozenset({"of", "the", "for", "at", "and", "under", "in", "on", "de", "du"})
_DETERMINERS = frozenset({"the", "a", "an"})
_ADVERBS = frozenset(
    {"also", "then", "further", "later", "recently", "again", "once", "has", "had", "is", "was",
     "earlier", "previously", "reportedly", "too", "even", "still", "openly", "publicly",
     "himself", "herself", "firmly", "have", "now", "however"}
)  # fmt: skip
_CURRENT = frozenset({"new", "current", "incumbent", "sitting", "acting", "interim"})
_AFFILIATION = frozenset(
    {"institute", "center", "centre", "university", "academy", "studies", "sciences", "research",
     "school", "college", "faculty", "laboratory", "mgimo", "imemo", "ras", "think-tank"}
)  # fmt: skip
_ISO3 = re.compile(r"[A-Z]{3}")
_PREDICATE = frozenset({"is", "was", "became", "becomes", "remains", "remained", "who", "as",
                        "appointed", "elected", "named", "served", "serves", "worked", "has",
                        "been", "had"})  # fmt: skip
_PARA_WINDOW = 4
_ORG_PREPOSITIONS = frozenset({"of", "at", "from", "by", "with", "for"})


@dataclass(slots=True)
class _Tok:
    start: int
    end: int
    text: str
    low: str
    cap: bool
    poss: bool
    sent: int = 0
    para: int = 0
    quote: int = -1
    actor: str | None = None
    masked: bool = False
    skip: bool = False


@dataclass
class _Doc:
    text: str
    toks: list[_Tok]
    headline_paras: frozenset[int]
    lower_words: frozenset[str]
    mentions: tuple[Mention, ...]
    skip: tuple[tuple[int, int], ...]
    quote_spans: list[tuple[int, int]]
    mention_ending: dict[int, Mention] = field(default_factory=dict)
    starts: list[int] = field(default_factory=list)

    def gap(self, i: int) -> str:
        """Text between token i - 1 and token i."""
        return self.text[self.toks[i - 1].end : self.toks[i].start]

    def actors_in(self, start: int, end: int) -> list[str]:
        """ISO3 codes of the country-like mentions inside [start, end), in text order."""
        return [
            m.actor
            for m in self.mentions
            if start <= m.start
            and m.end <= end
            and _ISO3.fullmatch(m.actor)
            and m.kind in ("country", "demonym", "metonym")
        ]

    def quote_of(self, pos: int) -> int:
        for n, (s, e) in enumerate(self.quote_spans):
            if s <= pos < e:
                return n
        return -1

    def in_skip(self, start: int, end: int) -> bool:
        return any(start < e and s < end for s, e in self.skip)


def _quote_spans(text: str, paragraphs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Quoted passages per paragraph; an unclosed quote runs to the paragraph's end."""
    spans: list[tuple[int, int]] = []
    for p_start, p_end in paragraphs:
        open_at: int | None = None
        for match in _QUOTE_MARK.finditer(text, p_start, p_end):
            pos, mark = match.start(), match.group()
            before = text[pos - 1] if pos > p_start else " "
            after = text[pos + 1] if pos + 1 < p_end else " "
            opening = mark in "“«„" or (
                mark == '"' and (before.isspace() or before in "([") and not after.isspace()
            )
            if opening:
                open_at = pos
            elif open_at is not None:
                spans.append((open_at, pos + 1))
                open_at = None
            elif mark in "”»":  # continuation of a quote opened in an earlier paragraph
                spans.append((p_start, pos + 1))
        if open_at is not None:
            spans.append((open_at, p_end))
    return spans


def _headline(text: str, toks: Sequence[_Tok]) -> bool:
    """Title-case lines (headlines, labels): one sentence, most long words capitalised, and
    no final full stop unless nearly every word is capitalised."""
    long_words = [t for t in toks if len(t.text) >= 4 and t.text[0].isalpha()]
    if len(long_words) < 3 or len({t.sent for t in toks}) > 1:
        return False
    share = sum(t.cap for t in long_words) / len(long_words)
    ends_sentence = text[toks[-1].end : toks[-1].end + 1] == "."
    return share >= (0.9 if ends_sentence else 0.6)


def _cover(starts: Sequence[int], spans: Sequence[tuple[int, int]]) -> list[int]:
    """For each position (sorted), the index of the span (sorted, disjoint) holding it, or -1."""
    out, k, n = [], 0, len(spans)
    for pos in starts:
        while k < n and spans[k][1] <= pos:
            k += 1
        out.append(k if k < n and spans[k][0] <= pos else -1)
    return out


def _document(text: str, mentions: Sequence[Mention], skip: Sequence[tuple[int, int]]) -> _Doc:
    """Tokens with their sentence, paragraph, quote, skip and actor labels, in one sweep each."""
    paragraphs = paragraph_spans(text)
    sent_starts = [s for s, _ in sentence_spans(text)]
    para_starts = [s for s, _ in paragraphs]
    ordered = sorted(mentions, key=lambda m: m.start)
    toks: list[_Tok] = []
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        word = match.group()
        poss = word.endswith(("'s", "’s")) and len(word) > 2
        if poss:
            end -= 2
            word = word[:-2]
        toks.append(_Tok(start, end, word, word.casefold(), word[0].isupper(), poss))
    starts = [t.start for t in toks]
    quotes = _quote_spans(text, paragraphs)
    skips = sorted((int(s), int(e)) for s, e in skip)
    in_quote = _cover(starts, quotes)
    in_skip = _cover(starts, _merge_spans(skips))
    sent_of = _cover(starts, _intervals(sent_starts, len(text)))
    para_of = _cover(starts, _intervals(para_starts, len(text)))
    mention_spans = [(m.start, m.end) for m in ordered]
    by_para: dict[int, list[_Tok]] = {}
    k = 0
    for n, tok in enumerate(toks):
        tok.sent, tok.para, tok.quote, tok.skip = (
            sent_of[n],
            para_of[n],
            in_quote[n],
            in_skip[n] >= 0,
        )
        by_para.setdefault(tok.para, []).append(tok)
        # a token overlapping a mention is part of an actor's name, never a person
        while k < len(ordered) and mention_spans[k][1] <= tok.start:
            k += 1
        if k < len(ordered) and mention_spans[k][0] < tok.end:
            tok.masked, tok.actor = True, ordered[k].actor
    return _Doc(
        text=text,
        toks=toks,
        headline_paras=frozenset(p for p, ts in by_para.items() if _headline(text, ts)),
        lower_words=frozenset(t.text for t in toks if t.text[0].islower()),
        mentions=tuple(ordered),
        skip=tuple(skips),
        quote_spans=quotes,
        mention_ending={m.end: m for m in ordered},
        starts=starts,
    )


def _intervals(starts: Sequence[int], end: int) -> list[tuple[int, int]]:
    """Consecutive starts as [start, next start) intervals."""
    return list(zip(starts, [*starts[1:], end], strict=True))


def _merge_spans(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


# --------------------------------------------------------------------------- role phrases


def _role_noun(low: str, lists: NameLists) -> str | None:
    """The class of a role noun token ("ex-president" counts as president)."""
    if low in lists.role_class:
        return lists.role_class[low]
    if low.startswith("ex-") and low[3:] in lists.role_class:
        return lists.role_class[low[3:]]
    return None


def _is_mod(tok: _Tok, lists: NameLists) -> bool:
    return (
        tok.low in lists.modifiers
        or tok.low.startswith("ex-")
        or (tok.cap and tok.low not in lists.function_words and tok.low not in lists.time_words)
        or tok.masked
    )


def _is_former(mod: str, lists: NameLists) -> bool:
    return mod in lists.former or mod.startswith("ex-")


def _gap_ok(gap: str) -> bool:
    """Inside a role phrase only spaces, commas and brackets separate words."""
    return "\n" not in gap and all(ch.isspace() or ch in ",()" for ch in gap)


def _close_bracket(doc: _Doc, start: int, end: int) -> int:
    """Extend a phrase over the ")" that closes a "(" inside it."""
    phrase = doc.text[start:end]
    if phrase.count("(") > phrase.count(")") and doc.text[end : end + 1] == ")":
        return end + 1
    return end


@dataclass(frozen=True, slots=True)
class _Role:
    text: str
    start: int
    end: int
    noun: str
    cls: str
    former: bool
    ordinal: str | None
    current: bool
    country: str | None
    alias: bool = False  # "the leader of X, Name": the phrase also names the person


def _make_role(doc: _Doc, lists: NameLists, a: int, b: int) -> _Role | None:
    """A role from tokens a..b: strip determiners and dangling words, find its noun."""
    toks = doc.toks
    while a <= b and toks[a].low in _DETERMINERS:
        a += 1
    while b >= a and (toks[b].low in _CHAIN_WORDS or toks[b].low in _DETERMINERS):
        b -= 1
    if a > b:
        return None
    noun_i = next((i for i in range(a, b + 1) if _role_noun(toks[i].low, lists)), None)
    if noun_i is None:
        return None
    noun = toks[noun_i].low
    cls = _role_noun(noun, lists) or "neutral"
    lows = {t.low for t in toks[a : b + 1]}
    if cls == "neutral" and lows & _AFFILIATION:
        cls = "expert"
    mods = [t.low for t in toks[a:noun_i]]
    former = noun.startswith("ex-") or any(m in lists.former or m.startswith("ex-") for m in mods)
    ordinal = next((m for m in mods if m in lists.ordinals), None)
    start, end = toks[a].start, _close_bracket(doc, toks[a].start, toks[b].end)
    before = doc.mention_ending.get(start - 1)
    if before is not None and doc.text[start - 1] == " ":
        start = before.start  # "U.S. President" where the tokenizer split "U.S."
    countries = doc.actors_in(start, end)
    return _Role(
        text=doc.text[start:end],
        start=start,
        end=end,
        noun=noun.removeprefix("ex-"),
        cls=cls,
        former=former,
        ordinal=ordinal,
        current=bool(set(mods) & _CURRENT),
        country=countries[0] if countries else None,
    )


def _chain_before(
    doc: _Doc, lists: NameLists, i: int, last: int, blocked: frozenset[int] = frozenset()
) -> list[_Role]:
    """Role phrases written right before the name in tokens i..last ("Deputy Director of X,
    Doctor of Y Name"). Across a comma only as an apposition: "the head of X, Name, said"."""
    toks = doc.toks
    if "," in doc.gap(i):
        after = doc.text[toks[last].end : toks[last].end + 3]
        if not (
            any(ch in after for ch in ",.;")
            or last + 1 >= len(toks)
            or toks[last + 1].sent != toks[last].sent
        ):
            return []
    j, leftmost = i - 1, None
    while j >= 0 and toks[j].sent == toks[i].sent and j not in blocked and _gap_ok(doc.gap(j + 1)):
        t = toks[j]
        if _role_noun(t.low, lists) or t.low in lists.honorifics:
            leftmost = j
        elif not (
            _is_mod(t, lists)
            or t.cap
            or t.low in _CHAIN_WORDS
            or t.low in lists.chain_nouns
            or t.text.isdigit()
        ):
            break
        j -= 1
    if leftmost is None:
        return []
    start = leftmost
    while (
        start - 1 >= 0
        and start - 1 not in blocked
        and toks[start - 1].sent == toks[i].sent
        and _is_mod(toks[start - 1], lists)
        and not doc.gap(start).strip()
    ):
        start -= 1
    # split at commas into separate roles; a piece without a role noun extends the previous
    pieces: list[list[int]] = [[start, start]]
    for k in range(start + 1, i):
        if "," in doc.gap(k):
            pieces.append([k, k])
        else:
            pieces[-1][1] = k
    roles: list[_Role] = []
    for a, b in pieces:
        first = a + (toks[a].low in _DETERMINERS)
        lead = range(first, min(b, first + 3) + 1)
        if roles and not any(_role_noun(toks[x].low, lists) for x in lead):
            prev = roles.pop()
            merged = _make_role(doc, lists, _tok_at(doc, prev.start), b)
            if merged:
                roles.append(merged)
            continue
        role = _make_role(doc, lists, a, b)
        if role:
            roles.append(role)
    det = start if toks[start].low == "the" else start - 1
    if roles and "," in doc.gap(i) and det >= 0 and toks[det].low == "the":
        final = roles[-1]  # "The leader of X, Name,": the description names the person too
        text = doc.text[toks[det].start : final.end]
        if len(text.split()) <= 6:
            roles[-1] = replace(final, alias=True, start=toks[det].start, text=text)
    return roles


def _tok_at(doc: _Doc, pos: int) -> int:
    """Index of the token holding (or last starting before) character `pos`."""
    return max(bisect_right(doc.starts, pos) - 1, 0)


def _read_role(doc: _Doc, lists: NameLists, k: int, *, loose: bool) -> _Role | None:
    """A role phrase starting at token k: [the] modifiers noun [of/at/for ...].

    `loose` (appositions) runs to the next comma or full stop; otherwise the phrase stops at
    the first word that is neither a name, a role word nor a linking word.
    """
    toks, n = doc.toks, len(doc.toks)
    j = k + (k < n and toks[k].low in _DETERMINERS)
    noun = None
    for x in range(j, min(j + 5, n)):
        if (x > j and not _gap_ok(doc.gap(x))) or (x > j and "," in doc.gap(x)):
            return None
        if _role_noun(toks[x].low, lists):
            noun = x
            break
        if not _is_mod(toks[x], lists):
            return None
    if noun is None:
        return None
    end = noun
    limit = min(noun + 30, n - 1)
    while end < limit:
        gap = doc.gap(end + 1)
        if toks[end + 1].sent != toks[noun].sent or "\n" in gap:
            break
        if loose:
            if any(ch in gap for ch in ',.;:!?"“”«»'):
                break
        else:
            nxt = toks[end + 1]
            if not _gap_ok(gap) or "," in gap or nxt.low in lists.time_words:
                break
            if not (
                nxt.cap
                or nxt.low in _CHAIN_WORDS
                or _role_noun(nxt.low, lists)
                or nxt.low in lists.modifiers
                or nxt.low in lists.chain_nouns
            ):
                break
        end += 1
    if loose:
        after = doc.text[toks[end].end : toks[end].end + 2]
        if (
            end + 1 < n
            and not any(ch in after for ch in ",.;)")
            and toks[end + 1].sent == toks[noun].sent
        ):
            return None
    return _make_role(doc, lists, j, end)


# --------------------------------------------------------------------------- name candidates


@dataclass(frozen=True, slots=True)
class _Cand:
    """A name written with enough evidence to introduce a person."""

    first: int  # token indices, inclusive
    last: int
    given: tuple[str, ...]  # folded given names (empty: surname only)
    surname: str  # folded
    surname_first: bool


def _kind(tok: _Tok, lists: NameLists) -> str:
    """N: may be part of a name; T: title or role word; X: never part of a name."""
    if tok.masked or not tok.cap or any(ch.isdigit() for ch in tok.text):
        return "X"
    low = tok.low.rstrip(".")
    if low in lists.honorifics or _role_noun(low, lists) or low in lists.modifiers:
        return "T"
    if low in lists.stop or (len(tok.text) > 1 and tok.text.isupper()):
        return "X"
    return "N"


def _runs(doc: _Doc, lists: NameLists) -> list[tuple[int, int]]:
    """Maximal sequences of capitalised tokens (with inner particles) in one sentence."""
    toks, runs, i, n = doc.toks, [], 0, len(doc.toks)
    while i < n:
        if not toks[i].cap:
            i += 1
            continue
        j = i
        while j + 1 < n:
            a, b = toks[j], toks[j + 1]
            gap = doc.gap(j + 1)
            if a.poss or b.sent != a.sent:
                break
            spaced = gap in (" ", "\u00a0")
            dotted = gap == ". " and (len(a.text) == 1 or a.low in lists.honorifics)
            if not (spaced or dotted):
                break
            if b.cap:
                j += 1
            elif (
                b.low in lists.particles and j + 2 < n and toks[j + 2].cap and doc.gap(j + 2) == " "
            ):
                j += 2
            else:
                break
        runs.append((i, j))
        i = j + 1
    return runs


def _speech_after(doc: _Doc, lists: NameLists, j: int) -> bool:
    """Token j is followed by a speech verb, perhaps after an adverb or two."""
    toks = doc.toks
    for x in range(j + 1, min(j + 4, len(toks))):
        if not doc.gap(x).isspace() or "\n" in doc.gap(x) or toks[x].sent != toks[j].sent:
            return False
        if toks[x].low in lists.speech:
            return True
        if toks[x].low not in _ADVERBS and not toks[x].low.endswith("ly"):
            return False
    return False


def _name_from(doc: _Doc, lists: NameLists, seg: list[int], cued: bool) -> _Cand | None:
    """The person's name inside a segment of name-like tokens, if there is evidence."""
    toks = doc.toks
    words = [toks[x] for x in seg if toks[x].low not in lists.particles]
    if not words:
        return None
    folded = [fold_name(t.text) for t in words]
    gi = next(
        (k for k, f in enumerate(folded[:-1])
         if f in lists.given or fold_name(words[k].text.split("-")[0]) in lists.given),
        None,
    )  # fmt: skip
    if gi is not None:
        tail = words[gi : gi + 4]
        return _Cand(
            _index(doc, tail[0]), _index(doc, tail[-1]),
            tuple(fold_name(t.text) for t in tail[:-1]), fold_name(tail[-1].text), False,
        )  # fmt: skip
    if len(words) >= 2 and folded[0] in lists.surname_first and folded[0] not in lists.given:
        return _Cand(_index(doc, words[0]), _index(doc, words[1]), (folded[1],), folded[0], True)
    if not cued:
        return None
    if len(words) == 1 or (len(words) == 2 and len(words[0].text) == 1):
        tail = words[-1:]
    elif len(words) >= 3 and len(words[-2].text) == 1:
        tail = words[-3:]
    else:
        tail = words[-2:]
    head = tail[0]
    at_start = head.start == 0 or doc.toks[_index(doc, head) - 1].sent != head.sent
    if at_start and head.low in doc.lower_words:
        return None  # "Diplomats said": a common word that happens to start the sentence
    return _Cand(
        _index(doc, tail[0]), _index(doc, tail[-1]),
        tuple(fold_name(t.text) for t in tail[:-1]), fold_name(tail[-1].text), False,
    )  # fmt: skip


def _index(doc: _Doc, tok: _Tok) -> int:
    return _tok_at(doc, tok.start)


def _segments(doc: _Doc, lists: NameLists) -> list[tuple[list[int], int, int]]:
    """(token indices of name-like words, run start, run end) for every run."""
    out = []
    for a, b in _runs(doc, lists):
        seg: list[int] = []
        for x in range(a, b + 1):
            tok = doc.toks[x]
            if tok.low in lists.particles and not tok.cap:
                if seg:
                    seg.append(x)
                continue
            if _kind(tok, lists) == "N":
                seg.append(x)
            elif seg:
                out.append((seg, a, b))
                seg = []
        if seg:
            out.append((seg, a, b))
    return out


def _cued(doc: _Doc, lists: NameLists, seg: list[int], run_a: int, run_b: int) -> bool:
    """Evidence around a name-like segment that it names a person."""
    toks, n = doc.toks, len(doc.toks)
    first, last = seg[0], seg[-1]
    before = first - 1
    if (
        before >= 0
        and toks[before].sent == toks[first].sent
        and (
            _role_noun(toks[before].low.rstrip("."), lists)
            or toks[before].low.rstrip(".") in lists.honorifics
        )
        and (before >= run_a or doc.gap(first) == " ")
    ):
        return True  # "President X", "politician X", "Dr. X"
    if first >= 2 and toks[first - 2].low == "according" and toks[first - 1].low == "to":
        return True
    if last != run_b:
        return False
    words = [x for x in seg if toks[x].low not in lists.particles]
    # a lone "Gazprom said", "Kazakhstan Temir Zholy said" or "of the Carnegie Endowment
    # believes" is as likely an organisation
    org_like = (
        (first > run_a and toks[first - 1].masked)
        or (first == run_a and first >= 1 and toks[first - 1].low in _ORG_PREPOSITIONS)
        or (
            first == run_a
            and first >= 2
            and toks[first - 1].low == "the"
            and toks[first - 2].low in _ORG_PREPOSITIONS
        )
    )
    if len(words) >= 2 and not org_like and _speech_after(doc, lists, last):
        return True
    if last + 1 < n and doc.gap(last + 1) == ", " and _read_role(doc, lists, last + 1, loose=True):
        return True  # "X, senior researcher at Y,"
    followed_by_of = last + 1 < n and toks[last + 1].low == "of"
    if (
        len(words) >= 2
        and not followed_by_of
        and (first == run_a or _kind(toks[first - 1], lists) == "X")
    ):
        if (len(words) >= 3 or not org_like) and _chain_before(doc, lists, first, last):
            return True  # "the Deputy Director of Y, X Z", "Doctor of Sciences X Z"
        if (
            len(words) == 2
            and "-" in toks[words[0]].text
            and toks[words[0]]
            .text[toks[words[0]].text.index("-") + 1 : toks[words[0]].text.index("-") + 2]
            .isupper()
        ):
            return True  # hyphenated given names: "Jean-Claude X", "Kassym-Jomart X"
    return False


def _recurring_surnames(doc: _Doc, lists: NameLists, segs: Sequence[list[int]]) -> set[str]:
    """Words that stand alone mid-sentence and also close a two-word capitalised name."""
    toks, alone, firsts = doc.toks, Counter[str](), set()
    for seg in segs:
        if len(seg) == 1 and seg[0] > 0 and toks[seg[0] - 1].sent == toks[seg[0]].sent:
            alone[toks[seg[0]].text] += 1
        elif len(seg) == 2:
            firsts.add(toks[seg[0]].text)
    return {w for w in alone if w not in firsts and w not in doc.lower_words}


def _candidates(doc: _Doc, lists: NameLists, extra: Sequence[tuple[int, int]]) -> list[_Cand]:
    """Names with evidence: a given name, a title/role before, apposition, a speech verb."""
    toks, cands = doc.toks, []
    segments = _segments(doc, lists)
    recurring = _recurring_surnames(doc, lists, [seg for seg, _, _ in segments])
    for seg, run_a, run_b in segments:
        tok = toks[seg[0]]
        if tok.para in doc.headline_paras:
            continue  # headline capitals prove nothing
        if tok.skip:
            cued = False  # chrome only yields names with a known given name
        else:
            cued = _cued(doc, lists, seg, run_a, run_b) or (
                len(seg) == 2 and toks[seg[1]].text in recurring
                and toks[seg[0]].text not in recurring
            )  # fmt: skip
        cand = _name_from(doc, lists, seg, cued)
        if cand:
            cands.append(cand)
    for start, end in extra:
        seg = [x for x, t in enumerate(toks) if start <= t.start and t.end <= end and t.cap]
        cand = _name_from(doc, lists, seg, cued=True) if seg else None
        if cand:
            cands.append(cand)
    return cands


# --------------------------------------------------------------------------- people


@dataclass
class _Ment:
    start: int
    end: int
    para: int
    quote: int
    skip: bool
    kind: str  # "name" or "desc"
    tok: int = -1  # first token of a name mention
    full: bool = False


@dataclass
class _P:
    givens: list[str] = field(default_factory=list)
    surnames: list[str] = field(default_factory=list)
    surname_first: bool = False
    mentions: list[_Ment] = field(default_factory=list)
    roles: list[_Role] = field(default_factory=list)
    office: tuple[str, str] | None = None
    strong_outside_skip: bool = False

    def surname_match(self, folded: str) -> bool:
        return any(surname_typo(s, folded) for s in self.surnames)

    def given_match(self, folded: Sequence[str]) -> bool:
        if not folded or not self.givens:
            return True
        return any(given_compatible(g, folded[0]) for g in self.givens)

    @property
    def country(self) -> str | None:
        return next(
            (r.country for r in sorted(self.roles, key=lambda r: r.start) if r.country), None
        )


def _cluster(doc: _Doc, cands: Sequence[_Cand]) -> list[_P]:
    """Group the evidenced names: same surname (or a typo of it) and compatible given name."""
    persons: list[_P] = []
    for c in sorted(cands, key=lambda c: (not c.given, c.first)):
        matches = [p for p in persons if p.surname_match(c.surname)]
        if c.given:
            exact = [p for p in matches if p.givens and p.given_match(c.given)]
            loose = [p for p in matches if not p.givens]
            target = exact[0] if exact else (loose[0] if len(loose) == 1 else None)
        else:
            target = matches[0] if len(matches) == 1 else None
            if len(matches) > 1:
                continue  # a bare surname shared by two people: decided when linking
        if target is None:
            target = _P(surname_first=c.surname_first)
            persons.append(target)
        if c.given and c.given[0] not in target.givens:
            target.givens.append(c.given[0])
        if c.surname not in target.surnames:
            target.surnames.append(c.surname)
        if not doc.toks[c.first].skip:
            target.strong_outside_skip = True
    return persons


def _link(doc: _Doc, lists: NameLists, persons: list[_P]) -> None:
    """Record every written form of the known people, left to right."""
    toks = doc.toks
    last_seen: dict[int, int] = {}
    for seg, run_a, _run_b in _segments(doc, lists):
        words = [x for x in seg if toks[x].low not in lists.particles]
        k = 0
        while k < len(words):
            x = words[k]
            folded = fold_name(toks[x].text)
            owners = [n for n, p in enumerate(persons) if p.surname_match(folded)]
            sentence_start = x == 0 or toks[x - 1].sent != toks[x].sent
            if len(words) == 1 and sentence_start and toks[x].low in doc.lower_words:
                owners = []  # "Rice exports fell" where the text also writes "rice"
            if not owners:
                k += 1
                continue
            head = k
            while head > 0 and fold_name(toks[words[head - 1]].text) in lists.given | {
                g for n in owners for g in persons[n].givens
            }:
                head -= 1
            given = tuple(fold_name(toks[w].text) for w in words[head:k])
            first_tok = words[head]
            # surname-first names: "Xi Jinping" - the given name follows
            if persons[owners[0]].surname_first and k + 1 < len(words):
                given = (fold_name(toks[words[k + 1]].text),)
            if given:
                fitting = [n for n in owners if persons[n].givens and persons[n].given_match(given)]
                fitting = fitting or [n for n in owners if not persons[n].givens]
                if not fitting:
                    k += 1
                    continue  # another person who shares the surname
            elif k > 0 and words[k - 1] == x - 1 and toks[x].para not in doc.headline_paras:
                k += 1
                continue  # "Unknown Surname": perhaps someone else of that name
            else:
                fitting = owners
            if len(fitting) > 1:
                pos, chosen = max((last_seen.get(n, -1), n) for n in fitting)
                if pos < 0 or toks[x].para - toks[pos].para > 1:
                    k += 1
                    continue
            else:
                chosen = fitting[0]
            surname_first = persons[chosen].surname_first and bool(given) and head == k
            last_tok = words[k + 1] if surname_first else x
            start_tok = first_tok
            if (
                not given
                and first_tok - 1 >= run_a
                and toks[first_tok - 1].low.rstrip(".")
                in (lists.honorifics) | set(lists.role_class)
            ):
                start_tok = first_tok - 1  # "President Tokayev", "Expert Kazantsev"
            start = toks[start_tok].start
            end = toks[last_tok].end
            tok = toks[start_tok]
            persons[chosen].mentions.append(
                _Ment(start, end, tok.para, tok.quote, tok.skip, "name", first_tok, bool(given))
            )
            if folded not in persons[chosen].surnames:
                persons[chosen].surnames.append(folded)
            last_seen[chosen] = last_tok
            k = words.index(last_tok) + 1 if last_tok in words else k + 1


def _collect_roles(doc: _Doc, lists: NameLists, persons: list[_P]) -> frozenset[int]:
    """Roles written around the name mentions; returns the tokens that are names."""
    toks = doc.toks
    blocked: set[int] = set()
    for p in persons:
        for m in p.mentions:
            a = _tok_at(doc, m.start)
            b = _tok_at(doc, m.end - 1)
            blocked.update(range(a, b + 1))
    frozen = frozenset(blocked)
    for p in persons:
        for m in p.mentions:
            if m.skip:
                continue
            a, b = m.tok, _tok_at(doc, m.end - 1)
            p.roles.extend(_chain_before(doc, lists, a, b, frozen))
            if b + 1 < len(toks) and doc.gap(b + 1).startswith(", "):
                role = _read_role(doc, lists, b + 1, loose=True)
                if role:
                    p.roles.append(role)
            p.roles.extend(_predicate_roles(doc, lists, b))
    return frozen


def _predicate_roles(doc: _Doc, lists: NameLists, b: int) -> list[_Role]:
    """ "X was appointed president of Y", "X, who was the leader of Y", "X ... as the minister"."""
    toks, n, x = doc.toks, len(doc.toks), b + 1
    if x < n and toks[x].low == "who":
        x += 1
    verbs = 0
    while x < n and toks[x].low in _PREDICATE and toks[x].sent == toks[b].sent and verbs < 3:
        verbs += 1
        x += 1
    roles = []
    if verbs and x < n and toks[x].sent == toks[b].sent:
        role = _read_role(doc, lists, x, loose=False)
        if role:
            roles.append(role)
    # "... as the Minister of Y" later in the same sentence, with no other name in between
    for y in range(b + 1, min(b + 25, n - 1)):
        if toks[y].sent != toks[b].sent:
            break
        if toks[y].low == "as" and y >= x:
            role = _read_role(doc, lists, y + 1, loose=False)
            if role and (toks[y + 1].low in _DETERMINERS or toks[y + 1].cap):
                roles.append(role)
            break
    return roles


# --------------------------------------------------------------------------- descriptions


@dataclass(frozen=True, slots=True)
class _Desc:
    start: int
    end: int
    noun: str
    cls: str
    former: bool
    ordinal: str | None
    current: bool
    country: str | None
    para: int
    quote: int


def _descriptions(
    doc: _Doc, lists: NameLists, persons: Sequence[_P], names: frozenset[int]
) -> list[_Desc]:
    """Definite descriptions of one person: "the president", "the new Kazakh leader"."""
    taken = [(r.start, r.end) for p in persons for r in p.roles]
    taken += [(m.start, m.end) for p in persons for m in p.mentions]
    out = []
    for match in lists.description.finditer(doc.text):
        if match.group("generic"):
            continue  # "the leader of the nation": a title, not a reference
        start, end = (
            match.start(),
            match.end("noun") if match.group("comp") is None else (match.end("comp")),
        )
        noun_words = match.group("noun").casefold().split()
        noun = noun_words[-1]
        if (
            match.group("det")
            and match.group("det").lower() in ("his", "her")
            and noun != ("counterpart")
        ):
            continue
        if any(start < e and s < end for s, e in taken) or doc.in_skip(start, end):
            continue
        country = None
        if match.group("poss"):
            codes = doc.actors_in(match.start("poss"), match.end("poss"))
            if not codes:
                continue
            country = codes[0]
        codes = doc.actors_in(start, end)
        country = country or (codes[0] if codes else None)
        mods = [w.casefold() for w in match.group("mods").split()] + noun_words[:-1]
        if any(m.endswith(("'s", "’s")) for m in mods):
            continue
        cls = _role_noun(noun, lists) or "neutral"
        tok = doc.toks[_tok_at(doc, start)]
        out.append(
            _Desc(
                start, end, noun.removeprefix("ex-"), cls,
                noun.startswith("ex-") or any(_is_former(m, lists) for m in mods),
                next((m for m in mods if m in lists.ordinals), None),
                bool(set(mods) & _CURRENT), country, tok.para, doc.quote_of(start),
            )
        )  # fmt: skip
    return out


_OFFICE = ("head", "government")


def _level(desc: _Desc, p: _P, generic: frozenset[str] = frozenset()) -> int:
    """How well a description fits a person: 3 shares new/current, 2 same noun, 1 same class,
    0 nothing known, -1 contradiction (other country, office vs expert, former vs sitting,
    two different government posts: "the commissioner" is not the minister)."""
    country = p.country
    if desc.country and country and desc.country != country:
        return -1
    classified = [r for r in p.roles if r.cls != "neutral"]
    if not classified:
        return 0
    best = -1
    for r in classified:
        same_kind = (
            r.noun == desc.noun
            or r.cls == desc.cls
            or (desc.noun == "counterpart" and r.cls in _OFFICE)
        )
        if same_kind and r.former != desc.former and desc.cls == "head" and r.cls == "head":
            return -1  # a past holder is not "the president"
        if same_kind and desc.ordinal and r.ordinal and desc.ordinal != r.ordinal:
            return -1
        loose = desc.noun in generic or r.noun in generic
        if r.noun == desc.noun or (desc.noun == "counterpart" and r.cls in _OFFICE):
            level = 2
        elif r.cls == desc.cls and (desc.cls != "government" or loose):
            level = 1
        elif desc.cls == "neutral" or (r.cls in _OFFICE and desc.cls in _OFFICE and loose):
            level = 0
        else:
            continue
        if level >= 1 and desc.current and r.current:
            level = 3
        best = max(best, level)
    return best


def _bind(doc: _Doc, lists: NameLists, persons: list[_P], descs: Sequence[_Desc]) -> None:
    """Join each description to the person it refers to, or to an unnamed office holder."""
    deferred = []
    for d in descs:
        chosen = _antecedent(d, persons, lists.generic)
        if chosen is None and d.para in doc.headline_paras:
            deferred.append(d)  # a headline describes someone the article names below
            continue
        _attach_or_office(doc, lists, persons, chosen, d)
    for d in deferred:
        fits = [p for p in persons if p.mentions and _level(d, p, lists.generic) >= 1]
        chosen = min(fits, key=lambda p: p.mentions[0].start) if fits else None
        _attach_or_office(doc, lists, persons, chosen, d)


def _attach_or_office(
    doc: _Doc, lists: NameLists, persons: list[_P], chosen: _P | None, d: _Desc
) -> None:
    """Attach to the chosen person; an unbound office of a named country is a person too."""
    if chosen is None:
        if not (d.country and d.cls in _OFFICE) or d.noun == "counterpart":
            return
        chosen = next((p for p in persons if p.office == (d.noun, d.country)), None)
        if chosen is None:
            chosen = _P(office=(d.noun, d.country), strong_outside_skip=True)
            persons.append(chosen)
    _attach(doc, lists, chosen, d)


def _antecedent(d: _Desc, persons: Sequence[_P], generic: frozenset[str]) -> _P | None:
    scored = []
    for p in persons:
        seen = [
            m for m in p.mentions
            if m.start < d.start and (m.quote < 0 or m.quote == d.quote)
            and d.para - m.para <= _PARA_WINDOW and not (m.skip and m.kind == "name")
        ]  # fmt: skip
        if not seen:
            continue
        level = _level(d, p, generic)
        if level >= 0:
            scored.append((level, max(m.start for m in seen), d.para - seen[-1].para, p))
    if not scored:
        return None
    top = [s for s in scored if s[0] == 3] or [s for s in scored if s[0] >= 1]
    if top:
        return max(top, key=lambda s: s[1])[3]
    near = [s for s in scored if s[2] <= 1]
    return max(near, key=lambda s: s[1])[3] if near else None


def _attach(doc: _Doc, lists: NameLists, p: _P, d: _Desc) -> None:
    p.mentions.append(_Ment(d.start, d.end, d.para, d.quote, False, "desc"))
    p.mentions.sort(key=lambda m: m.start)
    words = doc.text[d.start : d.end].split()
    first = words[0].casefold()
    text = " ".join(words[1:]) if first in ("the", "his", "her") else doc.text[d.start : d.end]
    start = (
        d.end - len(doc.text[d.start : d.end].split(None, 1)[-1])
        if first in ("the", "his", "her")
        else d.start
    )
    p.roles.append(
        _Role(text, start, d.end, d.noun, d.cls, d.former, d.ordinal, d.current, d.country)
    )


# --------------------------------------------------------------------------- output


def _canonical(doc: _Doc, p: _P) -> tuple[str, str]:
    """(display name, corpus key) from the most frequent full name form."""
    names = [m for m in p.mentions if m.kind == "name"]
    if not names:
        noun, country = p.office or ("person", "")
        first_desc = doc.text[p.mentions[0].start : p.mentions[0].end]
        words = first_desc.split()
        label = " ".join(words[1:]) if words[0].casefold() in ("the", "his", "her") else first_desc
        return label[:1].upper() + label[1:], f"office:{noun}:{country}"
    full = [doc.text[doc.toks[m.tok].start : m.end] for m in names if m.full]
    if full:
        counts = Counter(full)
        name = max(counts, key=lambda s: (counts[s], -full.index(s)))
    else:
        counts = Counter(doc.text[doc.toks[m.tok].start : m.end] for m in names)
        name = max(counts, key=lambda s: counts[s])
    words = name.split()
    if p.surname_first or len(words) == 1:
        key = fold_name(name)
    else:
        surname_at = next(
            (k for k, w in enumerate(words) if k and fold_name(w) in p.surnames), len(words) - 1
        )
        key = fold_name(" ".join([words[0], *words[surname_at:]]))
    return name, key


def _emit(doc: _Doc, persons: Sequence[_P]) -> tuple[Person, ...]:
    kept = [
        p for p in persons
        if p.mentions and p.strong_outside_skip and any(not m.skip for m in p.mentions)
    ]  # fmt: skip
    kept.sort(key=lambda p: min(m.start for m in p.mentions if not m.skip))
    out = []
    for n, p in enumerate(kept, 1):
        name, key = _canonical(doc, p)
        mentions = sorted({(m.start, m.end) for m in p.mentions})
        aliases = list(dict.fromkeys(doc.text[s:e] for s, e in mentions))
        roles = sorted(p.roles, key=lambda r: r.start)
        for r in roles:
            if r.alias and r.text not in aliases:
                aliases.append(r.text)
        out.append(
            Person(
                id=f"p{n}",
                name=name,
                aliases=tuple(aliases),
                roles=tuple(
                    dict.fromkeys(r.text.removeprefix("the ").removeprefix("The ") for r in roles)
                ),
                country=p.country,
                key=key,
                spans=tuple(Span(s, e) for s, e in mentions),
            )
        )
    return tuple(out)


def find_persons(
    text: str,
    *,
    mentions: Sequence[Mention] = (),
    skip: Sequence[Any] = (),
    names: NameLists | None = None,
    extra: Sequence[tuple[int, int]] = (),
) -> tuple[Person, ...]:
    """The people of one article, each with all its name forms, descriptions and roles.

    `mentions` are the actor mentions (never names; their codes give countries), `skip`
    the boilerplate spans (objects with start/end or pairs), `extra` spans of further name
    candidates (e.g. PERSON entities of a spaCy model).
    """
    lists = names or default_lists()
    spans = [(s.start, s.end) if hasattr(s, "start") else (s[0], s[1]) for s in skip]
    doc = _document(text, mentions, spans)
    persons = _cluster(doc, _candidates(doc, lists, extra))
    _link(doc, lists, persons)
    name_toks = _collect_roles(doc, lists, persons)
    _bind(doc, lists, persons, _descriptions(doc, lists, persons, name_toks))
    return _emit(doc, persons)


@functools.lru_cache(maxsize=1)
def default_lists() -> NameLists:
    return NameLists.load()


# --------------------------------------------------------------------------- pipeline step


def _spacy_persons(resources: Resources, text: str) -> list[tuple[int, int]]:
    """PERSON entities of the user's spaCy model, when `spacy_model` is set and installed."""
    model_name = resources.options.get("spacy_model")
    if not model_name:
        return []

    def load(_: Resources) -> Any:
        import spacy

        try:
            return spacy.load(model_name)
        except OSError:
            return None

    nlp = resources.get(f"spacy_model:{model_name}", load)
    if nlp is None or "ner" not in nlp.pipe_names:
        return []
    return [(e.start_char, e.end_char) for e in nlp(text).ents if e.label_ == "PERSON"]


@step("persons", provides="persons", requires=("mentions",))
def persons_step(
    article: Article, records: Mapping[str, tuple[Any, ...]], resources: Resources
) -> tuple[Person, ...]:
    """People of one article, using the mentions step's actor spans."""
    lists = resources.get("persons.names", lambda r: NameLists.load(r.options.get("persons_file")))
    return find_persons(
        article.text,
        mentions=records.get("mentions", ()),
        skip=article.boilerplate,
        names=lists,
        extra=_spacy_persons(resources, article.text),
    )
