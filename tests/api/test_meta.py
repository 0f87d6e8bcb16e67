"""GET /api/ops, GET /api/health and the OpenAPI document."""

from __future__ import annotations

from fastapi.testclient import TestClient

from pathgrad import __version__
from pathgrad.primitives import PRIMITIVES


def test_ops_is_the_primitive_table(client: TestClient) -> None:
    response = client.get("/api/ops")
    assert response.status_code == 200
    ops = response.json()
    assert ops == [row.describe() for row in PRIMITIVES.values()]
    assert [op["name"] for op in ops] == list(PRIMITIVES)
    by_name = {op["name"]: op for op in ops}
    assert by_name["mul"]["function"] is False
    assert by_name["sigmoid"]["function"] is True
    assert by_name["sigmoid"]["expandable"] is True
    assert by_name["leaky_relu"]["params"] == [
        {"name": p.name, "default": p.default} for p in PRIMITIVES["leaky_relu"].params
    ]


def test_health(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__, "training_runs": 0}


def test_openapi_documents_the_error_answers(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/api/graph", "/api/paths"):
        responses = schema["paths"][path]["post"]["responses"]
        assert set(responses) >= {"200", "413", "422"}
        assert responses["422"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorResponse"
        }
        assert "max_body_bytes" in responses["413"]["description"]


def test_unknown_routes_and_methods_are_4xx(client: TestClient) -> None:
    assert client.get("/api/nothing").status_code == 404
    assert client.get("/api/nothing").json() == {"detail": "Not Found"}
    # The page's files are served at "/", but never answer for /api: a wrong method is the API's 405.
    for method, path, allow in [
        ("GET", "/api/graph", "POST"),
        ("OPTIONS", "/api/paths", "POST"),
        ("POST", "/api/ops", "GET"),
        ("DELETE", "/api/health", "GET"),
    ]:
        response = client.request(method, path)
        assert response.status_code == 405, (method, path)
        assert response.headers["allow"] == allow


def test_the_page_is_served_at_the_root(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
