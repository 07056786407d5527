"""The index maths against cases computed by hand."""

from __future__ import annotations

import json
import math

import pytest

from multivector.indices import (
    StatementRow,
    balance,
    compute_indices,
    entropy,
    period_of,
)
from multivector.vectors import VectorSet

THREE = VectorSet(
    focus="AAA",
    vectors={
        "NORTH": {"NNN": 1.0, "BLOC": 0.5},
        "EAST": {"EEE": 1.0, "BLOC": 0.5},
        "WEST": {"WWW": 1.0},
    },
)


def row(
    article: str,
    *partners: str,
    published: str | None = None,
    intensity: float = 0.0,
    polarity: str = "neutral",
    domain: str = "other",
) -> StatementRow:
    return StatementRow(article, published, partners, polarity, domain, intensity)


def shares(period) -> dict[str, float | None]:
    return {v.vector: v.share.value for v in period.vectors}


def test_single_partner_statements_split_attention_by_count():
    rows = [row("a1", "NNN"), row("a1", "NNN"), row("a2", "EEE"), row("a3", "WWW")]
    (overall,) = compute_indices(rows, THREE, n_boot=0)
    assert shares(overall) == {"NORTH": 0.5, "EAST": 0.25, "WEST": 0.25}
    # entropy of (1/2, 1/4, 1/4) = 1.5 ln 2; normalised by ln 3
    assert overall.balance.value == pytest.approx(round(1.5 * math.log(2) / math.log(3), 4))
    assert overall.effective_exp.value == pytest.approx(round(2**1.5, 4))
    assert overall.effective_hhi.value == pytest.approx(round(1 / (0.25 + 0.0625 * 2), 4))
    assert overall.lead_ratio == 2.0
    assert overall.top3_ratio == 2.0
    assert overall.top3 == ("NORTH", "EAST", "WEST")
    assert (overall.articles, overall.statements) == (3, 4)


def test_a_statement_with_two_partners_and_a_weighted_bloc():
    # one statement: half to NNN, half to BLOC; BLOC splits 0.5 / 0.5 between NORTH and EAST
    (overall,) = compute_indices([row("a1", "NNN", "BLOC")], THREE, n_boot=0)
    assert shares(overall) == {"NORTH": 0.75, "EAST": 0.25, "WEST": 0.0}


def test_equal_shares_are_perfectly_balanced():
    rows = [row("a1", "NNN"), row("a2", "EEE"), row("a3", "WWW")]
    (overall,) = compute_indices(rows, THREE, n_boot=200)
    assert overall.balance.value == pytest.approx(1.0)
    assert overall.effective_exp.value == pytest.approx(3.0)
    assert overall.effective_hhi.value == pytest.approx(3.0)
    assert overall.lead_ratio == 1.0


def test_a_single_vector_has_zero_balance_and_one_effective_vector():
    single = VectorSet(focus="AAA", vectors={"ONLY": {"NNN": 1.0}})
    (overall,) = compute_indices([row("a1", "NNN"), row("a2", "NNN")], single, n_boot=100)
    assert shares(overall) == {"ONLY": 1.0}
    assert overall.balance.value == 0.0
    assert overall.effective_exp.value == 1.0
    assert overall.effective_hhi.value == 1.0
    assert overall.lead_ratio is None


def test_tone_is_attention_weighted_and_polarity_counted_by_domain():
    rows = [
        row("a1", "NNN", intensity=0.6, polarity="cooperation", domain="economy"),
        row("a2", "NNN", "WWW", intensity=-0.4, polarity="tension", domain="security"),
    ]
    (overall,) = compute_indices(rows, THREE, n_boot=0)
    north = next(v for v in overall.vectors if v.vector == "NORTH")
    # NORTH gets 1.0 at +0.6 and 0.5 at -0.4: (0.6 - 0.2) / 1.5
    assert north.tone.value == pytest.approx(round(0.4 / 1.5, 4))
    assert north.cooperation == {"economy": 1}
    assert north.tension == {"security": 1}
    assert (north.statements, north.articles) == (2, 2)


def test_periods_include_empty_ones_and_undated_articles_only_count_overall():
    rows = [
        row("a1", "NNN", published="2020-01-15"),
        row("a2", "EEE", published="2020-03-02"),
        row("a3", "WWW", published=None),
    ]
    periods = compute_indices(rows, THREE, by="month", n_boot=0)
    assert [p.period for p in periods] == ["all", "2020-01", "2020-02", "2020-03"]
    assert periods[0].articles == 3
    empty = periods[2]
    assert (empty.articles, empty.statements) == (0, 0)
    assert empty.balance.value is None and empty.top3 == ()
    assert all(v.share.value is None for v in empty.vectors)
    assert shares(periods[1]) == {"NORTH": 1.0, "EAST": 0.0, "WEST": 0.0}


def test_bootstrap_intervals_bracket_the_estimate_and_reproduce_exactly():
    rows = [row(f"a{i}", "NNN" if i % 3 else "EEE", intensity=0.1 * (i % 5)) for i in range(30)]
    first = compute_indices(rows, THREE, n_boot=300)
    again = compute_indices(list(reversed(rows)), THREE, n_boot=300)
    assert first == again
    north = next(v for v in first[0].vectors if v.vector == "NORTH")
    assert north.share.low <= north.share.value <= north.share.high
    assert north.share.low < north.share.high


@pytest.mark.parametrize(
    ("published", "by", "expected"),
    [
        ("2019-04-03", "year", "2019"),
        ("2019-04-03", "quarter", "2019-Q2"),
        ("2019-12-31", "quarter", "2019-Q4"),
        ("2019-04-03", "month", "2019-04"),
        (None, "month", None),
        (None, "all", "all"),
    ],
)
def test_period_labels(published, by, expected):
    assert period_of(published, by) == expected


def test_entropy_and_balance_edge_cases():
    assert entropy([1.0, 0.0]) == 0.0
    assert balance([0.5, 0.5], 2) == pytest.approx(1.0)
    assert balance([1.0], 1) == 0.0


def test_seed_corpus_ranks_russia_first_with_china_and_the_west_and_reproduces(
    runner, seeds_dir, tmp_path
):
    from multivector.cli import app

    outputs = []
    for name in ("first.db", "second.db"):
        db = str(tmp_path / name)
        analysed = runner.invoke(
            app, ["analyze", str(seeds_dir), "--db", db, "--focus", "KAZ", "--no-progress"]
        )
        assert analysed.exit_code == 0, analysed.stderr
        shown = runner.invoke(app, ["vectors", "--db", db, "--format", "json"])
        assert shown.exit_code == 0, shown.stderr
        outputs.append(shown.stdout)
    assert outputs[0] == outputs[1]
    (overall,) = [json.loads(line) for line in outputs[0].splitlines()]
    assert overall["period"] == "all"
    assert overall["top3"][0] == "RUSSIA"
    assert set(overall["top3"]) == {"RUSSIA", "CHINA", "WEST"}
    assert overall["articles"] == 5
