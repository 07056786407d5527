"""A small fictional corpus stored via Store.write_batch, for report, dashboard and export tests.

Every sentence here is invented for the tests. Records are built by locating their text in
the article, so offsets are exact by construction.
"""

from __future__ import annotations

from pathlib import Path

from multivector.records import (
    Article,
    Boilerplate,
    Extraction,
    Forecast,
    Mention,
    Person,
    Quantity,
    Quote,
    Skip,
    Span,
    Statement,
    content_hash,
)
from multivector.store import Store

FOCUS = "KAZ"

ARTICLES = [
    {
        "title": "Astana and Moscow sign a grain corridor deal",
        "source": "Steppe Courier",
        "published": "2023-02-14",
        "body": (
            "Kazakhstan and Russia signed a grain corridor agreement on Tuesday. "
            '"The corridor will double our exports by 2026," said Aigerim Sadykova, the '
            "trade minister. Kazakhstan also criticised Russian transit fees as unfair. "
            "The deal is worth 450 million dollars."
        ),
        "chrome": "Subscribe to our newsletter",
    },
    {
        "title": "Beijing pledges new rail investment",
        "source": "Caspian Review",
        "published": "2023-08-03",
        "body": (
            "China and Kazakhstan agreed to expand rail links through the dry port. "
            '"We expect freight volumes to grow within five years," Aigerim Sadykova told '
            "reporters. Kazakhstan welcomed Chinese investment in solar energy."
        ),
        "chrome": "",
    },
    {
        "title": "Washington and Astana discuss security",
        "source": "Steppe Courier",
        "published": "2024-05-20",
        "body": (
            "Kazakhstan and the United States held talks on border security cooperation. "
            '"Our partnership with Washington is balanced and pragmatic," said Daniyar '
            "Omarov, the foreign minister. Kazakhstan and Russia disagreed over pipeline "
            "tariffs. Sadykova predicted that trade with China would reach a record by 2030."
        ),
        "chrome": "Read more on our website",
    },
]

#: statement sentence prefix -> (partners, vectors, domain, polarity, intensity)
STATEMENTS = {
    "Kazakhstan and Russia signed": (("RUS",), ("RUSSIA",), "economy", "cooperation", 0.6),
    "Kazakhstan also criticised": (("RUS",), ("RUSSIA",), "transport", "tension", -0.5),
    "China and Kazakhstan agreed": (("CHN",), ("CHINA",), "transport", "cooperation", 0.5),
    "Kazakhstan welcomed Chinese": (("CHN",), ("CHINA",), "energy", "cooperation", 0.7),
    "Kazakhstan and the United States": (("USA",), ("WEST",), "security", "cooperation", 0.4),
    "Kazakhstan and Russia disagreed": (("RUS",), ("RUSSIA",), "energy", "tension", -0.6),
}
PEOPLE = {
    "Aigerim Sadykova": ("aigerim-sadykova", ("trade minister",), "KAZ", ("Sadykova",)),
    "Daniyar Omarov": ("daniyar-omarov", ("foreign minister",), "KAZ", ()),
}
MENTIONS = {
    "Kazakhstan": "KAZ",
    "Russia": "RUS",
    "Russian": "RUS",
    "China": "CHN",
    "Chinese": "CHN",
    "United States": "USA",
    "Washington": "USA",
    "Moscow": "RUS",
    "Beijing": "CHN",
}


def _sentence(text: str, prefix: str) -> tuple[int, int]:
    start = text.index(prefix)
    end = text.index(".", start) + 1
    if text[end - 2] == "," or text[start:end].count('"') % 2:  # inside a quote: to its end
        end = text.index('."', start) + 1
    return start, end


def _all(text: str, word: str) -> list[int]:
    out, at = [], text.find(word)
    while at >= 0:
        before = text[at - 1] if at else " "
        after = text[at + len(word)] if at + len(word) < len(text) else " "
        if not before.isalpha() and not after.isalpha():
            out.append(at)
        at = text.find(word, at + 1)
    return out


def build_extraction(spec: dict[str, str], index: int) -> Extraction:
    """One article with its records, offsets found in its own text."""
    chrome = spec["chrome"]
    text = spec["title"] + "\n\n" + (chrome + "\n\n" if chrome else "") + spec["body"] + "\n"
    boiler = ()
    if chrome:
        at = text.index(chrome)
        boiler = (Boilerplate(at, at + len(chrome), "test-chrome"),)
    article = Article(
        id=content_hash(text),
        doc=f"{index:03d}_test.txt",
        path=f"/corpus/{index:03d}_test.txt",
        text=text,
        title=spec["title"],
        source=spec["source"],
        published=spec["published"],
        language="en",
        encoding="utf-8",
        boilerplate=boiler,
    )
    mentions = sorted(
        (
            Mention(at, at + len(w), w, code, "country")
            for w, code in MENTIONS.items()
            for at in _all(text, w)
            if not any(at > a and at < a + len(o) for o in MENTIONS for a in _all(text, o))
        ),
        key=lambda m: m.start,
    )
    persons, quotes = [], []
    for n, (name, (key, roles, country, aliases)) in enumerate(PEOPLE.items()):
        spans = [Span(at, at + len(f)) for f in (name, *aliases) for at in _all(text, f)]
        spans = [
            s
            for s in spans
            if not any(o != s and o.start <= s.start and s.end <= o.end for o in spans)
        ]
        if not spans:
            continue
        persons.append(
            Person(
                f"p{n}",
                name,
                aliases,
                roles,
                country,
                key,
                tuple(sorted(spans, key=lambda s: s.start)),
            )
        )
    for start in [i for i, c in enumerate(text) if c == '"'][::2]:
        end = text.index('"', start + 1) + 1
        tail = text[end : text.index(".", end) + 1]
        speaker = next(
            (p for p in persons if p.name in tail or (p.aliases and p.aliases[0] in tail)), None
        )
        quotes.append(
            Quote(
                speaker.name if speaker else None,
                speaker.id if speaker else None,
                speaker.name if speaker else None,
                text[start + 1 : end - 1],
                start,
                end,
                "direct",
                "said" if "said" in tail else "told",
            )
        )
    statements = []
    for prefix, (partners, vectors, domain, polarity, intensity) in STATEMENTS.items():
        if prefix in text:
            s, e = _sentence(text, prefix)
            statements.append(
                Statement(s, e, partners, vectors, domain, polarity, intensity, "fact", None, FOCUS)
            )
    forecasts = []
    for phrase, horizon, window, about in (
        ("double our exports by 2026", "2026", ("2026-01-01", "2026-12-31"), ("KAZ",)),
        (
            "expect freight volumes to grow within five years",
            "five years",
            ("2023-08-03", "2028-08-03"),
            ("CHN",),
        ),
        (
            "trade with China would reach a record by 2030",
            "2030",
            ("2030-01-01", "2030-12-31"),
            ("CHN",),
        ),
    ):
        if phrase in text:
            at = text.index(phrase)
            who = "Aigerim Sadykova"
            forecasts.append(Forecast(at, at + len(phrase), phrase, who, about, horizon, window))
    numbers = []
    if "450 million dollars" in text:
        at = text.index("450 million dollars")
        numbers.append(Quantity(at, at + 19, "450 million dollars", 450e6, "USD"))
    return Extraction(
        article,
        tuple(mentions),
        tuple(persons),
        tuple(quotes),
        tuple(statements),
        tuple(forecasts),
        tuple(numbers),
    )


def fill(db: Path | str) -> list[Extraction]:
    """Store the fictional corpus (plus one skipped file) in `db`; returns what was stored."""
    extractions = [build_extraction(spec, i) for i, spec in enumerate(ARTICLES)]
    with Store(db) as store:
        store.write_batch(extractions, [Skip("/corpus/broken.bin", "binary file")])
    return extractions
