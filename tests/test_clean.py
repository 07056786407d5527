"""Site chrome in plain text: hand-written pages (fictional outlets), then the gold seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from multivector import IngestOptions, read_articles
from multivector.clean import ChromeRules, analyse_layout, iter_lines
from multivector.cli import app
from multivector.errors import ConfigError
from multivector.records import Article

RULES = ChromeRules.load()
BODY = (
    "The transport ministers of Norland and Ostravia signed a rail protocol on Friday.\n"
    "Officials expect the first freight trains to run before the end of next year.\n"
)


def chrome(text: str) -> list[tuple[str, str]]:
    """(rule, covered text) for every boilerplate span."""
    return [(b.rule, text[b.start : b.end]) for b in analyse_layout(text, RULES).boilerplate]


def test_read_on_website_on_its_own_line():
    text = "Rail protocol signed\n\nRead on the website Harbour Gazette\n\n" + BODY
    layout = analyse_layout(text, RULES)
    assert chrome(text) == [("read-on-website", "Read on the website Harbour Gazette")]
    assert layout.source == "Harbour Gazette"
    assert layout.title == "Rail protocol signed"


def test_read_on_website_glued_to_next_sentence():
    text = "Rail protocol signed\nRead on the website Harbour GazetteThe ministers met in Westport."
    layout = analyse_layout(text, RULES)
    assert chrome(text) == [("read-on-website", "Read on the website Harbour Gazette")]
    assert layout.source == "Harbour Gazette"


def test_read_on_website_glued_to_abbreviation():
    text = "Rail protocol signed\nRead on the website Steppe MonitorU.N. envoys arrived on Monday."
    assert chrome(text) == [("read-on-website", "Read on the website Steppe Monitor")]


def test_back_to_news_repeated_on_a_line_and_across_the_page():
    text = (
        "Rail protocol signed\n" + BODY + "Back to news »\n"
        "More text about the new line follows here.\n"
        "Back to news » Back to news »\n"
    )
    assert chrome(text) == [
        ("back-to-news", "Back to news »"),
        ("back-to-news", "Back to news » Back to news »"),
    ]


def test_disclaimer_line():
    disclaimer = "Views expressed are those of the authors and not of the Harbour Gazette."
    text = "Rail protocol signed\n" + BODY + disclaimer + "\n"
    assert chrome(text) == [("disclaimer", disclaimer)]


def test_teaser_blocks_of_other_articles():
    teaser = (
        "A New Port for the Northern Coast\n"
        "Marta Vilnes\n"
        "The port authority has drawn up plans for a deep-water terminal north of Westport.\n"
        "Opinion"
    )
    text = "Rail protocol signed\n" + BODY + teaser + "\n" + "The final paragraph of the piece.\n"
    assert chrome(text) == [("teaser", teaser)]


def test_masthead_and_section_label_above_the_headline():
    text = (
        "Harbour Gazette\n\nPolitics\n\nWhy the rail protocol matters for the whole region?\n"
        + BODY
    )
    layout = analyse_layout(text, RULES)
    assert chrome(text) == [("masthead", "Harbour Gazette"), ("masthead", "Politics")]
    assert layout.title == "Why the rail protocol matters for the whole region?"
    assert layout.source == "Harbour Gazette"


def test_short_headline_under_masthead_stays_the_title():
    text = "Harbour Gazette\nNews\nRail protocol signed\n" + BODY
    layout = analyse_layout(text, RULES)
    assert layout.title == "Rail protocol signed"
    assert chrome(text) == [("masthead", "Harbour Gazette"), ("masthead", "News")]


@pytest.mark.parametrize("headline", ["Rail deal", "Rail protocol signed", "Trains soon"])
def test_short_headline_followed_by_body_is_the_title(headline):
    layout = analyse_layout(headline + "\n\n" + BODY, RULES)
    assert layout.title == headline
    assert layout.boilerplate == ()


def test_repeated_headline_at_the_bottom():
    text = (
        "Rail protocol signed between neighbours\n"
        + BODY
        + "Rail protocol signed between neighbours\n"
    )
    layout = analyse_layout(text, RULES)
    assert layout.title == "Rail protocol signed between neighbours"
    assert chrome(text) == [("repeated-headline", "Rail protocol signed between neighbours")]
    assert layout.boilerplate[0].start > 0


def test_body_lines_are_not_chrome():
    text = "Rail protocol signed\n" + BODY + "Share prices of the rail operator rose by 4%.\n"
    assert chrome(text) == []


def test_crlf_lines_exclude_carriage_return():
    text = "Rail protocol signed\r\n" + BODY.replace("\n", "\r\n") + "Back to news »\r\n"
    lines = list(iter_lines(text))
    assert all(not ln.text.endswith("\r") for ln in lines)
    assert all(text[ln.start : ln.end] == ln.text for ln in lines)
    assert chrome(text) == [("back-to-news", "Back to news »")]


def test_own_rules_file(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text(
        "[[pattern]]\nname = \"promo\"\nregex = '''^Subscribe to the Gazette today!$'''\n",
        encoding="utf-8",
    )
    text = "Rail protocol signed\n" + BODY + "Subscribe to the Gazette today!\n"
    layout = analyse_layout(text, ChromeRules.load(rules))
    assert [(b.rule, text[b.start : b.end]) for b in layout.boilerplate] == [
        ("promo", "Subscribe to the Gazette today!")
    ]


def test_bad_rules_file_is_a_config_error(tmp_path):
    rules = tmp_path / "bad.toml"
    rules.write_text("[[pattern]]\nname = \"oops\"\nregex = '(unclosed'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="oops"):
        ChromeRules.load(rules)


def test_own_rules_file_via_cli(runner, tmp_path, write_file):
    rules = write_file("rules.toml", '[[pattern]]\nname = "promo"\nregex = "^Promo line$"\n')
    article = write_file("a.txt", "Rail protocol signed\n" + BODY + "Promo line\n")
    result = runner.invoke(app, ["extract", "--boilerplate", str(rules), str(article)])
    assert result.exit_code == 0, result.stderr
    (span,) = json.loads(result.stdout)["boilerplate"]
    assert span["rule"] == "promo"


# --- the real seeds: read at run time, never copied -----------------------------------------


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> dict[str, Article]:
    items = list(read_articles([seeds_dir], IngestOptions()))
    assert all(isinstance(a, Article) for a in items), items
    return {Path(a.doc).stem: a for a in items}  # type: ignore[union-attr]


def gold_files(gold_dir: Path) -> list[Path]:
    files = sorted(gold_dir.glob("*.json"))
    if not files:
        pytest.skip(f"no gold files in {gold_dir}")
    return files


def test_seed_titles_are_the_headlines(seeds, gold_dir):
    for path in gold_files(gold_dir):
        gold = json.loads(path.read_text(encoding="utf-8"))
        assert seeds[path.stem].title == gold["title"], path.stem


def test_seed_boilerplate_spans_are_the_gold_ones(seeds, gold_dir):
    for path in gold_files(gold_dir):
        gold = json.loads(path.read_text(encoding="utf-8"))
        article = seeds[path.stem]
        expected = {(b["start"], b["end"]) for b in gold["boilerplate"] if "start" in b}
        found = {(b.start, b.end) for b in article.boilerplate}
        assert found == expected, path.stem
        for b in gold["boilerplate"]:
            if "start" in b:
                assert article.text[b["start"] : b["end"]] == b["text"]


def test_seed_sources_named_in_the_text(seeds, gold_dir):
    for path in gold_files(gold_dir):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if "Read on the website" in seeds[path.stem].text:  # 001's source is only inferred
            assert seeds[path.stem].source == gold["source"], path.stem


def test_seed_text_is_the_file_as_read(seeds, seeds_dir):
    for stem, article in seeds.items():
        with open(seeds_dir / f"{stem}.txt", encoding="utf-8", newline="") as fh:
            assert article.text == fh.read()


def test_seeds_have_no_invented_date(seeds):
    assert len(seeds) == 5
    assert [a.published for a in seeds.values()] == [None] * 5
