"""Against a real uvicorn on 127.0.0.1: the same answers over a socket, and 413 for chunked bodies."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

JSON = {"content-type": "application/json"}
DEFAULT_MAX_BODY = 256 * 1024


def test_health_ops_and_a_graph(live_server: str) -> None:
    with httpx.Client(base_url=live_server, timeout=10) as http:
        assert http.get("/api/health").json()["status"] == "ok"
        assert any(op["name"] == "sigmoid" for op in http.get("/api/ops").json())
        graph = http.post("/api/graph", json={"source": "x = 3; y = x*x"}).json()
        assert [e["arg"] for e in graph["edges"]] == [0, 1]
        paths = http.post(
            "/api/paths", json={"source": "a = 2; b = 1; e = (a+b)*(b+1)", "input": "b"}
        ).json()
        assert (paths["count"], paths["listed_sum"]) == ("2", 5.0)
        page = http.get("/")
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]


def test_program_errors_over_the_wire(live_server: str) -> None:
    response = httpx.post(f"{live_server}/api/graph", json={"source": "y = 2*"}, timeout=10)
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "source"]
    assert set(detail["ctx"]) >= {"line", "column", "span"}


def test_nonfinite_json_is_refused_over_the_wire(live_server: str) -> None:
    body = b'{"source": "x = 1; y = x", "values": {"x": 1e309}}'
    response = httpx.post(f"{live_server}/api/graph", content=body, headers=JSON, timeout=10)
    assert response.status_code == 422


def test_content_length_above_the_limit_is_413(live_server: str) -> None:
    body = b'{"source": "x = 1 #' + b"." * DEFAULT_MAX_BODY + b'"}'
    response = httpx.post(f"{live_server}/api/graph", content=body, headers=JSON, timeout=10)
    assert response.status_code == 413
    assert "max_body_bytes" in response.json()["detail"]


@pytest.mark.parametrize("total", [DEFAULT_MAX_BODY + 1, 1 << 20])
def test_chunked_body_above_the_limit_is_413(live_server: str, total: int) -> None:
    def body() -> Iterator[bytes]:
        head = b'{"source": "x = 1 #'
        yield head
        left = total - len(head) - 2
        while left > 0:
            size = min(left, 16 * 1024)
            yield b"." * size
            left -= size
        yield b'"}'

    with httpx.Client(timeout=10) as http:
        try:
            with http.stream("POST", f"{live_server}/api/graph", content=body(), headers=JSON) as response:
                assert "content-length" not in response.request.headers
                assert response.status_code == 413
                assert b"max_body_bytes" in response.read()
        except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
            # The server may answer and close before the client has finished sending; what it
            # must never do is read the whole body and answer 200.
            pass
    # And the server still serves.
    assert httpx.get(f"{live_server}/api/health", timeout=10).status_code == 200
