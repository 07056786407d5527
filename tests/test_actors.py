"""Actor mentions on hand-written sentences about many countries, plus the gold articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from multivector.actors import dominant_state, find_mentions, load_gazetteer
from multivector.errors import ConfigError
from multivector.evaluate import score_mentions
from multivector.pipeline import Resources, build_pipeline
from multivector.records import Article, Boilerplate


def pairs(text: str, **kw: object) -> list[tuple[str, str]]:
    return [(m.surface, m.actor) for m in find_mentions(text, **kw)]  # type: ignore[arg-type]


# Own sentences (fictional events), annotated by the gold span rules.
SENTENCES: list[tuple[str, list[tuple[str, str]]]] = [
    # EU-US trade
    (
        "Brussels and Washington agreed on Tuesday to suspend tariffs on steel, the European "
        "Commission said.",
        [("Brussels", "EU"), ("Washington", "USA"), ("European Commission", "EU")],
    ),
    (
        "The EU's trade chief flew to Washington for talks with the U.S. Trade Representative.",
        [("EU", "EU"), ("Washington", "USA"), ("U.S.", "USA")],
    ),
    (
        "American farmers fear retaliation from Europe, while German carmakers count the cost "
        "of US duties.",
        [("American", "USA"), ("Europe", "EU"), ("German", "DEU"), ("US", "USA")],
    ),
    (
        "The White House said the deal with the European Union would be signed in Paris.",
        [("The White House", "USA"), ("European Union", "EU"), ("Paris", "FRA")],
    ),
    (
        "French and Italian officials accused the United States of breaking WTO rules.",
        [("French", "FRA"), ("Italian", "ITA"), ("United States", "USA"), ("WTO", "WTO")],
    ),
    (
        "EU-US relations improved after the U.S.-EU summit; anti-American protests went on.",
        [("EU", "EU"), ("US", "USA"), ("U.S.", "USA"), ("EU", "EU"), ("American", "USA")],
    ),
    # Ukraine-Russia gas
    (
        "Kyiv accused Moscow of cutting gas supplies to Ukraine and warned that Europe could "
        "be next.",
        [("Kyiv", "UKR"), ("Moscow", "RUS"), ("Ukraine", "UKR"), ("Europe", "EU")],
    ),
    (
        "The company said Russian gas would keep flowing through Ukrainian pipelines to "
        "Slovakia and Hungary.",
        [("Russian", "RUS"), ("Ukrainian", "UKR"), ("Slovakia", "SVK"), ("Hungary", "HUN")],
    ),
    (
        "The Kremlin blamed Kiev for the dispute, and Poland asked NATO allies for support.",
        [("The Kremlin", "RUS"), ("Kiev", "UKR"), ("Poland", "POL"), ("NATO", "NATO")],
    ),
    (
        "Talks between Russia and Ukraine, mediated by the EU, will be held in Berlin.",
        [("Russia", "RUS"), ("Ukraine", "UKR"), ("EU", "EU"), ("Berlin", "DEU")],
    ),
    (
        "Officials in Minsk said the Russian Federation pays less for transit than Belarus.",
        [("Minsk", "BLR"), ("Russian Federation", "RUS"), ("Belarus", "BLR")],
    ),
    # India at the G7
    (
        "India was invited to the G7 summit in Hiroshima, where Japan pushed for a common line "
        "on China.",
        [("India", "IND"), ("G7", "G7"), ("Japan", "JPN"), ("China", "CHN")],
    ),
    (
        "New Delhi has kept buying Russian oil despite pressure from the West.",
        [("New Delhi", "IND"), ("Russian", "RUS"), ("the West", "WEST")],
    ),
    (
        "Indian diplomats met their Canadian and British counterparts; the UK and Canada want "
        "India closer to the Western camp.",
        [
            ("Indian", "IND"),
            ("Canadian", "CAN"),
            ("British", "GBR"),
            ("UK", "GBR"),
            ("Canada", "CAN"),
            ("India", "IND"),
            ("Western", "WEST"),
        ],
    ),
    (
        "The prime minister arrived in Tokyo after talks with Chinese and South Korean leaders.",
        [("Tokyo", "JPN"), ("Chinese", "CHN"), ("South Korean", "KOR")],
    ),
    (
        "The partners — the U.S., Australia, Japan and India — met at the UN General Assembly.",
        [("U.S.", "USA"), ("Australia", "AUS"), ("Japan", "JPN"), ("India", "IND"), ("UN", "UN")],
    ),
    # official names, possessives, blocs, collective vectors
    (
        "The Russian Federation and the People's Republic of China signed a pact; the PRC "
        "later denied it.",
        [("Russian Federation", "RUS"), ("China", "CHN"), ("PRC", "CHN")],
    ),
    (
        "China's and India's leaders met; Ukraine’s gas transit fell.",
        [("China", "CHN"), ("India", "IND"), ("Ukraine", "UKR")],
    ),
    (
        "Arab states and the Gulf Cooperation Council backed the Arab League plan; Muslim "
        "countries abstained.",
        [
            ("Arab states", "ARAB_WORLD"),
            ("Gulf Cooperation Council", "GCC"),
            ("Arab League", "ARAB_LEAGUE"),
            ("Muslim countries", "ISLAMIC_WORLD"),
        ],
    ),
    (
        "Downing Street said London would host the summit with the Islamic world.",
        [("Downing Street", "GBR"), ("London", "GBR"), ("the Islamic world", "ISLAMIC_WORLD")],
    ),
    (
        "The Republic of Korea and North Korea met; Pyongyang later blamed Seoul.",
        [("Korea", "KOR"), ("North Korea", "PRK"), ("Pyongyang", "PRK"), ("Seoul", "KOR")],
    ),
    (
        "Beijing promotes the Belt and Road Initiative, while BRICS and the SCO expand.",
        [
            ("Beijing", "CHN"),
            ("Belt and Road Initiative", "BRI"),
            ("BRICS", "BRICS"),
            ("SCO", "SCO"),
        ],
    ),
    (
        "Uzbek and Kyrgyz envoys joined the Central Asian neighbors and the Turkic world at the "
        "Organization of Turkic States.",
        [
            ("Uzbek", "UZB"),
            ("Kyrgyz", "KGZ"),
            ("Central Asian neighbors", "CENTRAL_ASIA"),
            ("the Turkic world", "TURKIC_WORLD"),
            ("Organization of Turkic States", "OTS"),
        ],
    ),
    (
        "Sino-Russian trade grew while Franco-German ties cooled.",
        [("Sino", "CHN"), ("Russian", "RUS"), ("Franco", "FRA"), ("German", "DEU")],
    ),
    (
        "Jordan hosted talks with Iraq and Syria in Amman.",
        [("Jordan", "JOR"), ("Iraq", "IRQ"), ("Syria", "SYR"), ("Amman", "JOR")],
    ),
    ("Казахстан и Российская Федерация", [("Казахстан", "KAZ"), ("Российская Федерация", "RUS")]),
    (
        "The king visited Washington. Chad's army and Macau officials met Mr. Jordan.",
        [("Washington", "USA"), ("Chad", "TCD"), ("Macau", "MAC")],
    ),
    # things that are not actors
    ("Michael Jordan visited the Western Cape and the West Bank.", []),
    ("The china in the cabinet belongs to my turkey farm, said Chad Miller.", []),
    ("LET US GO, the banner said; let us all go.", []),
    ("The Washington Post covered the South China Sea and Latin America.", []),
    ("The East-West centre studies Asia, Eurasia and the Caucasus.", []),
    ("It cost US$5 billion.", []),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES, ids=[s[:40] for s, _ in SENTENCES])
def test_mentions_on_own_sentences(text: str, expected: list[tuple[str, str]]) -> None:
    mentions = find_mentions(text)
    assert [(m.surface, m.actor) for m in mentions] == expected
    assert all(text[m.start : m.end] == m.surface for m in mentions)


def test_own_sentences_f1() -> None:
    """All own sentences together (the figure the report quotes)."""
    tp = fp = fn = 0
    for text, expected in SENTENCES:
        predicted = pairs(text)
        hits = sum(min(predicted.count(p), expected.count(p)) for p in set(predicted))
        tp, fp, fn = tp + hits, fp + len(predicted) - hits, fn + len(expected) - hits
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.95


# A short article of my own, annotated before it was first run (it then found 37 of 38; the
# miss, ECOWAS, was added to the gazetteer).
OWN_ARTICLE = (
    "Ottawa and Mexico City rejected the new tariffs, while Beijing retaliated against "
    "American soybeans. The Canadian prime minister flew to London and then to Brussels, where "
    "NATO and EU officials discussed Arctic security. Denmark and Greenland asked Washington to "
    "respect their sovereignty. In the Middle East, Qatar and Egypt mediated between Israel "
    "and Hamas, and Saudi Arabia hosted talks between Russian and Ukrainian delegations in "
    "Jeddah. The Turkish foreign minister said Ankara supports a ceasefire. The African Union "
    "and ECOWAS condemned the coup in Niger; French troops left Niamey. Vietnamese and "
    "Philippine vessels clashed near the Spratly Islands as the ASEAN summit opened in Kuala "
    "Lumpur. Indonesia joined BRICS in January. Pakistan's army chief visited the White House. "
    "Afghan refugees returned from Iran. The Kremlin said Moscow was ready for talks with Kyiv."
)
OWN_ARTICLE_GOLD = [
    ("Ottawa", "CAN"),
    ("Mexico City", "MEX"),
    ("Beijing", "CHN"),
    ("American", "USA"),
    ("Canadian", "CAN"),
    ("London", "GBR"),
    ("Brussels", "EU"),
    ("NATO", "NATO"),
    ("EU", "EU"),
    ("Denmark", "DNK"),
    ("Greenland", "GRL"),
    ("Washington", "USA"),
    ("Qatar", "QAT"),
    ("Egypt", "EGY"),
    ("Israel", "ISR"),
    ("Saudi Arabia", "SAU"),
    ("Russian", "RUS"),
    ("Ukrainian", "UKR"),
    ("Turkish", "TUR"),
    ("Ankara", "TUR"),
    ("African Union", "AU"),
    ("ECOWAS", "ECOWAS"),
    ("Niger", "NER"),
    ("French", "FRA"),
    ("Niamey", "NER"),
    ("Vietnamese", "VNM"),
    ("Philippine", "PHL"),
    ("ASEAN", "ASEAN"),
    ("Kuala Lumpur", "MYS"),
    ("Indonesia", "IDN"),
    ("BRICS", "BRICS"),
    ("Pakistan", "PAK"),
    ("the White House", "USA"),
    ("Afghan", "AFG"),
    ("Iran", "IRN"),
    ("The Kremlin", "RUS"),
    ("Moscow", "RUS"),
    ("Kyiv", "UKR"),
]


# A second one, annotated before it was first run (found 35 of 35, no false positive).
OWN_ARTICLE_2 = (
    "Tashkent and Bishkek signed a border deal on Friday, ending a dispute that had strained "
    "relations between Uzbekistan and Kyrgyzstan. Tajik officials were not invited. The "
    "agreement was welcomed by the OSCE and by the UN Secretary-General. Azerbaijan's "
    "president flew to Astana for the Organization of Turkic States summit, where Hungary "
    "attends as an observer. Armenian diplomats accused Baku of violating the ceasefire; "
    "Yerevan has turned to the EU and France for support, while the CSTO stayed silent. "
    "Georgian protesters rallied in Tbilisi against a bill modelled on Russian legislation. "
    "Mongolia, sandwiched between China and Russia, calls the US, Japan and South Korea its "
    '"third neighbours". The Iranian foreign minister visited Ashgabat to discuss gas swaps '
    "with Turkmenistan. Belarusian and Kazakh grain exporters compete in Afghan markets. In "
    "the Caspian region, Russia and Iran oppose a trans-Caspian pipeline backed by the "
    "European Union."
)
OWN_ARTICLE_2_GOLD = [
    ("Tashkent", "UZB"),
    ("Bishkek", "KGZ"),
    ("Uzbekistan", "UZB"),
    ("Kyrgyzstan", "KGZ"),
    ("Tajik", "TJK"),
    ("OSCE", "OSCE"),
    ("UN", "UN"),
    ("Azerbaijan", "AZE"),
    ("Astana", "KAZ"),
    ("Organization of Turkic States", "OTS"),
    ("Hungary", "HUN"),
    ("Armenian", "ARM"),
    ("Baku", "AZE"),
    ("Yerevan", "ARM"),
    ("EU", "EU"),
    ("France", "FRA"),
    ("CSTO", "CSTO"),
    ("Georgian", "GEO"),
    ("Tbilisi", "GEO"),
    ("Russian", "RUS"),
    ("Mongolia", "MNG"),
    ("China", "CHN"),
    ("Russia", "RUS"),
    ("US", "USA"),
    ("Japan", "JPN"),
    ("South Korea", "KOR"),
    ("Iranian", "IRN"),
    ("Ashgabat", "TKM"),
    ("Turkmenistan", "TKM"),
    ("Belarusian", "BLR"),
    ("Kazakh", "KAZ"),
    ("Afghan", "AFG"),
    ("Russia", "RUS"),
    ("Iran", "IRN"),
    ("European Union", "EU"),
]


@pytest.mark.parametrize(
    ("text", "gold", "places"),
    [
        (
            OWN_ARTICLE,
            OWN_ARTICLE_GOLD,
            {"London", "Brussels", "Niamey", "Kuala Lumpur", "the White House"},
        ),
        (OWN_ARTICLE_2, OWN_ARTICLE_2_GOLD, {"Astana", "Tbilisi", "Ashgabat"}),
    ],
)
def test_own_articles(text: str, gold: list[tuple[str, str]], places: set[str]) -> None:
    assert pairs(text) == gold
    assert {m.surface for m in find_mentions(text) if m.place} == places


@pytest.mark.parametrize(
    ("text", "surface", "kind"),
    [
        ("The Kremlin met Brussels.", "The Kremlin", "metonym"),
        ("Kazakh diplomacy works.", "Kazakh", "demonym"),
        ("Chinese investments grew.", "Chinese", "demonym"),
        ("Russia and the EU.", "Russia", "country"),
        ("Russia and the EU.", "EU", "bloc"),
        ("The UN and NATO.", "UN", "org"),
        ("Western countries agree.", "Western countries", "bloc"),
    ],
)
def test_kind(text: str, surface: str, kind: str) -> None:
    (m,) = [m for m in find_mentions(text) if m.surface == surface]
    assert m.kind == kind


@pytest.mark.parametrize(
    ("text", "surface", "flag", "expected"),
    [
        ("The talks will be held in Astana next month.", "Astana", "place", True),
        ("Oslo will host the next round.", "Oslo", "place", True),
        ("The minister arrived in Moscow on Monday.", "Moscow", "place", True),
        ("The president visits Beijing this week.", "Beijing", "place", True),
        ("A think tank (Moscow) published a report.", "Moscow", "place", True),
        ("The summit in Nur-Sultan (formerly Astana) ended.", "Astana", "place", True),
        ("Goods travel from China to Europe.", "Europe", "place", True),
        ("Kyiv, 3 January. Gas flows fell.", "Kyiv", "place", True),
        ("Intro.\nBeijing (Agency) -- 5 May. Talks.", "Beijing", "place", True),
        ("Kyiv, for its part, refused.", "Kyiv", "place", False),
        ("Moscow insists on its demands.", "Moscow", "place", False),
        ("Relations with Washington improved.", "Washington", "place", False),
        ("The shift in Astana's policy surprised no one.", "Astana", "place", False),
        ("It applies in relation to Moscow as well.", "Moscow", "place", False),
        ("The envoy went to Germany.", "Germany", "place", False),
        ("She works at the Russian Academy of Sciences.", "Russian", "in_name", True),
        ("The Kazakhstan Institute for Strategic Studies says so.", "Kazakhstan", "in_name", True),
        ("He heads the Institute of CIS Countries.", "CIS", "in_name", True),
        (
            "The Treaty on the Eurasian Economic Union was signed.",
            "Eurasian Economic Union",
            "in_name",
            True,
        ),
        ("Talks in the Astana format continue.", "Astana", "in_name", True),
        ("The Indian Council of World Affairs said so.", "Indian", "in_name", True),
        ("Russian Foreign Minister Lavrov spoke.", "Russian", "in_name", False),
        ("The CIS countries met.", "CIS", "in_name", False),
        ("The IMF and World Bank warned Chile.", "IMF", "in_name", False),
        ("Head of the Central Asia and Kazakhstan Department", "Central Asia", "in_name", True),
        ("Many people of Russian descent live there.", "Russian", "ethnic", True),
        ("They share a common Turkic origin.", "Turkic", "ethnic", True),
        ("First, the Kazakh language matters.", "Kazakh", "ethnic", True),
        ("Only then teach English.", "English", "ethnic", True),
        ("Most residents are Russian-speaking.", "Russian", "ethnic", True),
        ("The news is broadcast in Ukrainian and Polish.", "Ukrainian", "ethnic", True),
        ("He spoke in English and French.", "French", "ethnic", True),
        ("The Russian president spoke.", "Russian", "ethnic", False),
        ("Kazakh diplomacy is active.", "Kazakh", "ethnic", False),
    ],
)
def test_flags(text: str, surface: str, flag: str, expected: bool) -> None:
    (m,) = [m for m in find_mentions(text) if m.surface == surface]
    assert getattr(m, flag) is expected


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("Kazakhstan's policy", "Kazakhstan"),
        ("Kazakhstan’s policy", "Kazakhstan"),
        ("the EAEU’s creation", "EAEU"),
        ("the Americans' view", "Americans"),
        ("the U.S.' position", "U.S."),
    ],
)
def test_possessive_is_not_in_span(text: str, surface: str) -> None:
    assert [m.surface for m in find_mentions(text)] == [surface]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fans cheered Michael \nJordan today.", []),  # the guard sees "Michael" across the break
        ("Officials said \nJordan agreed.", [("Jordan", "JOR")]),
        ("Казахстан и Узбекистан", [("Казахстан", "KAZ"), ("Узбекистан", "UZB")]),
        ("The Élysée Palace said so.", [("Élysée Palace", "FRA")]),
    ],
)
def test_guard_line_breaks_and_non_ascii_forms(text: str, expected: list[tuple[str, str]]) -> None:
    assert pairs(text) == expected


def test_glued_abbreviation_after_site_chrome() -> None:
    text = "Read on the website Some NewsU.S. officials arrived."
    assert pairs(text) == [("U.S.", "USA")]


def test_skip_spans_drop_mentions_inside_them() -> None:
    text = "Russia and China. Read more about India. Japan too."
    inner = text.index("Read")
    span = (inner, text.index(" Japan"))
    assert [m.actor for m in find_mentions(text, skip=[span])] == ["RUS", "CHN", "JPN"]
    chrome = Boilerplate(span[0], span[1], "teaser")
    assert [m.actor for m in find_mentions(text, skip=[chrome])] == ["RUS", "CHN", "JPN"]


def test_user_gazetteer_adds_and_reassigns(tmp_path: Path) -> None:
    extra = tmp_path / "mine.toml"
    extra.write_text(
        '[actor.RUR]\nnames = ["Ruritania"]\ndemonyms = ["Ruritanian"]\nmetonyms = ["Strelsau"]\n'
        '[actor.GBR]\nnames = ["Albion"]\n'
        '[actor.EAEU]\nnames = ["Eurasian integration"]\n',
        encoding="utf-8",
    )
    text = "Ruritanian troops left Strelsau for Albion; Eurasian integration stalled in Russia."
    assert pairs(text) == [("Russia", "RUS")]
    gaz = load_gazetteer([extra])
    assert pairs(text, gazetteer=gaz) == [
        ("Ruritanian", "RUR"),
        ("Strelsau", "RUR"),
        ("Albion", "GBR"),
        ("Eurasian integration", "EAEU"),
        ("Russia", "RUS"),
    ]
    # the bundled forms are still there
    assert pairs("London and Moscow", gazetteer=gaz) == [("London", "GBR"), ("Moscow", "RUS")]


def test_bad_user_gazetteer_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[actor.XYZ]\nkind = "planet"\nnames = ["Xyz"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="planet"):
        load_gazetteer([bad])


def test_pipeline_step_skips_boilerplate_and_reads_user_gazetteer(tmp_path: Path) -> None:
    extra = tmp_path / "mine.toml"
    extra.write_text('[actor.RUR]\nnames = ["Ruritania"]\n', encoding="utf-8")
    text = "Headline\nRead on the website China Daily\nRuritania and Japan signed."
    chrome = Boilerplate(text.index("Read"), text.index("\nRuritania"), "site")
    article = Article(id="x", doc="x", path="x.txt", text=text, boilerplate=(chrome,))
    pipeline = build_pipeline(["mentions"], Resources(options={"gazetteer": [str(extra)]}))
    result = pipeline(article)
    found = [(m.surface, m.actor) for m in result.mentions]
    assert found == [("Ruritania", "RUR"), ("Japan", "JPN")]


# --- gold ------------------------------------------------------------------------------------

GOLD_FLOOR = 0.95


def gold_scores(gold_dir: Path, seeds_dir: Path) -> dict[str, tuple[int, int, int]]:
    """(tp, fp, fn) per gold file, mentions predicted by the pipeline step (chrome skipped)."""
    from multivector.ingest import read_articles

    articles = {Path(a.path).stem: a for a in read_articles([seeds_dir]) if isinstance(a, Article)}
    gaz = load_gazetteer()
    out = {}
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        article = articles[path.stem]
        predicted = [
            m.to_json()
            for m in find_mentions(article.text, gazetteer=gaz, skip=article.boilerplate)
        ]
        score = score_mentions(predicted, gold["mentions"])
        out[path.stem] = (score.tp, score.fp, score.fn)
    return out


def test_gold_mention_f1(gold_dir: Path, seeds_dir: Path) -> None:
    scores = gold_scores(gold_dir, seeds_dir)
    assert scores
    for name, (tp, fp, fn) in scores.items():
        assert 2 * tp / (2 * tp + fp + fn) >= GOLD_FLOOR, name
    tp, fp, fn = (sum(s[i] for s in scores.values()) for i in range(3))
    assert 2 * tp / (2 * tp + fp + fn) >= GOLD_FLOOR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Portugal and Armenia met. Portugal thanked Armenia. The talks pleased Portugal.", "PRT"),
        ("France and Spain met. Spain and France agreed.", "FRA"),  # a tie: the first
        ("The Kremlin and Russian envoys met Kazakhstan's minister.", "RUS"),  # metonym, demonym
        ("The Bank of China and the Bank of China again lent to Peru.", "PER"),  # names skipped
        ("The weather was fine.", None),
    ],
    ids=["most-mentioned", "tie-first-mentioned", "metonym-demonym", "in-name", "none"],
)
def test_dominant_state(text: str, expected: str | None) -> None:
    assert dominant_state(find_mentions(text)) == expected
