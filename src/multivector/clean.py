"""Site chrome inside plain text: where it is, which line is the headline, who published it.

Scraped articles carry the site around them: "Read on the website X" glued to the first
sentence, section labels, teasers of other articles, disclaimers, a headline repeated at
the bottom. The text is never edited; chrome is reported as stand-off spans that later
steps skip. The patterns live in `data/boilerplate.toml`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import load_data
from .errors import ConfigError
from .records import Boilerplate
from .text import overlaps

#: White space plus the byte-order mark a UTF-8 file may start with (kept in the text).
_LEADING = re.compile(r"[\s\ufeff\u200b]*")
_INVISIBLE = frozenset({"\ufeff", "\u200b"})
_SENTENCE_END = (".", "!", "?", ":", ";", ",", "»", "”", '"')


@dataclass(frozen=True, slots=True)
class Line:
    start: int
    end: int
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class ChromeRules:
    """Compiled boilerplate rules; build once with `ChromeRules.load()`."""

    patterns: tuple[tuple[str, re.Pattern[str], str | None], ...]
    section_labels: frozenset[str]
    masthead_max_words: int

    @classmethod
    def load(cls, path: str | Path | None = None) -> ChromeRules:
        data = load_data("boilerplate.toml", path)
        patterns = []
        for rule in data.get("pattern", []):
            try:
                compiled = re.compile(rule["regex"], re.MULTILINE)
            except (KeyError, re.error) as exc:
                raise ConfigError(f"boilerplate rule {rule.get('name', '?')!r}: {exc}") from None
            patterns.append((rule.get("name", "pattern"), compiled, rule.get("source")))
        labels = data.get("section_labels", {}).get("labels", [])
        return cls(
            patterns=tuple(patterns),
            section_labels=frozenset(label.casefold() for label in labels),
            masthead_max_words=int(data.get("masthead", {}).get("max_words", 3)),
        )

    def is_label(self, line: Line) -> bool:
        return line.text.strip().casefold() in self.section_labels


@dataclass(frozen=True, slots=True)
class Layout:
    """What `analyse_layout` finds: chrome spans, the headline and the outlet named in the text."""

    boilerplate: tuple[Boilerplate, ...]
    title: str | None
    source: str | None


def iter_lines(text: str) -> Iterator[Line]:
    """Non-blank lines with their offsets, white space (`\\r`, a BOM) at either end excluded."""
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.rstrip()
        lead = len(stripped) - len(stripped.lstrip())
        if stripped[lead : lead + 1] in _INVISIBLE:  # rare: a BOM or zero-width space
            lead = _LEADING.match(stripped).end()  # type: ignore[union-attr]
        if lead < len(stripped):
            yield Line(pos + lead, pos + len(stripped), stripped[lead:])
        pos += len(raw) + 1


def _is_short(line: Line, max_words: int) -> bool:
    return line.words <= max_words and not line.text.endswith(_SENTENCE_END)


def _looks_like_byline(line: Line) -> bool:
    words = line.text.split()
    return (
        2 <= len(words) <= 4
        and all(w[:1].isupper() for w in words)
        and not any(ch in line.text for ch in ".,:;!?")
    )


def _pattern_spans(text: str, rules: ChromeRules) -> Iterator[tuple[Boilerplate, str | None]]:
    for name, pattern, source_group in rules.patterns:
        for match in pattern.finditer(text):
            if match.end() > match.start():
                source = match.group(source_group) if source_group else None
                yield Boilerplate(match.start(), match.end(), name), source


def _masthead(lines: Sequence[Line], rules: ChromeRules) -> list[Line]:
    """Short lines above the headline: only a run of two or more counts, and when body text
    follows the run its last line is the (short) headline, so it stays the title."""
    run: list[Line] = []
    for line in lines:
        if not _is_short(line, rules.masthead_max_words):
            break
        run.append(line)
    if len(run) < 2:
        return []
    after = lines[len(run)] if len(run) < len(lines) else None
    if after is None or not _looks_like_headline(after):
        # Body text follows the run, so its last short line is the headline itself
        # ("Site / News / Ferry deal / The ministers met ...").
        return run[:-1]
    return run


def _looks_like_headline(line: Line) -> bool:
    """A headline-sized line that does not end like a body sentence (a full stop)."""
    return line.words <= 25 and not line.text.rstrip("\"'”’»)]").endswith(".")


def _teasers(lines: Sequence[Line], rules: ChromeRules) -> Iterator[Boilerplate]:
    """Blocks of other articles: title, byline, lead, then a section label."""
    for i in range(3, len(lines)):
        label, byline, title = lines[i], lines[i - 2], lines[i - 3]
        if (
            rules.is_label(label)
            and _looks_like_byline(byline)
            and title.words <= 20
            and not title.text.endswith(".")
        ):
            yield Boilerplate(title.start, label.end, "teaser")


def _merge(spans: list[Boilerplate]) -> tuple[Boilerplate, ...]:
    """Sort and drop spans lying inside another span."""
    out: list[Boilerplate] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if out and span.end <= out[-1].end:
            continue
        out.append(span)
    return tuple(out)


def analyse_layout(text: str, rules: ChromeRules) -> Layout:
    """Find chrome, headline and outlet of a plain-text article."""
    lines = list(iter_lines(text))
    spans: list[Boilerplate] = []
    source: str | None = None
    for span, found_source in _pattern_spans(text, rules):
        spans.append(span)
        source = source or found_source
    masthead = _masthead(lines, rules)
    for line in masthead:
        spans.append(Boilerplate(line.start, line.end, "masthead"))
        if source is None and not rules.is_label(line):
            source = line.text
    spans.extend(
        Boilerplate(ln.start, ln.end, "section-label") for ln in lines if rules.is_label(ln)
    )
    spans.extend(_teasers(lines, rules))
    merged = _merge(spans)
    title_line = next((ln for ln in lines if not overlaps(ln.start, ln.end, merged)), None)
    if title_line is not None:
        repeats = [
            Boilerplate(ln.start, ln.end, "repeated-headline")
            for ln in lines
            if ln.start > title_line.start and ln.text == title_line.text
        ]
        merged = _merge([*merged, *repeats])
    return Layout(merged, title_line.text if title_line else None, source)
