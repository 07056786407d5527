"""The dashboard in process (httpx over ASGI): pages, search and filters, pagination, JSON,
highlighting at the stored offsets, read-only access, and clear pages for broken databases."""

from __future__ import annotations

import asyncio
import hashlib
import re
import sqlite3
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest

from dashboard_data import fill
from multivector import web
from multivector.report import environment
from template_contract import fields_used, merge, unused


class Client:
    """A synchronous face over httpx.AsyncClient + ASGITransport (no server, no thread)."""

    def __init__(self, db: Path | str) -> None:
        self.app = web.create_app(db, n_boot=50)

    def get(self, url: str) -> httpx.Response:
        async def fetch() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
                return await c.get(url)

        return asyncio.run(fetch())

    def close(self) -> None:
        self.app.state.close()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "store.db"
    fill(path)
    return path


@pytest.fixture(scope="module")
def client(db: Path) -> Client:
    return Client(db)


def article_ids(db: Path) -> dict[str, str]:
    con = sqlite3.connect(db)
    try:
        return dict(con.execute("SELECT title, id FROM articles"))
    finally:
        con.close()


def hit_texts(response: httpx.Response) -> list[str]:
    return [h["text"] for h in response.json()["hits"]]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", "Vector balance over time"),
        ("/search", "Search statements and quotes"),
        ("/people", "Aigerim Sadykova"),
        ("/articles", "Washington and Astana discuss security"),
        ("/person/aigerim-sadykova", "trade minister"),
        ("/person/Daniyar%20Omarov", "foreign minister"),  # by name, as statements give it
    ],
)
def test_pages(client: Client, url: str, expected: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert expected in response.text


def test_overview_links_charts_to_search(client: Client) -> None:
    html = client.get("/").text
    assert '<script src="/static/plotly.min.js">' in html
    assert "window.PlotlyConfig" not in html  # the library is served once, not inlined
    assert 'href="/search?vector=RUSSIA"' in html
    assert 'href="/person/aigerim-sadykova"' in html
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=pipeline", ["Kazakhstan and Russia disagreed over pipeline tariffs."]),
        ("q=PIPELINE+tariffs", ["Kazakhstan and Russia disagreed over pipeline tariffs."]),
        ("q=pipeline+grain", []),  # every word must occur
        (
            "vector=CHINA",
            [
                "China and Kazakhstan agreed to expand rail links through the dry port.",
                "Kazakhstan welcomed Chinese investment in solar energy.",
            ],
        ),
        (
            "vector=RUSSIA&polarity=tension",
            [
                "Kazakhstan also criticised Russian transit fees as unfair.",
                "Kazakhstan and Russia disagreed over pipeline tariffs.",
            ],
        ),
        (
            "partner=usa",
            ["Kazakhstan and the United States held talks on border security cooperation."],
        ),
        (
            "domain=energy&polarity=cooperation",
            ["Kazakhstan welcomed Chinese investment in solar energy."],
        ),
        (
            "date_from=2024-01-01",
            [
                "Kazakhstan and the United States held talks on border security cooperation.",
                "Kazakhstan and Russia disagreed over pipeline tariffs.",
            ],
        ),
        (
            "date_to=2023-03&vector=RUSSIA",
            [
                "Kazakhstan and Russia signed a grain corridor agreement on Tuesday.",
                "Kazakhstan also criticised Russian transit fees as unfair.",
            ],
        ),
        ("source=caspian&q=solar", ["Kazakhstan welcomed Chinese investment in solar energy."]),
        (
            "kind=quotes&q=partnership",
            ["Our partnership with Washington is balanced and pragmatic,"],
        ),
        (
            "kind=quotes&speaker=sadykova",
            [
                "The corridor will double our exports by 2026,",
                "We expect freight volumes to grow within five years,",
            ],
        ),
        ("q=%22%29+OR+1%3D1+--+%27", []),  # FTS operators and SQL are inert text
        ("q=NEAR%28a+b%29+*", []),
    ],
)
def test_search_and_filters(client: Client, query: str, expected: list[str]) -> None:
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 200
    assert sorted(hit_texts(response)) == sorted(expected)
    html = client.get(f"/search?{query}")
    assert html.status_code == 200
    for text in expected:
        assert text.replace('"', "&#34;") in html.text


def test_pagination_walks_every_hit(client: Client) -> None:
    seen, url = [], "/api/search?limit=2"
    while url:
        page = client.get(url).json()
        seen += [h["text"] for h in page["hits"]]
        assert len(page["hits"]) <= 2
        url = page["pager"]["next_href"]  # the API's links stay in the API
        assert not url or url.startswith("/api/search?")
    assert len(seen) == len(set(seen)) == 6
    second = client.get("/search?limit=2&offset=2").text
    assert 'rel="prev"' in second and 'rel="next"' in second
    assert "offset=0" in re.search(r'rel="prev"[^>]*href="([^"]+)"', second).group(1)
    last = client.get("/api/search?limit=2&offset=4").json()
    assert last["pager"]["next_href"] == ""


@pytest.mark.parametrize(
    "url",
    ["/search?limit=abc", "/search?date_from=yesterday", "/person/nobody-at-all", "/article/0000"],
)
def test_bad_requests_get_a_clear_page(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code in (400, 404)
    assert "Cannot show this page" in response.text
    assert "Traceback" not in response.text


def test_person_page_has_roles_quotes_and_forecasts(client: Client) -> None:
    data = client.get("/api/person/aigerim-sadykova").json()
    assert data["name"] == "Aigerim Sadykova"
    assert {r["role"] for r in data["roles"]} == {"trade minister"}
    assert [q["published"] for q in data["quotes"]] == ["2023-02-14", "2023-08-03"]
    assert [f["horizon"] for f in data["forecasts"]] == ["2026", "five years", "2030"]
    assert data["forecasts"][0]["window"] == "2026-01-01 → 2026-12-31"
    html = client.get("/person/aigerim-sadykova").text
    assert 'id="chart-person"' in html and '"x":["2023","2024"]' in html.replace(" ", "")


class _Marks(HTMLParser):
    """Text covered by each <mark data-ref>, across the segments it was split into."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[dict[str, Any]] = []
        self.text: dict[str, str] = {}
        self.kinds: dict[str, str] = {}
        self.inside = False
        self.depth_ok = True
        self.body: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "div" and a.get("id") == "article-text":
            self.inside = True
        elif self.inside and tag == "mark":
            self.stack.append(a)
            self.kinds[a["data-ref"] or ""] = a["class"] or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark" and self.inside:
            self.stack.pop()
        elif tag == "div" and self.inside:
            self.depth_ok = not self.stack
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.body.append(data)
            for a in self.stack:
                ref = a["data-ref"] or ""
                self.text[ref] = self.text.get(ref, "") + data


def test_article_highlights_every_record_at_its_offsets(client: Client, db: Path) -> None:
    aid = article_ids(db)["Washington and Astana discuss security"]
    response = client.get(f"/article/{aid}")
    assert response.status_code == 200
    marks = _Marks()
    marks.feed(response.text)
    assert marks.depth_ok, "every <mark> is closed inside the article text"
    record = client.get(f"/api/article/{aid}").json()
    con = sqlite3.connect(db)
    text = con.execute("SELECT text FROM articles WHERE id = ?", (aid,)).fetchone()[0]
    con.close()
    assert "".join(marks.body) == text  # the text itself is untouched
    assert {r["kind"] for r in record["records"]} == {
        "boilerplate",
        "mention",
        "statement",
        "quote",
        "forecast",
    }
    for r in record["records"]:
        assert marks.text[r["anchor"]] == text[r["start"] : r["end"]] == r["text"]
        assert marks.kinds[r["anchor"]] == r["kind"]
    quote = next(r for r in record["records"] if r["kind"] == "quote")
    assert quote["text"].startswith('"Our partnership with Washington')


@pytest.mark.parametrize(
    ("spans", "text"),
    [
        ([(0, 5, "a"), (3, 9, "b")], "overlapping spans"),  # crossing
        ([(0, 12, "a"), (2, 4, "b"), (2, 4, "c")], "nested twice"),
        ([(0, 3, "a"), (3, 6, "b")], "adjacent <&>"),
        ([(4, 4, "empty"), (20, 99, "outside")], "ignored spans"),
    ],
)
def test_highlight_splits_overlaps_into_valid_html(
    spans: list[tuple[int, int, str]], text: str
) -> None:
    html = str(web.highlight(text, [web.Span(s, e, k, f"{k}-{s}", k) for s, e, k in spans]))
    marks = _Marks()
    marks.feed(f'<div id="article-text">{html}</div>')
    assert marks.depth_ok
    assert "".join(marks.body) == text
    for s, e, k in spans:
        if 0 <= s < e <= len(text):
            assert marks.text[f"{k}-{s}"] == text[s:e]
        else:
            assert f"{k}-{s}" not in marks.text


def test_json_endpoints(client: Client) -> None:
    overview = client.get("/api/overview").json()
    assert overview["summary"]["statements"] == 6
    assert "chart" not in overview["balance"]
    people = client.get("/api/people?limit=1").json()
    assert len(people["rows"]) == 1 and people["pager"]["next_href"]
    articles = client.get("/api/articles").json()
    assert articles["rows"][0]["label"] == "Washington and Astana discuss security"
    missing = client.get("/api/person/nobody")
    assert missing.status_code == 404 and "nobody" in missing.json()["error"]


def test_dashboard_never_writes(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    fill(path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    client = Client(path)
    for url in ("/", "/search?q=grain", "/people", "/articles", "/person/aigerim-sadykova"):
        assert client.get(url).status_code == 200
    dashboard = client.app.state.dashboard()
    with dashboard.db.engine.connect() as conn, pytest.raises(Exception, match="readonly"):
        conn.exec_driver_sql("DELETE FROM articles")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such database"),
        (b"definitely not a database", "not a SQLite database"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "cannot read the database"),
    ],
)
def test_missing_or_corrupt_database_gives_a_clear_page(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "broken.db"
    if content is not None:
        path.write_bytes(content)
    client = Client(path)
    for url in ("/", "/search?q=x"):
        response = client.get(url)
        assert response.status_code == 503
        assert message in response.text and "Traceback" not in response.text
    api = client.get("/api/overview")
    assert api.status_code == 503 and message in api.json()["error"]


def test_empty_database_is_not_a_multivector_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    response = Client(path).get("/")
    assert response.status_code == 503 and "not a multivector database" in response.text


def test_cli_serve_refuses_a_missing_database(runner, tmp_path: Path) -> None:
    from multivector.cli import app

    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "no such database" in result.stderr


WEB_TEMPLATES = {
    "web/overview.html": web.OverviewPage,
    "web/search.html": web.SearchPage,
    "web/person.html": web.PersonPage,
    "web/article.html": web.ArticlePage,
    "web/list.html": web.ListPage,
    "web/error.html": web.ErrorPage,
}


def test_web_templates_use_exactly_the_documented_fields() -> None:
    env = environment()
    used = merge(
        *(fields_used(env, name, {"page": cls}) for name, cls in WEB_TEMPLATES.items()),
        *(fields_used(env, "web/base.html", {"page": cls}) for cls in WEB_TEMPLATES.values()),
        fields_used(env, "web/_pager.html", {"pager": web.Pager}),
    )
    classes = [
        *WEB_TEMPLATES.values(),
        web.Pager,
        web.Option,
        web.Hit,
        web.PersonRole,
        web.PersonQuote,
        web.PersonForecast,
        web.RecordRow,
        web.KindCount,
        web.ListRow,
    ]
    assert unused(used, classes) == {}
