"""Dashboard latency on a large database: p50/p95 of the main pages and the search endpoint.

Fills a SQLite database with generated articles and 1,000,000 relation statements (plus
quotes, forecasts, mentions and persons), written straight into the store's tables with
SQLAlchemy executemany (the schema, indexes and search triggers come from `Store`), then
requests every page a bounded number of times in process (httpx over ASGI: no network) and
prints p50/p95 per page. The overview is computed once and cached until the data change;
its first (cold) computation is printed separately.

    python bench/serve.py [--statements 1000000] [--requests 40] [--db /tmp/mv-bench.db]

All text is generated from a small fictional vocabulary; nothing is read from the corpus.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from multivector import store as t
from multivector.queries import DOMAINS, POLARITIES
from multivector.records import content_hash
from multivector.store import Store
from multivector.web import create_app

PARTNERS = {
    "RUS": "Russia",
    "CHN": "China",
    "USA": "the United States",
    "TUR": "Turkey",
    "UZB": "Uzbekistan",
    "IND": "India",
    "EU": "the European Union",
    "JPN": "Japan",
    "IRN": "Iran",
    "UN": "the United Nations",
    "SCO": "the SCO",
}
VECTORS = {
    "RUS": ["RUSSIA"],
    "CHN": ["CHINA"],
    "USA": ["WEST"],
    "TUR": ["TURKIC"],
    "UZB": ["CENTRAL_ASIA"],
    "IND": ["ASIA"],
    "EU": ["WEST"],
    "JPN": ["ASIA"],
    "IRN": ["ISLAMIC"],
    "UN": ["MULTILATERAL"],
    "SCO": ["RUSSIA", "CHINA"],
}
VERBS = [
    "signed",
    "discussed",
    "criticised",
    "welcomed",
    "expanded",
    "reviewed",
    "postponed",
    "praised",
    "questioned",
    "agreed on",
]
TOPICS = [
    "a grain corridor",
    "pipeline tariffs",
    "rail freight",
    "border security",
    "solar investment",
    "water sharing",
    "visa rules",
    "uranium exports",
    "a customs deal",
    "airline routes",
    "wheat quotas",
    "a digital hub",
    "oil swaps",
    "migrant workers",
]
FIRST = [
    "Aigerim",
    "Daniyar",
    "Saule",
    "Marat",
    "Dana",
    "Yerlan",
    "Asel",
    "Timur",
    "Gulnara",
    "Nurlan",
    "Aruzhan",
    "Bolat",
    "Zhanna",
    "Serik",
    "Madina",
    "Ruslan",
    "Aliya",
    "Askar",
    "Dinara",
    "Kairat",
]
LAST = [
    "Sadykova",
    "Omarov",
    "Bekova",
    "Tulegenov",
    "Abenova",
    "Iskakov",
    "Nurlanova",
    "Seitkali",
    "Zhaksybek",
    "Kassymov",
    "Mukanova",
    "Dzhaksy",
    "Utegen",
    "Baimukhan",
    "Kenzhebek",
    "Orazova",
    "Temirov",
    "Yesenova",
    "Zhumabek",
    "Amanov",
    "Rakhimova",
    "Sultanov",
    "Tokenova",
    "Esenov",
    "Kuanysh",
]
ROLES = [
    "foreign minister",
    "trade minister",
    "ambassador",
    "deputy prime minister",
    "analyst",
    "energy minister",
    "spokesperson",
    "economist",
]
SOURCES = ["Steppe Courier", "Caspian Review", "Orient Wire", "Silk Road Times", "Capital Daily"]
RARE = [f"zq{i:05d}" for i in range(20000)]  # rare words: each in a handful of statements


def generate(db: Path, n_statements: int, per_article: int = 10, seed: int = 7) -> dict[str, Any]:
    """Write the generated corpus; returns sample keys to request."""
    rng = random.Random(seed)
    db.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = Store(db)
    engine = store.engine
    people = [
        (f"{first.lower()}-{last.lower()}", f"{first} {last}", rng.choice(ROLES))
        for first in FIRST
        for last in LAST
    ]
    with engine.begin() as conn:
        conn.execute(
            t.persons.insert(), [{"key": k, "name": n, "country": "KAZ"} for k, n, _ in people]
        )
    n_articles = n_statements // per_article
    started = time.perf_counter()
    chunk = 2000
    sample: dict[str, Any] = {"articles": [], "people": [p[0] for p in people[:50]]}
    for first in range(0, n_articles, chunk):
        rows: dict[sa.Table, list[dict[str, Any]]] = {
            tab: []
            for tab in (
                t.articles,
                t.statements,
                t.quotes,
                t.forecasts,
                t.mentions,
                t.article_persons,
            )
        }
        for i in range(first, min(n_articles, first + chunk)):
            year = 2015 + rng.randrange(10)
            published = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
            speaker_key, speaker, role = rng.choice(people)
            parts = [f"Generated report {i} on Kazakhstan's partners\n\n"]
            offset = len(parts[0])
            stmt_rows = []
            mention_rows = []
            for _ in range(per_article):
                code = rng.choice(list(PARTNERS))
                sentence = (
                    f"Kazakhstan and {PARTNERS[code]} {rng.choice(VERBS)} "
                    f"{rng.choice(TOPICS)} in talks about {rng.choice(RARE)}. "
                )
                stmt_rows.append(
                    {
                        "char_start": offset,
                        "char_end": offset + len(sentence) - 1,
                        "partners": [code],
                        "vectors": VECTORS[code],
                        "domain": rng.choice(DOMAINS),
                        "polarity": rng.choice(POLARITIES),
                        "intensity": round(rng.uniform(-1, 1), 3),
                        "modality": "fact",
                        "speaker": speaker if rng.random() < 0.2 else None,
                        "focus": "KAZ",
                    }
                )
                mention_rows.append(
                    {
                        "char_start": offset,
                        "char_end": offset + 10,
                        "surface": "Kazakhstan",
                        "actor": "KAZ",
                        "kind": "country",
                        "place": False,
                        "in_name": False,
                        "ethnic": False,
                    }
                )
                parts.append(sentence)
                offset += len(sentence)
            quote = f'"We will keep {rng.choice(TOPICS)} on track," said {speaker}, the {role}. '
            q_start = offset
            parts.append(quote)
            offset += len(quote)
            forecast = f"Trade is expected to grow by {year + rng.randrange(1, 8)}."
            f_start = offset
            parts.append(forecast)
            text = "".join(parts)
            aid = content_hash(text)
            if i % (n_articles // 50 or 1) == 0:
                sample["articles"].append(aid)
            rows[t.articles].append(
                {
                    "id": aid,
                    "doc": f"gen-{i:07d}.txt",
                    "path": f"/gen/{i:07d}.txt",
                    "title": f"Generated report {i}",
                    "source": rng.choice(SOURCES),
                    "published": published,
                    "language": "en",
                    "encoding": "utf-8",
                    "format": "txt",
                    "url": None,
                    "chars": len(text),
                    "text": text,
                }
            )
            for r in stmt_rows:
                rows[t.statements].append({"article_id": aid, **r})
            for r in mention_rows:
                rows[t.mentions].append({"article_id": aid, **r})
            rows[t.quotes].append(
                {
                    "article_id": aid,
                    "char_start": q_start,
                    "char_end": q_start + quote.index(",") + 2,
                    "speaker": speaker,
                    "speaker_id": "p0",
                    "person_key": speaker_key,
                    "speaker_mention": speaker,
                    "text": quote[1 : quote.index(",")],
                    "kind": "direct",
                    "cue": "said",
                }
            )
            rows[t.article_persons].append(
                {
                    "article_id": aid,
                    "local_id": "p0",
                    "person_key": speaker_key,
                    "name": speaker,
                    "aliases": [],
                    "roles": [role],
                    "country": "KAZ",
                }
            )
            rows[t.forecasts].append(
                {
                    "article_id": aid,
                    "char_start": f_start,
                    "char_end": f_start + len(forecast),
                    "text": forecast,
                    "speaker": speaker if rng.random() < 0.5 else None,
                    "about": ["KAZ"],
                    "horizon": forecast[-5:-1],
                    "window_from": f"{forecast[-5:-1]}-01-01",
                    "window_to": f"{forecast[-5:-1]}-12-31",
                }
            )
        with engine.begin() as conn:
            for tab, tab_rows in rows.items():
                conn.execute(tab.insert(), tab_rows)
        done = min(n_articles, first + chunk) * per_article
        print(
            f"\r  {done:,} statements written ({time.perf_counter() - started:.0f} s)",
            end="",
            file=sys.stderr,
        )
    print(file=sys.stderr)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    sample["fill_seconds"] = time.perf_counter() - started
    sample["rare"] = RARE[:200]
    return sample


def pages(sample: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """Page name -> a function giving the next URL to request."""
    return {
        "overview /": lambda: "/",
        "search (no words)": lambda: f"/search?offset={rng.randrange(0, 500) * 50}",
        "search common word": lambda: f"/search?q={rng.choice(TOPICS).split()[-1]}",
        "search rare word": lambda: f"/search?q={rng.choice(sample['rare'])}",
        "search 2 words + filters": lambda: (
            f"/search?q=pipeline+tariffs&vector={rng.choice(['RUSSIA', 'CHINA', 'WEST'])}"
            f"&polarity={rng.choice(POLARITIES)}&date_from=2019-01-01&date_to=2021-12-31"
        ),
        "search vector+domain": lambda: (
            f"/search?vector={rng.choice(['TURKIC', 'ISLAMIC', 'ASIA'])}"
            f"&domain={rng.choice(DOMAINS)}"
        ),
        "search partner+source": lambda: (
            f"/search?partner={rng.choice(list(PARTNERS))}&source={rng.choice(SOURCES)[:6]}"
        ),
        "search quotes+speaker": lambda: f"/search?kind=quotes&q=track&speaker={rng.choice(LAST)}",
        "api/search": lambda: f"/api/search?q={rng.choice(TOPICS).split()[0]}&limit=100",
        "person": lambda: f"/person/{rng.choice(sample['people'])}",
        "article": lambda: f"/article/{rng.choice(sample['articles'])}",
        "people list": lambda: f"/people?offset={rng.randrange(0, 10) * 50}",
        "articles list": lambda: f"/articles?offset={rng.randrange(0, 100) * 50}",
    }


async def measure(db: Path, sample: dict[str, Any], requests: int) -> None:
    rng = random.Random(1)
    app = create_app(db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bench", timeout=600
    ) as client:
        started = time.perf_counter()
        first = await client.get("/")
        assert first.status_code == 200, first.text[:500]
        print(
            f"overview, first (cold) computation: {time.perf_counter() - started:.2f} s "
            "(cached afterwards until the data change)"
        )
        print(f"{'page':28} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for name, url in pages(sample, rng).items():
            times = []
            for _ in range(requests):
                u = url()
                t0 = time.perf_counter()
                response = await client.get(u)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (u, response.status_code, response.text[:300])
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            print(
                f"{name:28} {len(times):>4} {statistics.median(times):>8.1f} {p95:>8.1f} "
                f"{times[-1]:>8.1f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40, help="requests per page")
    parser.add_argument("--db", type=Path, default=Path("/tmp/multivector-bench-serve.db"))
    parser.add_argument("--reuse", action="store_true", help="reuse an existing --db")
    args = parser.parse_args()
    if args.reuse and args.db.exists():
        import sqlite3

        Store(args.db).close()  # apply any newer migrations (indexes)
        con = sqlite3.connect(args.db)
        sample = {
            "articles": [
                r[0] for r in con.execute("SELECT id FROM articles ORDER BY rowid LIMIT 50")
            ],
            "people": [r[0] for r in con.execute("SELECT key FROM persons LIMIT 50")],
            "rare": RARE[:200],
        }
        con.close()
    else:
        print(f"filling {args.db} with {args.statements:,} statements ...", file=sys.stderr)
        sample = generate(args.db, args.statements)
        print(f"filled in {sample['fill_seconds']:.0f} s; {args.db.stat().st_size / 1e6:.0f} MB")
    asyncio.run(measure(args.db, sample, args.requests))


if __name__ == "__main__":
    main()
