"""The FastAPI application: the REST API under /api and the page at /.

Every request passes, outermost first: the per-client slots and send deadline (503, dropped
connections), the access log (request id), the security headers, the server-error page, the
concurrency limit (503), the request timeout (504), the body limits (413, 408), then the routes. The
first three sit outside the error page so that a 500 is logged and has headers too. The routes
compute nothing themselves: graph, paths and training runs go to compute processes
(:mod:`pathgrad.api.pool`), small graph and paths requests to one thread (:mod:`pathgrad.api.inline`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Scope

from pathgrad import __version__
from pathgrad.api.access_log import AccessLog
from pathgrad.api.docs import VENDOR_FILES, add_docs
from pathgrad.api.errors import language_error_handler, request_error_handler, validation_error_handler
from pathgrad.api.inline import SmallLane
from pathgrad.api.limits import BodySizeLimit
from pathgrad.api.middleware import ClientGuard, ConcurrencyLimit, RequestTimeout, app_path
from pathgrad.api.pool import Pools
from pathgrad.api.routes import graph, meta, presets, teach, train
from pathgrad.api.security import SecurityHeaders, page_csp
from pathgrad.gc_tuning import tune_gc
from pathgrad.language import LanguageError
from pathgrad.service import RequestError
from pathgrad.settings import Settings, get_settings

_PACKAGE = Path(__file__).resolve().parent.parent


def frontend_dir(settings: Settings) -> Path:
    """The page: PATHGRAD_FRONTEND_DIR, the copy inside an installed wheel, or the repository's."""
    if settings.frontend_dir:
        return Path(settings.frontend_dir)
    packaged = _PACKAGE / "frontend"
    return packaged if packaged.is_dir() else _PACKAGE.parent.parent / "frontend"


def vendor_dir(frontend: Path) -> Path:
    """Third-party browser libraries installed by npm (node_modules beside the page)."""
    inside = frontend / "vendor"
    return inside if inside.is_dir() else frontend.parent / "node_modules"


class ListedFiles(StaticFiles):
    """Static files of which only ``listed`` (paths relative to the directory) are served.

    In a source checkout /vendor is all of node_modules, eslint and the test tools included: only
    the files the documentation pages load are answered, as from the wheel.
    """

    def __init__(self, *, directory: Path, listed: frozenset[str]) -> None:
        super().__init__(directory=directory)
        self.listed = listed

    async def get_response(self, path: str, scope: Scope) -> Response:
        if path.replace("\\", "/") not in self.listed:
            raise HTTPException(status_code=404)
        return await super().get_response(path, scope)


class PageMount(Mount):
    """Static files that never answer for ``/api/...``.

    Without this, ``GET /api/graph`` would be the page's 404 and ``OPTIONS /api/graph`` its 405 with
    ``Allow: GET, HEAD``, instead of the API route's 405 with ``Allow: POST``.
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = app_path(scope)
        if path == "/api" or path.startswith("/api/"):
            return Match.NONE, {}
        return super().matches(scope)


class PathgradAPI(FastAPI):
    """FastAPI with ``edge`` middleware around Starlette's server-error page instead of inside it."""

    edge: tuple[Callable[[ASGIApp], ASGIApp], ...] = ()

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        for wrap in reversed(self.edge):
            stack = wrap(stack)
        return stack


def _lifespan(settings: Settings, pools: Pools, small: SmallLane) -> Callable[[FastAPI], Any]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Sync endpoints run in anyio's thread pool (40 threads by default). Keep threads to spare
        # beyond the requests the concurrency limit lets in, so /api/health never waits for one.
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = max(limiter.total_tokens, settings.max_concurrent_requests + 8)
        if settings.gc_tuning:
            # Every request records a graph of short-lived nodes. Move what start-up loaded out of the
            # collector's way and collect the young generation less often: fewer pauses in the tail.
            tune_gc()
        # Start the compute processes before the first request (health answers after this).
        await pools.compute.warm(settings.compute_processes)
        await pools.train.warm(1)
        try:
            yield
        finally:
            pools.close()
            small.close()

    return lifespan


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; ``settings`` default to the ``PATHGRAD_*`` environment."""
    settings = settings or get_settings()
    pools = Pools.create(settings)
    small = SmallLane(settings)
    app = PathgradAPI(
        title="pathgrad",
        version=__version__,
        description="Computation graphs, gradients and the chain rule as a sum over paths.",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan(settings, pools, small),
    )
    app.state.pools = pools
    app.state.small = small
    page = frontend_dir(settings)
    csp = page_csp(page if page.is_dir() else None, settings.frame_ancestors)
    add_docs(app)
    app.edge = (
        lambda inner: ClientGuard(
            inner, max_requests=settings.max_requests_per_client, stall_seconds=settings.send_stall_seconds
        ),
        lambda inner: AccessLog(inner, enabled=settings.access_log),
        lambda inner: SecurityHeaders(inner, csp, framed=bool(settings.frame_ancestors.strip())),
    )

    async def these_settings() -> Settings:
        # async: FastAPI would run a plain function in the thread pool, a hop on every request.
        return settings

    app.dependency_overrides[get_settings] = these_settings
    app.add_exception_handler(LanguageError, language_error_handler)
    app.add_exception_handler(RequestError, request_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.include_router(graph.router, prefix="/api")
    app.include_router(meta.router, prefix="/api")
    app.include_router(presets.router, prefix="/api")
    app.include_router(train.router, prefix="/api")
    app.include_router(teach.router, prefix="/api")
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.max_body_bytes, max_seconds=settings.body_timeout_seconds
    )
    app.add_middleware(RequestTimeout, seconds=settings.request_timeout_seconds)
    app.add_middleware(ConcurrencyLimit, max_requests=settings.max_concurrent_requests)
    vendor = vendor_dir(page)
    if vendor.is_dir():
        app.mount("/vendor", ListedFiles(directory=vendor, listed=VENDOR_FILES), name="vendor")
    if page.is_dir():
        app.router.routes.append(PageMount("/", app=StaticFiles(directory=page, html=True), name="page"))
    return app
