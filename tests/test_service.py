"""service: build, graph_for and paths_for, with no HTTP in between."""

from __future__ import annotations

import pytest

from pathgrad import service
from pathgrad.language import LanguageError, Limits
from pathgrad.service import RequestError

DIAMOND = "a = 2; b = 1; e = (a+b)*(b+1)"


def test_build_uses_values_output_and_limits() -> None:
    program = service.build(DIAMOND + "; f = e*e", {"b": 2.0}, "e")
    assert program.output.value == 12.0  # (2+2)*(2+1)
    assert list(program.leaves) == ["a", "b"]
    with pytest.raises(LanguageError) as error:
        service.build(DIAMOND, limits=Limits(max_statements=2))
    assert error.value.limit == "max_statements"


def test_graph_for_with_forward_mode() -> None:
    graph = service.graph_for(service.build("x = 2; y = x*x*x"), forward="x")
    (out,) = [n for n in graph["nodes"] if n["id"] == graph["output"]]
    assert out["tangent"] == 12.0


@pytest.mark.parametrize("forward", ["q", ""])
def test_graph_for_names_an_unknown_forward_input(forward: str) -> None:
    with pytest.raises(RequestError) as error:
        service.graph_for(service.build("x = 2; y = x*x"), forward=forward)
    assert error.value.field == "options.forward"
    assert repr(forward) in error.value.message
    assert "x, y" in error.value.message


def test_graph_for_passes_the_jacobian_limit() -> None:
    program = service.build("x = [1, 2]; y = sum(x*x)")
    full = service.graph_for(program)
    none = service.graph_for(program, max_jacobian_entries=0)
    assert full["edges"][0]["local"] == [[1.0, 0.0], [0.0, 2.0]]  # d(x*x)/d(first x) = diag(x)
    assert all(e["local"] is None and e["local_reason"] for e in none["edges"])


def test_paths_for_the_diamond() -> None:
    result = service.paths_for(service.build(DIAMOND), "b", 20)
    assert result["count"] == "2"
    assert [p["product"] for p in result["paths"]] == [3.0, 2.0]
    assert result["listed_sum"] == result["gradient"] == 5.0
    assert result["finite_difference"] == pytest.approx(5.0, rel=1e-6)
    assert result["graph"]["output"] == result["output"]


@pytest.mark.parametrize(
    ("source", "wrt", "field"),
    [
        (DIAMOND, "nope", "input"),
        ("x = 1; z = 2; y = x*x", "z", "input"),
        ("x = [1, 2]; y = x*x", "x", "output"),
        ("x = [1, 2]; y = sum(x)", "x", "input"),
    ],
)
def test_paths_for_request_errors(source: str, wrt: str, field: str) -> None:
    with pytest.raises(RequestError) as error:
        service.paths_for(service.build(source), wrt, 20)
    assert error.value.field == field
    assert error.value.limit is None


def test_request_errors_can_name_a_limit() -> None:
    error = RequestError("limit", "too many", limit="max_paths_limit")
    assert (error.field, error.message, error.limit, str(error)) == (
        "limit", "too many", "max_paths_limit", "too many"
    )


def test_request_errors_default_to_422() -> None:
    assert RequestError("input", "no").status == 422
    assert RequestError("name", "no such preset", status=404).status == 404


def test_the_view_option_of_graph_for_and_paths_for() -> None:
    program = service.build(DIAMOND)
    assert service.graph_for(program)["view"] == "operations"
    values = service.graph_for(program, view="values")
    assert values["view"] == "values" and [n["id"] for n in values["nodes"]] == ["v0", "v1", "v2"]
    result = service.paths_for(program, "a", 20, view="values")
    assert (result["view"], result["count"], result["gradient"]) == ("values", "1", 2.0)
    with pytest.raises(service.RequestError) as caught:
        service.graph_for(program, view="nodes")
    assert caught.value.field == "view"


def test_values_paths_respect_max_path_edges() -> None:
    chain = "x = 1\n" + "\n".join(f"h{i} = h{i - 1}*1.01 + x" if i else "h0 = 2*x" for i in range(30))
    result = service.paths_for(service.build(chain), "x", 1000, view="values", max_path_edges=60)
    assert result["limit"] == 2 and len(result["paths"]) == 2 and result["truncated"]


# --- training: the rules a `pathgrad train` command would share with /api/train -----------------

BOUNDS = service.TrainingBounds(max_steps=10_000, max_events=2_000, max_stream_bytes=1 << 24, max_seconds=5)


def plan(**request: object) -> service.TrainingPlan:
    fields: dict[str, object] = {
        "source": None, "preset": None, "seed": None, "values": None, "loss": None, "params": None,
        "steps": None, "sample_every": None, "optimizer": None,
    }  # fmt: skip
    fields.update(request)
    return service.prepare_training(**fields, limits=Limits(), bounds=BOUNDS)  # type: ignore[arg-type]


def test_a_presets_training_defaults() -> None:
    from pathgrad.presets import PRESETS

    xor = PRESETS["xor"]
    start = plan(preset="xor", steps=400).start
    assert start["loss"] == xor.loss
    assert start["layers"] == [list(layer) for layer in xor.layers]
    assert start["optimizer"]["lr"] == xor.training.learning_rate
    assert (start["steps"], start["sample_every"]) == (400, 2)  # about 200 events
    assert start["source"] == xor.source()


def test_a_programs_training_defaults_and_rules() -> None:
    from pathgrad.defaults import LEARNING_RATE, TRAIN_STEPS

    start = plan(source="x = 2; w = 0.5; y = (w*x - 3)^2").start
    assert (start["params"], start["loss"], start["layers"]) == (["w"], "y", [["w"]])
    assert (start["steps"], start["optimizer"]["lr"]) == (TRAIN_STEPS, LEARNING_RATE)
    with pytest.raises(RequestError) as error:
        plan(source="x = 2; y = x*x")
    assert error.value.field == "params"
    with pytest.raises(RequestError) as error:
        plan(source="w = [1, 2]; y = w*w")
    assert error.value.field == "loss"
    with pytest.raises(RequestError) as error:
        plan(preset="neuron", steps=10_001)
    assert "max_train_steps" in error.value.message
    with pytest.raises(RequestError) as error:
        plan(preset="neuron", steps=10_000, sample_every=1)
    assert "max_train_events" in error.value.message
