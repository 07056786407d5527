"""The dashboard and the report in a real headless Chromium (Debian's `chromium`, driven by
Playwright's Python API; no browser is ever downloaded). The dashboard is served by uvicorn
on 127.0.0.1 in a background thread. Skips when /usr/bin/chromium or playwright is missing.

Set MULTIVECTOR_SCREENSHOTS=DIR to keep the screenshots for a look.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dashboard_data import fill

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} not installed "
        "(apt-get install chromium; scripts/test does it when root)",
    ),
]
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "store.db"
    fill(path)
    return path


@pytest.fixture(scope="module")
def server(db: Path) -> Iterator[str]:
    import uvicorn

    from multivector.web import create_app

    port = _free_port()
    config = uvicorn.Config(
        create_app(db, n_boot=50), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []  # console errors and uncaught exceptions
    tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    yield tab
    context.close()


def _keep(path: Path) -> None:
    folder = os.environ.get("MULTIVECTOR_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)


def test_overview_renders_every_chart(page: Any, server: str, tmp_path: Path) -> None:
    page.goto(server + "/")
    page.wait_for_selector(".js-plotly-plot .main-svg")
    plots = page.locator(".js-plotly-plot")
    assert plots.count() == 6
    traces = page.evaluate(
        "Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => g.data.length)"
    )
    assert all(n > 0 for n in traces)
    assert page.errors == []
    shot = tmp_path / "dashboard-overview.png"
    page.screenshot(path=str(shot), full_page=True)
    _keep(shot)
    page.click("#profile a:has-text('CHINA')")
    page.wait_for_url("**/search?vector=CHINA")
    assert page.locator("tr.hit").count() == 2


def test_search_filter_and_paginate(page: Any, server: str) -> None:
    page.goto(server + "/search")
    page.fill("input[name=q]", "pipeline tariffs")
    page.click("button[type=submit]")
    page.wait_for_url("**/search?*q=pipeline*")
    hits = page.locator("tr.hit")
    assert hits.count() == 1
    assert "disagreed over pipeline tariffs" in hits.first.inner_text()

    page.fill("input[name=q]", "")
    page.select_option("select[name=vector]", "RUSSIA")
    page.select_option("select[name=polarity]", "tension")
    page.click("button[type=submit]")
    page.wait_for_url("**polarity=tension*")
    texts = page.locator("tr.hit td:first-child").all_inner_texts()
    assert sorted(texts) == [
        "Kazakhstan also criticised Russian transit fees as unfair.",
        "Kazakhstan and Russia disagreed over pipeline tariffs.",
    ]

    page.goto(server + "/search?limit=4")
    first = page.locator("tr.hit td:first-child").all_inner_texts()
    page.click("a.next >> nth=0")
    page.wait_for_url("**offset=4*")
    second = page.locator("tr.hit td:first-child").all_inner_texts()
    assert len(first) == 4 and len(second) == 2 and not set(first) & set(second)
    page.click("a.prev >> nth=0")
    page.wait_for_url("**offset=0*")
    assert page.locator("tr.hit td:first-child").all_inner_texts() == first
    assert page.errors == []


def test_person_then_article_highlights(page: Any, server: str, tmp_path: Path) -> None:
    page.goto(server + "/search?kind=quotes&q=partnership")
    page.click("tr.hit a[href^='/person/']")
    page.wait_for_url("**/person/**")
    assert page.inner_text("h2.person-name") == "Daniyar Omarov"
    assert "foreign minister" in page.inner_text("table.roles")
    page.wait_for_selector("#chart-person .main-svg")
    assert page.evaluate("document.getElementById('chart-person').data.length") == 2
    page.click("table.quotes a")
    page.wait_for_url("**/article/**#q-*")
    quote = page.locator("#article-text mark.quote")
    assert "".join(quote.all_text_contents()).startswith('"Our partnership with Washington')
    statements = page.locator("#article-text mark.statement[id]")
    assert statements.count() == 2
    texts = page.evaluate("""() => {
        const byRef = {};
        for (const m of document.querySelectorAll('#article-text mark')) {
            const ref = m.dataset.ref;
            if (!byRef[ref]) byRef[ref] = {kind: m.className, parts: []};
            byRef[ref].parts.push(m);
        }
        // every record's text: its segments, without counting nested copies twice
        return Object.fromEntries(Object.entries(byRef).map(([ref, v]) =>
            [ref, v.parts.filter(m => !m.parentElement.closest(`mark[data-ref="${ref}"]`))
                .map(m => m.textContent).join('')]));
    }""")
    rows = page.locator("table.records tr[class^=record-]")
    assert rows.count() == len(texts) == 12
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td").all_inner_texts()
        anchor = rows.nth(i).locator("a").get_attribute("href").lstrip("#")
        assert texts[anchor] == cells[2]
    assert page.locator("#article-text mark.mention").count() >= 7
    assert page.locator("#article-text mark.boilerplate").inner_text() == "Read more on our website"
    shot = tmp_path / "dashboard-article.png"
    page.screenshot(path=str(shot), full_page=True)
    _keep(shot)
    assert page.errors == []


def test_report_renders_offline(browser: Any, db: Path, tmp_path: Path) -> None:
    from multivector.report import build_report

    report = build_report(db, out=tmp_path / "report.html", today=date(2027, 1, 1), n_boot=100)
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 1000})
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(report.as_uri())
    tab.wait_for_selector(".js-plotly-plot .main-svg")
    assert tab.locator(".js-plotly-plot").count() == 6
    drawn = tab.evaluate("""Array.from(document.querySelectorAll('.js-plotly-plot')).map(g =>
        [g.id, g.data.length, g.querySelectorAll('.main-svg path, .main-svg rect').length])""")
    for chart, traces, shapes in drawn:
        assert traces > 0 and shapes > 0, chart
    assert errors == []
    assert [u for u in requests if not u.startswith("file:")] == []
    shot = tmp_path / "report.png"
    tab.screenshot(path=str(shot), full_page=True)
    _keep(shot)
    assert shot.stat().st_size > 50_000
    context.close()
