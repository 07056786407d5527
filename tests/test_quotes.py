"""Quotations: every construction on hand-written sentences, and the floors on the gold set.

Texts here are fictional. Persons are built by hand (name forms with their offsets), as the
persons step would give them, so that these tests check quote finding and attribution alone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from multivector.evaluate import Score, evaluate_document
from multivector.pipeline import build_pipeline
from multivector.quotes import QuoteCues, find_quotes, speaker_matches
from multivector.records import Mention, Person, Quote, Span

SHARED = Path(__file__).resolve().parents[2] / "shared"


def person(text: str, pid: str, name: str, *forms: str) -> Person:
    """A person whose spans are every whole-word occurrence of its name forms."""
    spans = set()
    for form in (name, *forms):
        for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text):
            spans.add(Span(m.start(), m.end()))
    # a longer form wins over a shorter one inside it
    kept = [
        s for s in spans if not any(o != s and o.start <= s.start and s.end <= o.end for o in spans)
    ]
    return Person(id=pid, name=name, spans=tuple(sorted(kept, key=lambda s: s.start)))


def mention(text: str, surface: str, actor: str, kind: str = "country") -> Mention:
    start = text.index(surface)
    return Mention(start, start + len(surface), surface, actor, kind)  # type: ignore[arg-type]


def run(
    text: str, people: dict[str, tuple[str, ...]] | None = None, mentions=()
) -> tuple[Quote, ...]:
    persons = [person(text, f"p{i}", n, *f) for i, (n, f) in enumerate((people or {}).items())]
    return find_quotes(text, persons=persons, mentions=mentions)


def brief(quotes: tuple[Quote, ...]) -> list[tuple[str, str, str | None]]:
    return [(q.kind, q.text, q.speaker) for q in quotes]


BERG = {"Lena Berg": ("Berg",)}
BERG_HADDAD = {"Lena Berg": ("Berg",), "Omar Haddad": ("Haddad",)}

DIRECT_CASES = [
    pytest.param(
        '"We will build the bridge," Maria Lopez said.',
        {"Maria Lopez": ("Lopez",)},
        [("direct", "We will build the bridge", "Maria Lopez")],
        id="straight-after",
    ),
    pytest.param(
        "“Trade is growing fast,” said Jan Novak.",
        {"Jan Novak": ("Novak",)},
        [("direct", "Trade is growing fast", "Jan Novak")],
        id="typographic-inverted",
    ),
    pytest.param(
        "Jan Novak arrived. «Trade is growing fast», the minister said.",
        {"Jan Novak": ("Novak", "the minister")},
        [("direct", "Trade is growing fast", "Jan Novak")],
        id="guillemets-description",
    ),
    pytest.param(
        'Lena Berg spoke in Oslo. "The deal is fair," she said. "We expect it to pass soon."',
        BERG,
        [
            ("direct", "The deal is fair", "Lena Berg"),
            ("direct", "We expect it to pass soon.", "Lena Berg"),
        ],
        id="split-two-sentences",
    ),
    pytest.param(
        '"The deal is fair," Berg said, "and we expect it to pass."',
        BERG,
        [
            ("direct", "The deal is fair", "Lena Berg"),
            ("direct", "and we expect it to pass.", "Lena Berg"),
        ],
        id="split-one-sentence",
    ),
    pytest.param(
        "Anna Kowalski described the plan.\n\n"
        '"The first phase starts in May and lasts a year.\n\n'
        '"The second phase follows in autumn," she said.',
        {"Anna Kowalski": ("Kowalski",)},
        [
            (
                "direct",
                'The first phase starts in May and lasts a year.\n\n"The second phase follows'
                " in autumn",
                "Anna Kowalski",
            )
        ],
        id="multi-paragraph-opening-each",
    ),
    pytest.param(
        "Anna Kowalski described the plan.\n\n"
        "“The first phase starts in May and lasts a year.\n\n"
        "The second phase follows in autumn,” she said.",
        {"Anna Kowalski": ("Kowalski",)},
        [
            (
                "direct",
                "The first phase starts in May and lasts a year.\n\nThe second phase follows"
                " in autumn",
                "Anna Kowalski",
            )
        ],
        id="multi-paragraph-no-marks-between",
    ),
    pytest.param(
        "Pedro Alves presented the budget.\n"
        'The plan is ready and the money is set," Pedro Alves said.',
        {"Pedro Alves": ("Alves",)},
        [("direct", "The plan is ready and the money is set", "Pedro Alves")],
        id="missing-opening-mark",
    ),
    pytest.param(
        'Pedro Alves said: "The plan is ready and the money is set.\nThe vote is next week.',
        {"Pedro Alves": ("Alves",)},
        [("direct", "The plan is ready and the money is set.", "Pedro Alves")],
        id="missing-closing-mark",
    ),
    pytest.param(
        "\"They called it 'a historic day' in the capital,\" Alves said.",
        {"Pedro Alves": ("Alves",)},
        [("direct", "They called it 'a historic day' in the capital", "Pedro Alves")],
        id="nested-single",
    ),
    pytest.param(
        "“Voters have had enough of the ‘old guard’ politics,” Alves said.",
        {"Pedro Alves": ("Alves",)},
        [("direct", "Voters have had enough of the ‘old guard’ politics", "Pedro Alves")],
        id="nested-typographic-single",
    ),
    pytest.param(
        'Alves said that the treaty marked a "new chapter in relations" between the states.',
        {"Pedro Alves": ("Alves",)},
        [
            (
                "indirect",
                'the treaty marked a "new chapter in relations" between the states',
                "Pedro Alves",
            ),
            ("direct", "new chapter in relations", "Pedro Alves"),
        ],
        id="fragment-in-reported-speech",
    ),
    pytest.param(
        'The so-called "interim" leader met the press. He praised the "harbour deal" again.',
        {},
        [],
        id="scare-quotes-dropped",
    ),
    pytest.param(
        "“Growth will return next year”\n\nThe finance ministry published its forecast.",
        {},
        [("direct", "Growth will return next year", None)],
        id="headline-quote",
    ),
    pytest.param(
        'Asked about the strike, Omar Haddad answered that it would end soon. "The workers will'
        ' be back on Monday. Nobody wants a long dispute."',
        BERG_HADDAD,
        [
            ("indirect", "it would end soon", "Omar Haddad"),
            (
                "direct",
                "The workers will be back on Monday. Nobody wants a long dispute.",
                "Omar Haddad",
            ),
        ],
        id="continues-previous-speaker",
    ),
    pytest.param(
        '"Prices will fall," Berg said. "They will not," Haddad replied.',
        BERG_HADDAD,
        [("direct", "Prices will fall", "Lena Berg"), ("direct", "They will not", "Omar Haddad")],
        id="two-speakers-one-paragraph",
    ),
    pytest.param(
        "'Passengers buy tickets online,' Ms Berg said. 'We spend money where it is needed.'"
        " The workers' union disagreed.",
        BERG,
        [
            ("direct", "Passengers buy tickets online", "Lena Berg"),
            ("direct", "We spend money where it is needed.", "Lena Berg"),
        ],
        id="british-single-quotes",
    ),
    pytest.param(
        "Lena Berg arrived. «Contracts are not electricity», she said later.",
        BERG,
        [("direct", "Contracts are not electricity", "Lena Berg")],
        id="guillemets-adverb-after-verb",
    ),
    pytest.param(
        '"We lead," Berg said, "and others follow." Omar Haddad argued that the opposite held.',
        BERG_HADDAD,
        [
            ("direct", "We lead", "Lena Berg"),
            ("direct", "and others follow.", "Lena Berg"),
            ("indirect", "the opposite held", "Omar Haddad"),
        ],
        id="next-sentence-speaker-not-taken",
    ),
    pytest.param(
        "Interview: “The port will not be sold”\nLena Berg spoke to us.",
        BERG,
        [("direct", "The port will not be sold", None)],
        id="colon-label-is-no-speaker",
    ),
    pytest.param(
        "The workers' union and the 'new' plan were discussed in Berg's office.",
        BERG,
        [],
        id="apostrophes-not-quotes",
    ),
    pytest.param(
        'Berg called the agreement "a turning point for the region".',
        BERG,
        [("direct", "a turning point for the region", "Lena Berg")],
        id="naming-verb",
    ),
    pytest.param(
        'Berg, for her part, urged the ministers to "stop talking and start building".',
        BERG,
        [("direct", "stop talking and start building", "Lena Berg")],
        id="urged-to-quote",
    ),
    pytest.param(
        '"Pledges are cheap," said Lena Berg of the campaign group Clear Air.',
        BERG,
        [("direct", "Pledges are cheap", "Lena Berg")],
        id="inverted-with-affiliation",
    ),
    pytest.param(
        "Omar Haddad, an economist, spoke first. “Prices will fall soon,” the economist said.",
        BERG_HADDAD,
        [("direct", "Prices will fall soon", "Omar Haddad")],
        id="description-without-span",
    ),
]


@pytest.mark.parametrize(("text", "people", "expected"), DIRECT_CASES)
def test_direct_quotes(text: str, people: dict, expected: list) -> None:
    assert brief(run(text, people)) == expected


INDIRECT_CASES = [
    pytest.param(
        "Lena Berg believes that inflation will ease by summer.",
        BERG,
        ("inflation will ease by summer", "Lena Berg", "believes that"),
        id="believes-that",
    ),
    pytest.param(
        "Lena Berg said inflation would ease by summer.",
        BERG,
        ("inflation would ease by summer", "Lena Berg", "said"),
        id="said-no-that",
    ),
    pytest.param(
        "According to Lena Berg, inflation will ease by summer.",
        BERG,
        ("inflation will ease by summer", "Lena Berg", "According to Lena Berg"),
        id="according-to",
    ),
    pytest.param(
        "Lena Berg told Radio Nord that inflation will ease.",
        BERG,
        ("inflation will ease", "Lena Berg", "told Radio Nord that"),
        id="told-outlet-that",
    ),
    pytest.param(
        "As the economist Lena Berg told Radio Nord, inflation will ease.",
        BERG,
        ("inflation will ease", "Lena Berg", "told Radio Nord"),
        id="as-told-outlet",
    ),
    pytest.param(
        "Lena Berg also stressed that the reform was overdue.",
        BERG,
        ("the reform was overdue", "Lena Berg", "stressed that"),
        id="adverb-between",
    ),
    pytest.param(
        "Lena Berg, head of the central bank, noted that rates will stay high.",
        BERG,
        ("rates will stay high", "Lena Berg", "noted that"),
        id="apposition",
    ),
    pytest.param(
        "Lena Berg expressed the opinion that the talks would fail.",
        BERG,
        ("the talks would fail", "Lena Berg", "expressed the opinion that"),
        id="expressed-opinion",
    ),
    pytest.param(
        "Lena Berg spoke at noon. The expert admits a slowdown in exports.",
        {"Lena Berg": ("Berg", "The expert")},
        ("a slowdown in exports", "Lena Berg", "admits"),
        id="expert-admits",
    ),
    pytest.param(
        "Lena Berg met Omar Haddad in Cairo. The new government, she said, is likely to last.",
        BERG_HADDAD,
        ("The new government, she said, is likely to last", "Lena Berg", "said"),
        id="medial-pronoun",
    ),
    pytest.param(
        "The second point, according to Berg, is that prices fall.",
        BERG,
        (
            "The second point, according to Berg, is that prices fall",
            "Lena Berg",
            "according to Berg",
        ),
        id="medial-according",
    ),
    pytest.param(
        "Berg said: prices will fall next year.",
        BERG,
        ("prices will fall next year", "Lena Berg", "said"),
        id="colon-clause",
    ),
    pytest.param(
        "Lena Berg met Omar Haddad in Cairo. She said that the talks went well.",
        BERG_HADDAD,
        ("the talks went well", "Lena Berg", "said that"),
        id="pronoun-subject-of-previous",
    ),
    pytest.param(
        "In his opinion, Omar Haddad spoke too early. Haddad believes that talks help. In his"
        " view, the border will open.",
        BERG_HADDAD,
        ("the border will open", "Omar Haddad", "In his view"),
        id="in-his-view",
    ),
    pytest.param(
        "Berg's statement that prices will fall surprised markets.",
        BERG,
        ("prices will fall surprised markets", "Lena Berg", "statement that"),
        id="noun-statement-that",
    ),
    pytest.param(
        "Prices will fall next year, Berg said on Monday.",
        BERG,
        ("Prices will fall next year", "Lena Berg", "said"),
        id="trailing-attribution",
    ),
    pytest.param(
        "Lena Berg spoke. An Indian official said the targets were unfair.",
        BERG,
        ("the targets were unfair", None, "said"),
        id="indefinite-source-is-new",
    ),
    pytest.param(
        "Flu cases doubled last week, health officials said on Monday, and clinics are full.",
        {},
        ("Flu cases doubled last week", None, "said"),
        id="medial-adverbial-then-and",
    ),
    pytest.param(
        "Speaking to reporters after the vote, she said that the law would pass. Lena Berg left.",
        {"Lena Berg": ("Berg",)},
        ("the law would pass", None, "said that"),
        id="pronoun-after-intro-clause-no-antecedent",
    ),
    pytest.param(
        "Lena Berg, who retired in May, told the Daily Post she was disappointed.",
        BERG,
        ("she was disappointed", "Lena Berg", "told the Daily Post"),
        id="told-outlet-no-that",
    ),
    pytest.param(
        "Lena Berg said she was “cautiously hopeful”.",
        BERG,
        ("she was “cautiously hopeful”", "Lena Berg", "said"),
        id="clause-ending-in-fragment",
    ),
    pytest.param(
        "Diplomats familiar with the talks said the border was the main obstacle.",
        {},
        ("the border was the main obstacle", None, "said"),
        id="unnamed-with-modifier",
    ),
    pytest.param(
        "Lena Berg of the Nordic Institute for Ports said the fees would rise.",
        BERG,
        ("the fees would rise", "Lena Berg", "said"),
        id="affiliation-after-name",
    ),
    pytest.param(
        "Abenov disagreed: the plan, he argued, helps exporters.",
        {"Nurlan Abenov": ("Abenov",)},
        ("the plan, he argued, helps exporters", "Nurlan Abenov", "argued"),
        id="medial-pronoun-after-colon",
    ),
    pytest.param(
        "Experts believe that the deal will hold.",
        {},
        ("the deal will hold", None, "believe that"),
        id="unnamed-experts",
    ),
]


@pytest.mark.parametrize(("text", "people", "expected"), INDIRECT_CASES)
def test_indirect_quotes(text: str, people: dict, expected: tuple) -> None:
    quotes = [q for q in run(text, people) if q.kind == "indirect"]
    assert [(q.text, q.speaker, q.cue) for q in quotes][-1:] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Lena Berg noted the success of the talks.", id="noted-object"),
        pytest.param("Lena Berg told reporters about the new plan.", id="told-about"),
        pytest.param("Lena Berg told the committee whether the plan works.", id="told-whether"),
        pytest.param("Lena Berg spoke about inflation at length.", id="spoke-about"),
        pytest.param("Lena Berg clarified details of the plan.", id="clarified-details"),
        pytest.param("The United States and Canada signed the deal.", id="states-not-verb"),
        pytest.param("In May, the government hopes to open the port.", id="hopes-to-is-no-report"),
        pytest.param("The opposition claimed victory on Sunday night.", id="claimed-object"),
    ],
)
def test_topic_reports_are_not_quotes(text: str) -> None:
    assert run(text, BERG) == ()


@pytest.mark.parametrize(
    ("text", "surface", "actor", "kind", "speaker", "mention_text"),
    [
        (
            "Norway’s leaders believe the deal is fair.",
            "Norway",
            "NOR",
            "country",
            "Government of Norway",
            "Norway’s leaders",
        ),
        (
            "The leadership of Chile made it clear that it will not sign.",
            "Chile",
            "CHL",
            "country",
            "Government of Chile",
            "The leadership of Chile",
        ),
        (
            "The Kremlin said that the talks were useful.",
            "Kremlin",
            "RUS",
            "metonym",
            "Government of Russia",
            "Kremlin",
        ),
        (
            "NATO said that its exercises would grow.",
            "NATO",
            "NATO",
            "bloc",
            "NATO",
            "NATO",
        ),
        ("“Rules are rules,” the EU said.", "EU", "EU", "bloc", "EU", "EU"),
        ("The IMF said that growth would slow.", "IMF", "IMF", "org", "IMF", "IMF"),
        (
            "The European Commission said that the rules would change.",
            "European Commission",
            "EU",
            "bloc",
            "European Commission",  # not an unnamed 'commission'
            "European Commission",
        ),
        (
            "Experts from the EU said that the rules would change.",
            "EU",
            "EU",
            "bloc",
            None,  # the experts speak, unnamed
            "Experts from the EU",
        ),
    ],
    ids=[
        "possessive-leaders",
        "leadership-of",
        "metonym",
        "bloc",
        "bloc-direct",
        "org",
        "named-body",
        "experts-of-a-bloc",
    ],
)
def test_collective_state_speakers(
    text: str, surface: str, actor: str, kind: str, speaker: str | None, mention_text: str
) -> None:
    quotes = find_quotes(text, mentions=[mention(text, surface, actor, kind)])
    assert [(q.speaker, q.speaker_mention, q.speaker_id) for q in quotes] == [
        (speaker, mention_text, None)
    ]


def test_speaker_id_and_mention_come_from_person_spans() -> None:
    text = "Olaf Lind arrived late. “We are ready,” he said."
    quotes = run(text, {"Olaf Lind": ("Lind",)})
    assert [(q.speaker_id, q.speaker_mention, q.cue) for q in quotes] == [("p0", "he", "said")]
    q = quotes[0]
    assert text[q.start : q.end] == q.text == "We are ready"


def test_quotes_inside_skipped_spans_are_left_out() -> None:
    text = '"Read our newsletter every day," the editors said.\nBerg said that rates rise.'
    quotes = find_quotes(
        text, persons=[person(text, "p0", "Lena Berg", "Berg")], skip=[(0, text.index("\n"))]
    )
    assert brief(quotes) == [("indirect", "rates rise", "Lena Berg")]


def test_cue_lists_can_be_extended(tmp_path: Path) -> None:
    from multivector.config import data_path

    text = "Lena Berg grumbled that the trains were late."
    assert run(text, BERG) == ()
    custom = (
        data_path("quotes.toml")
        .read_text(encoding="utf-8")
        .replace("that = [\n", 'that = [\n  "grumbled",\n', 1)
    )
    path = tmp_path / "quotes.toml"
    path.write_text(custom, encoding="utf-8")
    persons = [person(text, "p0", "Lena Berg", "Berg")]
    quotes = find_quotes(text, persons=persons, cues=QuoteCues.load(path))
    assert brief(quotes) == [("indirect", "the trains were late", "Lena Berg")]


@pytest.mark.parametrize(
    ("query", "names", "expected"),
    [
        ("Tokayev", ("Kassym-Jomart Tokayev",), True),
        ("Kasym-Zhomart Tokayev", ("Kassym-Jomart Tokayev",), True),
        ("Pritchin", ("Stanislav Pritchyn",), True),
        ("andrey kazantsev", ("Andrei Kazantsev",), True),
        ("Pritchin", ("Stanislav Petrov",), False),
        ("Ivan Pritchin", ("Stanislav Pritchin",), False),
        ("Pankratenko", ("Igor Pankretenko", "Igor Pankratenko"), True),
        ("", ("Anyone",), False),
    ],
)
def test_speaker_matches(query: str, names: tuple[str, ...], expected: bool) -> None:
    assert speaker_matches(query, *names) is expected


# ---------------------------------------------------------------- gold (read at run time)


def _gold_persons(text: str, gold: dict) -> list[Person]:
    """Persons as the persons step should give them: every name form, and each description
    ("the expert") given to the person named most recently before it."""
    named: list[tuple[int, int, int]] = []
    described: dict[tuple[int, int], list[int]] = {}
    for i, p in enumerate(gold["persons"]):
        forms = {p["name"], *p["aliases"]}
        forms |= {
            f.split()[-1]
            for f in forms
            if f[:1].isupper() and len(f.split()) > 1 and f.split()[0].lower() != "the"
        }
        for form in forms:
            is_name = form[:1].isupper() and form.split()[0].lower() != "the"
            flags = 0 if is_name else re.IGNORECASE
            for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text, flags):
                if is_name:
                    named.append((m.start(), m.end(), i))
                else:
                    described.setdefault(m.span(), []).append(i)
    spans: dict[int, list[Span]] = {i: [] for i in range(len(gold["persons"]))}
    for s, e, i in named:
        spans[i].append(Span(s, e))
    for (s, e), owners in described.items():
        before = [i for ns, ne, i in sorted(named) if ne <= s and i in owners]
        spans[before[-1] if before else owners[0]].append(Span(s, e))
    return [
        Person(
            id=f"p{i}",
            name=p["name"],
            aliases=tuple(p["aliases"]),
            roles=tuple(p["roles"]),
            spans=tuple(spans[i]),
        )
        for i, p in enumerate(gold["persons"])
    ]


def _gold_mentions(gold: dict) -> list[Mention]:
    return [
        Mention(
            m["start"],
            m["end"],
            m["surface"],
            m["refers_to"],
            "country",
            place=bool(m.get("place")),
        )
        for m in gold["mentions"]
    ]


@pytest.mark.parametrize("inputs", ["gold-persons", "persons-step"])
def test_gold_floors(inputs: str) -> None:
    """Quote finding given the persons and mentions the gold lists (quotes alone), and given
    what the persons and mentions steps find (as in the pipeline)."""
    gold_dir = SHARED / "gold"
    if not gold_dir.is_dir():
        pytest.skip(f"gold not found at {gold_dir}")
    from multivector.actors import find_mentions
    from multivector.clean import ChromeRules, analyse_layout
    from multivector.persons import find_persons

    totals: dict[str, list[int]] = {}
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        seed = SHARED / "corpus" / "seeds" / f"{path.stem}.txt"
        with seed.open(encoding="utf-8", newline="") as fh:
            text = fh.read()
        chrome = analyse_layout(text, ChromeRules.load()).boilerplate
        if inputs == "gold-persons":
            persons, mentions = _gold_persons(text, gold), _gold_mentions(gold)
        else:
            mentions = list(find_mentions(text, skip=chrome))
            persons = list(find_persons(text, mentions=mentions, skip=chrome))
        quotes = find_quotes(text, persons=persons, mentions=mentions, skip=chrome)
        scores, _ = evaluate_document({"quotes": [q.to_json() for q in quotes]}, gold)
        for name, score in scores.items():
            t = totals.setdefault(name, [0, 0, 0])
            t[0] += score.tp
            t[1] += score.fp
            t[2] += score.fn

    def f1(name: str) -> float:
        tp, fp, fn = totals[name]
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    assert f1("quotes.attribution") >= 0.90
    assert f1("quotes.direct_attribution") >= 0.95


# ---------------------------------------------------------------- stored quotes and the CLI

CLI_ARTICLES = {
    "lisbon.txt": (
        "Trade talks open in Lisbon\n\n"
        "Portugal and Brazil opened trade talks on Monday. “We want a fair deal, and China"
        " should not be left out,” said Stanislav Pritchin, an economist at the Lisbon"
        " institute. Joana Reis believes that the talks will succeed before the summer.\n"
    ),
    "brasilia.txt": (
        "Brazil weighs its options\n\n"
        '"Brazil is a key partner for every European port," Stanislav Pritchyn told Radio'
        " Sul on Tuesday.\n"
    ),
}
CLI_PEOPLE = {
    "Stanislav Pritchin": ("economist",),
    "Stanislav Pritchyn": ("economist",),
    "Joana Reis": ("minister",),
}


def _people_step(article, records, resources):  # type: ignore[no-untyped-def]
    """Stand-in for the persons step: the fixed names above, with their roles."""
    out = []
    for i, (name, roles) in enumerate(CLI_PEOPLE.items()):
        spans = [Span(m.start(), m.end()) for m in re.finditer(re.escape(name), article.text)]
        if spans:
            out.append(Person(id=f"p{i}", name=name, roles=roles, key=name, spans=tuple(spans)))
    return tuple(out)


@pytest.fixture
def quotes_db(tmp_path: Path) -> Path:
    from multivector import api
    from multivector.pipeline import Pipeline, Resources, Step, available_steps
    from multivector.quotes import quotes_step

    for name, text in CLI_ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    pipeline = Pipeline(
        (
            Step("persons", "persons", (), _people_step),
            available_steps()["mentions"],
            Step("quotes", "quotes", ("persons", "mentions"), quotes_step),
        ),
        Resources(),
    )
    db = tmp_path / "quotes.db"
    summary = api.analyze([str(tmp_path / n) for n in CLI_ARTICLES], db=db, pipeline=pipeline)
    assert summary.records["quotes"] == 3
    return db


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param([], {"Stanislav Pritchin", "Stanislav Pritchyn", "Joana Reis"}, id="all"),
        pytest.param(
            ["--speaker", "Pritchin"],
            {"Stanislav Pritchin", "Stanislav Pritchyn"},
            id="speaker-any-spelling",
        ),
        pytest.param(
            ["--speaker", "stanislav PRITCHYN"],
            {"Stanislav Pritchin", "Stanislav Pritchyn"},
            id="speaker-full-name",
        ),
        pytest.param(["--speaker", "Reis"], {"Joana Reis"}, id="speaker-other"),
        pytest.param(["--speaker", "Nobody"], set(), id="speaker-unknown"),
        pytest.param(["--about", "CHN"], {"Stanislav Pritchin"}, id="about-china"),
        pytest.param(
            ["--about", "BRA", "--speaker", "Pritchin"],
            {"Stanislav Pritchyn"},
            id="about-and-speaker",
        ),
    ],
)
def test_cli_quotes(quotes_db: Path, args: list[str], expected: set[str]) -> None:
    from typer.testing import CliRunner

    from multivector.cli import app

    result = CliRunner().invoke(app, ["quotes", *args, "--db", str(quotes_db), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert {r["speaker"] for r in rows} == expected
    for row in rows:
        assert row["role"] == CLI_PEOPLE[row["speaker"]][0]
        assert row["doc"] and row["text"]


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_cli_quotes_formats(quotes_db: Path, fmt: str) -> None:
    from typer.testing import CliRunner

    from multivector.cli import app

    result = CliRunner().invoke(app, ["quotes", "--db", str(quotes_db), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert "Joana Reis" in result.stdout and "minister" in result.stdout


def test_cli_quotes_missing_db(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from multivector.cli import app

    result = CliRunner().invoke(app, ["quotes", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2


# ---------------------------------------------------------------- own news articles

NEWS = Path(__file__).parent / "data" / "quote_news.toml"
HELDOUT = Path(__file__).parent / "data" / "quote_news_heldout.toml"
HELDOUT2 = Path(__file__).parent / "data" / "quote_news_heldout2.toml"
HELDOUT3 = Path(__file__).parent / "data" / "quote_news_heldout3.toml"


def news_articles(path: Path = NEWS) -> list[tuple[str, str, list[Person], dict]]:
    """(name, text, persons, gold) for each hand-annotated article in tests/data."""
    import tomllib

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for art in data["article"]:
        text = art["text"]
        persons = [
            person(text, f"p{i}", forms[0], *forms[1:]) for i, forms in enumerate(art["persons"])
        ]
        gold, cursor = [], 0
        for kind, quoted, speaker in art["quotes"]:
            start = text.index(quoted, cursor)
            cursor = start
            gold.append(
                {
                    "kind": kind,
                    "text": quoted,
                    "start": start,
                    "end": start + len(quoted),
                    "speaker": speaker or None,
                }
            )
        out.append((art["name"], text, persons, {"quotes": gold}))
    return out


def score_news(path: Path = NEWS) -> dict[str, tuple[int, int, int]]:
    """Span, attribution and direct attribution counts (tp, fp, fn) over the own articles."""
    from multivector.actors import find_mentions

    totals: dict[str, list[int]] = {}
    for _name, text, persons, gold in news_articles(path):
        quotes = find_quotes(text, persons=persons, mentions=find_mentions(text))
        scores, _ = evaluate_document({"quotes": [q.to_json() for q in quotes]}, gold)
        for key, s in scores.items():
            if key.startswith("quotes"):
                t = totals.setdefault(key, [0, 0, 0])
                t[0], t[1], t[2] = t[0] + s.tp, t[1] + s.fp, t[2] + s.fn
    return {k: (v[0], v[1], v[2]) for k, v in totals.items()}


@pytest.mark.parametrize(
    "path",
    [NEWS, HELDOUT, HELDOUT2, HELDOUT3],
    ids=["tuning-set", "held-out-set", "held-out-set-2", "held-out-set-3"],
)
def test_own_news_articles_quality(path: Path) -> None:
    def f1(counts: tuple[int, int, int]) -> float:
        tp, fp, fn = counts
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    totals = score_news(path)
    assert f1(totals["quotes.attribution"]) >= 0.85, totals
    assert f1(totals["quotes.direct_attribution"]) >= 0.90, totals


def test_blind_news_set_with_persons_from_their_own_step() -> None:
    """Held-out articles scored through the real mentions and persons steps, not given persons."""
    import tomllib

    from multivector.records import Article

    data = tomllib.loads((Path(__file__).parent / "data" / "quote_news_blind4.toml").read_text())
    pipeline = build_pipeline(["mentions", "persons", "quotes"])
    totals = {"quotes.attribution": Score(), "quotes.direct_attribution": Score()}
    for art in data["article"]:
        text, gold, cursor = art["text"], [], 0
        for kind, quoted, speaker in art["quotes"]:
            cursor = text.index(quoted, cursor)
            gold.append(
                {
                    "kind": kind,
                    "text": quoted,
                    "start": cursor,
                    "end": cursor + len(quoted),
                    "speaker": speaker or None,
                }
            )
        extraction = pipeline(Article(id=art["name"], doc=art["name"], path="t", text=text))
        scores, _ = evaluate_document(
            {"quotes": [q.to_json() for q in extraction.quotes]}, {"quotes": gold}
        )
        for key, total in totals.items():
            total.add(scores[key])
    assert totals["quotes.attribution"].f1 >= 0.90, totals
    assert totals["quotes.direct_attribution"].f1 >= 0.95, totals
