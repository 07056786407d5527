"""Dashboard search latency on PostgreSQL, with the word indexes and with the LIKE fallback.

    multivector analyze CORPUS --db postgresql://.../mv      # any analysed database
    python bench/search_pg.py postgresql://.../mv [--requests 7]

Requests each search of a fixed list through the dashboard (httpx over ASGI, in process), first
as a database with migration 0004 serves it (GIN word indexes), then as one without it would (the
dashboard told there is no word index, so it filters with ILIKE), and prints the median of each.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import httpx

from multivector.web import create_app

SEARCHES = (
    "q=pipeline",
    "q=wheat",
    "q=uranium+supplies",
    "q=Sadykov",
    "q=visa&vector=CHINA",
    "kind=quotes&q=partner",
    "kind=quotes&q=jobs",
)


async def medians(url: str, requests: int, *, word_index: bool) -> dict[str, float]:
    app = create_app(url)
    if not word_index:
        app.state.dashboard().search_tables = set()  # as on a database without migration 0004
    out = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as c:
        for search in SEARCHES:
            times = []
            for _ in range(requests):
                start = time.perf_counter()
                response = await c.get(f"/api/search?{search}&limit=50")
                times.append(1000 * (time.perf_counter() - start))
                response.raise_for_status()
            out[search] = statistics.median(times)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="postgresql://... of an analysed database")
    parser.add_argument("--requests", type=int, default=7, help="requests per search")
    args = parser.parse_args()
    indexed = asyncio.run(medians(args.url, args.requests, word_index=True))
    plain = asyncio.run(medians(args.url, args.requests, word_index=False))
    print(f"{'search':28} {'word index ms':>14} {'ILIKE ms':>10}")
    for search in SEARCHES:
        print(f"{search:28} {indexed[search]:>14.1f} {plain[search]:>10.1f}")


if __name__ == "__main__":
    main()
