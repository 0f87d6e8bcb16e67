"""The API documentation pages, /docs and /redoc, from the package: same-origin only, the page's policy.

In process (TestClient) against this checkout, whose /vendor is node_modules; tests/deploy/test_wheel.py
repeats the asset checks against an installed wheel, whose /vendor is the files pyproject.toml ships,
and tests/browser/test_api_docs.py renders both pages in Chromium with the network blocked.
"""

from __future__ import annotations

import json
import re
import tomllib
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

from pathgrad.api import docs
from pathgrad.api.app import create_app
from pathgrad.settings import Settings

from .helpers import ROOT

PAGES = (docs.DOCS_PATH, docs.REDOC_PATH)
CONTENT_TYPES = {
    ".js": "javascript", ".css": "text/css", ".svg": "image/svg+xml", ".json": "application/json",
}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings()))


def referenced(html: str) -> list[str]:
    """Every URL a page loads or links: src, href, and ReDoc's spec-url."""
    return re.findall(r'\b(?:src|href|spec-url)="([^"]*)"', html)


def assets(client: TestClient, path: str) -> list[str]:
    """The absolute paths of what the page at ``path`` loads, and the schema its script asks for."""
    page = client.get(path).text
    urls = [urljoin(f"http://testserver{path}", url) for url in referenced(page)]
    for url in list(urls):
        if url.endswith("/docs/init.js"):
            (spec,) = re.findall(r'"url": "([^"]+)"', client.get(urlsplit(url).path).text)
            urls.append(urljoin(f"http://testserver{path}", spec))
    return [urlsplit(url).path for url in urls]


@pytest.mark.parametrize("path", PAGES)
def test_the_docs_pages_load_only_same_origin_relative_urls(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    urls = referenced(page.text)
    assert len(urls) >= 2, urls  # favicon, and the library's bundle at least
    for url in urls:
        # Relative: the same origin, and under a proxy's path prefix too.
        assert not urlsplit(url).scheme and not url.startswith(("/", "//")), url
    assert not re.search(r"https?://", page.text), "a page names another origin"
    assert "<script>" not in page.text and "<style" not in page.text and " style=" not in page.text


@pytest.mark.parametrize("path", PAGES)
def test_every_asset_of_the_docs_pages_answers(client: TestClient, path: str) -> None:
    loaded = assets(client, path)
    assert any(asset.startswith("/vendor/") for asset in loaded), loaded
    assert "/openapi.json" in loaded
    for asset in loaded:
        response = client.get(asset)
        assert response.status_code == 200, asset
        suffix = asset[asset.rindex("."):]
        assert CONTENT_TYPES[suffix] in response.headers["content-type"], (asset, response.headers)
        assert len(response.content) > 50, asset


@pytest.mark.parametrize("path", [*PAGES, docs.SWAGGER_INIT_PATH])
def test_the_docs_get_the_page_policy(client: TestClient, path: str) -> None:
    """No path gets a relaxed Content-Security-Policy: the docs have exactly the page's."""
    assert client.get(path).headers["content-security-policy"] == client.get("/").headers[
        "content-security-policy"]


def test_swagger_ui_starts_from_a_script_file(client: TestClient) -> None:
    script = client.get(docs.SWAGGER_INIT_PATH)
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    options = json.loads(re.search(r"Object\.assign\((\{.*?\}), \{presets", script.text).group(1))
    assert options["url"] == "openapi.json" and options["dom_id"] == "#swagger-ui"
    assert options["validatorUrl"] is None  # no badge fetched from the public validator
    assert '<script src="docs/init.js"></script>' in client.get(docs.DOCS_PATH).text


def test_the_wheel_ships_every_vendor_file_the_docs_load(client: TestClient) -> None:
    """pyproject's only-include lists node_modules files one by one: the docs' must be among them."""
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]["targets"]["wheel"]
    shipped = {"/vendor/" + path.removeprefix("node_modules/") for path in wheel["only-include"]
               if path.startswith("node_modules/")}
    vendored = {asset for path in PAGES for asset in assets(client, path) if asset.startswith("/vendor/")}
    assert vendored == {"/" + url for url in (docs.SWAGGER_UI_JS, docs.SWAGGER_UI_CSS, docs.REDOC_JS)}
    assert vendored <= shipped, vendored - shipped
    for path in shipped:  # each listed file exists once `npm ci` ran, licences included
        assert (ROOT / "node_modules" / path.removeprefix("/vendor/")).is_file(), path
    assert {"/vendor/swagger-ui-dist/LICENSE", "/vendor/redoc/LICENSE"} <= shipped


def test_the_libraries_come_from_the_npm_lock() -> None:
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    for name in ("swagger-ui-dist", "redoc"):
        version = package["dependencies"][name]
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name}: pin an exact version, not {version}"
        locked = lock["packages"][f"node_modules/{name}"]
        assert locked["version"] == version and locked["integrity"].startswith("sha512-"), name
        installed = json.loads((ROOT / "node_modules" / name / "package.json").read_text())
        assert installed["version"] == version, f"{name}: run `make install` (npm ci)"


@pytest.mark.parametrize(
    "path",
    ["/vendor/eslint/package.json", "/vendor/swagger-ui-dist/package.json", "/vendor/.package-lock.json",
     "/vendor/redoc/bundles/../package.json", "/vendor/"],
)
def test_vendor_answers_only_the_files_the_docs_load(client: TestClient, path: str) -> None:
    # In this checkout /vendor is node_modules: the rest of it (eslint, axe-core...) is not served.
    assert (ROOT / "node_modules" / "eslint" / "package.json").is_file()
    assert client.get(path).status_code == 404
    for url in (docs.SWAGGER_UI_JS, docs.SWAGGER_UI_CSS, docs.REDOC_JS):
        assert client.get("/" + url).status_code == 200, url
