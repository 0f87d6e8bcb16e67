"""The API's request and response models (they make the OpenAPI schema at /docs)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# A value for a name: a number or a (nested) list of numbers. JSON has no infinity; 1e309 is refused.
LeafValue = float | list[Any]


class _Strict(BaseModel):
    # Strict: JSON true is not the number 1, "1" is not a number and 5.0 is not a count.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


class GraphOptions(_Strict):
    expand: bool = Field(False, description="record sigmoid and tanh as their compositions, boxed as groups")
    forward: str | None = Field(
        None, description="a leaf's name: also compute forward-mode tangents d(node)/d(leaf)"
    )


class ProgramRequest(_Strict):
    source: str = Field(..., description="the program, e.g. 'x = 1; w = 0; b = 0\\ny = sigmoid(w*x + b)'")
    values: dict[str, LeafValue] = Field(
        default_factory=dict, description="values for leaf names, overriding the program's literals"
    )
    output: str | None = Field(None, description="the statement to differentiate (default: the last)")


class GraphRequest(ProgramRequest):
    options: GraphOptions = Field(default_factory=GraphOptions)


class PathsRequest(ProgramRequest):
    input: str = Field(..., description="the name of the node to take paths from (usually a leaf)")
    limit: int = Field(20, ge=0, description="how many paths to list, largest |product| first")
    options: GraphOptions = Field(default_factory=GraphOptions)


Number = float | None
NumberOrArray = float | list[Any] | None


class GraphNode(BaseModel):
    id: str
    op: str = Field(description="primitive name, or 'leaf' / 'const'")
    label: str
    name: str | None
    kind: Literal["input", "param", "const", "op"]
    value: NumberOrArray
    grad: NumberOrArray = Field(description="the adjoint d(output)/d(node); null for constants")
    tangent: NumberOrArray = Field(description="d(node)/d(forward input), when forward mode was asked")
    shape: list[int]
    group: str | None = Field(description="id of the expanded composite this node belongs to")
    nonfinite: bool = Field(description="the value is infinite or NaN (it travels as null)")
    reason: str | None = Field(description="why the value is not finite")
    grad_nonfinite: bool


class GraphEdge(BaseModel):
    id: str
    source: str = Field(description="the parent node")
    target: str = Field(description="the child node")
    arg: int = Field(description="argument index of the parent in the child (x*x has two edges)")
    local: NumberOrArray = Field(description="d(target)/d(source): a number, or a small Jacobian")
    local_reason: str | None = Field(description="why local is absent or not finite")


class GraphGroup(BaseModel):
    id: str
    op: str
    nodes: list[str]
    output: str


class GraphStats(BaseModel):
    nodes: int
    edges: int
    path_counts: dict[str, str] = Field(
        description="for each leaf, the exact number of paths to the output (decimal string)"
    )


class Graph(BaseModel):
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    groups: list[GraphGroup]
    output: str
    stats: GraphStats


class PathModel(BaseModel):
    nodes: list[str]
    edges: list[str]
    factors: list[Number]
    product: Number


class PathsResponse(BaseModel):
    output: str
    input: str | None
    count: str = Field(description="the exact number of paths, as a decimal string")
    limit: int
    truncated: bool
    paths: list[PathModel]
    listed_sum: Number
    gradient: Number = Field(description="reverse mode's d(output)/d(input)")
    remainder: Number = Field(description="what the unlisted paths contribute: gradient − listed_sum")
    finite_difference: Number = Field(description="central-difference estimate of the gradient")
    graph: Graph


class OpParam(BaseModel):
    name: str
    default: float


class Op(BaseModel):
    name: str
    arity: int
    symbol: str
    formula: str
    doc: str
    params: list[OpParam]
    function: bool
    elementwise: bool
    expandable: bool


class Health(BaseModel):
    status: Literal["ok"]
    version: str


class ErrorItem(BaseModel):
    """One problem with a request (FastAPI's validation-error entry)."""

    type: str = Field(description="'program_error', 'limit_exceeded', 'value_error' or pydantic's type")
    loc: list[str | int] = Field(description="where: e.g. ['body', 'source'] or ['body', 'values', 'x']")
    msg: str
    input: Any = None
    ctx: dict[str, Any] | None = Field(
        None, description="for the program: line, column, span and the exceeded limit's name"
    )


class ErrorResponse(BaseModel):
    """422: what is wrong with the request."""

    detail: list[ErrorItem]


class TooLarge(BaseModel):
    """413: the body is larger than max_body_bytes."""

    detail: str
