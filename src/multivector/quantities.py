"""Quantities: numbers with units and what they measure ("29.9% of all shares", "two weeks").

One compiled pattern finds every numeral expression (digits, number words, ordinals, ranges,
currency amounts) in a single pass; each hit is then checked against a few local rules that
drop dates, years, labels and anaphoric counts, and extended over its unit and the noun
phrase that says what is counted or measured. All vocabularies live in
`data/quantities.toml`.

Speed: the pass runs case-sensitively over an ASCII-lower-cased copy of the text (`ascii_lower`,
same offsets), which Python's regex engine scans about twice as fast as IGNORECASE, and it is
tried only where a hit can start (digits, currency symbols, lead words at word starts: see
`WordStartFinder`); the rules read the text itself. Bare years are dropped before any other
test, and amounts written out are parsed once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import load_data
from .pipeline import Resources, step
from .records import Article, Quantity
from .text import (
    WordStartFinder,
    ascii_lower,
    caseless_pattern,
    in_sorted_spans,
    matches_at,
    sorted_spans,
    trie_regex,
)

_WORD_AT = re.compile(r"[ \t]+([^\W\d_](?:[\w'’-]*\w)?)")
# The word before a position, read right to left in the reversed text: skip the trailing
# non-word run up to its last separator, then take the word with its inner ' . - marks.
_PREV_REVERSED = re.compile(r"(?:\W*[^\w'’.-])?([’'.-]*\w[\w'’.-]*)")
_HAS_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")
_WORD_SPLIT = re.compile(r"[\s-]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class QuantityLexicon:
    """The compiled vocabularies of `quantities.toml`."""

    cardinals: Mapping[str, float]
    scales: Mapping[str, float]
    ordinals: Mapping[str, float]
    measures: Mapping[str, str]
    time: Mapping[str, str]
    currency_symbols: Mapping[str, str]
    currency_words: Mapping[str, str]
    anniversary: frozenset[str]
    rank_scopes: tuple[str, ...]
    irregular_plurals: frozenset[str]
    anaphoric: frozenset[str]
    anaphoric_max: float
    duration_frames: frozenset[str]
    list_openers: tuple[str, ...]
    label_words: frozenset[str]
    one_after: frozenset[str]
    one_before: frozenset[str]
    months: frozenset[str]
    calendar: frozenset[str]
    stop_words: frozenset[str]
    of_determiners: frozenset[str]
    max_words: int
    year_range: tuple[int, int]
    master: re.Pattern[str]
    master_lower: re.Pattern[str] | None  # `master` for `ascii_lower` texts, when it can be
    # where a hit led by a digit or a word may start in an `ascii_lower` text; None when a
    # currency symbol holds a blank, which matches any blank run and defeats the symbol search
    lead_finder: WordStartFinder | None
    unit_re: re.Pattern[str]
    range_split: re.Pattern[str]

    @functools.cached_property
    def symbol_prefixes(self) -> tuple[str, ...]:
        """The currency symbols as one tuple, for a single `str.startswith` test."""
        return tuple(self.currency_symbols)

    @functools.cached_property
    def amount_facts(self) -> Callable[[str, bool], _AmountFacts]:
        """`_amount_facts` with this lexicon, memoised: news repeats its amounts ("two",
        "$1 billion"), and parsing one costs several regex calls."""
        return functools.lru_cache(maxsize=4096)(functools.partial(_amount_facts, lex=self))

    @functools.cached_property
    def lower_symbols(self) -> tuple[str, ...]:
        """The currency symbols as `master_lower` spells them (`trie_regex` lower-cases)."""
        return tuple({k.lower() for k in self.currency_symbols})

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> QuantityLexicon:
        num, units, counts = data["numbers"], data["units"], data["counts"]
        dates, phrase = data["dates"], data["phrase"]
        cardinals = {k.lower(): float(v) for k, v in num["cardinals"].items()}
        scales = {k.lower(): float(v) for k, v in num["scales"].items()}
        ordinals = {k.lower(): float(v) for k, v in num["ordinals"].items()}
        range_words = [w for w in num.get("range_words", ["to", "or"])]
        numw = trie_regex([*cardinals, *scales])
        scalew = trie_regex(scales)
        syms = trie_regex(units["currency_symbols"])
        digits = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
        words = rf"(?:{numw})(?:(?:\s+and\s+|[\s-]+)(?:{numw}))*"
        amount = rf"(?:(?:{syms})\s?)?\b(?:{digits}(?:\s?(?:{scalew})\b)?|{words}\b)"
        joiner = rf"(?:\s*[-–]\s*(?=[\d$€£¥₸₽₹])|\s+(?:{trie_regex(range_words)})\s+)"
        time_sing = trie_regex(k for k in units["time"] if not k.endswith("s"))
        # Every hit starts with a digit, a currency symbol or a whole lead word: one lookahead
        # (a single trie) rejects the other positions before the three alternatives are tried.
        frames = ["next", "last", "past", "coming"]  # "the" leads only "the next year or two"
        lead_words = [*cardinals, *scales, *ordinals, *frames, *(f"the {w}" for w in frames)]
        symbols = re.escape("".join(sorted({k[0].lower() for k in units["currency_symbols"]})))
        lead = rf"(?=[\d{symbols}]|(?<!\w)(?:{trie_regex(lead_words)})(?!\w))"
        master_source = (
            rf"{lead}(?:(?P<yo>\b(?:the\s+)?(?:next|last|past|coming)\s+(?:{time_sing})\s+or\s+"
            rf"(?:{trie_regex(k for k, v in cardinals.items() if 1 < v < 10)})\b)"
            rf"|(?P<ord>\b(?:\d+(?:st|nd|rd|th)|{trie_regex(ordinals)})\b)"
            rf"|(?P<amt>{amount}(?P<rng>{joiner}{amount})?))"
        )
        unit_words = {**units["measures"], **units["time"], **units["currency_words"]}
        unit_alts = trie_regex(k for k in unit_words if k != "%")
        unit_re = re.compile(
            rf"(?:(?P<pct>[ \t]?%)|[ \t-]?(?P<u>{unit_alts})(?!\w))",
            re.IGNORECASE,
        )
        return cls(
            cardinals=cardinals,
            scales=scales,
            ordinals=ordinals,
            measures={k.lower(): v for k, v in units["measures"].items()},
            time={k.lower(): v for k, v in units["time"].items()},
            currency_symbols=dict(units["currency_symbols"]),
            currency_words={k.lower(): v for k, v in units["currency_words"].items()},
            anniversary=frozenset(w.lower() for w in units["anniversary"]),
            rank_scopes=tuple(units.get("rank_scopes", ())),
            irregular_plurals=frozenset(counts["irregular_plurals"]),
            anaphoric=frozenset(counts["anaphoric_determiners"]),
            anaphoric_max=float(counts.get("anaphoric_max", 12)),
            duration_frames=frozenset(counts["duration_frames"]),
            list_openers=tuple(counts["list_openers"]),
            label_words=frozenset(counts["label_words"]),
            one_after=frozenset(counts["one_blockers_after"]),
            one_before=frozenset(counts["one_blockers_before"]),
            months=frozenset(dates["months"]),
            calendar=frozenset(dates["calendar_nouns"]),
            stop_words=frozenset(phrase["stop_words"]),
            of_determiners=frozenset(phrase["of_determiners"]),
            max_words=int(phrase.get("max_words", 3)),
            year_range=(int(num["year_range"][0]), int(num["year_range"][1])),
            master=re.compile(master_source, re.IGNORECASE),
            master_lower=caseless_pattern(master_source),
            lead_finder=(
                None
                if any(re.search(r"\s", k) for k in units["currency_symbols"])
                else WordStartFinder.of(rf"\d|{trie_regex(lead_words)}")
            ),
            unit_re=unit_re,
            range_split=re.compile(joiner, re.IGNORECASE),
        )


@functools.lru_cache(maxsize=8)
def load_lexicon(path: str | None = None) -> QuantityLexicon:
    """The bundled quantity lexicon, or a user's replacement file."""
    return QuantityLexicon.from_data(load_data("quantities.toml", path))


# --- small helpers -------------------------------------------------------------------------


def _prev_word(text: str, rev: str, pos: int) -> tuple[str, int]:
    """The word ending before `pos` (lower-cased, without punctuation) and its start.

    Looks back at most 40 characters, on the same line. `rev` is `text` reversed: one anchored
    match there replaces a search that would retry at every start of a forward window.
    """
    if not pos or text[pos - 1] == "\n":
        return "", pos
    at = len(text) - pos
    m = _PREV_REVERSED.match(rev, at, at + min(40, pos))
    if not m:
        return "", pos
    end = len(text) - m.start(1)
    word = text[len(text) - m.end(1) : end].lstrip("_'’.-")  # a word starts with a letter/digit
    if not word:
        return "", pos
    return word.lower().rstrip("."), end - len(word)


def _phrase(text: str, pos: int, lex: QuantityLexicon, limit: int) -> list[tuple[int, int, str]]:
    """Up to `limit` content words from `pos` on, stopping at function words and adverbs."""
    out: list[tuple[int, int, str]] = []
    while len(out) < limit:
        m = _WORD_AT.match(text, pos)
        if not m:
            break
        word = m.group(1)
        low = word.lower()
        if low in lex.stop_words or low in lex.months or (low.endswith("ly") and len(low) > 4):
            break
        out.append((m.start(1), m.end(1), word))
        pos = m.end(1)
    return out


def _is_plural(word: str, lex: QuantityLexicon) -> bool:
    low = word.lower()
    return low in lex.irregular_plurals or (
        low.endswith("s") and not low.endswith(("ss", "us", "is", "'s", "’s")) and len(low) > 2
    )


def _is_superlative(word: str) -> bool:
    low = word.lower()
    return (len(low) > 4 and low.endswith("est")) or low in {"most", "least", "biggest"}


def _word_value(words: str, lex: QuantityLexicon) -> float:
    """Value of a spelled number ("two hundred and fifty thousand")."""
    total = current = 0.0
    for token in _WORD_SPLIT.split(words.lower()):
        if token in lex.cardinals:
            current += lex.cardinals[token]
        elif token in lex.scales:
            scale = lex.scales[token]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0
    return total + current


def _amount_value(chunk: str, lex: QuantityLexicon) -> float:
    """Value of one amount: digits (with separators and a scale word) or number words."""
    chunk = chunk.strip()
    if chunk.startswith(lex.symbol_prefixes):  # one C call rules out most chunks
        for sym in lex.currency_symbols:
            if chunk.startswith(sym):
                chunk = chunk[len(sym) :].strip()
    m = _DIGITS.match(chunk)
    if m:
        value = float(m.group().replace(",", ""))
        rest = chunk[m.end() :].strip().lower()
        return value * lex.scales.get(rest, 1.0) if rest else value
    return _word_value(chunk, lex)


# --- the extractor -------------------------------------------------------------------------


def find_quantities(
    text: str,
    *,
    skip: Iterable[tuple[int, int] | Any] = (),
    lexicon: QuantityLexicon | None = None,
) -> tuple[Quantity, ...]:
    """Every quantity in `text`, in text order, outside the `skip` spans (e.g. boilerplate)."""
    lex = lexicon or load_lexicon()
    spans = sorted_spans(skip)
    out: list[Quantity] = []
    rev = text[::-1]
    lowered = ascii_lower(text) if lex.master_lower is not None else None
    hits: Iterable[re.Match[str]]
    if lex.master_lower is not None and lowered is not None:
        # spans only: read the text from `text`
        if lex.lead_finder is not None:
            hits = matches_at(lex.master_lower, lowered, _hit_starts(lowered, lex.lead_finder, lex))
        else:
            hits = lex.master_lower.finditer(lowered)
    else:
        hits = lex.master.finditer(text)
    for m in hits:
        if in_sorted_spans(m.start(), m.end(), spans):
            continue
        q: Quantity | None
        kind = m.lastgroup  # the enclosing group: "rng" closes inside "amt"
        if kind == "yo":
            q = _year_or_two(text, m, lex)
        elif kind == "ord":
            q = _ordinal(text, rev, m, lex)
        else:
            q = _amount(text, rev, m, lex)
        if q is not None and not (out and q.start < out[-1].end):
            out.append(q)
    return tuple(out)


def _hit_starts(lowered: str, finder: WordStartFinder, lex: QuantityLexicon) -> list[int]:
    """Every position of an `ascii_lower` text where a hit may start: a currency symbol, or a
    word start (a word boundary) at a digit or a lead word, as `finder` finds them. Each
    alternative of the master pattern opens with one of them."""
    found = finder.starts(lowered)
    symbols = []
    for symbol in lex.lower_symbols:  # a few fast substring scans, overlaps included
        at = lowered.find(symbol)
        while at != -1:
            symbols.append(at)
            at = lowered.find(symbol, at + 1)
    return sorted({*found, *symbols}) if symbols else found


def _year_or_two(text: str, m: re.Match[str], lex: QuantityLexicon) -> Quantity:
    """ "the next year or two": a duration with its upper bound as the value."""
    written = text[m.start() : m.end()]
    words = written.split()
    unit = lex.time.get(words[-3].lower(), words[-3].lower())
    return Quantity(m.start(), m.end(), written, lex.cardinals.get(words[-1].lower()), unit)


def _ordinal(text: str, rev: str, m: re.Match[str], lex: QuantityLexicon) -> Quantity | None:
    """An ordinal counts only as an anniversary or a rank ("5th anniversary", "second-largest")."""
    low = text[m.start() : m.end()].lower()
    value = float(low[:-2]) if low[0].isdigit() else lex.ordinals[low]
    prev, _ = _prev_word(text, rev, m.start())
    if prev in lex.months:
        return None
    if text[m.end() : m.end() + 1] == "-":
        nxt = _WORD_AT.match(" " + text[m.end() + 1 : m.end() + 40])
        if nxt and _is_superlative(nxt.group(1)):
            return _rank(text, m.start(), m.end() + 1 + nxt.end(1) - 1, value, lex)
        return None
    nxt = _WORD_AT.match(text, m.end())
    if not nxt:
        return None
    word = nxt.group(1).lower()
    if word in lex.anniversary:
        return Quantity(m.start(), nxt.end(1), text[m.start() : nxt.end(1)], value, "anniversary")
    if _is_superlative(word) and word not in {"most", "least"}:
        return _rank(text, m.start(), nxt.end(1), value, lex)
    return None


def _rank(text: str, start: int, pos: int, value: float, lex: QuantityLexicon) -> Quantity | None:
    """A rank: ordinal + superlative + what is ranked, plus a closing scope ("in the world")."""
    words = _phrase(text, pos, lex, lex.max_words)
    if not words:
        return None
    end = words[-1][1]
    for scope in lex.rank_scopes:
        if text.startswith(" " + scope, end):
            end += 1 + len(scope)
            break
    return Quantity(start, end, text[start:end], value, "rank")


def _amount(text: str, rev: str, m: re.Match[str], lex: QuantityLexicon) -> Quantity | None:
    """A cardinal amount: checked against dates, years, labels and anaphora, then extended."""
    start, end = m.span()
    chunk = text[start:end]
    if (
        start > 0
        and (text[start - 1].isalnum() or text[start - 1] in "-/_.")
        and chunk[0] not in "$€£¥₸₽₹"
    ):
        return None  # glued to a word: "COVID-19", "G20", "v1.2"
    um = lex.unit_re.match(text, end)  # a unit right after the number ("%", "km", "weeks")
    if um is None and end < len(text) and text[end].isalnum():
        return None  # "5G", "3D"
    plain = chunk.isdecimal()  # most hits: a bare integer ("12", "2019")
    if plain and _bare_year(chunk, um, lex):
        return None
    # the cheap date/label test comes before the value is parsed, which it does not need
    prev, prev_start = _prev_word(text, rev, start)
    if prev in lex.months or prev in lex.label_words:
        return None
    if plain:
        value: float | None = float(chunk)
        currency, is_words, has_scale = None, False, chunk.lower() in lex.scales
    else:
        value, currency, is_words, has_scale = lex.amount_facts(chunk, m.group("rng") is not None)
    unit: str | None = currency
    kind = "money" if currency else "count"
    if um and not (um.group("u") and um.group("u").lower() in lex.months):
        if um.group("pct"):
            unit, kind = "%", "measure"
        else:
            word = _SPACES.sub(" ", um.group("u").lower())
            if word in lex.currency_words:
                unit, kind = lex.currency_words[word], "money"
            elif word in lex.time:
                unit, kind = lex.time[word], "time"
            else:
                unit, kind = lex.measures[word], "measure"
        end = um.end()
    nxt = _WORD_AT.match(text, end)
    nxt_word = nxt.group(1).lower() if nxt else ""
    if nxt_word in lex.months or nxt_word in lex.calendar:
        return None  # "20 March", "21 century"
    if kind == "count" and not has_scale and not is_words and "," not in chunk and "." not in chunk:
        n = int(value or 0)
        if lex.year_range[0] <= n <= lex.year_range[1] and len(chunk.strip()) == 4:
            return None  # a year
    blocked = prev in lex.one_before or nxt_word in lex.one_after
    if is_words and value == 1 and (kind == "count" or blocked):
        return None  # "one of", "no one", "one-sided"
    if is_words and end < len(text) and text[end] == "-" and kind == "count":
        return None
    if kind in ("count", "time"):
        if prev in lex.duration_frames:
            before, before_start = _prev_word(text, rev, prev_start)
            start = before_start if before == "the" else prev_start
        elif (
            prev in lex.anaphoric
            and (is_words or (value or 0) <= lex.anaphoric_max)
            and not (nxt and _is_superlative(nxt_word))
        ):
            return None  # "the two presidents" (but "the 18 million residents")
    if kind == "count":
        words = _phrase(text, end, lex, lex.max_words)
        while words and not _is_plural(words[-1][2], lex):
            words.pop()
        if not words:
            if not has_scale:
                return None
        else:
            end = words[-1][1]
            unit = words[-1][2].lower()
        if text.startswith(lex.list_openers, end):
            return None  # "two anniversaries - the fifth ... and the tenth"
    elif kind == "time":
        if text.startswith(lex.list_openers, end):
            return None
    elif kind == "measure":
        end = _measured(text, end, lex)
    return Quantity(start, end, text[start:end], value, unit)


def _bare_year(chunk: str, um: re.Match[str] | None, lex: QuantityLexicon) -> bool:
    """Whether a bare four-digit integer is a year: no unit follows it (or only a month).

    The full rules of `_amount` drop such a number too, but only after its costlier tests;
    years are frequent enough in news to be worth this shortcut.
    """
    if len(chunk) != 4 or not lex.year_range[0] <= int(chunk) <= lex.year_range[1]:
        return False
    return um is None or bool(um.group("u") and um.group("u").lower() in lex.months)


#: What `_amount` reads from a written amount: value, currency, spelled out, has a scale word.
_AmountFacts = tuple[float | None, str | None, bool, bool]


def _amount_facts(chunk: str, ranged: bool, lex: QuantityLexicon) -> _AmountFacts:
    """Value, currency, whether it is spelled out ("two") and holds a scale word ("million")
    of an amount that is not bare digits; `ranged` for a range ("two to three")."""
    value, currency = _parse_amount(chunk, ranged, lex)
    is_words = _HAS_DIGIT.search(chunk) is None
    has_scale = any(w.lower() in lex.scales for w in _WORD_SPLIT.split(chunk))
    return value, currency, is_words, has_scale


def _parse_amount(
    chunk: str, ranged: bool, lex: QuantityLexicon
) -> tuple[float | None, str | None]:
    """Value (a range keeps its upper bound) and currency of an amount that is not bare digits."""
    pieces = [p for p in lex.range_split.split(chunk) if p and p.strip()] if ranged else [chunk]
    values = [_amount_value(p, lex) for p in pieces]
    currency = (
        next((v for k, v in lex.currency_symbols.items() if chunk.startswith(k)), None)
        if chunk.startswith(lex.symbol_prefixes)
        else None
    )
    return (max(values) if values else None), currency


def _measured(text: str, pos: int, lex: QuantityLexicon) -> int:
    """End of what a measure measures: "100% [Chinese capital]", "7,500 km [of common border]"."""
    words = _phrase(text, pos, lex, lex.max_words)
    end = words[-1][1] if words else pos
    if text.startswith(" of ", end):
        after = end + 3
        det = _WORD_AT.match(text, after)
        if det and det.group(1).lower() in lex.of_determiners:
            after = det.end(1)
        tail = _phrase(text, after, lex, lex.max_words)
        if tail:
            end = tail[-1][1]
    return end


# --- pipeline step -------------------------------------------------------------------------


@step("numbers", provides="numbers")
def numbers_step(
    article: Article, records: Mapping[str, tuple[Any, ...]], resources: Resources
) -> tuple[Quantity, ...]:
    """Quantities of one article, outside its boilerplate."""
    override = resources.options.get("quantities_lexicon")
    lex = resources.get(
        "quantities.lexicon", lambda r: load_lexicon(str(Path(override)) if override else None)
    )
    return find_quantities(article.text, skip=article.boilerplate, lexicon=lex)
