"""Quotation cues: the marks, reporting verbs, phrases and speaker words of
`data/quotes.toml`, compiled once into the patterns the quotation finder runs."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import load_data

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
