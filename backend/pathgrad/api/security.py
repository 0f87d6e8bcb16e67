"""Security headers on every answer, and the API documentation pages with the policy they need.

The page (``/``) runs under a strict Content-Security-Policy: only its own scripts, styles and API,
no inline script, no third-party origin; ``img-src blob:`` lets the PNG export draw the SVG it made.
The one inline style it allows is the exact text of its own stylesheets (by hash): the HTML export
builds its offline file by putting them into ``<style>`` elements, which Chromium checks too.
``/docs`` (Swagger UI) and ``/redoc`` load their code from a CDN, so they get a policy of their own
that adds exactly that CDN (and, for Swagger UI, the hash of its one inline script). The
documentation pages hold no user data; the page and the API never get the relaxed policy.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pathgrad.api.middleware import app_path

CDN = "https://cdn.jsdelivr.net"
DOCS_PATH = "/docs"
REDOC_PATH = "/redoc"

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

# Every answer carries these; the CSP varies by path (see SecurityHeaders).
COMMON_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def _hash_source(text: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text).digest()).decode() + "'"


def _inline_script_hashes(html: str) -> list[str]:
    return [_hash_source(text.encode()) for text in re.findall(r"<script>(.*?)</script>", html, re.DOTALL)]


def page_csp(frontend: Path | None = None, frame_ancestors: str = "") -> str:
    """:data:`PAGE_CSP`, with ``style-src`` also allowing the text of the page's ``css/*.css``, and
    ``frame-ancestors`` the origins that may embed the page (``Settings.frame_ancestors``)."""
    csp = PAGE_CSP
    if frame_ancestors.strip():
        csp = csp.replace("frame-ancestors 'none'", f"frame-ancestors {' '.join(frame_ancestors.split())}")
    sheets = sorted(frontend.glob("css/*.css")) if frontend is not None else []
    if not sheets:
        return csp
    hashes = " ".join(_hash_source(sheet.read_bytes()) for sheet in sheets)
    return csp.replace("style-src 'self';", f"style-src 'self' {hashes};")


def _text(response: HTMLResponse) -> str:
    return bytes(response.body).decode()


def add_docs(app: FastAPI) -> dict[str, str]:
    """Serve ``/docs`` and ``/redoc`` (the app must be built with ``docs_url=redoc_url=None``).

    Returns their Content-Security-Policy by path, for :class:`SecurityHeaders`.
    """
    openapi_url = app.openapi_url or "/openapi.json"
    swagger = _text(
        get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} – API",
            swagger_favicon_url="/favicon.svg",
            # No badge image from validator.swagger.io: the page would send the schema's URL there.
            swagger_ui_parameters={"validatorUrl": None},
        )
    )
    redoc = _text(
        get_redoc_html(openapi_url=openapi_url, title=f"{app.title} – API", redoc_favicon_url="/favicon.svg")
    )

    @app.api_route(DOCS_PATH, methods=["GET", "HEAD"], include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(swagger)

    @app.api_route(REDOC_PATH, methods=["GET", "HEAD"], include_in_schema=False)
    def redoc_ui() -> HTMLResponse:
        return HTMLResponse(redoc)

    tail = "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    return {
        DOCS_PATH: (
            f"default-src 'self'; script-src 'self' {CDN} {' '.join(_inline_script_hashes(swagger))}; "
            f"style-src 'self' 'unsafe-inline' {CDN}; img-src 'self' data:; connect-src 'self'; {tail}"
        ),
        REDOC_PATH: (
            f"default-src 'self'; script-src 'self' {CDN}; "
            "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com; "
            "font-src 'self' https://fonts.gstatic.com; img-src 'self' data:; connect-src 'self'; "
            f"worker-src 'self' blob:; {tail}"
        ),
    }


class SecurityHeaders:
    """Add the CSP and the other security headers to every answer (replacing any the app set)."""

    def __init__(
        self,
        app: ASGIApp,
        csp: str = PAGE_CSP,
        csp_by_path: dict[str, str] | None = None,
        framed: bool = False,
    ) -> None:
        self.app = app
        common = [(name.encode(), value.encode()) for name, value in COMMON_HEADERS.items()]
        self.names = {name.encode() for name in COMMON_HEADERS} | {b"content-security-policy"}
        # A page that some origins may embed (framed) says so in its CSP's frame-ancestors alone:
        # X-Frame-Options can only deny all or allow the same origin.
        page = [h for h in common if h[0] != b"x-frame-options"] if framed else common
        self.default = [*page, (b"content-security-policy", csp.encode())]
        self.by_path = {
            path: [*common, (b"content-security-policy", csp.encode())]
            for path, csp in (csp_by_path or {}).items()
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.by_path.get(app_path(scope), self.default)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self.names]
                message["headers"] = headers + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)
