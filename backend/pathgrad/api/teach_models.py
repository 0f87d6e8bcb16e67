"""Request and response models of the teaching routes: the lab and the exercises."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pathgrad.api.models import LeafValue, NumberOrArray
from pathgrad.lab import VARIANTS

VariantName = Literal[
    "correct", "path-walk", "recursive-no-topo", "assign-not-accumulate", "parents-by-node", "no-zero-grad"
]
assert set(VariantName.__args__) == set(VARIANTS)  # type: ignore[attr-defined]  # one list, two spellings


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


class LabRequest(_Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"source": "x = 3; y = x*x"},
                {"source": "a = 3; b = a + a; c = b + b", "variants": ["correct", "assign-not-accumulate"]},
            ]
        }
    )

    source: str | None = Field(None, description="the program (numbers or arrays), or give a preset")
    preset: str | None = Field(None, description="instead of source: a preset's name (see /api/presets)")
    seed: int | None = Field(None, ge=0, le=2**32 - 1, description="the preset's random seed")
    values: dict[str, LeafValue] = Field(
        default_factory=dict, description="values for leaf names, overriding the program's literals"
    )
    output: str | None = Field(None, description="the statement to differentiate (default: the last)")
    variants: list[VariantName] | None = Field(
        None,
        max_length=len(VARIANTS),
        description="which sweeps to run (default: all six; correct always runs)",
    )


class LabVariant(BaseModel):
    ran: bool = Field(description="false when the walk would take more visits than the lab's bound")
    skipped: str | None = Field(description="why the variant was not run")
    visits: str = Field(description="node visits, exact, as a decimal string (they pass 2**53)")
    gradients: dict[str, NumberOrArray] | None = Field(
        description="d(output)/d(leaf) by leaf name as this variant computes it: a number, or nested "
        "lists of the leaf's shape for an array (null: not finite)"
    )
    adjoints: dict[str, NumberOrArray] | None = Field(
        description="every node's adjoint, by the graph's node id (arrays as nested lists)"
    )
    differs: list[str] = Field(description="ids of the nodes whose adjoint is not the correct one")
    differs_leaves: list[str] = Field(description="names of the leaves among them")


class LabResponse(BaseModel):
    output: str = Field(description="the output's node id (the ids are /api/graph's for the program)")
    variants: dict[str, LabVariant]


class ExerciseQuestion(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    kind: Literal["local", "path", "gradient", "count"] = Field(
        description="local: the edge's local derivative (edge, source, target); path: the product along "
        "the path (nodes, edges); gradient: d(output)/d(node) (node); count: the number of paths (source, "
        "output)"
    )


class ProgramExerciseRequest(_Strict):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"source": "a = 2; b = 1\ne = (a+b)*(b+1)", "input": "b"}]}
    )

    source: str = Field(..., description="the program (numbers only) whose graph the questions are about")
    values: dict[str, LeafValue] = Field(
        default_factory=dict, description="values for leaf names, overriding the program's literals"
    )
    input: str | None = Field(
        None, max_length=200, description="the leaf whose paths are asked (default: the most paths)"
    )
    output: str | None = Field(
        None, max_length=200, description="the statement to differentiate (default: the last)"
    )


class ExerciseResponse(BaseModel):
    level: int | None = Field(description="the generated exercise's level; null for a given program")
    seed: int | None = Field(description="the generated exercise's seed; null for a given program")
    topic: str = Field(description="chain, fan-out, activation, neuron, network; program for a given one")
    source: str = Field(description="the program to draw (POST it to /api/graph with this view)")
    values: dict[str, LeafValue] = Field(description="the leaf values it was asked with (draw it with them)")
    output: str | None = Field(description="the statement differentiated (null: the last)")
    view: Literal["operations", "values"]
    input: str = Field(description="the leaf whose paths the reveal animates")
    questions: list[ExerciseQuestion]


class CheckRequest(_Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"level": 2, "seed": 0, "question": "q3", "answer": 1.75},
                {"source": "a = 2; b = 1\ne = (a+b)*(b+1)", "input": "b", "question": "q4", "answer": 5},
            ]
        }
    )

    level: int | None = Field(None, ge=1, le=5, description="a generated exercise: its level and seed")
    seed: int | None = Field(None, ge=0, le=2**32 - 1)
    source: str | None = Field(None, description="or a program's exercise: its source, as POSTed")
    values: dict[str, LeafValue] = Field(default_factory=dict, description="with source: its leaf values")
    input: str | None = Field(None, max_length=200, description="with source: its input")
    output: str | None = Field(None, max_length=200, description="with source: its output")
    question: str = Field(..., max_length=8, description="the question's id, e.g. 'q1'")
    answer: float | None = Field(None, description="the student's answer (null with reveal: just show it)")
    reveal: bool = Field(False, description="also send the expected answer, right or wrong")


class CheckResponse(BaseModel):
    question: str
    kind: str
    correct: bool | None = Field(description="null when nothing was answered (a reveal)")
    hint: str | None = Field(
        description="what the wrong answer looks like: count-low, count-high, sign, path-left-out, "
        "fan-out-not-added, factor-off, added-not-multiplied, value-not-derivative, rule, paths"
    )
    params: dict[str, Any] = Field(description="what the hint points at: edges, an edge, an op, a count")
    expected: float | str | None = Field(
        description="the answer, when right or revealed (a count as a string)"
    )
