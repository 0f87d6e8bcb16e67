"""The API documentation pages, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served from the package.

Their code is npm's ``swagger-ui-dist`` and ``redoc`` (package.json), which the wheel carries under
``pathgrad/frontend/vendor`` and the app serves at ``/vendor``: no CDN, so they work offline and run
under the page's own strict Content-Security-Policy. That policy allows no inline script, so Swagger
UI's start-up code is a small script of its own (``/docs/init.js``), and ReDoc starts from its
``<redoc spec-url>`` element. Every URL in them is relative, so that they also work under a proxy's
path prefix (``root_path``).
"""

from __future__ import annotations

import json
from html import escape

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response

DOCS_PATH = "/docs"
REDOC_PATH = "/redoc"
SWAGGER_INIT_PATH = "/docs/init.js"

# The files of the two libraries that the pages load (pyproject.toml ships exactly these, and
# tests/deploy/test_docs.py checks that the two lists agree).
SWAGGER_UI_JS = "vendor/swagger-ui-dist/swagger-ui-bundle.js"
SWAGGER_UI_CSS = "vendor/swagger-ui-dist/swagger-ui.css"
REDOC_JS = "vendor/redoc/bundles/redoc.standalone.js"
# What /vendor answers (relative to it): these files and nothing else of node_modules.
VENDOR_FILES = frozenset(url.removeprefix("vendor/") for url in (SWAGGER_UI_JS, SWAGGER_UI_CSS, REDOC_JS))


def _relative(path: str) -> str:
    """``/openapi.json`` as seen from ``/docs``: relative to the page, hence to any path prefix."""
    return path.lstrip("/")


def _page(title: str, head: str, body: str) -> str:
    """A docs page: the same head for both (charset, viewport, title, icon), then its own parts."""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="icon" href="favicon.svg" type="image/svg+xml">
{head}</head>
<body>
{body}</body>
</html>
"""


def swagger_ui_html(title: str) -> str:
    """The Swagger UI page: its stylesheet, its bundle and its start-up script, all same-origin."""
    head = f'<link rel="stylesheet" href="{SWAGGER_UI_CSS}">\n'
    body = (
        '<div id="swagger-ui"></div>\n'
        f'<script src="{SWAGGER_UI_JS}"></script>\n'
        f'<script src="{_relative(SWAGGER_INIT_PATH)}"></script>\n'
    )
    return _page(title, head, body)


def swagger_ui_init_js(openapi_url: str) -> str:
    """Swagger UI's start-up code (the part FastAPI writes inline), as a script file."""
    options = {
        "url": _relative(openapi_url),
        "dom_id": "#swagger-ui",
        "layout": "BaseLayout",
        "deepLinking": True,
        "showExtensions": True,
        "showCommonExtensions": True,
        # No badge image from the public validator: the page would send the schema's URL there.
        "validatorUrl": None,
    }
    return (
        "// Swagger UI for pathgrad's API, started from a file: the policy allows no inline script.\n"
        f"window.ui = SwaggerUIBundle(Object.assign({json.dumps(options)}, "
        "{presets: [SwaggerUIBundle.presets.apis]}));\n"
    )


def redoc_html(title: str, openapi_url: str) -> str:
    """The ReDoc page: its standalone bundle reads the ``<redoc>`` element; no web fonts are fetched."""
    body = (
        f'<redoc spec-url="{escape(_relative(openapi_url))}" disable-search native-scrollbars></redoc>\n'
        f'<script src="{REDOC_JS}"></script>\n'
    )
    return _page(title, "", body)


def add_docs(app: FastAPI) -> None:
    """Serve ``/docs``, its start-up script and ``/redoc`` (for an app built with ``docs_url=None``)."""
    openapi_url = app.openapi_url or "/openapi.json"
    title = f"{app.title} – API"
    swagger = swagger_ui_html(title)
    swagger_init = swagger_ui_init_js(openapi_url)
    redoc = redoc_html(title, openapi_url)

    @app.api_route(DOCS_PATH, methods=["GET", "HEAD"], include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(swagger)

    @app.api_route(SWAGGER_INIT_PATH, methods=["GET", "HEAD"], include_in_schema=False)
    def swagger_ui_init() -> Response:
        return Response(swagger_init, media_type="text/javascript")

    @app.api_route(REDOC_PATH, methods=["GET", "HEAD"], include_in_schema=False)
    def redoc_ui() -> HTMLResponse:
        return HTMLResponse(redoc)
