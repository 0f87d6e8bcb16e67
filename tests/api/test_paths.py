"""POST /api/paths: the chain rule as a sum over paths, counted exactly and listed by |product|."""

from __future__ import annotations

import math
from typing import Any

import pytest
from fastapi.testclient import TestClient

DIAMOND = "a = 2; b = 1; e = (a+b)*(b+1)"


def ladder(rungs: int) -> str:
    """``rungs`` diamonds in a row: 2**rungs paths from x0 to the last node."""
    lines = ["x0 = 1"]
    lines += [f"a{i} = x{i}*2; b{i} = x{i}*3; x{i + 1} = a{i} + b{i}" for i in range(rungs)]
    return "\n".join(lines)


def post_paths(client: TestClient, source: str, wrt: str, **body: Any) -> dict[str, Any]:
    response = client.post("/api/paths", json={"source": source, "input": wrt, **body})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_the_diamond_has_two_paths_that_sum_to_the_gradient(client: TestClient) -> None:
    result = post_paths(client, DIAMOND, "b")
    assert result["count"] == "2"
    assert (result["limit"], result["truncated"]) == (20, False)
    assert [p["product"] for p in result["paths"]] == [3.0, 2.0]
    assert [p["factors"] for p in result["paths"]] == [[1.0, 3.0], [1.0, 2.0]]
    assert result["listed_sum"] == result["gradient"] == 5.0
    assert result["remainder"] == 0.0
    assert result["finite_difference"] == pytest.approx(5.0, rel=1e-6)
    nodes = {n["name"]: n["id"] for n in result["graph"]["nodes"] if n["name"]}
    assert result["input"] == nodes["b"]
    assert result["output"] == nodes["e"] == result["graph"]["output"]


def test_listed_paths_follow_the_graphs_edges(client: TestClient) -> None:
    result = post_paths(client, "x = 0.5; w = -2; h = tanh(w*x); y = h*x + sigmoid(h) - x*x", "x")
    edges = {e["id"]: e for e in result["graph"]["edges"]}
    assert len(result["paths"]) == int(result["count"])
    for path in result["paths"]:
        assert path["nodes"][0] == result["input"]
        assert path["nodes"][-1] == result["output"]
        assert len(path["edges"]) == len(path["factors"]) == len(path["nodes"]) - 1
        for k, edge_id in enumerate(path["edges"]):
            edge = edges[edge_id]
            assert (edge["source"], edge["target"]) == (path["nodes"][k], path["nodes"][k + 1])
            assert edge["local"] == path["factors"][k]
        assert path["product"] == pytest.approx(math.prod(path["factors"]), rel=1e-12)
    assert result["listed_sum"] == pytest.approx(result["gradient"], rel=1e-12)
    assert result["finite_difference"] == pytest.approx(result["gradient"], rel=1e-6)


def test_paths_are_ordered_by_decreasing_absolute_product(client: TestClient) -> None:
    result = post_paths(client, "x = 1; y = -3*x + 2*x + 0.5*x*x", "x")
    products = [p["product"] for p in result["paths"]]
    assert products == [-3.0, 2.0, 0.5, 0.5]
    assert result["gradient"] == pytest.approx(0.0)


def test_thirty_diamonds_count_exactly_and_list_the_top(client: TestClient) -> None:
    result = post_paths(client, ladder(30), "x0", limit=50)
    assert result["count"] == "1073741824"
    assert result["truncated"] is True
    assert len(result["paths"]) == 50
    magnitudes = [abs(p["product"]) for p in result["paths"]]
    assert magnitudes == sorted(magnitudes, reverse=True)
    assert magnitudes[0] == 3.0**30
    assert result["gradient"] == 5.0**30
    assert result["remainder"] == pytest.approx(result["gradient"] - result["listed_sum"])
    x0 = next(n["id"] for n in result["graph"]["nodes"] if n["name"] == "x0")
    assert result["graph"]["stats"]["path_counts"][x0] == "1073741824"


def test_counts_beyond_javascripts_integers_stay_exact(client: TestClient) -> None:
    result = post_paths(client, ladder(70), "x0", limit=1)
    assert result["count"] == str(2**70)


def test_limit_zero_lists_nothing(client: TestClient) -> None:
    result = post_paths(client, DIAMOND, "b", limit=0)
    assert result["paths"] == []
    assert result["listed_sum"] == 0.0
    assert result["remainder"] == result["gradient"] == 5.0
    assert result["truncated"] is True


def test_limit_above_max_paths_limit_is_a_422_naming_it(make_client: Any) -> None:
    client = make_client(max_paths_limit=5)
    assert client.post("/api/paths", json={"source": DIAMOND, "input": "b", "limit": 5}).status_code == 200
    response = client.post("/api/paths", json={"source": DIAMOND, "input": "b", "limit": 6})
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "limit"]
    assert detail["type"] == "limit_exceeded"
    assert detail["ctx"] == {"limit": "max_paths_limit"}
    assert "max_paths_limit" in detail["msg"]


def test_output_selects_the_statement(client: TestClient) -> None:
    result = post_paths(client, DIAMOND + "; f = e*e", "b", output="e")
    assert result["count"] == "2"
    assert result["gradient"] == 5.0


def test_the_graph_is_the_same_as_post_graph(client: TestClient) -> None:
    result = post_paths(client, DIAMOND, "b")
    assert result["graph"] == client.post("/api/graph", json={"source": DIAMOND}).json()


def test_paths_from_an_intermediate_statement(client: TestClient) -> None:
    result = post_paths(client, "x = 2; h = x*x; y = h*h + h", "h")
    assert result["count"] == "3"
    assert result["gradient"] == 9.0  # 2h + 1


@pytest.mark.parametrize(
    ("body", "loc", "words"),
    [
        ({"source": DIAMOND, "input": "z"}, ["body", "input"], "'z'"),
        ({"source": "x = 1; z = 2; y = x*x", "input": "z"}, ["body", "input"], "does not depend"),
        ({"source": "x = [1, 2]; y = x*x", "input": "x"}, ["body", "output"], "scalar"),
        ({"source": "x = [1, 2]; y = sum(x*x)", "input": "x"}, ["body", "input"], "scalar"),
        ({"source": DIAMOND, "input": "b", "limit": -1}, ["body", "limit"], "0"),
        ({"source": DIAMOND}, ["body", "input"], "required"),
    ],
)
def test_bad_path_requests_are_422s(
    client: TestClient, body: dict[str, Any], loc: list[str], words: str
) -> None:
    response = client.post("/api/paths", json=body)
    assert response.status_code == 422, response.text
    (detail,) = response.json()["detail"]
    assert detail["loc"] == loc
    assert words in detail["msg"]


def test_nonfinite_paths_are_null(client: TestClient) -> None:
    result = post_paths(client, "x = 0; y = log(x) + x", "x")
    assert result["count"] == "2"
    assert result["gradient"] is None
    assert None in [p["product"] for p in result["paths"]]


def test_long_paths_are_listed_fewer_at_a_time(make_client: Any) -> None:
    client = make_client(max_path_edges=100)
    short = post_paths(client, DIAMOND, "b", limit=20)
    assert short["limit"] == 20 and len(short["paths"]) == 2
    ten = post_paths(client, ladder(10), "x0", limit=20)  # every path has 20 edges
    assert ten["limit"] == 5
    assert len(ten["paths"]) == 5
    assert ten["truncated"] is True
    assert ten["count"] == "1024"
    assert ten["remainder"] == pytest.approx(ten["gradient"] - ten["listed_sum"])
    assert post_paths(client, ladder(60), "x0", limit=20)["limit"] == 1  # 120 edges: still one
    assert post_paths(client, ladder(10), "x0", limit=0)["paths"] == []


def test_a_long_ladder_is_answered_quickly(client: TestClient) -> None:
    # 1,000 rungs: 2**1000 paths, each 2,000 edges long, and values that overflow to infinity.
    result = post_paths(client, ladder(1000), "x0", limit=1000)
    assert result["count"] == str(2**1000)
    assert len(result["paths"]) == result["limit"] == 100  # max_path_edges=200,000 / 2,000 edges
    assert all(len(p["edges"]) == 2000 for p in result["paths"])


@pytest.mark.parametrize(
    ("source", "gradient_kind", "kinds"),
    [
        ("x = 1; y = x*1e300*1e8 + x*1e300*1e8", "inf", [None, None]),  # was a 500 (OverflowError)
        ("x = 1000; y = exp(x) - exp(x)", "nan", ["inf", "-inf"]),  # was a 422 on `input`
    ],
)
def test_nonfinite_products_and_sums_are_values_with_their_kind_and_reason(
    client: TestClient, source: str, gradient_kind: str, kinds: list[str | None]
) -> None:
    result = post_paths(client, source, "x")
    assert result["count"] == "2"
    assert result["gradient"] is None and result["gradient_kind"] == gradient_kind
    assert result["listed_sum"] is None and result["listed_sum_kind"] == gradient_kind
    assert sorted(p["product_kind"] or "" for p in result["paths"]) == sorted(k or "" for k in kinds)
    assert result["reasons"]["listed_sum"] and result["reasons"]["gradient"]
    for path in result["paths"]:
        assert (path["product_reason"] is None) == (path["product_kind"] is None)


def test_two_witnesses_beside_the_gradient(client: TestClient) -> None:
    result = post_paths(client, DIAMOND, "b")
    assert result["forward_mode"] == 5.0 and result["forward_mode_kind"] is None
    assert result["finite_difference"] == pytest.approx(5.0, rel=1e-10)
    assert 0.0 < result["finite_difference_error"] < 1e-8
    assert result["finite_difference_resolves"] is True
    assert result["finite_difference_verdict"] == "agrees"


def test_the_sigmoid_chains_vanishing_gradient_is_witnessed_honestly(client: TestClient) -> None:
    response = client.post("/api/paths", json={"preset": "sigmoid-chain", "input": "w1"})
    result = response.json()
    gradient = result["gradient"]
    assert abs(gradient) < 1e-8
    assert result["forward_mode"] == pytest.approx(gradient, rel=1e-12, abs=0.0)
    assert result["finite_difference_resolves"] is True
    assert result["finite_difference"] == pytest.approx(gradient, rel=1e-4, abs=0.0)
    assert result["finite_difference_verdict"] == "agrees"


def test_a_gradient_the_difference_quotient_cannot_resolve_is_not_a_tick(client: TestClient) -> None:
    result = post_paths(client, "x = 1; y = 1 + 1e-19*x", "x")
    assert result["gradient"] == 1e-19 and result["forward_mode"] == 1e-19
    assert result["finite_difference"] == 0.0 and result["finite_difference_resolves"] is False
    assert result["finite_difference_verdict"] == "unresolved"
    assert 1e-17 < result["finite_difference_error"] < 1e-12


def test_witnesses_of_a_nonfinite_gradient(client: TestClient) -> None:
    result = post_paths(client, "x = 0; y = log(x) + x", "x")
    assert result["gradient"] is None and result["gradient_kind"] == "inf"
    assert result["forward_mode"] is None and result["forward_mode_kind"] == "inf"
    assert result["finite_difference_verdict"] == "nonfinite"
