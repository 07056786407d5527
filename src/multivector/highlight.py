"""An article's text as HTML with every extracted record marked at its offsets."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str
    anchor: str
    title: str


def highlight(text: str, spans: Sequence[Span]) -> Markup:
    """The text with each span wrapped in <mark class=kind>; overlapping spans are split at
    every boundary into segments, and each segment nests the marks of every span covering it
    (outermost = longest), so any overlap renders as valid HTML."""
    spans = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    starting: dict[int, list[Span]] = defaultdict(list)
    for s in spans:
        starting[s.start].append(s)
    active: list[Span] = []
    out: list[str] = []
    for left, right in itertools.pairwise(cuts):
        active = [s for s in active if s.end > left] + starting.get(left, [])
        active.sort(key=lambda s: (s.start, -s.end, s.kind))
        segment = str(escape(text[left:right]))
        for s in reversed(active):
            first = f' id="{s.anchor}"' if s.start == left else ""
            segment = (
                f'<mark class="{s.kind}"{first} data-ref="{s.anchor}" '
                f'title="{escape(s.kind + ": " + s.title)}">{segment}</mark>'
            )
        out.append(segment)
    return Markup("".join(out))
