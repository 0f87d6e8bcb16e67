"""The API's request and response models (they make the OpenAPI schema at /docs)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pathgrad.defaults import PATHS_LIMIT
from pathgrad.training import OptimizerSettings

_OPTIMIZER = OptimizerSettings()

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
    source: str | None = Field(
        None, description="the program, e.g. 'x = 1; w = 0; b = 0\\ny = sigmoid(w*x + b)' (or a preset)"
    )
    preset: str | None = Field(None, description="instead of source: a preset's name (see /api/presets)")
    seed: int | None = Field(None, ge=0, le=2**32 - 1, description="the preset's random seed")
    values: dict[str, LeafValue] = Field(
        default_factory=dict, description="values for leaf names, overriding the program's literals"
    )
    output: str | None = Field(None, description="the statement to differentiate (default: the last)")
    view: Literal["operations", "values"] = Field(
        "operations",
        description="'operations': one node per operation (the default); 'values': one node per "
        "statement (each leaf and named value), each edge carrying the statement's local derivative "
        "d(child)/d(parent), so that paths go through named values",
    )
    structure: str | None = Field(
        None,
        max_length=64,
        description="the `structure` of a graph answer you already hold: when the program's graph still "
        "has that structure (only leaves' values changed), the answer's graph carries only its numbers "
        "(GraphNumbers, `numbers_only: true`); otherwise the full graph",
    )


class GraphRequest(ProgramRequest):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"source": "x = 1; w = 0.5; b = 0\ny = sigmoid(w*x + b)", "values": {"x": 2}},
                {"source": "x = [1, 2]; W = [[1, 2], [3, 4]]; y = sum(tanh(W @ x))",
                 "options": {"expand": True, "forward": "x"}},
                {"source": "x = 0; y = log(x)"},
            ]
        }
    )

    options: GraphOptions = Field(default_factory=GraphOptions)


class PathsRequest(ProgramRequest):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"source": "a = 2; b = 1; e = (a+b)*(b+1)", "input": "b"},
                {"source": "x = 0.5; h = tanh(3*x); y = h*h + sigmoid(h)", "input": "x", "limit": 2,
                 "options": {"expand": True}},
            ]
        }
    )

    input: str = Field(..., description="the name of the node to take paths from (usually a leaf)")
    limit: int = Field(PATHS_LIMIT, ge=0, description="how many paths to list, largest |product| first")
    options: GraphOptions = Field(default_factory=GraphOptions)


Number = float | None
NumberOrArray = float | list[Any] | None
# What a null number was: JSON has no infinity, so +∞, −∞ and NaN all travel as null beside their kind.
NonfiniteKind = Literal["inf", "-inf", "nan"]
Kind = NonfiniteKind | None
KindOrArray = NonfiniteKind | list[Any] | None
_STRUCTURE = (
    "an opaque identifier of the graph's structure (16 hex digits): equal for two answers exactly when "
    "their nodes, edges, groups, output and stats are the same but for their numbers; send it back as "
    "the request's `structure` to get only the numbers (GraphNumbers) while it holds"
)
_KIND = (
    "null when every number is finite; else 'inf', '-inf' or 'nan' (for an array, nested lists of its "
    "shape with null at the finite entries)"
)


class GraphNode(BaseModel):
    id: str
    op: str = Field(description="primitive name, or 'leaf' / 'const'")
    label: str
    name: str | None
    kind: Literal["input", "param", "const", "op"]
    value: NumberOrArray
    value_kind: KindOrArray = Field(description=f"what a null in value is: {_KIND}")
    grad: NumberOrArray = Field(description="the adjoint d(output)/d(node); null for constants")
    grad_kind: KindOrArray = Field(description=f"what a null in grad is: {_KIND}")
    tangent: NumberOrArray = Field(description="d(node)/d(forward input), when forward mode was asked")
    tangent_kind: KindOrArray = Field(description=f"what a null in tangent is: {_KIND}")
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
    local_kind: KindOrArray = Field(description=f"what a null in local is: {_KIND}")
    local_needed: bool = Field(
        description="false when the source is a constant: no gradient flows to it, so local is null "
        "(no derivative needed, not an undefined one)"
    )
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
    """The operations view: one node per operation (``POST /api/graph``).

    Node ids ``n0, n1, ...`` are in topological order (parents first), edge ids ``e0, e1, ...``; an edge
    goes from ``source`` (the parent) to ``target`` with the argument index ``arg``. Numbers are numbers
    for scalars and nested lists for arrays; JSON has no infinity, so a non-finite number travels as
    null beside its kind (``value_kind``, ``grad_kind``, ``tangent_kind``, ``local_kind``: null when
    finite, else "inf", "-inf" or "nan"; for arrays, nested lists of kinds of the array's shape).
    An edge from a constant has ``local_needed: false`` and no ``local``: no gradient flows to it.
    Examples: the answers in ``frontend/tests/fixtures/`` (checked against this app by
    ``tests/test_frontend_fixtures.py``).
    """

    view: Literal["operations"] = Field(description="one node per operation")
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    groups: list[GraphGroup]
    output: str
    stats: GraphStats
    numbers_only: Literal[False] = Field(description="a full graph (see GraphNumbers for the other kind)")
    structure: str = Field(description=_STRUCTURE)


class ValueNodeModel(GraphNode):
    kind: Literal["input", "param", "op"]
    op: str = Field(description="'leaf', 'alias' (y = h), or the primitive of the statement's top node")
    expr: str = Field(description="the statement's right-hand side as written (a leaf's literal)")
    line: int = Field(description="the statement's 1-based line in the source")
    node: str = Field(description="the id of the operations-view node holding this value")
    members: list[str] = Field(description="ids of the operations-view nodes the statement created")
    pre: NumberOrArray = Field(
        None,
        description="the value of the first argument of the statement's last operation (an activation's "
        "pre-activation); null for a leaf or an alias",
    )


class ValueEdgeModel(GraphEdge):
    arg: int = Field(description="order of the parent's first appearance in the statement")
    local: NumberOrArray = Field(
        description="d(target)/d(source) of the target's statement alone (all its uses of the source)"
    )
    occurrences: int = Field(description="how many times the statement names the parent")


class ValuesGraph(BaseModel):
    """The values view: one node per statement (ids v0, v1, ... in statement order), edges u0, u1, ...

    A node per leaf, per assignment, per alias (``y = h``) and for an unnamed last expression; an edge
    from a statement to each later statement that names it, once however often it is named. ``local``
    is d(target)/d(source) of the target's statement alone, computed by the engine (on arrays the
    Jacobian, under the same limits as operation edges). ``grad`` is reverse mode through this graph: the
    operations view's adjoint of ``node``, except that an alias splits its value's uses. The leaves'
    ``node``s and all ``members`` are every node of the operations graph, each once.
    """

    view: Literal["values"] = Field(description="one node per named value (statement)")
    nodes: list[ValueNodeModel]
    edges: list[ValueEdgeModel]
    groups: list[GraphGroup] = Field(description="always empty in the values view")
    output: str
    stats: GraphStats
    numbers_only: Literal[False] = Field(description="a full graph (see GraphNumbers for the other kind)")
    structure: str = Field(description=_STRUCTURE)


class NodeNumbers(BaseModel):
    """The nodes' numbers as columns: entry i of each is that field of the full graph's i-th node."""

    value: list[NumberOrArray]
    value_kind: list[KindOrArray]
    grad: list[NumberOrArray]
    grad_kind: list[KindOrArray]
    tangent: list[NumberOrArray]
    tangent_kind: list[KindOrArray]
    nonfinite: list[bool]
    reason: list[str | None]
    grad_nonfinite: list[bool]
    pre: list[NumberOrArray] | None = Field(None, description="values view only")


class EdgeNumbers(BaseModel):
    """The edges' numbers as columns: entry i of each is that field of the full graph's i-th edge."""

    local: list[NumberOrArray]
    local_kind: list[KindOrArray]
    local_reason: list[str | None]


class GraphNumbers(BaseModel):
    """Only the numbers of a graph whose structure the client holds (it sent that ``structure``).

    The answer to a request whose ``structure`` is the answer graph's own: the nodes, edges, groups,
    ids, labels and stats of the full answer with that structure still hold; the numbers (values,
    adjoints, tangents, local derivatives, their kinds and reasons) are these columns, each entry
    exactly what the full answer's node (edge) at that index would have had.
    """

    view: Literal["operations", "values"]
    numbers_only: Literal[True] = Field(description="only the numbers (see Graph and ValuesGraph)")
    structure: str = Field(description=_STRUCTURE)
    output: str
    nodes: NodeNumbers
    edges: EdgeNumbers


FullGraph = Annotated[Graph | ValuesGraph, Field(discriminator="view")]
AnyGraph = FullGraph | GraphNumbers


class PathModel(BaseModel):
    nodes: list[str]
    edges: list[str]
    factors: list[Number]
    factor_kinds: list[Kind] | None = Field(description=f"what a null factor is: {_KIND}")
    product: Number
    product_kind: Kind
    product_reason: str | None = Field(description="why the product is not finite")


class PathsReasons(BaseModel):
    """For each of these numbers that is not finite, why."""

    listed_sum: str | None = None
    gradient: str | None = None
    remainder: str | None = None
    forward_mode: str | None = None
    finite_difference: str | None = None


class PathsResponse(BaseModel):
    """The paths from ``input`` to ``output`` (``POST /api/paths``), by decreasing |product|.

    A program whose products overflow or add up to ∞ − ∞ answers 200 with the kinds and ``reasons``
    of its non-finite numbers, never an error. In the values view the ids are ``v``/``u`` ids.
    """

    output: str
    input: str | None
    count: str = Field(description="the exact number of paths, as a decimal string")
    limit: int
    truncated: bool
    paths: list[PathModel]
    listed_sum: Number
    listed_sum_kind: Kind
    gradient: Number = Field(description="reverse mode's d(output)/d(input)")
    gradient_kind: Kind
    remainder: Number = Field(description="what the unlisted paths contribute: gradient − listed_sum")
    remainder_kind: Kind
    reasons: PathsReasons = Field(description="why each non-finite number above is not finite")
    forward_mode: Number = Field(description="forward mode's d(output)/d(input): the exact second witness")
    forward_mode_kind: Kind
    finite_difference: Number = Field(
        description="central differences at shrinking steps, extrapolated to step 0 (Richardson)"
    )
    finite_difference_kind: Kind
    finite_difference_error: Number = Field(
        description="the estimate's own error: |finite_difference − true derivative| is about this or less"
    )
    finite_difference_resolves: bool = Field(
        description="whether the error is at most 0.1% of the estimate; if not, the estimate cannot "
        "witness values below about finite_difference_error"
    )
    finite_difference_verdict: Literal["agrees", "differs", "unresolved", "nonfinite"] = Field(
        description="the estimate against the gradient: agrees (within its error, resolved), differs, "
        "unresolved (consistent, but it cannot resolve the value), nonfinite (either is not finite)"
    )
    view: Literal["operations", "values"] = Field(description="the graph the paths go through")
    graph: AnyGraph


class OpParam(BaseModel):
    name: str
    default: float


class OpCurve(BaseModel):
    x: list[float] = Field(description="evenly spaced points over [−5, 5], 0 among them")
    f: list[float] = Field(description="the row's value at each point (default parameters)")
    df: list[float] = Field(description="its derivative at each point, as the engine computes it")


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
    operator: str | None = Field(description="the language's token when written as an operator: + - * / ^ @")
    infix: bool = Field(description="written between its two arguments (a + b)")
    precedence: int | None = Field(description="how tightly the operator binds; higher binds tighter")
    activation: bool = Field(description="an activation function: the legend and the gallery show it")
    curve: OpCurve | None = Field(description="an activation's f and f′ sampled by the engine, else null")


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    training_runs: int = Field(description="training streams this process is running now")


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


class Message(BaseModel):
    """400 (the body cannot be read as JSON) or 413 (it is larger than max_body_bytes)."""

    detail: str


# --- presets and training -----------------------------------------------------------------------


class TrainingDefaultsModel(BaseModel):
    optimizer: str
    learning_rate: float
    steps: int


class PresetModel(BaseModel):
    name: str
    title: str
    description: str = Field(description="what to look at")
    default_seed: int
    seed: int = Field(description="the seed this source was generated with")
    source: str = Field(description="the program, ready for /api/graph or the editor")
    view_output: str | None
    view_input: str | None
    view: Literal["operations", "values"] = Field(
        description="the view the page opens it in (the `view` of /api/graph and /api/paths)"
    )
    loss: str
    layers: list[list[str]]
    training: TrainingDefaultsModel


class OptimizerModel(_Strict):
    # The defaults are training.OptimizerSettings' (the learning rate: pathgrad.defaults').
    kind: Literal["sgd", "momentum", "adam"] = "sgd"
    lr: float = Field(_OPTIMIZER.lr, gt=0, le=1e6)
    momentum: float = Field(_OPTIMIZER.momentum, ge=0, lt=1)
    beta1: float = Field(_OPTIMIZER.beta1, ge=0, lt=1)
    beta2: float = Field(_OPTIMIZER.beta2, ge=0, lt=1)
    eps: float = Field(_OPTIMIZER.eps, gt=0, le=1)


class TrainRequest(_Strict):
    # The schema says what the endpoint checks: a source or a preset (giving both is refused too).
    model_config = ConfigDict(
        json_schema_extra={"anyOf": [{"required": ["source"]}, {"required": ["preset"]}]}
    )

    preset: str | None = Field(None, description="a preset's name (or give `source`)")
    seed: int | None = Field(None, ge=0, le=2**32 - 1, description="the preset's random seed")
    source: str | None = Field(None, description="a program with named parameters (w…, b…)")
    values: dict[str, LeafValue] = Field(default_factory=dict)
    loss: str | None = Field(
        None, description="the statement to minimise (default: the preset's, or the last)"
    )
    params: list[str] | None = Field(None, description="the leaves to train (default: every parameter)")
    optimizer: OptimizerModel | None = None
    steps: int | None = Field(None, ge=0, description="optimizer steps (default: the preset's)")
    sample_every: int | None = Field(None, ge=1, description="send every n-th step (default: ~200 events)")


class TrainStart(BaseModel):
    """The first event of a training stream."""

    source: str
    loss: str
    params: list[str]
    layers: list[list[str]]
    steps: int
    sample_every: int
    optimizer: OptimizerModel


class TrainStep(BaseModel):
    """A sampled step, before its update (step 0 is the initial state)."""

    step: int
    loss: Number
    params: dict[str, NumberOrArray]
    grads: dict[str, NumberOrArray]
    layer_grad: list[Number] = Field(description="mean |gradient| per layer, input side first")
    dead_relu: int = Field(description="ReLU units whose input is ≤ 0 (for every sample)")
    elapsed: float


class TrainDone(BaseModel):
    """The last event: how the run ended."""

    steps_run: int
    stopped: str | None = Field(description="why the run ended early, if it did")
    elapsed: float
