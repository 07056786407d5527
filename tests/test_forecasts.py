"""Forecasts: hand-written sentences (any country), windows, exclusions and the gold check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from multivector.evaluate import LOOSE_IOU, score_spans
from multivector.forecasts import find_forecasts
from multivector.records import Mention, Quote


@pytest.mark.parametrize(
    ("text", "span"),
    [
        (
            "Analysts believe that Chile will deepen its trade ties with Peru.",
            "Chile will deepen its trade ties with Peru",
        ),
        (
            "The minister said that Norway intends to expand cooperation with Canada.",
            "Norway intends to expand cooperation with Canada",
        ),
        ("Ghana is likely to remain neutral in the dispute.", None),
        ("We should not expect a sharp turn in Brazil's policy in the coming years.", None),
        ("However, there can be some tactical shifts.", "there can be some tactical shifts"),
        ("Argentina is set to sign a new gas deal with Bolivia.", None),
        (
            '"The partnership will remain a priority for us," the Kenyan president said.',
            "The partnership will remain a priority for us",
        ),
        (
            "According to the analyst, Vietnam will keep balancing between the great powers.",
            "Vietnam will keep balancing between the great powers",
        ),
        ("Increased cooperation with Japan is expected.", None),
        ("Exports to Chile are projected to double.", None),
        ("Trade with Laos will likely rise.", None),
        (
            "Due to the fact that the envoy served in Seoul, closer ties with Korea are expected.",
            "closer ties with Korea are expected",
        ),
        (
            "The plan is vague, while specific targets can be adjusted later.",
            "specific targets can be adjusted later",
        ),
        (
            "If the deal pays off, cooperation with Egypt will continue.",
            "If the deal pays off, cooperation with Egypt will continue",
        ),
        (
            "Ties with Oman will stay warm, Professor Haddad believes.",
            "Ties with Oman will stay warm",
        ),
        (
            "The envoy assured that the course towards closer ties would continue.",
            "the course towards closer ties would continue",
        ),
        (
            "Officials said the bloc is expected to admit new members.",
            "the bloc is expected to admit new members",
        ),
        (
            "I do not think that there will be a sharp turn in Oslo.",
            "I do not think that there will be a sharp turn in Oslo",
        ),
        (
            'She argued that the coalition will "slightly shrink".',
            'the coalition will "slightly shrink"',
        ),
        (
            "There is no doubt that trade will grow, the chamber of commerce predicts.",
            "There is no doubt that trade will grow",
        ),
        (
            "ACCRA — Ghana and Togo are expected to sign a border pact.",
            "Ghana and Togo are expected to sign a border pact",
        ),
        (
            "It is most likely that border trade with Laos will grow.",
            "It is most likely that border trade with Laos will grow",
        ),
        (
            "Serbia does not see Kosovo as a partner in the medium term.",
            "Serbia does not see Kosovo as a partner in the medium term",
        ),
        (
            "Finland to boost Arctic cooperation\n\nThe talks went well.",
            "Finland to boost Arctic cooperation",
        ),
    ],
)
def test_forecast_span(text: str, span: str | None) -> None:
    found = find_forecasts(text)
    assert len(found) == 1, found
    f = found[0]
    expected = span if span is not None else text.rstrip(".")
    assert f.text == expected
    assert text[f.start : f.end] == f.text


@pytest.mark.parametrize(
    "text",
    [
        "Tomorrow, Lima will host talks between the two leaders.",
        "The summit will be held in late May in Quito.",
        "The forum will take place in Baku next week.",
        "Chile should reach a higher level of global influence.",
        "Will Peru join the customs union?",
        "What changes Bolivia's foreign policy may undergo\n\nThe experts spoke at length.",
        "It is important to understand if the president plans to keep the agreements.",
        "The experts told the paper about what changes the policy will undergo.",
        "Political will is lacking in Madrid.",
        "There should be no concessions that will benefit other countries.",
        "One can say that he is a seasoned diplomat.",
        "The accord was signed in 2013 in Accra.",
        "This can hardly be regarded as a surprise.",
        "Talks between the ministers ended on the 5th of May.",
        "The minister can sign decrees alone.",
        "Relations with Cuba can also be called key.",
        "He was going to resign before the vote.",
        "The Egyptian minister is set to visit Ankara next week.",
        "Minister to visit Lima\n\nThe trip was planned long ago.",
        "The envoy, who will travel to Rome next month, met the press.",
        "The minister will publish the report on Monday.",
        "Russia may have played a role in the crisis.",
        "The deal could have collapsed without Qatar.",
        "Ghana signed new supply contracts with Korean utilities this month.",
        "About 40% of this year's harvest was already sold to Dutch buyers.",
    ],
)
def test_not_a_forecast(text: str) -> None:
    assert find_forecasts(text) == ()


@pytest.mark.parametrize(
    ("text", "published", "horizon", "window"),
    [
        (
            "Chile will not change course in the next year or two.",
            "2019-04-03",
            "in the next year or two",
            ("2019-04-03", "2021-04-03"),
        ),
        (
            "Peru will reach the goal by 2030.",
            "2020-05-01",
            "by 2030",
            ("2020-05-01", "2030-12-31"),
        ),
        (
            "Ties will deepen in the medium term.",
            "2019-06-25",
            "in the medium term",
            ("2019-06-25", "2024-06-25"),
        ),
        (
            "Trade will grow in the coming years.",
            "2021-01-15",
            "in the coming years",
            ("2021-01-15", "2024-01-15"),
        ),
        ("Exports will rise next year.", "2022-03-10", "next year", ("2023-01-01", "2023-12-31")),
        ("Ghana will sign the deal soon.", "2020-01-31", "soon", ("2020-01-31", "2020-07-31")),
        (
            "Output will double in the next two years.",
            "2020-02-29",
            "in the next two years",
            ("2020-02-29", "2022-02-28"),
        ),
        ("Ties will deepen in the medium term.", None, "in the medium term", None),
        (
            "The line will hold during the new president's term.",
            "2019-01-01",
            "during the new president's term",
            None,
        ),
        ("The line will hold.", "2019-01-01", None, None),
        (
            "Under the new president, ties with Chile will stay close.",
            "2019-01-01",
            "Under the new president",
            None,
        ),
    ],
)
def test_horizon_window(
    text: str, published: str | None, horizon: str | None, window: tuple[str, str] | None
) -> None:
    (f,) = find_forecasts(text, published=published)
    assert f.horizon == horizon
    assert f.window == window


def test_this_year_is_a_horizon_of_a_future_clause() -> None:
    (f,) = find_forecasts("Ghana will sign new supply contracts this month.")
    assert f.horizon == "this month"


def test_horizon_of_another_clause_is_not_taken() -> None:
    text = '"We will keep going," he said, adding that drills could start in 2031.'
    first, second = find_forecasts(text, published="2030-01-01")
    assert (first.horizon, second.horizon) == (None, "in 2031")
    assert second.window == ("2031-01-01", "2031-12-31")


def test_two_clauses_two_forecasts() -> None:
    found = find_forecasts("Analysts think that Ghana will win, but Peru may lose.")
    assert [f.text for f in found] == ["Ghana will win", "Peru may lose"]


@pytest.mark.parametrize(
    "text",
    [
        "Analysts think that Ghana WILL win, but Peru May lose. Oslo may grow.",
        "Analysts think that Ghana Will win, but Peru May lose. Oslo may grow.",
        "Analysts think that Ghana will win, but Peru May lose. Oslo may grow. Ünal agrees.",
        # the Kelvin sign sends this one down the case-insensitive path
        "Analysts think that Ghana Will win, but Peru May lose. Oslo may grow. \u212a.",
    ],
)
def test_case_of_cues(text: str) -> None:
    """Cues match in any case (but "May" is the month), on the lower-cased scanning copy or not."""
    found = find_forecasts(text)
    assert [f.text.lower() for f in found] == ["ghana will win", "oslo may grow"]


def _mention(text: str, surface: str, actor: str, **flags: bool) -> Mention:
    start = text.index(surface)
    return Mention(start, start + len(surface), surface, actor, "country", **flags)


def test_speaker_from_enclosing_quote_and_about() -> None:
    text = 'Lima is calm. "Peru will expand trade with Chile," the minister said. Peru will grow.'
    inner = text.index("Peru will expand")
    quote = Quote(
        "Ana Ruiz",
        None,
        "the minister",
        text[inner : inner + 34],
        inner,
        inner + 34,
        "direct",
        "said",
    )
    mentions = [
        _mention(text, "Lima", "PER"),
        _mention(text, "Peru", "PER"),
        _mention(text, "Chile", "CHL"),
    ]
    last = text.rindex("Peru")
    mentions.append(Mention(last, last + 4, "Peru", "PER", "country"))
    first, second = find_forecasts(text, quotes=[quote], mentions=mentions, focus="PER")
    assert (first.speaker, first.about) == ("Ana Ruiz", ("CHL",))
    assert (second.text, second.speaker, second.about) == ("Peru will grow", None, ("PER",))


def test_about_ignores_names_and_falls_back_to_sentence() -> None:
    text = "As for Japan, the Korea Institute expects that trade will grow."
    mentions = [
        _mention(text, "Japan", "JPN"),
        _mention(text, "Korea", "KOR", in_name=True),
    ]
    (f,) = find_forecasts(text, mentions=mentions, focus="KOR")
    assert f.about == ("JPN",)


def test_skip() -> None:
    text = "Read more: Chile will win. Peru will grow."
    (f,) = find_forecasts(text, skip=[(0, 26)])
    assert f.text == "Peru will grow"


def test_gold_forecasts(gold_dir: Path, seeds_dir: Path) -> None:
    """Forecasts F1 on the development gold reaches the target (0.75), text rules alone."""
    from multivector.ingest import read_articles

    tp = fp = fn = seen = 0
    for article in read_articles(sorted(seeds_dir.glob("*.txt"))):
        gold_path = gold_dir / f"{Path(article.path).stem}.json"
        if not gold_path.exists():
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))["forecasts"]
        found = find_forecasts(article.text, skip=article.boilerplate)
        score = score_spans([f.to_json() for f in found], gold, threshold=LOOSE_IOU)
        tp, fp, fn, seen = tp + score.tp, fp + score.fp, fn + score.fn, seen + 1
    if not seen:
        pytest.skip("no gold file matches a seed article")
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.75, (tp, fp, fn)


@pytest.mark.parametrize("headline", ["“ ”", '" "', "« »"])
def test_headline_of_blank_quote_marks(headline: str) -> None:
    """A first line holding only quote marks and blanks is no question (and no crash)."""
    found = find_forecasts(f"{headline}\nChile will grow.")
    assert [f.text for f in found] == ["Chile will grow"]
