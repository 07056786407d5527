"""Direct quotations: pairing quotation marks (curly, straight, guillemets, single) into
quoted passages — nested, split, multi-paragraph and missing-mark cases — and finding the
attribution cue right before or after a quotation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from .quotecues import QuoteCues
from .speakers import QuoteContext, Speaker
from .text import overlaps


@dataclass(slots=True)
class Direct:
    open_pos: int  # position of the opening mark, or -1 when it is missing
    start: int
    end: int
    close_pos: int  # position of the closing mark, or -1 when it is missing
    speaker: Speaker | None = None
    cue: str | None = None
    attributed: bool = False
    single: bool = False


def _role(text: str, pos: int, mark: str, cues: QuoteCues) -> str:
    """'open', 'close' or 'either' for a mark, from its glyph and its neighbours."""
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 1] if pos + 1 < len(text) else " "
    left_open = before.isspace() or before in "([{—–-/"
    right_open = not after.isspace() and after not in ",.;:!?)]}"
    if mark in cues.opening:
        return "open"
    if mark in cues.closing:
        return "open?" if left_open and right_open else "close"
    if left_open and right_open:
        return "open"
    if not left_open and not right_open:
        return "close"
    if not left_open:
        return "close" if not right_open or after in "-" else "either"
    return "either"


def _single_role(text: str, pos: int, mark: str) -> str | None:
    """'open' or 'close' for a single mark, None for an apostrophe (don't, the workers')."""
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 1] if pos + 1 < len(text) else " "
    if before.isalnum() and after.isalnum():
        return None
    if (before.isspace() or before in '([{—–-"“') and after.isalpha():
        return "open" if mark != "’" or not before.isalnum() else None
    if not before.isspace() and (after.isspace() or after in ',.;:!?)]}"”'):
        return "close" if before in ",.!?" or before.isalpha() else None
    return None


def _family(mark: str, cues: QuoteCues) -> str:
    if mark in cues.single:
        return "single"
    if mark in cues.straight:
        return "straight"
    return "guillemet" if mark in "«»" else "curly"


def scan_marks(text: str, cues: QuoteCues, ctx: QuoteContext) -> list[Direct]:
    """Pair quotation marks into quotations: nested marks of another family are skipped,
    an opening mark at a paragraph start continues a quotation left open, and a mark with
    no partner gives a quotation missing its opening or closing mark."""
    pairer = _MarkPairer(text, cues, ctx)
    single_marks = cues.single
    for match in cues.mark_re.finditer(text):
        pos, mark = match.start(), match.group()
        if mark in single_marks and _inside_word(text, pos):
            continue  # an apostrophe (most marks are): `pairer.single` would skip it too
        family = _family(mark, cues)
        single_open = pairer.open_family == "single"
        if (family == "single" or single_open) and pairer.single(pos, mark, family):
            continue
        pairer.double(pos, mark, family)
    if pairer.open_pos >= 0 and pairer.open_family != "single":
        pairer.found.append(_unclosed(text, pairer.open_pos, ctx))
    return pairer.found


def _inside_word(text: str, pos: int) -> bool:
    """Whether the character at `pos` has a letter or digit on both sides."""
    return 0 < pos < len(text) - 1 and text[pos - 1].isalnum() and text[pos + 1].isalnum()


class _MarkPairer:
    """The state of `scan_marks` while it walks the marks: the quotation left open (its
    mark position and family), the latest closing mark, and the quotations found."""

    __slots__ = ("ctx", "cues", "found", "last_close", "open_family", "open_pos", "text")

    def __init__(self, text: str, cues: QuoteCues, ctx: QuoteContext) -> None:
        self.text = text
        self.cues = cues
        self.ctx = ctx
        self.found: list[Direct] = []
        self.open_pos = -1
        self.open_family = ""
        self.last_close = -1

    def single(self, pos: int, mark: str, family: str) -> bool:
        """A single mark, or any mark while a single-quoted passage is open; True when
        the mark is dealt with, False when it is to be read as a double mark."""
        ctx = self.ctx
        if self.open_pos >= 0 and self.open_family != "single":
            return True  # single marks inside a double-quoted passage
        if family == "single":
            single = _single_role(self.text, pos, mark)
            if single is None:
                return True
            if (
                single == "close"
                and self.open_pos >= 0
                and not (ctx.paragraph_of(pos) - ctx.paragraph_of(self.open_pos))
            ):
                self.found.append(Direct(self.open_pos, self.open_pos + 1, pos, pos, single=True))
                self.open_pos, self.open_family = -1, ""
            elif single == "open":
                self.open_pos, self.open_family = pos, "single"  # an unclosed one is dropped
            return True
        if ctx.sentence_of(pos) == ctx.sentence_of(self.open_pos):
            return True  # double marks nested in a single-quoted passage
        self.open_pos, self.open_family = -1, ""  # a stray opening apostrophe: forget it
        return False

    def double(self, pos: int, mark: str, family: str) -> None:
        """A double mark (curly, straight or guillemet): open, close or skip."""
        text, cues, ctx = self.text, self.cues, self.ctx
        role = _role(text, pos, mark, cues)
        open_pos = self.open_pos
        if open_pos < 0:
            if role == "close" or (role == "either" and _closes_orphan(text, pos)):
                self.found.append(_orphan_close(text, pos, self.last_close, ctx))
                self.last_close = pos
                return
            self.open_pos, self.open_family = pos, family
            return
        if family != self.open_family:
            return  # a nested quotation inside the open one
        crossed = ctx.paragraph_of(pos) - ctx.paragraph_of(open_pos)
        if crossed:
            self._across_paragraphs(pos, role, crossed)
            return
        if role in ("close", "either", "open?"):
            self.found.append(Direct(open_pos, open_pos + 1, pos, pos))
            if has_words(text, open_pos, pos, cues.min_words_unattributed):
                self.last_close = pos
            self.open_pos = -1
        else:  # a second opening mark: the first one was never closed
            self.found.append(_unclosed(text, open_pos, ctx))
            self.open_pos = pos

    def _across_paragraphs(self, pos: int, role: str, crossed: int) -> None:
        """A mark some paragraphs after the open one: a multi-paragraph quotation goes on
        (each paragraph reopens it) or ends; too far away, the open one was never closed."""
        text, ctx, open_pos = self.text, self.ctx, self.open_pos
        para_start = ctx.paragraph_span(pos)[0]
        if crossed > self.cues.max_paragraphs:
            self.found.append(_unclosed(text, open_pos, ctx))
            self.open_pos = pos
        elif role != "close" and not text[para_start:pos].strip():
            return  # the opening mark of a quotation's next paragraph
        elif role in ("close", "either", "open?"):
            self.found.append(Direct(open_pos, open_pos + 1, pos, pos))
            self.open_pos, self.last_close = -1, pos
        else:
            self.found.append(_unclosed(text, open_pos, ctx))
            self.open_pos = pos


def _closes_orphan(text: str, pos: int) -> bool:
    return pos > 0 and text[pos - 1] in ",.!?"


def _orphan_close(text: str, pos: int, last_close: int, ctx: QuoteContext) -> Direct:
    """A closing mark with no opening one: the quotation starts at its paragraph (or after
    the sentence holding the previous closing mark)."""
    start = ctx.paragraph_span(pos)[0]
    if last_close >= start:
        start = ctx.sentence_span(last_close)[1]
    return Direct(-1, start, pos, pos)


def _unclosed(text: str, open_pos: int, ctx: QuoteContext) -> Direct:
    """An opening mark never closed: the quotation runs to the end of its paragraph."""
    return Direct(open_pos, open_pos + 1, ctx.paragraph_span(open_pos)[1], -1)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip white space, and a trailing attribution comma, from a quoted span."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and text[end - 1] == ",":
        end -= 1
        while end > start and text[end - 1].isspace():
            end -= 1
    return start, end


_WORD_RE = re.compile(r"\w+")
_LOWER_NEXT_RE = re.compile(r"\s*[a-z]")
_DOUBLE_MARK_RE = re.compile(r"[\"“”«»]")
_HEAD_END_RE = re.compile(r",|\s(?:of|from|at|for|with|who|in)\s")
_DETERMINER_RE = re.compile(r"(?:the|an?|one|his|her)\b", re.I)
_CUE_END_RE = re.compile(r"[,:]\s*$")


def has_words(text: str, start: int, end: int, n: int) -> bool:
    """Whether text[start:end] holds at least `n` words, without counting a long
    quotation's every word."""
    return sum(1 for _ in islice(_WORD_RE.finditer(text, start, end), n)) >= n


def attribute_after(
    text: str, q: Direct, cues: QuoteCues, ctx: QuoteContext
) -> tuple[tuple[int, int], str] | None:
    """'...," the expert noted.' — a speaker and verb right after the closing mark."""
    if q.close_pos < 0:
        return None
    start = q.close_pos + 1
    s_end = ctx.sentence_span(start)[1]
    if s_end <= start:
        s_end = ctx.paragraph_span(start)[1]
    limit = min(s_end, ctx.paragraph_span(q.close_pos)[1], start + 160)
    seg = text[start:limit]
    if seg.startswith(","):  # '"...", he said' - the comma outside the marks
        seg, start = seg[1:], start + 1
    if text[q.close_pos - 1 : q.close_pos] == "." and not _LOWER_NEXT_RE.match(seg):
        return None  # '..." She added ...' starts a new sentence
    nxt = _DOUBLE_MARK_RE.search(seg)
    if nxt is not None:
        seg = seg[: nxt.start()]
    inv = cues.after_inverted_re.match(seg)
    if inv is not None and _looks_like_speaker(inv.group("who")):
        # 'said Greta Lindqvist of the group X': the speaker heads the phrase
        head = _HEAD_END_RE.search(inv.group("who"))
        w_end = inv.start("who") + head.start() if head else inv.end("who")
        return (start + inv.start("who"), start + w_end), inv.group("verb")
    fwd = cues.after_re.match(seg)
    if fwd is not None and len(fwd.group("who").split()) <= 7:
        return (start + fwd.start("who"), start + fwd.end("who")), fwd.group("verb")
    return None


def _looks_like_speaker(who: str) -> bool:
    w = who.strip()
    return bool(w) and (w[0].isupper() or bool(_DETERMINER_RE.match(w)))


def attribute_before(
    text: str, q: Direct, cues: QuoteCues, ctx: QuoteContext, prev_end: int
) -> tuple[tuple[int, int], str] | None:
    """'According to him, "...' or 'X said: "...' — a cue right before the opening mark."""
    if q.open_pos < 0:
        return None
    s_start = max(ctx.sentence_span(q.open_pos)[0], prev_end)
    seg = text[s_start : q.open_pos]
    naming = cues.naming_re.search(seg)
    if naming is not None and not q.single:  # 'X called the deal "a turning point"'
        return (s_start, s_start + naming.start()), naming.group("verb")
    if not _CUE_END_RE.search(seg):
        return None
    prefix = None
    for found in cues.prefix_re.finditer(seg):
        prefix = found
    if prefix is not None and not seg[prefix.end() :].strip():
        group = next(g for g, v in prefix.groupdict().items() if v is not None)
        return (s_start + prefix.start(group), s_start + prefix.end(group)), seg[
            prefix.start() : prefix.end()
        ].rstrip(" ,")
    verbs = list(cues.attr_verb_re.finditer(seg))
    if verbs:
        v = verbs[-1]
        return (s_start, s_start + v.start()), v.group()
    if seg.rstrip().endswith(":"):
        people = [c for c in ctx.persons_in(s_start, q.open_pos) if c[0] >= s_start]
        if people:  # 'X praised his team: "..."' - the subject speaks
            return (people[0][0], people[0][1]), ":"
        return (s_start, s_start + len(seg.rstrip()) - 1), ":"
    return None


def direct_candidates(
    text: str, cues: QuoteCues, ctx: QuoteContext, skip: Sequence[Any]
) -> list[Direct]:
    """Quoted passages outside `skip`, trimmed; unclosed ones only after a cue, and none
    nested inside another."""
    directs = [d for d in scan_marks(text, cues, ctx) if not overlaps(d.start, d.end, skip)]
    for d in directs:
        d.start, d.end = trim(text, d.start, d.end)
    directs = [
        d
        for d in directs
        if d.end > d.start
        and (d.close_pos >= 0 or attribute_before(text, d, cues, ctx, 0) is not None)
    ]
    return _outermost(directs)


def _outermost(directs: list[Direct]) -> list[Direct]:
    """The quotations no longer one contains: one that starts earlier and ends no earlier,
    or starts with it and ends later (found from sorted starts, not by testing each pair)."""
    longest: dict[int, int] = {}  # start -> the latest end of the quotations starting there
    for d in directs:
        longest[d.start] = max(longest.get(d.start, d.end), d.end)
    reach: dict[int, int] = {}  # start -> the latest end of those starting before it
    latest = -1
    for start in sorted(longest):
        reach[start] = latest
        latest = max(latest, longest[start])
    return [d for d in directs if reach[d.start] < d.end and longest[d.start] <= d.end]


def standalone(text: str, d: Direct, cues: QuoteCues, ctx: QuoteContext) -> bool:
    """Whether a quotation with no cue stands as one: both marks, opening a sentence, and
    long enough not to be a scare quote or a title."""
    return (
        d.close_pos >= 0
        and d.open_pos >= 0
        and _starts_sentence(text, d, ctx)
        and has_words(text, d.start, d.end, cues.min_words_unattributed)
    )


def _starts_sentence(text: str, d: Direct, ctx: QuoteContext) -> bool:
    """Whether a quotation opens a sentence (after a full stop, a colon or a line start)."""
    before = text[ctx.paragraph_span(d.open_pos)[0] : d.open_pos].rstrip()
    return not before or before[-1] in '.!?:"”»'
