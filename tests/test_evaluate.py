"""The scorer itself, on hand-built records whose right answers are computed by hand."""

from __future__ import annotations

import pytest

from multivector import evaluate as ev


def span(start: int, end: int, **extra: object) -> dict[str, object]:
    return {"start": start, "end": end, **extra}


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (span(0, 10), span(0, 10), 1.0),
        (span(0, 10), span(5, 15), 5 / 15),
        (span(0, 10), span(10, 20), 0.0),
        (span(0, 4), span(0, 8), 0.5),
    ],
)
def test_iou(a, b, expected):
    assert ev.iou(a, b) == pytest.approx(expected)


def test_mentions_exact_span_and_code_with_optional_records_unscored():
    gold = [
        {"start": 0, "end": 6, "refers_to": "RUS"},
        {"start": 10, "end": 17, "refers_to": "RUS", "ethnic": True},
        {"start": 20, "end": 25, "refers_to": "CHN"},
    ]
    predicted = [
        {"start": 0, "end": 6, "actor": "RUS"},  # tp
        {"start": 10, "end": 17, "actor": "RUS"},  # matches optional: ignored
        {"start": 20, "end": 25, "actor": "USA"},  # wrong code: fp, and gold CHN is fn
        {"start": 30, "end": 35, "actor": "EU"},  # fp
    ]
    score = ev.score_mentions(predicted, gold)
    assert (score.tp, score.fp, score.fn) == (1, 2, 1)
    assert score.precision == pytest.approx(1 / 3)
    assert score.recall == pytest.approx(1 / 2)


def test_quote_pairing_is_one_to_one_and_attribution_folds_transliteration():
    gold = [
        span(0, 100, speaker="Kassym-Jomart Tokayev", kind="direct"),
        span(200, 300, speaker=None, kind="indirect"),
        span(400, 500, speaker="Igor Pankratenko", kind="indirect", implicit=True),
    ]
    predicted = [
        span(0, 90, speaker="Kasym-Zhomart Tokayev", kind="direct"),  # paired, same speaker
        span(5, 95, speaker="Kasym-Zhomart Tokayev", kind="direct"),  # gold already taken: fp
        span(210, 300, speaker="Somebody Else", kind="indirect"),  # gold speaker null: span only
        span(400, 480, speaker="Igor Pankratenko", kind="indirect"),  # optional: ignored
    ]
    spans = ev.score_spans(predicted, gold, threshold=0.5)
    assert (spans.tp, spans.fp, spans.fn) == (2, 1, 0)
    attribution = ev.score_spans(predicted, gold, threshold=0.5, agree=ev._same_speaker)
    assert (attribution.tp, attribution.fp, attribution.fn) == (2, 1, 0)


def test_attribution_needs_the_same_last_name():
    gold = [span(0, 100, speaker="Stanislav Pritchin")]
    predicted = [span(0, 100, speaker="Andrei Kazantsev")]
    score = ev.score_spans(predicted, gold, threshold=0.5, agree=ev._same_speaker)
    assert (score.tp, score.fp, score.fn) == (0, 1, 1)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Kassym-Jomart", "Kasym-Zhomart"), ("Andrei", "Andrey"), ("Alexey", "Aleksei")],
)
def test_fold_joins_transliteration_variants(a, b):
    assert ev.fold_name(a) == ev.fold_name(b)


def test_persons_merged_and_false_merges():
    gold = [
        {"name": "Anna Berg", "aliases": ["Anna Berg", "Berg", "the minister"]},
        {"name": "Olaf Berg", "aliases": ["Olaf Berg", "the expert"]},
        {"name": "Li Wei", "aliases": ["Li Wei", "Li"]},
    ]
    predicted = [
        {"name": "Anna Berg", "aliases": ["Anna Berg", "Berg"]},  # merged
        {"name": "Li Wei", "aliases": ["Li Wei", "Olaf Berg"]},  # joins two gold persons
    ]
    result = ev.score_persons(predicted, gold)
    assert result.gold_multi_form == 2  # Olaf Berg has one name form only
    assert result.merged == 1
    assert result.unmerged == ["Li Wei"]
    assert result.false_merges == 1


def test_check_floors_reports_regressions_and_unmeasured_metrics():
    evaluation = ev.Evaluation(scores={"mentions": ev.Score(tp=9, fp=1, fn=0)})
    failures = ev.check_floors(
        evaluation, {"mentions.f1": 0.99, "numbers.f1": 0.5, "persons.false_merges": 0}
    )
    assert failures == ["mentions.f1: 0.9474 < floor 0.9900", "numbers.f1: not measured"]
