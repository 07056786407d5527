"""Small, fast text helpers shared by the extraction steps: paragraphs, sentences, span
overlap, and caseless or trie patterns matched at word starts.

Spans are stand-off (start, end) pairs into the unchanged text.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, Protocol, TypeVar

from .config import load_data

# A line from its first to its last non-space character (a blank line has none).
_PARAGRAPH = re.compile(r"\S(?:[^\n]*\S)?")
# A sentence ends at . ! ? (or …), optionally followed by closing quotes/brackets, then white space.
# Found in one scan of the text (or range), not per paragraph: a sentence ends only before
# white space and more text in the same line, which the lookaheads ask for (so an end at a
# line's end, found by no per-line scan, is not found either). The white space after it is
# taken too: the next sentence starts after it. Group 1 is the end itself.
_SENTENCE_END = re.compile(r"([.!?…]+[\"'”’»)\]]*)(?=\s)[^\S\n]*+(?=\S)")
_LAST_WORD = 40  # characters looked back for the word before a full stop, before a slow walk


@functools.lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    """Words written with a full stop that ends no sentence ("Mr", "Gen"); read once, shared
    by the sentence splitter and the country finder's title guard."""
    return frozenset(load_data("abbreviations.toml")["abbreviations"])


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Each non-empty line, since scraped articles put one paragraph on a line."""
    return list(_paragraphs(text))


# Several steps split the same article: the last few texts' spans are kept (a new list is
# returned each time, so callers may change theirs). Hashing the text is paid once per str.
@functools.lru_cache(maxsize=4)
def _paragraphs(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(_paragraph_list(text))


def _paragraph_list(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _PARAGRAPH.finditer(text)]


def _ends_sentence(text: str, stop: int, after: int) -> bool:
    """Whether the punctuation run ending at `stop` closes a sentence."""
    if text[stop - 1] != ".":
        return True
    if text[after : after + 1].islower():  # (an empty string is not lower case)
        return False
    token = _word_before(text, stop - 1).lstrip("\"'“‘«(")
    return not (token in abbreviations() or (len(token) == 1 and token.isupper()))


def _word_before(text: str, pos: int) -> str:
    """The non-space characters right before `pos` (back to white space or the text's start).

    Split off the last few dozen characters in C; only a longer word needs the walk back."""
    low = max(pos - _LAST_WORD, 0)
    window = text[low:pos]
    if not window or window[-1].isspace():
        return ""
    parts = window.rsplit(None, 1)
    if len(parts) == 2 or low == 0:
        return parts[-1]
    while low > 0 and not text[low - 1].isspace():
        low -= 1
    return text[low:pos]


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences inside text[start:end], never crossing a line break."""
    end = len(text) if end is None else end
    if start == 0 and end == len(text):
        return list(_sentences(text))
    return _sentence_spans(text, start, end)


@functools.lru_cache(maxsize=4)
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(_sentence_spans(text, 0, len(text)))


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    whole = start == 0 and end == len(text)
    paragraphs = _paragraphs(text) if whole else _paragraph_list(text[start:end])
    ends = [(m.start(), m.end(1), m.end()) for m in _SENTENCE_END.finditer(text, start, end)]
    k, n = 0, len(ends)
    for p_start, p_end in paragraphs:  # each end lies in one paragraph, in order
        p_start += start
        p_end += start
        cursor = p_start
        while k < n and ends[k][0] < p_end:
            begin, stop, after = ends[k]
            k += 1
            if _ends_sentence(text, begin + 1 if text[begin] == "." else stop, after):
                spans.append((cursor, stop))
                cursor = after
        if cursor < p_end:
            spans.append((cursor, p_end))
    return spans


def overlaps(start: int, end: int, spans: Sequence[tuple[int, int]] | Sequence[object]) -> bool:
    """True when [start, end) overlaps any span (tuples or objects with start/end)."""
    for span in spans:
        s, e = span if isinstance(span, tuple) else (span.start, span.end)  # type: ignore[attr-defined]
        if start < e and s < end:
            return True
    return False


@functools.cache
def _case_aliases() -> str:
    """The non-ASCII characters a case-insensitive pattern takes for an ASCII letter
    (the Kelvin sign for "k", the long s for "s", dotted and dotless i)."""
    others = "".join(map(chr, range(0x80, 0x10000)))  # none beyond the BMP folds to ASCII
    return "".join(sorted(set(re.findall("[a-z]", others, re.IGNORECASE))))


@functools.lru_cache(maxsize=4)
def ascii_lower(text: str) -> str | None:
    """`text` with its ASCII letters lower-cased and every character at its offset, or None when
    it holds a character that case-insensitive matching would equate with an ASCII letter.

    A lower-case pattern without IGNORECASE scans this copy about twice as fast as the
    case-insensitive pattern scans the text, and finds the same spans. Several steps lower the
    same article: the last few copies are kept.
    """
    if text.isascii():
        return text.lower()
    if any(c in text for c in _case_aliases()):  # a few substring tests beat a regex scan
        return None
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def caseless_pattern(source: str) -> re.Pattern[str] | None:
    """`source` (a case-insensitive pattern) compiled for texts passed through `ascii_lower`, or
    None when it spells an upper-case or a non-ASCII cased letter, which that copy cannot match."""
    body = re.sub(r"\\.|\(\?P[<=]", "", source)  # no letters: escapes (\W, \S), group syntax
    if any(c.isupper() or (not c.isascii() and c.lower() != c.upper()) for c in body):
        return None
    return re.compile(source)


class WordStartFinder(NamedTuple):
    """Where a pattern may start in an `ascii_lower` copy: at its start, or after a character
    that is no ASCII letter, digit or underscore, at one of the pattern's lead phrases.

    Python's regex engine tries a pattern at every position unless it opens with a literal or
    a character class; these two scans open with one each (a blank, then any other separator),
    so they find the few places worth a full match several times faster than the pattern's own
    scan would.
    """

    after_blank: re.Pattern[str]
    after_other: re.Pattern[str]

    @classmethod
    def of(cls, lead: str) -> WordStartFinder:
        """Finder for `lead`, a lower-case pattern every match of the target pattern opens with."""
        return cls(re.compile(f" (?={lead})"), re.compile(f"[^ a-z0-9_](?={lead})"))

    def starts(self, lowered: str) -> list[int]:
        """The candidate start positions, in order."""
        found = [m.end() for m in self.after_blank.finditer(lowered)]
        found += [m.end() for m in self.after_other.finditer(lowered)]
        found.sort()
        return [0, *found]


def matches_at(pattern: re.Pattern[str], text: str, starts: Iterable[int]) -> list[re.Match[str]]:
    """The matches of `pattern.finditer(text)` (a pattern that never matches the empty string),
    tried only at `starts`, sorted positions that include every start of a match."""
    out: list[re.Match[str]] = []
    end = 0
    match = pattern.match
    for pos in starts:
        if pos >= end and (m := match(text, pos)) is not None:
            out.append(m)
            end = m.end()
    return out


def trie_regex(phrases: Iterable[str]) -> str:
    """One regex for many phrases with shared prefixes factored out (a trie), which Python's
    engine scans several times faster than a flat alternation; longest match wins."""
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for ch in phrase.lower():
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        alts = [
            (r"\s+" if ch == " " else re.escape(ch)) + build(sub)
            for ch, sub in sorted(node.items())
            if ch
        ]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def sorted_spans(spans: Iterable[tuple[int, int] | Any]) -> list[tuple[int, int]]:
    """`spans` (tuples or records with start/end) as sorted (start, end) tuples, the form
    `in_sorted_spans` bisects."""
    return sorted(s if isinstance(s, tuple) else (s.start, s.end) for s in spans)


def in_sorted_spans(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether [start, end) overlaps one of `spans` (from `sorted_spans`, mostly disjoint).

    Bisection instead of a pass over all spans: only the last three that start before `end`
    are tested, which suffices while spans rarely nest or overlap.
    """
    if not spans:
        return False
    i = bisect.bisect_right(spans, (end, end))
    return any(s < end and start < e for s, e in spans[max(0, i - 3) : i])


class _Spanned(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


_SpannedT = TypeVar("_SpannedT", bound=_Spanned)


def covering(start: int, end: int, records: Iterable[_SpannedT]) -> _SpannedT | None:
    """The record overlapping [start, end) most (the first on ties) if it covers at least half
    of it: the quote a sentence or a forecast belongs to."""
    best, best_overlap = None, 0
    for record in records:
        if record.start < end and start < record.end:  # most lie elsewhere: a cheap test first
            overlap = min(end, record.end) - max(start, record.start)
            if overlap > best_overlap:
                best, best_overlap = record, overlap
    return best if best is not None and best_overlap * 2 >= end - start else None


class Caseless(NamedTuple):
    """A case-insensitive pattern and, when it can have one, its twin for `ascii_lower` copies:
    both find the same spans, and the engine scans the lower-case copy up to twice as fast."""

    ignorecase: re.Pattern[str]
    lower: re.Pattern[str] | None

    @classmethod
    def of(cls, source: str) -> Caseless:
        return cls(re.compile(source, re.IGNORECASE), caseless_pattern(source))

    def on(self, text: str, lowered: str | None) -> tuple[re.Pattern[str], str]:
        """The pattern to use and the string (`text` or its lower-case copy) to scan with it."""
        if self.lower is None or lowered is None:
            return self.ignorecase, text
        return self.lower, lowered
