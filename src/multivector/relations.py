"""Relation statements: sentences that link the focal country with its partners.

A statement is a sentence outside boilerplate in which the focal country appears (by name,
metonym or demonym, or through one of its officials) together with at least one other
actor. Its domain, tone, polarity and modality come from the lexicons in
`data/relations.toml`; which vectors its partners belong to comes from the vector
definition (`data/vectors/`).
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast, get_args

from .actors import dominant_state
from .config import load_data
from .errors import ConfigError
from .pipeline import Resources, step
from .records import (
    Article,
    Domain,
    Forecast,
    Mention,
    Modality,
    Person,
    Polarity,
    Quote,
    Statement,
)
from .text import Caseless, ascii_lower, covering, overlaps, sentence_spans
from .vectors import VectorSet, load_vectors

_WORD = re.compile(r"[\w'’-]+|n't")


def _first_chars(firsts: set[str]) -> str:
    """A lookahead for the characters the terms start with, so the scan skips every other
    word at once instead of trying each term there; none if some term may start anywhere."""
    if not firsts or "" in firsts:
        return ""
    return "(?=[" + "".join(re.escape(c) for c in sorted(firsts)) + "])"


@dataclass(frozen=True)
class Lexicon:
    """Terms compiled once: a single alternation regex plus term -> categories lookup."""

    pattern: Caseless
    exact: Mapping[str, tuple[str, ...]]
    prefixes: Mapping[str, tuple[str, ...]]
    prefix_lengths: tuple[int, ...]  # longest first: the longest matching prefix wins

    @classmethod
    def build(cls, terms: Mapping[str, Sequence[str]]) -> Lexicon:
        """`terms` maps a category to its terms ('invest*' matches any ending)."""
        exact: dict[str, list[str]] = {}
        prefixes: dict[str, list[str]] = {}
        alternatives = []
        firsts: set[str] = set()
        for category, words in terms.items():
            for word in words:
                key = word.lower()
                if key.endswith("*"):
                    prefixes.setdefault(key[:-1], []).append(category)
                    alternatives.append(re.escape(key[:-1]) + r"[\w-]*")
                else:
                    exact.setdefault(key, []).append(category)
                    alternatives.append(re.escape(key))
                firsts.add(key[:1] if key[:1] != "*" else "")
        alternatives.sort(key=len, reverse=True)
        source = (
            r"(?<![\w-])" + _first_chars(firsts) + "(?:" + "|".join(alternatives) + r")(?![\w-])"
        )
        return cls(
            Caseless.of(source),
            {k: tuple(v) for k, v in exact.items()},
            {k: tuple(v) for k, v in prefixes.items()},
            tuple(sorted({len(k) for k in prefixes}, reverse=True)),
        )

    def categories(self, matched: str) -> tuple[str, ...]:
        key = matched.lower()
        if key in self.exact:
            return self.exact[key]
        for length in self.prefix_lengths:
            cats = self.prefixes.get(key[:length])
            if cats is not None:
                return cats
        return ()

    def find(self, text: str, start: int, end: int) -> list[tuple[int, str]]:
        """(offset, category) of every term occurrence in text[start:end]."""
        found = []
        pattern, scanned = self.pattern.on(text, ascii_lower(text))
        for match in pattern.finditer(scanned, start, end):
            for category in self.categories(match.group()):
                found.append((match.start(), category))
        return found


@dataclass(frozen=True)
class RelationRules:
    domain_order: tuple[str, ...]
    domains: Lexicon
    tone: Lexicon
    tone_weights: Mapping[str, float]
    negations: frozenset[str]
    hedges: frozenset[str]
    window: int
    recommendation: re.Pattern[str]
    threshold: float

    @classmethod
    def load(cls, path: str | Path | None = None) -> RelationRules:
        data = load_data("relations.toml", path)
        unknown = set(data["domains"]["order"]) - set(get_args(Domain))
        if unknown:
            raise ConfigError(
                f"relations rules: unknown domain(s) {sorted(unknown)}; "
                f"use {', '.join(get_args(Domain))}"
            )
        tone = {str(k): float(v) for k, v in data["tone"].items()}
        mods = data["modifiers"]
        cues = sorted(data["modality"]["recommendation"], key=len, reverse=True)
        return cls(
            domain_order=tuple(data["domains"]["order"]),
            domains=Lexicon.build(data["domains"]["terms"]),
            tone=Lexicon.build({term: [term] for term in tone}),
            tone_weights=tone,
            negations=frozenset(mods["negations"]),
            hedges=frozenset(mods["hedges"]),
            window=int(mods["window"]),
            recommendation=re.compile(
                r"\b(?:" + "|".join(re.escape(c) for c in cues) + r")\b", re.I
            ),
            threshold=float(data["polarity"]["threshold"]),
        )


def classify_domain(text: str, start: int, end: int, rules: RelationRules) -> Domain:
    """The domain with the most term hits in the sentence; 'other' when none."""
    counts = Counter(category for _, category in rules.domains.find(text, start, end))
    if not counts:
        return "other"
    best = max(counts.values())
    chosen = next(d for d in rules.domain_order if counts.get(d) == best)
    return cast(Domain, chosen)  # RelationRules.load checked the names are Domain literals


def score_tone(text: str, start: int, end: int, rules: RelationRules) -> float:
    """Mean weight of the tone terms in text[start:end], negations flipping, hedges halving."""
    weights = []
    for offset, term in rules.tone.find(text, start, end):
        before = _words_before(text, start, offset, rules.window)
        weight = rules.tone_weights[term]
        if any(w in rules.negations or w.endswith("n't") for w in before):
            weight = -weight
        if any(w in rules.hedges for w in before):
            weight /= 2
        weights.append(weight)
    if not weights:
        return 0.0
    return round(max(-1.0, min(1.0, sum(weights) / len(weights))), 4)


def _words_before(text: str, start: int, offset: int, n: int) -> list[str]:
    """The last `n` words of text[start:offset], lower-cased; reads a short window first,
    since tone words sit in long sentences and only their neighbours matter."""
    window_start = max(start, offset - 24 * (n + 1))
    words = _WORD.findall(text[window_start:offset].lower())
    if window_start > start and len(words) <= n:  # the window may have cut a word: read all
        words = _WORD.findall(text[start:offset].lower())
    return words[-n:] if n else []


def polarity_of(intensity: float, threshold: float) -> Polarity:
    if intensity > threshold:
        return "cooperation"
    if intensity < -threshold:
        return "tension"
    return "neutral"


def _modality(
    start: int,
    end: int,
    text: str,
    quote: Quote | None,
    forecasts: Sequence[Forecast],
    rules: RelationRules,
) -> Modality:
    if any(f.start < end and start < f.end for f in forecasts):
        return "forecast"
    if rules.recommendation.search(text, start, end):
        return "recommendation"
    return "opinion" if quote is not None else "fact"


def _vectors_of(partners: Sequence[str], vectors: VectorSet) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for p in partners for v in vectors.weights(p)))


def find_statements(
    text: str,
    *,
    focus: str,
    vectors: VectorSet,
    mentions: Sequence[Mention],
    persons: Sequence[Person] = (),
    quotes: Sequence[Quote] = (),
    forecasts: Sequence[Forecast] = (),
    skip: Sequence[Any] = (),
    rules: RelationRules,
) -> tuple[Statement, ...]:
    """Every sentence linking `focus` with at least one partner, classified."""
    actors = sorted((m for m in mentions if not (m.in_name or m.ethnic)), key=lambda m: m.start)
    actor_starts = [m.start for m in actors]
    officials = sorted(
        (s for p in persons if p.country == focus for s in p.spans), key=lambda s: s.start
    )
    official_starts = [s.start for s in officials]
    out = []
    for start, end in sentence_spans(text):
        if overlaps(start, end, skip):
            continue
        first = bisect_left(actor_starts, start)
        inside = [m for m in actors[first : bisect_left(actor_starts, end)] if m.end <= end]
        has_focus = any(m.actor == focus for m in inside) or any(
            s.end <= end
            for s in officials[
                bisect_left(official_starts, start) : bisect_left(official_starts, end)
            ]
        )
        partners = tuple(dict.fromkeys(m.actor for m in inside if m.actor != focus))
        if not (has_focus and partners):
            continue
        quote = covering(start, end, quotes)
        intensity = score_tone(text, start, end, rules)
        out.append(
            Statement(
                start=start,
                end=end,
                partners=partners,
                vectors=_vectors_of(partners, vectors),
                domain=classify_domain(text, start, end, rules),
                polarity=polarity_of(intensity, rules.threshold),
                intensity=intensity,
                modality=_modality(start, end, text, quote, forecasts, rules),
                speaker=quote.speaker if quote is not None else None,
                focus=focus,
            )
        )
    return tuple(out)


@functools.lru_cache(maxsize=8)
def _rules(path: str | None) -> RelationRules:
    return RelationRules.load(path)


@step("statements", provides="statements", requires=("mentions", "persons", "quotes", "forecasts"))
def statements_step(
    article: Article, records: Mapping[str, tuple[Any, ...]], resources: Resources
) -> tuple[Statement, ...]:
    """Relation statements of one article, for the focal country of the run."""
    vectors = resources.get(
        "vectors",
        lambda r: load_vectors(r.options.get("vectors"), focus=r.options.get("focus")),
    )
    mentions = records.get("mentions", ())
    focus = vectors.focus or dominant_state(mentions)
    if focus is None:
        return ()
    return find_statements(
        article.text,
        focus=focus,
        vectors=vectors,
        mentions=mentions,
        persons=records.get("persons", ()),
        quotes=records.get("quotes", ()),
        forecasts=records.get("forecasts", ()),
        skip=article.boilerplate,
        rules=_rules(resources.options.get("relations")),
    )
