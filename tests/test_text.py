"""The shared text helpers: the fast scans must find exactly what the plain regex scans find."""

from __future__ import annotations

import random
import re

import pytest

from multivector.text import (
    WordStartFinder,
    ascii_lower,
    caseless_pattern,
    covering,
    in_sorted_spans,
    matches_at,
    sentence_spans,
    sorted_spans,
    trie_regex,
)

TEXTS = [
    "The deal will be signed within two years, officials said.",
    "Within the next year or two (within 3 years?) trade may double; WITHIN a decade, no.",
    "Tokayev said Astana would, within months, open a second route.",
    "within",
    "",
    "Ätna, within—the K-pop era—within-reach? co-within within_x xwithin 2within",
    "Цены вырастут within a year, said the Straße report; «within five years».",
]


def _random_texts(n: int) -> list[str]:
    rng = random.Random(5)
    alphabet = ["within ", "year", " ", ",", "-", "_", "2", "W", "é", "\n", "next ", "(", "x"]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(300)]


@pytest.mark.parametrize("texts", [TEXTS, _random_texts(300)], ids=["written", "random"])
def test_word_start_scan_finds_what_finditer_finds(texts: list[str]) -> None:
    lead = trie_regex(["within", "next year"])
    pattern = re.compile(rf"(?<![\w-])(?:{lead})(?:\s+(?:a|the|two|\d+)\s+\w+)?")
    finder = WordStartFinder.of(lead)
    found = 0
    for text in texts:
        low = ascii_lower(text)
        assert low is not None and len(low) == len(text)
        fast = [m.span() for m in matches_at(pattern, low, finder.starts(low))]
        assert fast == [m.span() for m in pattern.finditer(low)], text
        found += len(fast)
    assert found > len(texts) // 2  # the cases do exercise matches


@pytest.mark.parametrize(
    ("text", "lowered"),
    [
        ("Astana AND Moscow", "astana and moscow"),
        ("Straße ÄRGER Kazakh", "straße Ärger kazakh"),  # only ASCII letters change
        ("the \u212a sign", None),  # the Kelvin sign folds to "k" under IGNORECASE
        ("long \u017f", None),  # the long s folds to "s"
    ],
)
def test_ascii_lower_keeps_offsets_or_gives_up(text: str, lowered: str | None) -> None:
    assert ascii_lower(text) == lowered


def test_caseless_pattern_agrees_with_ignorecase() -> None:
    source = r"\b(?:within|over the next)\s+\w+"
    twin = caseless_pattern(source)
    assert twin is not None
    for text in TEXTS:
        low = ascii_lower(text)
        assert low is not None
        assert [m.span() for m in twin.finditer(low)] == [
            m.span() for m in re.finditer(source, text, re.I)
        ]
    assert caseless_pattern(r"\bWithin\b") is None  # an upper-case letter cannot match the copy


def test_sentences_do_not_end_at_abbreviations() -> None:
    text = "Mr. Lind met the U.S. envoy. They spoke.\nNew line"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Mr. Lind met the U.S. envoy.",
        "They spoke.",
        "New line",
    ]


class _Record:
    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end


def test_sorted_spans_takes_tuples_and_records() -> None:
    assert sorted_spans([(30, 40), _Record(5, 9), (5, 7)]) == [(5, 7), (5, 9), (30, 40)]
    assert sorted_spans([]) == []


@pytest.mark.parametrize(
    ("start", "end", "inside"),
    [
        (0, 5, False),  # ends where the first span starts
        (0, 6, True),
        (9, 10, True),
        (10, 20, False),  # between the spans
        (19, 21, True),
        (40, 50, False),  # starts where the last span ends
        (35, 36, True),
        (55, 60, False),
    ],
)
def test_in_sorted_spans(start: int, end: int, inside: bool) -> None:
    spans = sorted_spans([(30, 40), _Record(5, 10), (20, 25)])
    assert in_sorted_spans(start, end, spans) is inside
    assert in_sorted_spans(start, end, []) is False


@pytest.mark.parametrize(
    ("start", "end", "covered_by"),
    [
        (0, 10, 0),  # inside the first record
        (8, 14, 1),  # 4 of 6 in the second and the third: the first of them
        (5, 15, 0),  # half in the first, half in the second: the first, at exactly half
        (12, 20, 1),
        (15, 30, None),  # covered by less than half
        (40, 50, None),  # by nothing
        (0, 0, None),  # an empty span
    ],
)
def test_covering_takes_the_record_covering_most_and_at_least_half(
    start: int, end: int, covered_by: int | None
) -> None:
    records = [_Record(0, 10), _Record(10, 20), _Record(10, 20)]
    found = covering(start, end, records)
    assert found is (None if covered_by is None else records[covered_by])
