"""Relation statements on hand-written sentences, with real actor mentions."""

from __future__ import annotations

import pytest

from multivector.actors import find_mentions
from multivector.records import Forecast, Person, Quote, Span
from multivector.relations import (
    RelationRules,
    classify_domain,
    find_statements,
    score_tone,
)
from multivector.vectors import load_vectors


@pytest.fixture(scope="module")
def rules() -> RelationRules:
    return RelationRules.load()


def statements(text: str, rules: RelationRules, focus: str = "KAZ", **records):
    return find_statements(
        text,
        focus=focus,
        vectors=load_vectors(focus=focus),
        mentions=find_mentions(text),
        rules=rules,
        **records,
    )


def test_only_sentences_linking_the_focus_with_a_partner_count(rules):
    text = (
        "Kazakhstan signed a trade agreement with China on Monday. "
        "China also opened a consulate in Laos. "
        "The weather in Astana was cold."
    )
    (only,) = statements(text, rules)
    assert text[only.start : only.end].startswith("Kazakhstan signed")
    assert only.partners == ("CHN",)
    assert only.vectors == ("CHINA",)
    assert only.domain == "economy"
    assert only.polarity == "cooperation"
    assert only.focus == "KAZ"


@pytest.mark.parametrize(
    ("sentence", "domain"),
    [
        ("Astana and Moscow discussed gas pipelines and oil exports.", "energy"),
        ("Kazakhstan held military exercises with Russia under the CSTO.", "security"),
        ("Kazakhstan and China will open a new railway corridor.", "transport"),
        ("Kazakhstan asked Russia to protect its migrant workers.", "migration"),
        ("Kazakhstan and Turkey agreed on a student exchange and cultural festival.", "culture"),
        ("The foreign ministers of Kazakhstan and Uzbekistan met for talks.", "diplomacy"),
        ("Kazakhstan and Iran exist.", "other"),
    ],
)
def test_domains(sentence, domain, rules):
    assert classify_domain(sentence, 0, len(sentence), rules) == domain


@pytest.mark.parametrize(
    ("sentence", "sign"),
    [
        ("The two countries praised their close cooperation and friendship.", 1),
        ("The dispute over tariffs led to sanctions and open confrontation.", -1),
        ("Their relationship is not in danger.", 1),  # negation flips
        ("The ministers met.", 0),
    ],
)
def test_tone_sign(sentence, sign, rules):
    tone = score_tone(sentence, 0, len(sentence), rules)
    assert (tone > 0) - (tone < 0) == sign


def test_hedges_weaken_tone(rules):
    plain = "Kazakhstan will strengthen ties."
    hedged = "Kazakhstan may strengthen ties."
    assert score_tone(hedged, 0, len(hedged), rules) == pytest.approx(
        score_tone(plain, 0, len(plain), rules) / 2
    )


def test_officials_of_the_focus_link_a_sentence_and_quotes_give_speaker_and_modality(rules):
    text = 'Minister Aida Serikova said: "We should deepen cooperation with the European Union."'
    name = text.index("Aida Serikova")
    official = Person(
        id="p1",
        name="Aida Serikova",
        country="KAZ",
        spans=(Span(name, name + len("Aida Serikova")),),
    )
    start = text.index("We should")
    quote = Quote(
        "Aida Serikova",
        "p1",
        "Aida Serikova",
        text[start:-2],
        start,
        len(text) - 2,
        "direct",
        "said",
    )
    (only,) = statements(text, rules, persons=[official], quotes=[quote])
    assert only.partners == ("EU",)
    assert only.speaker == "Aida Serikova"
    assert only.modality == "recommendation"


def test_forecast_overlap_makes_a_forecast_statement_and_boilerplate_is_skipped(rules):
    text = "Kazakhstan will expand trade with India next year. Read about Kazakhstan and India."
    forecast = Forecast(0, 49, text[:49], None, ("IND",), "next year")
    skip = [Span(51, len(text))]
    (only,) = statements(text, rules, forecasts=[forecast], skip=skip)
    assert only.modality == "forecast"
    assert only.partners == ("IND",)


def test_works_for_another_focal_country(rules):
    text = "Ukraine accused Russia of cutting gas supplies, while the EU offered support to Kyiv."
    (only,) = statements(text, rules, focus="UKR")
    assert set(only.partners) == {"RUS", "EU"}
    assert only.domain == "energy"
