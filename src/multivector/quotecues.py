"""Quotation cues: the marks, reporting verbs, phrases and speaker words of
`data/quotes.toml`, compiled once into the patterns the quotation finder runs."""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import load_data
from .text import WordStartFinder, caseless_pattern, trie_regex

_WHO = r"[^,.;:!?\"“”«»()\n]{1,160}?"
_POSS = r"[^,.;:!?\"“”«»()\n]{1,80}?"
_OUTLET = r"[^,.;:!?\"“”«»()\n]{1,80}?"


def _alternation(phrases: Iterable[str]) -> str:
    """A regex matching any of the literal phrases (longest first, spaces matching any white
    space), as a prefix trie so that the engine does not retry every phrase at every position."""
    return trie_regex({p.strip() for p in phrases if p.strip()})


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
    cue_starts: WordStartFinder
    cue_starts_cased: WordStartFinder
    topic_re: re.Pattern[str]
    prefix_re: re.Pattern[str]
    prefix_initials: tuple[str, ...] | None
    medial_re: re.Pattern[str]
    noun_re: re.Pattern[str]
    after_re: re.Pattern[str]
    after_inverted_re: re.Pattern[str]
    attr_verb_re: re.Pattern[str]
    naming_re: re.Pattern[str]
    between_re: re.Pattern[str]
    between_chars: str
    between_ends: tuple[str, ...]
    description_re: re.Pattern[str]
    description_heads: re.Pattern[str] | None
    description_lower: re.Pattern[str] | None
    apposition_re: re.Pattern[str]
    unnamed_re: re.Pattern[str]
    unnamed_heads: re.Pattern[str] | None
    unnamed_lower: re.Pattern[str] | None
    state_tail_re: re.Pattern[str]
    state_tail_lower: re.Pattern[str] | None
    state_bodies: re.Pattern[str] | None
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
    speakers = data["speakers"]
    verbs = _VerbSets.from_data(data["verbs"])
    between = _alternation(speakers["between"])
    return QuoteCues(
        **_mark_fields(data["marks"]),
        **_verb_fields(verbs, data["verbs"]),
        **_attribution_fields(verbs, data["verbs"], data["phrases"], between),
        **_speaker_fields(speakers, data.get("direct", {})),
    )


@dataclass(frozen=True)
class _VerbSets:
    """The reporting verbs by the construction they take (lower-cased)."""

    clause: set[str]
    that: set[str]
    obj: set[str]
    obj_as: set[str]
    to: set[str]
    direct: set[str]

    @classmethod
    def from_data(cls, verbs: Mapping[str, Any]) -> _VerbSets:
        clause = {v.lower() for v in verbs["clause"]}
        obj = {v.lower() for v in verbs["object"]}
        obj_as = {v.lower() for v in verbs.get("object_as", [])}
        that = {v.lower() for v in verbs["that"]} - clause - obj - obj_as
        to = {v.lower() for v in verbs["to"]}
        direct = {v.lower() for v in verbs.get("direct", [])}
        return cls(clause, that, obj, obj_as, to, direct)

    @property
    def every(self) -> set[str]:
        """Verbs that introduce reported speech."""
        return self.clause | self.that | self.obj | self.obj_as | self.to

    @property
    def attributing(self) -> set[str]:
        """Verbs that attribute a quotation (reported-speech verbs and direct-only ones)."""
        return self.every | self.direct


def _mark_fields(marks: Mapping[str, Any]) -> dict[str, Any]:
    """Quotation mark glyphs by family, and one pattern finding any of them."""
    single = [*marks.get("single_open", []), *marks.get("single_close", [])]
    single += marks.get("single_straight", [])
    all_marks = [*marks["open"], *marks["close"], *marks["straight"], *single]
    return {
        "opening": frozenset(marks["open"]),
        "closing": frozenset(marks["close"]),
        "straight": frozenset(marks["straight"]),
        "single": frozenset(single),
        "mark_re": re.compile("|".join(re.escape(m) for m in all_marks)),
    }


def _verb_fields(verbs: _VerbSets, data: Mapping[str, Any]) -> dict[str, Any]:
    """Reporting verbs, the pattern finding any of them in running text, and finders of the
    word starts where that pattern or a medial cue's verb or "according" may begin (the
    patterns' own scans try every position): one for the `ascii_lower` copy, one for a text
    that has no such copy (where an upper-case letter counts as a separator too, which only
    adds candidates)."""
    every = _alternation(verbs.every)
    return {
        "clause_verbs": frozenset(verbs.clause),
        "that_verbs": frozenset(verbs.that),
        "object_verbs": frozenset(verbs.obj),
        "object_as_verbs": frozenset(verbs.obj_as),
        "to_verbs": frozenset(verbs.to),
        "verb_re": re.compile(rf"(?<![\w-])(?:{every})(?![\w-])"),
        "cue_starts": WordStartFinder.of(f"{every}|according"),
        "cue_starts_cased": WordStartFinder.of(f"{every}|(?i:according)"),
        "topic_re": re.compile(
            rf"\s*(?:{_alternation(data['topic_words'])})(?![\w-])", re.IGNORECASE
        ),
    }


def _prefix_re(templates: Iterable[str]) -> re.Pattern[str]:
    """'According to {who},' and kin: one alternation, a numbered `who` group in each."""
    prefix_parts = []
    for template in templates:
        pattern = re.escape(template.lower()).replace(r"\ ", r"\s+")
        pattern = pattern.replace(r"\{who\}", f"(?P<who>{_WHO})", 1)
        pattern = pattern.replace(r"\{poss\}", f"(?P<who>{_POSS})", 1)
        pattern = pattern.replace(r"\{outlet\}", _OUTLET)
        prefix_parts.append(pattern)
    # Named groups may not repeat across alternatives: number them.
    numbered = []
    for i, p in enumerate(prefix_parts):
        numbered.append(f"(?:\\b{p.replace('(?P<who>', f'(?P<who{i}>')}\\s*,)")
    return re.compile("|".join(numbered), re.IGNORECASE)


def _initials(templates: Iterable[str]) -> tuple[str, ...] | None:
    """The lower-cased first words of the prefix templates, which a lower-cased sentence must
    open with (after a connector) to hold one; None when a template opens with a placeholder
    or a word that is not ASCII."""
    words = {t.split()[0].lower() for t in templates if t.strip()}
    if any("{" in w or not w.isascii() for w in words):
        return None
    return tuple(sorted(words))


def _attribution_fields(
    verbs: _VerbSets, data: Mapping[str, Any], phrases: Mapping[str, Any], between: str
) -> dict[str, Any]:
    """Patterns of the cues that tie a quotation or a clause to its speaker."""
    attr_alt = _alternation(verbs.attributing | {"according to"})
    return {
        "prefix_re": _prefix_re(phrases["prefix"]),
        "prefix_initials": _initials(phrases["prefix"]),
        "medial_re": re.compile(
            rf",\s+(?:according\s+to\s+(?P<acc>{_WHO})|(?P<who>(?:[\w.’'-]+\s+){{0,3}}?[\w.’'-]+)\s+"
            rf"(?:(?:{between})\s+)?(?P<verb>(?-i:{_alternation(verbs.clause | verbs.that)}))"
            rf"(?:\s+(?:on|in|at|last|this|yesterday|today|earlier|later)\b[^,;:\"“”]{{0,30}})?)"
            rf"\s*,\s+(?=[a-z])",
            re.IGNORECASE,
        ),
        "noun_re": re.compile(
            rf"(?:’s|'s|’|')\s+(?:{_alternation(phrases['nouns'])})\s+that\b", re.IGNORECASE
        ),
        "after_re": re.compile(
            rf"\s*(?P<who>[^\s\"“”«»,.;:!?](?:[^\"“”«»,;:!?\n]{{0,80}}?))\s+"
            rf"(?:(?:{between})\s+)?(?P<verb>(?-i:{attr_alt}))(?![\w-])",
            re.IGNORECASE,
        ),
        "after_inverted_re": re.compile(
            rf"\s*(?P<verb>(?-i:{attr_alt}))\s+(?P<who>[^\"“”«»,;:!?\n]{{1,80}}?)\s*(?=[.,;:!?]|$)",
            re.IGNORECASE,
        ),
        "attr_verb_re": re.compile(rf"(?<![\w-])(?:{attr_alt}|[Aa]ccording\s+to)(?![\w-])"),
        "naming_re": re.compile(
            rf"(?<![\w-])(?P<verb>{_alternation(data.get('naming', []))})\s+"
            rf"(?:[\w’'-]+\s+){{0,5}}?(?:as\s+)?$"
        ),
        "between_re": re.compile(rf"(?:\s*,?\s*\b(?:{between}|[a-z]+ly)\b)*\s*,?\s*$"),
    }


# White space (all of it is below U+3001) and the comma: what separates the words of a
# `between_re` match.
SEPARATORS = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + ","


def _between_chars(between: Iterable[str]) -> str:
    """Every character a `between_re` match can hold (its words, lower-case letters, the
    separators): a match starts after the phrase's last other character, so the search for
    it can skip the rest."""
    return "".join(sorted({*"".join(between).lower(), *string.ascii_lowercase, *SEPARATORS}))


def _lowered_words(words: Iterable[str]) -> re.Pattern[str] | None:
    """The words, to be searched for in an `ascii_lower` copy: a phrase that holds none of them
    can skip a case-insensitive pattern that needs one (a much slower search). None when a
    word is not ASCII, which that copy keeps in its case."""
    words = list(words)
    return re.compile(_alternation(words)) if all(w.isascii() for w in words) else None


def _speaker_fields(speakers: Mapping[str, Any], direct: Mapping[str, Any]) -> dict[str, Any]:
    """Speaker words (descriptions, unnamed sources, state bodies, pronouns) and the
    thresholds for quotations with no cue."""
    descriptions = _alternation(speakers["descriptions"])
    unnamed = _alternation(speakers["unnamed"])
    bodies = _alternation(speakers["state_bodies"])
    description_re = re.compile(
        rf"\b(?:the|an?|this|that|our|his|her|their)\s+(?:[\w.’'-]+\s+){{0,4}}?"
        rf"(?P<head>{descriptions})(?:\s+(?:of|from|at|with|for)\s+{_WHO})?$",
        re.IGNORECASE,
    )
    unnamed_re = re.compile(
        rf"(?:^|\b)(?:(?:the|some|many|most|several|other|[\w’'-]+)\s+){{0,3}}"
        rf"(?P<head>{unnamed})(?:\s+(?:[a-z][\w-]*\s+){{0,2}}?(?:in|at|from|of|with|for|to|on)"
        rf"\s+{_WHO}|\s+who\s+{_WHO})?$",
        re.IGNORECASE,
    )
    state_tail_re = re.compile(
        rf"(?:(?:’s|'s|’)\s+(?:[\w-]+\s+)?(?:{bodies})|\b(?:{bodies})\s+of\s+(?:the\s+)?"
        rf"[\w’'. -]{{1,40}}|\b(?:{bodies}))$",
        re.IGNORECASE,
    )
    return {
        "description_re": description_re,
        "description_lower": caseless_pattern(description_re.pattern),
        "apposition_re": re.compile(
            rf"(?:an?|the)\s+(?:[\w.’'-]+\s+){{0,4}}?(?:{descriptions})\b[^,;:.\"“”]{{0,80}},\s*",
            re.IGNORECASE,
        ),
        "unnamed_re": unnamed_re,
        "unnamed_lower": caseless_pattern(unnamed_re.pattern),
        "unnamed_heads": _lowered_words(speakers["unnamed"]),
        "description_heads": _lowered_words(speakers["descriptions"]),
        "state_bodies": _lowered_words(speakers["state_bodies"]),
        "state_tail_re": state_tail_re,
        "state_tail_lower": caseless_pattern(state_tail_re.pattern),
        "between_chars": _between_chars(speakers["between"]),
        "between_ends": tuple(sorted({b.split()[-1] for b in speakers["between"]} | {"ly"})),
        "plural_pronouns": frozenset(p.lower() for p in speakers["plural_pronouns"]),
        "state_label": str(speakers.get("state_label", "Government of {country}")),
        "country_names": dict(speakers.get("country_names", {})),
        "not_names": frozenset(speakers.get("not_names", [])),
        "min_words_unattributed": int(direct.get("min_words_unattributed", 4)),
        "min_words_fragment": int(direct.get("min_words_fragment", 2)),
        "max_paragraphs": int(direct.get("max_paragraphs", 6)),
    }
