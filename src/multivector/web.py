"""`multivector serve`: a local, read-only dashboard over a stored corpus (Starlette + Jinja2).

Pages: the overview (the report's charts), search over statements and quotes with filters,
one page per person and per article (its text with every record highlighted in place), and
JSON endpoints under `/api/` for the same data. The database is opened read-only (SQLite
`mode=ro`; read-only transactions elsewhere), queries are parameterised, every list is
paginated (`limit`/`offset`), and a missing or broken database gives a clear page.

Each page renders one typed context (a frozen dataclass in `contexts.py`, filled by the
queries of `dashboard.py`); the templates use exactly the documented fields, which a test
checks.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import re
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .contexts import (
    ArticlePage,
    ErrorPage,
    Hit,
    KindCount,
    ListPage,
    ListRow,
    Option,
    OverviewPage,
    Pager,
    PersonForecast,
    PersonPage,
    PersonQuote,
    PersonRole,
    RecordRow,
    SearchPage,
)
from .dashboard import (
    MAX_LIMIT,
    SEARCH_TABLES,
    WEB_LINKS,
    Dashboard,
    article_href,
    fts_query,
    person_href,
)
from .errors import MultivectorError, StoreError
from .highlight import Span, highlight
from .queries import DOMAINS, POLARITIES, open_readonly
from .report import environment

#: The names the CLI and tests use, including those that now live in the modules this app is
#: built from (page contexts, the dashboard's queries, highlighting).
__all__ = [
    "DEFAULT_LIMIT",
    "DOMAINS",
    "MAX_LIMIT",
    "POLARITIES",
    "SEARCH_FIELDS",
    "SEARCH_TABLES",
    "WEB_LINKS",
    "ArticlePage",
    "Dashboard",
    "ErrorPage",
    "Hit",
    "KindCount",
    "ListPage",
    "ListRow",
    "Option",
    "OverviewPage",
    "Pager",
    "PersonForecast",
    "PersonPage",
    "PersonQuote",
    "PersonRole",
    "RecordRow",
    "SearchPage",
    "Span",
    "article_href",
    "create_app",
    "fts_query",
    "highlight",
    "person_href",
    "serve",
]

DEFAULT_LIMIT = 50


# --------------------------------------------------------------------------- helpers


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        number = int(value) if value not in (None, "") else default
    except ValueError:
        raise HTTPException(400, f"not a whole number: {value!r}") from None
    return max(low, min(high, number))


def _paging(request: Request) -> tuple[int, int]:
    limit = _int(request.query_params.get("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _int(request.query_params.get("offset"), 0, 0, 10**9)
    return limit, offset


def _pager(request: Request, limit: int, offset: int, shown: int, more: bool) -> Pager:
    params = dict(request.query_params)

    def href(new_offset: int) -> str:
        return f"{request.url.path}?{urlencode({**params, 'limit': limit, 'offset': new_offset})}"

    return Pager(
        limit=limit,
        offset=offset,
        shown=shown,
        prev_href=href(max(0, offset - limit)) if offset > 0 else "",
        next_href=href(offset + limit) if more else "",
    )


def _api(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return f"/api{request.url.path if request.url.path != '/' else '/overview'}{query}"


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in ("chart", "body")
        }
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, Markup) else value


# --------------------------------------------------------------------------- the data


# --------------------------------------------------------------------------- the app


def _options(values: Sequence[str], chosen: str, blank: str = "any") -> tuple[Option, ...]:
    return (Option("", blank, not chosen), *(Option(v, v, v == chosen) for v in values))


SEARCH_FIELDS = (
    "q",
    "kind",
    "vector",
    "partner",
    "speaker",
    "domain",
    "polarity",
    "date_from",
    "date_to",
    "source",
)


def search_page(request: Request, d: Dashboard) -> SearchPage:
    """The search form as filled in, and the page of hits it asks for."""
    params = {k: request.query_params.get(k, "").strip() for k in SEARCH_FIELDS}
    for key in ("date_from", "date_to"):
        if params[key] and not re.fullmatch(r"\d{4}(-\d{2}){0,2}", params[key]):
            raise HTTPException(400, f"{key} must be a date like 2024-05-31")
    kind = params["kind"] if params["kind"] in SEARCH_TABLES else "statements"
    limit, offset = _paging(request)
    hits, more = d.search({**params, "kind": kind}, limit, offset)
    return SearchPage(
        title="Search · multivector",
        q=params["q"],
        kind=kind,
        kinds=tuple(Option(k, k, k == kind) for k in SEARCH_TABLES),
        vectors=_options(d.vector_names, params["vector"]),
        domains=_options(DOMAINS, params["domain"]),
        polarities=_options(POLARITIES, params["polarity"]),
        partner=params["partner"],
        speaker=params["speaker"],
        source=params["source"],
        date_from=params["date_from"],
        date_to=params["date_to"],
        hits=tuple(hits),
        pager=_pager(request, limit, offset, len(hits), more),
        api_href=_api(request),
    )


def person_page(request: Request, d: Dashboard) -> PersonPage:
    """One person's page, paginated over their quotes; 404 when nothing is known of them."""
    key = request.path_params["key"]
    limit, offset = _paging(request)
    page, more = d.person(key, limit, offset)
    if page is None:
        raise HTTPException(404, f"no person {key!r} in this database")
    return dataclasses.replace(
        page,
        pager=_pager(request, limit, offset, len(page.quotes), more),
        api_href=_api(request),
    )


def error_details(exc: Exception) -> tuple[int, str, str]:
    """The status, message and hint to show for a failure (never a traceback)."""
    if isinstance(exc, HTTPException):
        return exc.status_code, str(exc.detail), ""
    if isinstance(exc, StoreError | MultivectorError):
        hint = "Check the --db option, or run `multivector analyze` to create the database."
        return 503, str(exc), hint
    if isinstance(exc, sa.exc.SQLAlchemyError):
        message = (
            f"the database cannot be read: {exc.__class__.__name__}: "
            f"{str(getattr(exc, 'orig', exc)).splitlines()[0]}"
        )
        return 503, message, "The file may be damaged or not a multivector database."
    return 500, f"internal error: {exc.__class__.__name__}: {exc}", ""


class Site:
    """The dashboard's endpoints over one database, opened read-only on first use."""

    def __init__(self, db: str | Path, *, n_boot: int) -> None:
        self.db = db
        self.n_boot = n_boot
        self.env = environment()
        self._dashboard: Dashboard | None = None
        self._lock = threading.Lock()

    def dashboard(self) -> Dashboard:
        with self._lock:
            if self._dashboard is None:
                self._dashboard = Dashboard(open_readonly(self.db), n_boot=self.n_boot)
            return self._dashboard

    def close(self) -> None:
        with self._lock:
            if self._dashboard is not None:
                self._dashboard.db.close()
                self._dashboard = None

    def warm_up(self) -> None:
        try:
            self.dashboard().overview()
        except Exception:  # the first request reports the problem as a page
            return

    # ------------------------------------------------------------------ responses

    def render(self, name: str, page: Any, status: int = 200) -> HTMLResponse:
        return HTMLResponse(
            self.env.get_template(f"web/{name}.html").render(page=page), status_code=status
        )

    def page_or_json(self, request: Request, name: str, page: Any) -> Response:
        if _wants_json(request):
            return JSONResponse(_plain(page))
        return self.render(name, page)

    async def on_error(self, request: Request, exc: Exception) -> Response:
        status, message, hint = error_details(exc)
        if _wants_json(request):
            return JSONResponse({"error": message, "status": status}, status_code=status)
        page = ErrorPage(title=f"{status} · multivector", message=message, hint=hint)
        return self.render("error", page, status)

    def guarded(self, endpoint: Callable[[Request], Any]) -> Callable[[Request], Any]:
        """Every failure becomes a clear page (or JSON error), never a traceback."""

        @functools.wraps(endpoint)
        async def run(request: Request) -> Response:
            try:
                return await endpoint(request)  # type: ignore[no-any-return]
            except Exception as exc:
                return await self.on_error(request, exc)

        return run

    # ------------------------------------------------------------------ endpoints

    async def overview(self, request: Request) -> Response:
        return self.page_or_json(request, "overview", self.dashboard().overview())

    async def search(self, request: Request) -> Response:
        return self.page_or_json(request, "search", search_page(request, self.dashboard()))

    async def person(self, request: Request) -> Response:
        return self.page_or_json(request, "person", person_page(request, self.dashboard()))

    async def article(self, request: Request) -> Response:
        page = self.dashboard().article(request.path_params["aid"])
        if page is None:
            raise HTTPException(404, f"no article {request.path_params['aid']!r}")
        return self.page_or_json(request, "article", page)

    def listing(
        self, title: str, fetch: Callable[[Dashboard, int, int], tuple[list[ListRow], bool]]
    ) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            limit, offset = _paging(request)
            found, more = fetch(self.dashboard(), limit, offset)
            page = ListPage(
                title=f"{title} · multivector",
                heading=title,
                rows=tuple(found),
                pager=_pager(request, limit, offset, len(found), more),
                api_href=_api(request),
            )
            return self.page_or_json(request, "list", page)

        return endpoint

    def routes(self) -> list[Route]:
        """The pages, the same under /api/ as JSON, and plotly's JavaScript."""
        pages = [
            Route("/", self.guarded(self.overview)),
            Route("/search", self.guarded(self.search)),
            Route("/person/{key:path}", self.guarded(self.person)),
            Route("/article/{aid}", self.guarded(self.article)),
            Route("/people", self.guarded(self.listing("People", Dashboard.people))),
            Route("/articles", self.guarded(self.listing("Articles", Dashboard.articles))),
        ]
        api = [Route("/api/overview", self.guarded(self.overview))] + [
            Route("/api" + r.path, r.endpoint) for r in pages[1:]
        ]
        return [*pages, *api, Route("/static/plotly.min.js", plotly_js)]


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def plotly_js(request: Request) -> Response:
    return Response(
        _plotly_js(),
        media_type="application/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def create_app(db: str | Path, *, n_boot: int = 200, warm: bool = False) -> Starlette:
    """The dashboard app for one database (opened read-only on first use).

    `warm`: compute the overview in the background as the server starts, so that the first
    visitor does not wait for the indices of a large corpus."""
    site = Site(db, n_boot=n_boot)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if warm:
            threading.Thread(target=site.warm_up, name="multivector-warm-up", daemon=True).start()
        yield
        site.close()

    app = Starlette(
        routes=site.routes(),
        exception_handlers={Exception: site.on_error, HTTPException: site.on_error},
        lifespan=lifespan,
    )
    app.state.dashboard = site.dashboard
    app.state.close = site.close
    return app


@functools.lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def serve(db: str | Path, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the dashboard with uvicorn until interrupted; the database is checked first."""
    import uvicorn

    open_readonly(db).close()  # a clear StoreError now rather than an error page later
    uvicorn.run(create_app(db, warm=True), host=host, port=port, log_level="warning")
