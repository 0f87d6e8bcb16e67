"""Programs to engine graphs: leaves, names, values, output, composites."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pathgrad.engine import grad, topological_order
from pathgrad.language import Program, build, build_program, leaf_kind, parse

from .helpers import error_of

NEURON = """\
x = 1; w = 0; b = 0; Y = 1      # a name bound to a literal is a leaf
y = sigmoid(w*x + b)
C = (y - Y)^2
"""


def test_the_seed_neuron() -> None:
    program = build_program(NEURON)
    assert isinstance(program, Program)
    assert program.source == NEURON
    assert program.output is program.names["C"]
    assert program.output.value == 0.25
    assert program.names["y"].value == 0.5
    assert list(program.leaves) == ["x", "w", "b", "Y"]
    assert list(program.names) == ["x", "w", "b", "Y", "y", "C"]
    assert {n: v.kind for n, v in program.leaves.items()} == {
        "x": "input", "w": "param", "b": "param", "Y": "input",
    }  # fmt: skip
    y, w, b = program.names["y"], program.leaves["w"], program.leaves["b"]
    assert grad(y, [w, b]) == [0.25, 0.25]  # the seed's starting gradients
    assert grad(program.output, [w]) == [2 * (0.5 - 1) * 0.25]


def test_every_named_statement_names_its_node() -> None:
    program = build_program(NEURON)
    for name, node in program.names.items():
        assert node.name == name
    assert program.names["y"].op == "sigmoid"
    assert program.names["C"].op == "pow"


def test_aliases_keep_the_first_name() -> None:
    program = build_program("x = 2\na = x\nb = +a\ny = x * 3\nz = y")
    assert program.names["a"] is program.leaves["x"]
    assert program.names["b"] is program.leaves["x"]
    assert program.names["z"] is program.names["y"]
    assert program.leaves["x"].name == "x"
    assert program.names["z"].name == "y"
    assert program.output is program.names["y"]


def test_literals_in_expressions_are_constants_with_their_sign() -> None:
    program = build_program("x = 3\ny = x * -2 + 0.5")
    add = program.output
    mul, half = add.parents
    assert (half.op, half.kind, half.value) == ("const", "const", 0.5)
    assert mul.parents[0] is program.leaves["x"]
    assert (mul.parents[1].op, mul.parents[1].value) == ("const", -2.0)
    assert add.value == -5.5
    assert len(topological_order([add])) == 5


def test_neg_of_a_name_is_a_node_and_unary_plus_is_not() -> None:
    program = build_program("x = 3\ny = -x\nz = +x")
    assert program.names["y"].op == "neg" and program.names["y"].value == -3.0
    assert program.names["z"] is program.leaves["x"]


def test_leaves_from_signed_literals_and_arrays() -> None:
    program = build_program("a = -2\nb = -[1, 2]\nW = [[1, 2], [3, 4]]\nc = --(3)\nd = 1e-3")
    a, b, w, c, d = (program.leaves[n] for n in "abWcd")
    assert (a.op, a.value, a.kind) == ("leaf", -2.0, "input")
    assert isinstance(b.value, np.ndarray) and b.value.dtype == np.float64
    np.testing.assert_array_equal(b.value, [-1.0, -2.0])
    assert w.value.shape == (2, 2) and w.kind == "param"
    assert c.value == 3.0 and d.value == 1e-3
    assert type(a.value) is float


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("w", "param"), ("W", "param"), ("b", "param"), ("B", "param"), ("w1", "param"),
        ("W12", "param"), ("b_out", "param"), ("w2_h1", "param"), ("w_", "param"),
        ("weight", "param"), ("weights", "param"), ("Weight_3", "param"), ("bias_h", "param"),
        ("theta", "param"), ("theta0", "param"),
        ("x", "input"), ("Y", "input"), ("wx", "input"), ("w1x", "input"), ("beta", "input"),
        ("bx", "input"), ("target", "input"), ("_w", "input"), ("lr", "input"),
    ],
)  # fmt: skip
def test_leaf_kinds(name: str, kind: str) -> None:
    assert leaf_kind(name) == kind
    assert build_program(f"{name} = 1").leaves[name].kind == kind


def test_values_override_leaf_literals() -> None:
    program = build_program(NEURON, values={"w": 2.0, "b": -1, "x": 3})
    assert program.leaves["w"].value == 2.0
    assert program.leaves["b"].value == -1.0
    assert program.names["y"].value == pytest.approx(1 / (1 + math.exp(-5.0)))


def test_values_may_be_arrays_of_any_valid_shape() -> None:
    source = "x = 1\nw = [1, 2]\ny = sum(w * x)"
    program = build_program(source, values={"x": [[1, 2], [3, 4]]})
    assert program.leaves["x"].value.shape == (2, 2)
    assert program.output.value == 1 + 4 + 3 + 8
    program = build_program(source, values={"x": np.array([1.0, 2.0]), "w": (3, 4)})
    assert program.output.value == 11.0
    assert type(build_program(source, values={"x": np.float64(2)}).leaves["x"].value) is float


def test_unknown_names() -> None:
    assert error_of(NEURON, values={"q": 1}).detail == "unknown name 'q' in values"
    assert "'y' in values is computed" in error_of(NEURON, values={"y": 1}).detail
    assert "unknown output 'q'" in error_of(NEURON, output="q").detail
    assert "'q' is not defined" in error_of("y = q").detail


def test_output_defaults_to_the_last_statement_and_can_be_chosen() -> None:
    assert build_program(NEURON, output="y").output.value == 0.5
    leaf = build_program(NEURON, output="w")
    assert leaf.output is leaf.leaves["w"]
    program = build_program("x = 2\ny = x * x\ny + 1")
    assert program.output.value == 5.0
    assert program.output.name is None
    assert list(program.names) == ["x", "y"]
    assert build_program("x = 2\ny = x * x\ny + 1", output="y").output.value == 4.0


def test_functions_and_their_parameters() -> None:
    program = build_program(
        "x = -2\na = leaky_relu(x)\nb = leaky_relu(x, 0.5)\nc = relu(x)\nd = exp(0)\n"
        "e = sum([1, 2, 3])\nf = mean([[1, 2], [3, 4]])\ng = transpose([[1, 2]])\nh = tanh(0)"
    )
    values = {n: program.names[n].value for n in "abcdefh"}
    assert values == {"a": -0.02, "b": -1.0, "c": 0.0, "d": 1.0, "e": 6.0, "f": 2.5, "h": 0.0}
    assert program.names["g"].value.shape == (2, 1)
    assert program.names["b"].params == (0.5,)


def test_matmul_and_broadcasting() -> None:
    program = build_program(
        "A = [[1, 2], [3, 4]]\nv = [1, 1]\ny = A @ v\nz = A * v\nq = v @ v\nr = v @ A\n"
        "M = [[1, 2, 3], [4, 5, 6]]\nP = M @ transpose(M)\nQ = transpose(M) @ v"
    )
    np.testing.assert_array_equal(program.names["y"].value, [3.0, 7.0])
    np.testing.assert_array_equal(program.names["r"].value, [4.0, 6.0])
    np.testing.assert_array_equal(program.names["P"].value, [[14.0, 32.0], [32.0, 77.0]])
    np.testing.assert_array_equal(program.names["Q"].value, [5.0, 7.0, 9.0])
    np.testing.assert_array_equal(program.names["z"].value, [[1.0, 2.0], [3.0, 4.0]])
    assert program.names["q"].value == 2.0


def test_expanded_composites() -> None:
    plain = build_program(NEURON, output="y")
    expanded = build_program(NEURON, output="y", expand=True)
    assert plain.output.op == "sigmoid"
    assert expanded.output.op != "sigmoid"
    assert expanded.output.group is not None
    assert expanded.output.name == "y"
    assert expanded.output.value == pytest.approx(0.5)
    assert len(topological_order([expanded.output])) > len(topological_order([plain.output]))


def test_overflow_and_division_give_ieee_values() -> None:
    program = build_program("x = 0\na = 1 / x\nb = 9^(9^9 * (x + 1))\nc = log(x)\nd = x / x")
    assert program.names["a"].value == math.inf
    assert program.names["b"].value == math.inf
    assert program.names["c"].value == -math.inf
    assert math.isnan(program.names["d"].value)


def test_build_takes_a_parsed_tree() -> None:
    tree = parse(NEURON)
    first, second = build(tree), build(tree, values={"w": 1.0})
    assert first.output.value == 0.25
    assert second.output.value != first.output.value
    assert first.leaves["w"] is not second.leaves["w"]


def test_no_state_is_shared_between_builds() -> None:
    one, two = build_program(NEURON), build_program(NEURON)
    assert one.output is not two.output
    assert one.names.keys() == two.names.keys()


@pytest.mark.parametrize(
    ("a", "b"), [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)), ((1, 1), (1, 5))]
)
def test_the_precomputed_matmul_shape_is_numpys(a: tuple[int, ...], b: tuple[int, ...]) -> None:
    from pathgrad.language.builder import _matmul_shape

    assert _matmul_shape(a, b) == np.matmul(np.zeros(a), np.zeros(b)).shape
