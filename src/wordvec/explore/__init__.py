"""``wordvec explore``: a local web page to search, compare and map word vectors.

:func:`create_app` builds the Starlette application: the page (``static/``: index.html,
explore.js, explore.css, and plotly.js from the installed ``plotly`` package, so that the
page needs no network) and its JSON queries, each a function of :mod:`.api`:

========================  ==========================================================
``GET /api/info``         the file, its size, the map methods installed, the limits
``GET /api/similar``      ``word``, ``topn`` (1-100, 10): nearest neighbours
``GET /api/analogy``      ``a``, ``b``, ``c``, ``topn`` (1-100, 5): a : b = c : ?
``GET /api/similarity``   ``w1``, ``w2``: their cosine
``GET /api/map``          ``n`` (5-1000, 200), ``method`` (pca, tsne, umap), ``word``
                          (optional): 2-D coordinates of the top n words or of a
                          word's neighbourhood
``GET /api/complete``     ``prefix``, ``limit`` (1-50, 10): words starting so
========================  ==========================================================

A bad parameter answers 400, an unknown word 404 with close spellings, both as JSON
``{"error": ...}``. The application only reads: it never writes a file. Starlette is
imported inside the functions, so that ``import wordvec.explore`` works without the
``[explore]`` extra.
"""
from __future__ import annotations

from pathlib import Path

from . import api

STATIC = Path(__file__).resolve().parent / "static"

#: The page's files: URL name -> media type.
PAGE_FILES = {"explore.js": "text/javascript", "explore.css": "text/css"}

#: The page loads scripts, styles and data from this server alone (no CDN, no network);
#: plotly.js sets inline styles on the elements it draws.
CSP = ("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def plotly_js() -> Path:
    """The plotly.min.js that the installed ``plotly`` Python package ships."""
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def create_app(wv, source: str = "", allowed_hosts: list[str] | None = None):
    """The explorer of ``wv`` (a :class:`~wordvec.vectors.WordVectors`, memory-mapped or
    not) as a Starlette application. ``source``: the file name the page shows;
    ``allowed_hosts``: the Host headers answered (others get 400, which stops a web page
    elsewhere from reaching a local server through DNS rebinding), all when None."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    wv.fill_norms()  # once, now, rather than in the first query
    middleware = [Middleware(_SecurityHeaders)]
    if allowed_hosts is not None:
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts))
    handlers = {404: _http_error, 405: _http_error, 500: _server_error}
    return Starlette(routes=_page_routes() + _api_routes(wv, source), middleware=middleware,
                     exception_handlers=handlers)


def _api_routes(wv, source: str) -> list:
    from starlette.routing import Route

    queries = {"info": _info_query(source), "similar": api.similar, "analogy": api.analogy,
               "similarity": api.similarity, "map": api.word_map, "complete": api.complete}
    return [Route(f"/api/{name}", _endpoint(wv, api.SPECS[name], query), methods=["GET"])
            for name, query in queries.items()]


def _info_query(source: str):
    """:func:`.api.info` with the file name bound: a query of ``wv`` alone."""
    return lambda wv: api.info(wv, source)


def _endpoint(wv, spec: api.Spec, query):
    """A (sync: Starlette runs it in a worker thread) endpoint answering ``query(wv,
    **parameters)`` as JSON, or the :class:`~.api.ApiError` as JSON with its status."""
    from starlette.responses import JSONResponse

    def endpoint(request):
        try:
            body = query(wv, **api.parse(request.query_params.multi_items(), spec))
        except api.ApiError as exc:
            return JSONResponse(exc.body(), status_code=exc.status)
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    return endpoint


def _page_routes() -> list:
    from starlette.responses import FileResponse
    from starlette.routing import Route

    def file_route(url: str, path: Path, media_type: str, cache: str):
        def serve(request):
            return FileResponse(path, media_type=media_type, headers={"Cache-Control": cache})
        return Route(url, serve, methods=["GET", "HEAD"])

    routes = [file_route("/", STATIC / "index.html", "text/html; charset=utf-8", "no-cache")]
    routes += [file_route(f"/static/{name}", STATIC / name, kind, "no-cache")
               for name, kind in PAGE_FILES.items()]
    routes.append(file_route("/static/plotly.min.js", plotly_js(), "text/javascript",
                             "max-age=86400"))
    return routes


class _SecurityHeaders:
    """ASGI middleware adding :data:`CSP` and ``nosniff`` to every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer")]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _http_error(request, exc):
    """404 (no such page or query) and 405 (not GET) as JSON, as every other answer."""
    from starlette.responses import JSONResponse

    status = getattr(exc, "status_code", 404)
    text = ("no such page or query: see /api/info and the page at /" if status == 404
            else f"{request.method} is not allowed here: the explorer only answers GET")
    return JSONResponse({"error": text}, status_code=status)


async def _server_error(request, exc):
    """A bug of ours: one JSON line naming the error, no traceback sent."""
    from starlette.responses import JSONResponse

    return JSONResponse({"error": f"internal error ({type(exc).__name__}); please report it"},
                        status_code=500)


__all__ = ["create_app", "api"]
