"""People: detection, merging of name forms, bound descriptions, roles, countries, keys.

All inline texts are invented for these tests. The gold check reads ../shared at run time.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from multivector import persontext
from multivector.errors import ConfigError
from multivector.evaluate import load_gold, score_persons
from multivector.ingest import read_articles
from multivector.persons import (
    NameLists,
    find_persons,
    fold_name,
    given_compatible,
    surname_typo,
)
from multivector.pipeline import Resources, build_pipeline
from multivector.records import Article, Mention, Person

CODES = {
    "EU": ("EU", "bloc"), "U.S.": ("USA", "country"), "American": ("USA", "demonym"),
    "Brazil": ("BRA", "country"), "Brazilian": ("BRA", "demonym"), "Spanish": ("ESP", "demonym"),
    "Portugal": ("PRT", "country"), "Portuguese": ("PRT", "demonym"), "France": ("FRA", "country"),
    "French": ("FRA", "demonym"), "Ukrainian": ("UKR", "demonym"), "Ukraine": ("UKR", "country"),
    "Russian": ("RUS", "demonym"), "Russia": ("RUS", "country"), "Indian": ("IND", "demonym"),
    "India": ("IND", "country"), "Kenya": ("KEN", "country"), "Kenyan": ("KEN", "demonym"),
    "Moscow": ("RUS", "metonym"), "Kyiv": ("UKR", "metonym"), "Washington": ("USA", "metonym"),
    "Germany": ("DEU", "country"), "German": ("DEU", "demonym"), "Japan": ("JPN", "country"),
}  # fmt: skip
_CODE_RE = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, CODES)) + r")(?![\w])")


def mentions_of(text: str) -> tuple[Mention, ...]:
    """A stand-in for the mentions step: the few actor words these tests use."""
    return tuple(
        Mention(m.start(), m.end(), m.group(), *CODES[m.group()])  # type: ignore[arg-type]
        for m in _CODE_RE.finditer(text)
    )


def persons(text: str, **kw: object) -> tuple[Person, ...]:
    return find_persons(text, mentions=mentions_of(text), **kw)  # type: ignore[arg-type]


def by_alias(found: tuple[Person, ...], alias: str) -> Person:
    hits = [p for p in found if alias in p.aliases]
    assert len(hits) == 1, (alias, found)
    return hits[0]


# --------------------------------------------------------------------------- folding


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kasym-Zhomart Tokayev", "Kassym-Jomart Tokayev"),
        ("Andrei", "Andrey"),
        ("Alexey", "Aleksei"),
        ("Dmitry", "Dmitriy"),
        ("Yevgeny", "Evgeny"),
        ("Tokayev", "Tokaev"),
        ("Qasym", "Kasym"),
        ("Zoë", "Zoe"),
    ],
)
def test_fold_name_joins_transliterations(a: str, b: str) -> None:
    assert fold_name(a) == fold_name(b)


@pytest.mark.parametrize(("a", "b"), [("Ivan", "Ivana"), ("Maria", "Mario"), ("Lee", "Li")])
def test_fold_name_keeps_different_names(a: str, b: str) -> None:
    assert fold_name(a) != fold_name(b)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("pankratenko", "pankretenko", True),
        ("abdurahmanov", "abdurahmonov", True),
        ("ivanov", "ivanova", False),
        ("kowalski", "kowalska", False),
        ("smith", "smyth", False),  # too short to trust one letter
    ],
)
def test_surname_typo(a: str, b: str, same: bool) -> None:
    assert surname_typo(a, b) is same


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [("j", "john", True), ("aleksandr", "aleksander", True), ("john", "mari", False)],
)
def test_given_compatible(a: str, b: str, same: bool) -> None:
    assert given_compatible(a, b) is same


# --------------------------------------------------------------------------- detection + merging

TRADE = (
    "EU Trade Commissioner Maria Lindqvist met U.S. Commerce Secretary Daniel Okafor in "
    "Brussels on Monday. Lindqvist said the talks had been constructive. The commissioner "
    "added that steel tariffs would be reviewed. Okafor told reporters that Washington "
    "wanted a deal by June, and the secretary said he was optimistic."
)


def test_trade_commissioner_and_secretary() -> None:
    found = persons(TRADE)
    assert [p.name for p in found] == ["Maria Lindqvist", "Daniel Okafor"]
    lindqvist, okafor = found
    assert {"Lindqvist", "The commissioner"} <= set(lindqvist.aliases)
    assert {"Okafor", "the secretary"} <= set(okafor.aliases)
    assert "EU Trade Commissioner" in lindqvist.roles
    assert "U.S. Commerce Secretary" in okafor.roles
    assert okafor.country == "USA"
    assert lindqvist.country is None  # the EU is not a state
    assert okafor.key == "daniel okafor"


SMITHS = (
    "John Smith, a senior analyst at the Harbour Policy Institute, said exports would grow. "
    "Mary Smith, the mayor of Eastport, disagreed with him.\n"
    "Smith said the port needed new cranes first."
)


def test_two_smiths_stay_apart() -> None:
    found = persons(SMITHS)
    john, mary = by_alias(found, "John Smith"), by_alias(found, "Mary Smith")
    assert john is not mary
    assert john.key != mary.key
    assert "senior analyst at the Harbour Policy Institute" in john.roles
    assert "mayor of Eastport" in mary.roles
    # the bare surname goes to the Smith named last, never to both
    assert sum("Smith" in p.aliases for p in found) == 1


@pytest.mark.parametrize(
    ("text", "forms"),
    [
        (
            "Energy analyst Yevgeny Marchenko said gas transit would resume. "
            "Evgeny Marchenko told reporters in Kyiv that Marchenko expects a deal.",
            {"Yevgeny Marchenko", "Evgeny Marchenko", "Marchenko"},
        ),
        (
            "Andrei Volkov, head of the Institute of Energy Studies, warned of shortages. "
            "Andrey Volkov added that storage is full.",
            {"Andrei Volkov", "Andrey Volkov"},
        ),
        (
            "The economist Ruslan Abdurakhmanov believes prices will fall. Prices are high now, "
            "Ruslan Abdurakhmonov said.",
            {"Ruslan Abdurakhmanov", "Ruslan Abdurakhmonov"},
        ),
        (
            "Ukrainian President Oleksandr Hrytsenko met Russian envoy Pavel Zorin. President "
            "Hrytsenko said the contract is fair.",
            {"Oleksandr Hrytsenko", "President Hrytsenko"},
        ),
    ],
)
def test_variants_merge_into_one_person(text: str, forms: set[str]) -> None:
    found = persons(text)
    holders = [p for p in found if forms & set(p.aliases)]
    assert len(holders) == 1, found
    assert forms <= set(holders[0].aliases)


@pytest.mark.parametrize(
    ("text", "name", "forms"),
    [
        (
            "George W. Bush met the envoy. Bush said talks went well.",
            "George W. Bush",
            {"George W. Bush", "Bush"},
        ),
        (
            "Commission President Ursula von der Leyen told lawmakers that von der Leyen "
            "would stay.",
            "Ursula von der Leyen",
            {"Ursula von der Leyen", "von der Leyen"},
        ),
        (
            "Mr. Haddad said the bank would cut rates. Mr Haddad added that inflation peaked.",
            "Haddad",
            {"Mr. Haddad", "Mr Haddad"},
        ),
        (
            "Crown Prince Faisal bin Nasser met the delegation. Bin Nasser said output will rise.",
            "Faisal bin Nasser",
            {"Faisal bin Nasser", "Bin Nasser"},
        ),
    ],
)
def test_initials_particles_and_honorifics(text: str, name: str, forms: set[str]) -> None:
    (person,) = persons(text)
    assert person.name == name
    assert set(person.aliases) == forms


def test_apposition_after_an_age() -> None:
    text = "Dr Amina Yusuf, 54, a virologist at the University of Lagos, said cases rose."
    (person,) = persons(text)
    assert person.roles == ("virologist at the University of Lagos",)


def test_different_given_names_are_different_people() -> None:
    text = (
        "Pyotr Ivanov, a deputy minister, said the pipeline was safe. Anna Ivanova, "
        "an engineer, said it was not. Later Ivan Petrenko and Oleg Petrenko met."
    )
    found = persons(text)
    names = {p.name for p in found}
    assert {"Pyotr Ivanov", "Anna Ivanova", "Ivan Petrenko", "Oleg Petrenko"} <= names
    assert len({p.key for p in found}) == len(found)


def test_spans_are_exact_and_cover_every_mention() -> None:
    text = (
        "Kenyan Foreign Minister Grace Wanjiru arrived in Tokyo. The minister said Kenya "
        "values Japan's help. Wanjiru's visit ends Friday."
    )
    found = persons(text)
    assert len(found) == 1
    wanjiru = found[0]
    surfaces = [text[s.start : s.end] for s in wanjiru.spans]
    assert surfaces == ["Grace Wanjiru", "The minister", "Wanjiru"]
    assert wanjiru.country == "KEN"
    assert wanjiru.roles[0] == "Kenyan Foreign Minister"


# --------------------------------------------------------------------------- descriptions


def test_the_minister_binds_to_the_named_minister_not_the_expert() -> None:
    text = (
        "Portuguese Foreign Minister Ana Duarte met her Spanish counterpart in Lisbon.\n"
        "Economist Tiago Ferraz, a professor at the University of Coimbra, said the deal "
        "was overdue. The minister said talks would continue. The expert disagreed."
    )
    found = persons(text)
    duarte, ferraz = by_alias(found, "Ana Duarte"), by_alias(found, "Tiago Ferraz")
    assert "The minister" in duarte.aliases
    assert "The expert" in ferraz.aliases
    assert duarte.country == "PRT"
    # the unnamed Spanish counterpart is not the Portuguese minister
    assert "her Spanish counterpart" not in duarte.aliases


def test_head_of_state_and_chief_researcher_classes() -> None:
    text = (
        "Jan Horak, the current head of state, opened the session. Petra Novak, chief "
        "researcher at the Baltic Institute, followed him.\n"
        "The president promised reforms. The expert was sceptical."
    )
    found = persons(text)
    assert "The president" in by_alias(found, "Jan Horak").aliases
    assert "The expert" in by_alias(found, "Petra Novak").aliases


def test_unnamed_office_holder_is_a_description_only_person() -> None:
    text = (
        "The President of France will visit India next month. Indian officials said the "
        "French president would discuss fighter jets."
    )
    found = persons(text)
    assert len(found) == 1
    (office,) = found
    assert office.key == "office:president:FRA"
    assert office.country == "FRA"
    assert set(office.aliases) == {"The President of France", "the French president"}


def test_former_president_is_not_the_president() -> None:
    text = (
        "Former president Luis Carvalho criticised the budget. President Marta Ribeiro "
        "defended it on Tuesday. The president said growth would return."
    )
    found = persons(text)
    assert "The president" in by_alias(found, "Marta Ribeiro").aliases
    assert "The president" not in by_alias(found, "Luis Carvalho").aliases


def test_headline_description_binds_to_the_article_person() -> None:
    text = (
        "Brazil's New President Heads To Washington\n"
        "Brazilian President Rafael Lima left for the United States on Sunday. "
        "Lima said trade comes first."
    )
    found = persons(text)
    assert len(found) == 1
    assert "Brazil's New President" in found[0].aliases


# --------------------------------------------------------------------------- roles + false persons


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        (
            "Sunita Rao, chief economist at the Bharat Policy Forum, said India will press for "
            "debt relief.",
            "Sunita Rao",
            "chief economist at the Bharat Policy Forum",
        ),
        (
            "The director of the Centre for Asian Security Studies, Hiroshi Tanaka, believes "
            "Japan will stay cautious.",
            "Hiroshi Tanaka",
            "director of the Centre for Asian Security Studies",
        ),
        (
            "Doctor of Economic Sciences, senior researcher at the Eastern Trade Institute "
            "Timur Alimov noted that trade grew.",
            "Timur Alimov",
            "senior researcher at the Eastern Trade Institute",
        ),
        (
            "Klaus Brenner was appointed Minister of Finance of Germany in May.",
            "Klaus Brenner",
            "Minister of Finance of Germany",
        ),
    ],
)
def test_roles(text: str, name: str, role: str) -> None:
    found = persons(text)
    person = next(p for p in found if p.name == name)
    assert role in person.roles


@pytest.mark.parametrize(
    "text",
    [
        "Trade Talks Resume In Geneva As Leaders Meet\nNegotiators met on Monday.",
        "The Ministry of Foreign Affairs said on Monday that Russia will respond.",
        "Diplomats said the Institute for Security Studies had closed.",
        "In March, the Council of Europe issued a report. Analysts said it was late.",
        "Gazprom said deliveries via Ukraine fell, Moscow said.",
        "Ukraine Gas Transit said flows fell by a third.",
        "The grant came from the Harbour Endowment Fund. Officials of the Harbour Endowment "
        "said it would continue.",
    ],
)
def test_no_false_persons(text: str) -> None:
    assert persons(text) == ()


def test_organisation_after_a_name_is_not_a_person() -> None:
    text = "Analyst Temur Rashidov of the Harbour Endowment believes India gains most."
    assert [p.name for p in persons(text)] == ["Temur Rashidov"]


def test_common_word_at_sentence_start_is_not_a_surname() -> None:
    text = (
        "Trade Minister Amara Rice visited Kenya. Rice exports to Kenya fell, and rice "
        "prices rose. Rice said a deal was close."
    )
    (person,) = persons(text)
    assert [text[s.start : s.end] for s in person.spans] == ["Amara Rice"]


def test_speech_verb_finds_names_outside_the_lists() -> None:
    text = "Zhaniya Tursunbekova said the harvest was late. Tursunbekova expects rain."
    (person,) = persons(text)
    assert person.name == "Zhaniya Tursunbekova"
    assert person.aliases == ("Zhaniya Tursunbekova", "Tursunbekova")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Harsh V. Pant of the Observer Research Foundation said it mattered.", "Harsh V. Pant"),
        ("Dauletbek Seitkali from the Eurasian Research Hub is confident.", "Dauletbek Seitkali"),
        ('"Prices will fall," said Nilufar Rashidova, the mayor.', "Nilufar Rashidova"),
    ],
)  # fmt: skip
def test_more_speaker_cues(text: str, name: str) -> None:
    assert [p.name for p in persons(text)] == [name]


def test_boilerplate_introduces_nobody_but_links_known_people() -> None:
    body = "Minister Lena Hartmann said taxes will fall. "
    teaser = "Other stories\nPaul Becker\nHartmann under pressure"
    text = body + teaser
    found = find_persons(text, skip=[(len(body), len(text))])
    assert [p.name for p in found] == ["Lena Hartmann"]
    assert "Hartmann" in found[0].aliases


def test_keys_are_stable_across_articles() -> None:
    a = persons("Kazakh President Kasym-Zhomart Tokayev said reforms will continue.")
    b = persons("President Kassym-Jomart Tokayev said reforms will continue.")
    assert a[0].key == b[0].key == fold_name("Kassym-Jomart Tokayev")


GAS = (
    "Ukraine and Russia trade accusations as gas transit falls\n"
    "Naftogaz chief executive Oleksiy Chernyak said Gazprom had cut nominations. "
    '"We are ready," Chernyak said.\n'
    "Gazprom spokesman Sergei Kuprianov said the Ukrainian side was to blame. Kupriyanov "
    "added that Moscow remained reliable. The spokesman did not give details.\n"
    "Ukrainian Energy Minister Halyna Bondar called the explanation absurd. Bondar said Kyiv "
    "would seek compensation. The minister also met the EU energy commissioner.\n"
    "Olga Bondar, an economist at the Kyiv School of Economics, estimated the loss. "
    "Olga Bondar warned that tariffs would rise.\n"
)


def test_article_about_gas_transit() -> None:
    found = persons(GAS)
    assert [p.name for p in found] == [
        "Oleksiy Chernyak", "Sergei Kuprianov", "Halyna Bondar", "Olga Bondar",
    ]  # fmt: skip
    chernyak, kuprianov, halyna, olga = found
    assert chernyak.roles == ("Naftogaz chief executive",)
    assert {"Kupriyanov", "The spokesman"} <= set(kuprianov.aliases)  # spelling variant
    assert halyna.aliases == ("Halyna Bondar", "Bondar", "The minister")  # not the commissioner
    assert halyna.country == "UKR"
    assert olga.aliases == ("Olga Bondar",)
    assert "economist at the Kyiv School of Economics" in olga.roles


@pytest.mark.parametrize("text", ["", "  \n\n", "He said.", '"', "A" * 5000])
def test_degenerate_texts(text: str) -> None:
    assert find_persons(text) == ()


def test_users_name_list_replaces_the_bundled_one(tmp_path: Path) -> None:
    text = "On Monday Wanjiku Odhiambo opened the new terminal."
    assert find_persons(text) == ()  # no cue, and the given name is not on the bundled list
    own = tmp_path / "persons.toml"
    own.write_text('[names]\ngiven = ["Wanjiku"]\n', encoding="utf-8")
    (person,) = find_persons(text, names=NameLists.load(own))
    assert person.name == "Wanjiku Odhiambo"


def test_broken_name_list_is_a_config_error(tmp_path: Path) -> None:
    own = tmp_path / "persons.toml"
    own.write_text("[names\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"persons\.toml"):
        NameLists.load(own)


# --------------------------------------------------------------------------- pipeline


def test_step_in_pipeline() -> None:
    pipeline = build_pipeline(["mentions", "persons"])
    article = Article(id="x", doc="t.txt", path="t.txt", text=TRADE)
    result = pipeline(article)
    assert [p.name for p in result.persons] == ["Maria Lindqvist", "Daniel Okafor"]


def test_extra_candidates_from_a_model() -> None:
    text = "On Monday Wanjiku Odhiambo opened the terminal. Odhiambo left early."
    assert find_persons(text) == ()
    start = text.index("Wanjiku")
    (person,) = find_persons(text, extra=[(start, start + len("Wanjiku Odhiambo"))])
    assert person.aliases == ("Wanjiku Odhiambo", "Odhiambo")


def test_spacy_model_candidates(tmp_path: Path) -> None:
    """--spacy-model loads a saved pipeline with an `ner` component (here a small rule-based
    one made on the spot, since no trained English model can be installed offline)."""
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Wanjiku Odhiambo"}])
    nlp.to_disk(tmp_path / "model")
    resources = Resources(options={"spacy_model": str(tmp_path / "model")})
    pipeline = build_pipeline(["mentions", "persons"], resources)
    text = "Talks ended. On Monday Wanjiku Odhiambo opened the terminal. Odhiambo left early."
    result = pipeline(Article(id="x", doc="t.txt", path="t.txt", text=text))
    assert [p.aliases for p in result.persons] == [("Wanjiku Odhiambo", "Odhiambo")]
    without = build_pipeline(["mentions", "persons"])(
        Article(id="x", doc="t.txt", path="t.txt", text=text)
    )
    assert without.persons == ()


@pytest.mark.parametrize("kind", ["missing", "no-ner"])
def test_spacy_model_that_cannot_serve_is_a_config_error(tmp_path: Path, kind: str) -> None:
    spacy = pytest.importorskip("spacy")
    name = "no_such_model_xyz"
    if kind == "no-ner":
        spacy.blank("en").to_disk(tmp_path / "blank")
        name = str(tmp_path / "blank")
    pipeline = build_pipeline(["mentions", "persons"], Resources(options={"spacy_model": name}))
    with pytest.raises(ConfigError, match=name.replace("/", ".")):
        pipeline(Article(id="x", doc="t.txt", path="t.txt", text="Aida Serikova spoke."))


# --------------------------------------------------------------------------- token columns

# The token pattern as first written: the faster one in persontext must split text alike.
_PLAIN_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_]+(?:[-'’][^\W_]+)*")
TOKEN_TEXTS = [
    "The U.S. and the E.U. met in Oslo on 3.4.2024; e.g. A.1 is not one.",
    "Rock-'n'-roll isn’t O’Brien’s thing, said snake_case and x_y fans.",
    "Zoë Müller-Łukasz spoke in Kraków\u00a0today; İstanbul ﬁles and ſ.s. too.",
    "",
    "   ...   ",
]


@pytest.mark.parametrize("text", TOKEN_TEXTS)
def test_token_columns_match_the_plain_pattern(text: str) -> None:
    expected = [m.span() for m in _PLAIN_TOKEN.finditer(text)]
    paths = [False, True] if persontext.plain_ascii(text) else [False]
    for ascii in paths:
        starts, ends, words, gaps = persontext._tokenize(text, ascii)
        assert list(zip(starts, ends, strict=True)) == expected
        assert words == [text[s:e] for s, e in expected]
        assert "".join(g + w for g, w in zip(gaps, [*words, ""], strict=True)) == text


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Plain words “quoted” — and ’s", True),
        ("Café owners", False),
        ("no\u00a0break", False),
        ("digits ٣ too", False),
    ],
)
def test_plain_ascii_only_when_letters_digits_and_spaces_are(text: str, plain: bool) -> None:
    assert persontext.plain_ascii(text) is plain


def test_description_pattern_ascii_variant_matches_alike() -> None:
    lists = NameLists.load()
    text = (
        "Kenya’s president met the new German chancellor. His counterpart, the Prime Minister "
        "of Japan, and U.S.’s envoy spoke; the leader of the nation waited. A’s head agreed."
    )
    assert persontext.plain_ascii(text)
    spans = [(m.span(), m.groupdict()) for m in lists.description.finditer(text)]
    assert spans == [(m.span(), m.groupdict()) for m in lists.description_ascii.finditer(text)]
    assert len(spans) >= 4


def test_tokens_are_built_on_demand_and_indexed_like_a_list() -> None:
    doc = persontext.document("Mr. Ivan Petrov said it. Then he left.", (), ())
    toks = doc.toks
    assert len(toks) == 8 and dict.__len__(toks) == 0
    assert toks[-1].text == "left" and toks[-1].index == 7
    assert (toks[1].text, toks[1].sent, toks[5].sent) == ("Ivan", 0, 1)
    with pytest.raises(IndexError):
        toks[8]
    assert doc.gap(0) == "" and doc.gap(1) == ". "
    assert doc.next_sentence(2) == 5


# --------------------------------------------------------------------------- gold


def test_gold_persons_merged_without_false_merges(seeds_dir: Path, gold_dir: Path) -> None:
    gold = load_gold(gold_dir)
    pipeline = build_pipeline(["mentions", "persons"])
    checked = 0
    for item in read_articles([seeds_dir]):
        if not isinstance(item, Article) or Path(item.doc).stem not in gold:
            continue
        predicted = [p.to_json() for p in pipeline(item).persons]
        score = score_persons(predicted, gold[Path(item.doc).stem]["persons"])
        assert score.unmerged == [], item.doc
        assert score.false_merges == 0, item.doc
        checked += score.gold_multi_form
    assert checked >= 8


def test_capitals_in_is_the_token_scan_it_replaces() -> None:
    """Doc.capitals_in (bisected) picks the capitalised tokens the old scan over every token
    picked for an extra span, at every start and end: inside words, on possessives, reversed."""
    text = "On Monday, Wanjiku Odhiambo's aide met Dr. Jean-Luc Éboué and de Vries in Kyiv.\n"
    doc = persontext.document(text, [], [(40, 60)])
    toks = doc.toks
    for start in range(-1, len(text) + 2):
        for end in range(-1, len(text) + 2):
            scanned = [
                x for x in range(len(toks))
                if start <= toks[x].start and toks[x].end <= end and toks[x].cap
            ]  # fmt: skip
            assert doc.capitals_in(start, end) == scanned, (start, end)
