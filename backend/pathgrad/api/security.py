"""Security headers on every answer, with one strict Content-Security-Policy for all of them.

The page (``/``) runs under it: only its own scripts, styles and API, no inline script, no third-party
origin; ``img-src blob:`` lets the PNG export draw the SVG it made. The inline styles it allows are
the exact text of its own stylesheets (by hash): the HTML export builds its offline file by putting
them into ``<style>`` elements, which Chromium checks too; and the empty text (:data:`EMPTY_STYLE`).
The API documentation pages (``/docs``, ``/redoc``: :mod:`pathgrad.api.docs`) load their libraries
from the package, so the same policy serves them: no path gets a relaxed one.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The hash of the empty text. It admits an empty <style> element and nothing else: ReDoc's
# styled-components creates one and fills it through the CSSOM (insertRule), which the policy does not
# govern; without it ReDoc cannot style anything. Any text in a <style> is still refused.
EMPTY_STYLE = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"

PAGE_CSP = (
    f"default-src 'self'; script-src 'self'; style-src 'self' {EMPTY_STYLE}; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

# Every answer carries these and the CSP (see SecurityHeaders).
COMMON_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def _hash_source(text: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text).digest()).decode() + "'"


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
    return csp.replace(f"style-src 'self' {EMPTY_STYLE};", f"style-src 'self' {EMPTY_STYLE} {hashes};")


class SecurityHeaders:
    """Add the CSP and the other security headers to every answer (replacing any the app set)."""

    def __init__(self, app: ASGIApp, csp: str = PAGE_CSP, framed: bool = False) -> None:
        self.app = app
        common = [(name.encode(), value.encode()) for name, value in COMMON_HEADERS.items()]
        # A page that some origins may embed (framed) says so in its CSP's frame-ancestors alone:
        # X-Frame-Options can only deny every page or allow the same origin.
        if framed:
            common = [header for header in common if header[0] != b"x-frame-options"]
        self.names = {name.encode() for name in COMMON_HEADERS} | {b"content-security-policy"}
        self.headers = [*common, (b"content-security-policy", csp.encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self.names]
                message["headers"] = headers + self.headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
