"""The FastAPI application: the REST API under /api and the page at /."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.routing import Match, Mount
from starlette.types import Scope

from pathgrad import __version__
from pathgrad.api.errors import language_error_handler, request_error_handler, validation_error_handler
from pathgrad.api.limits import BodySizeLimit
from pathgrad.api.routes import graph, meta, presets, train
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


class PageMount(Mount):
    """Static files that never answer for ``/api/...``.

    Without this, ``GET /api/graph`` would be the page's 404 and ``OPTIONS /api/graph`` its 405 with
    ``Allow: GET, HEAD``, instead of the API route's 405 with ``Allow: POST``.
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = scope.get("path", "")
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        if path == "/api" or path.startswith("/api/"):
            return Match.NONE, {}
        return super().matches(scope)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; ``settings`` default to the ``PATHGRAD_*`` environment."""
    settings = settings or get_settings()
    app = FastAPI(
        title="pathgrad",
        version=__version__,
        description="Computation graphs, gradients and the chain rule as a sum over paths.",
    )
    app.dependency_overrides[get_settings] = lambda: settings
    app.add_exception_handler(LanguageError, language_error_handler)
    app.add_exception_handler(RequestError, request_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.include_router(graph.router, prefix="/api")
    app.include_router(meta.router, prefix="/api")
    app.include_router(presets.router, prefix="/api")
    app.include_router(train.router, prefix="/api")
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    page = frontend_dir(settings)
    vendor = vendor_dir(page)
    if vendor.is_dir():
        app.mount("/vendor", StaticFiles(directory=vendor), name="vendor")
    if page.is_dir():
        app.router.routes.append(PageMount("/", app=StaticFiles(directory=page, html=True), name="page"))
    return app
