// The JSON of pathgrad's API as TypeScript interfaces, for the type check of the page's JSDoc
// (npm run typecheck). Written from the OpenAPI schema by tests/test_frontend_types.py --write:
// do not edit by hand.

export interface CheckRequest {
  /** a generated exercise: its level and seed */
  level?: number | null;
  seed?: number | null;
  /** or a program's exercise: its source, as POSTed */
  source?: string | null;
  /** with source: its leaf values */
  values?: Record<string, number | unknown[]>;
  /** with source: its input */
  input?: string | null;
  /** with source: its output */
  output?: string | null;
  /** the question's id, e.g. 'q1' */
  question: string;
  /** the student's answer (null with reveal: just show it) */
  answer?: number | null;
  /** also send the expected answer, right or wrong */
  reveal?: boolean;
}

export interface CheckResponse {
  question: string;
  kind: string;
  /** null when nothing was answered (a reveal) */
  correct: boolean | null;
  /** what the wrong answer looks like: count-low, count-high, sign, path-left-out, fan-out-not-added, factor-off, added-not-multiplied, value-not-derivative, rule, paths */
  hint: string | null;
  /** what the hint points at: edges, an edge, an op, a count */
  params: Record<string, unknown>;
  /** the answer, when right or revealed (a count as a string) */
  expected: number | string | null;
}

/** The edges' numbers as columns: entry i of each is that field of the full graph's i-th edge. */
export interface EdgeNumbers {
  local: (number | unknown[] | null)[];
  local_kind: ("inf" | "-inf" | "nan" | unknown[] | null)[];
  local_reason: (string | null)[];
}

/** One problem with a request (FastAPI's validation-error entry). */
export interface ErrorItem {
  /** 'program_error', 'limit_exceeded', 'value_error' or pydantic's type */
  type: string;
  /** where: e.g. ['body', 'source'] or ['body', 'values', 'x'] */
  loc: (string | number)[];
  msg: string;
  input?: unknown;
  /** for the program: line, column, span and the exceeded limit's name */
  ctx?: Record<string, unknown> | null;
}

/** 422: what is wrong with the request. */
export interface ErrorResponse {
  detail: ErrorItem[];
}

export interface ExerciseQuestion {
  id: string;
  /** local: the edge's local derivative (edge, source, target); path: the product along the path (nodes, edges); gradient: d(output)/d(node) (node); count: the number of paths (source, output) */
  kind: "local" | "path" | "gradient" | "count";
}

export interface ExerciseResponse {
  /** the generated exercise's level; null for a given program */
  level: number | null;
  /** the generated exercise's seed; null for a given program */
  seed: number | null;
  /** chain, fan-out, activation, neuron, network; program for a given one */
  topic: string;
  /** the program to draw (POST it to /api/graph with this view) */
  source: string;
  /** the leaf values it was asked with (draw it with them) */
  values: Record<string, number | unknown[]>;
  /** the statement differentiated (null: the last) */
  output: string | null;
  view: "operations" | "values";
  /** the leaf whose paths the reveal animates */
  input: string;
  questions: ExerciseQuestion[];
}

/** The operations view: one node per operation (``POST /api/graph``). Node ids ``n0, n1, ...`` are in topological order (parents first), edge ids ``e0, e1, ...``; an edge goes from ``source`` (the parent) to ``target`` with the argument index ``arg``. Numbers are numbers for scalars and nested lists for arrays; JSON has no infinity, so a non-finite number travels as null beside its kind (``value_kind``, ``grad_kind``, ``tangent_kind``, ``local_kind``: null when finite, else "inf", "-inf" or "nan"; for arrays, nested lists of kinds of the array's shape). An edge from a constant has ``local_needed: false`` and no ``local``: no gradient flows to it. Examples: the answers in ``frontend/tests/fixtures/`` (checked against this app by ``tests/test_frontend_fixtures.py``). */
export interface Graph {
  /** one node per operation */
  view: "operations";
  nodes: GraphNode[];
  edges: GraphEdge[];
  groups: GraphGroup[];
  output: string;
  stats: GraphStats;
  /** a full graph (see GraphNumbers for the other kind) */
  numbers_only: false;
  /** an opaque identifier of the graph's structure (16 hex digits): equal for two answers exactly when their nodes, edges, groups, output and stats are the same but for their numbers; send it back as the request's `structure` to get only the numbers (GraphNumbers) while it holds */
  structure: string;
}

export interface GraphEdge {
  id: string;
  /** the parent node */
  source: string;
  /** the child node */
  target: string;
  /** argument index of the parent in the child (x*x has two edges) */
  arg: number;
  /** d(target)/d(source): a number, or a small Jacobian */
  local: number | unknown[] | null;
  /** what a null in local is: null when every number is finite; else 'inf', '-inf' or 'nan' (for an array, nested lists of its shape with null at the finite entries) */
  local_kind: "inf" | "-inf" | "nan" | unknown[] | null;
  /** false when the source is a constant: no gradient flows to it, so local is null (no derivative needed, not an undefined one) */
  local_needed: boolean;
  /** why local is absent or not finite */
  local_reason: string | null;
}

export interface GraphGroup {
  id: string;
  op: string;
  nodes: string[];
  output: string;
}

export interface GraphNode {
  id: string;
  /** primitive name, or 'leaf' / 'const' */
  op: string;
  label: string;
  name: string | null;
  kind: "input" | "param" | "const" | "op";
  value: number | unknown[] | null;
  /** what a null in value is: null when every number is finite; else 'inf', '-inf' or 'nan' (for an array, nested lists of its shape with null at the finite entries) */
  value_kind: "inf" | "-inf" | "nan" | unknown[] | null;
  /** the adjoint d(output)/d(node); null for constants */
  grad: number | unknown[] | null;
  /** what a null in grad is: null when every number is finite; else 'inf', '-inf' or 'nan' (for an array, nested lists of its shape with null at the finite entries) */
  grad_kind: "inf" | "-inf" | "nan" | unknown[] | null;
  /** d(node)/d(forward input), when forward mode was asked */
  tangent: number | unknown[] | null;
  /** what a null in tangent is: null when every number is finite; else 'inf', '-inf' or 'nan' (for an array, nested lists of its shape with null at the finite entries) */
  tangent_kind: "inf" | "-inf" | "nan" | unknown[] | null;
  shape: number[];
  /** id of the expanded composite this node belongs to */
  group: string | null;
  /** the value is infinite or NaN (it travels as null) */
  nonfinite: boolean;
  /** why the value is not finite */
  reason: string | null;
  grad_nonfinite: boolean;
}

/** Only the numbers of a graph whose structure the client holds (it sent that ``structure``). The answer to a request whose ``structure`` is the answer graph's own: the nodes, edges, groups, ids, labels and stats of the full answer with that structure still hold; the numbers (values, adjoints, tangents, local derivatives, their kinds and reasons) are these columns, each entry exactly what the full answer's node (edge) at that index would have had. */
export interface GraphNumbers {
  view: "operations" | "values";
  /** only the numbers (see Graph and ValuesGraph) */
  numbers_only: true;
  /** an opaque identifier of the graph's structure (16 hex digits): equal for two answers exactly when their nodes, edges, groups, output and stats are the same but for their numbers; send it back as the request's `structure` to get only the numbers (GraphNumbers) while it holds */
  structure: string;
  output: string;
  nodes: NodeNumbers;
  edges: EdgeNumbers;
}

export interface GraphOptions {
  /** record sigmoid and tanh as their compositions, boxed as groups */
  expand?: boolean;
  /** a leaf's name: also compute forward-mode tangents d(node)/d(leaf) */
  forward?: string | null;
}

export interface GraphRequest {
  /** the program, e.g. 'x = 1; w = 0; b = 0\ny = sigmoid(w*x + b)' (or a preset) */
  source?: string | null;
  /** instead of source: a preset's name (see /api/presets) */
  preset?: string | null;
  /** the preset's random seed */
  seed?: number | null;
  /** values for leaf names, overriding the program's literals */
  values?: Record<string, number | unknown[]>;
  /** the statement to differentiate (default: the last) */
  output?: string | null;
  /** 'operations': one node per operation (the default); 'values': one node per statement (each leaf and named value), each edge carrying the statement's local derivative d(child)/d(parent), so that paths go through named values */
  view?: "operations" | "values";
  /** the `structure` of a graph answer you already hold: when the program's graph still has that structure (only leaves' values changed), the answer's graph carries only its numbers (GraphNumbers, `numbers_only: true`); otherwise the full graph */
  structure?: string | null;
  options?: GraphOptions;
}

export interface GraphStats {
  nodes: number;
  edges: number;
  /** for each leaf, the exact number of paths to the output (decimal string) */
  path_counts: Record<string, string>;
}

export interface HTTPValidationError {
  detail?: ValidationError[];
}

export interface Health {
  status: "ok";
  version: string;
  /** training streams this process is running now */
  training_runs: number;
}

export interface LabRequest {
  /** the program (numbers or arrays), or give a preset */
  source?: string | null;
  /** instead of source: a preset's name (see /api/presets) */
  preset?: string | null;
  /** the preset's random seed */
  seed?: number | null;
  /** values for leaf names, overriding the program's literals */
  values?: Record<string, number | unknown[]>;
  /** the statement to differentiate (default: the last) */
  output?: string | null;
  /** which sweeps to run (default: all six; correct always runs) */
  variants?: ("correct" | "path-walk" | "recursive-no-topo" | "assign-not-accumulate" | "parents-by-node" | "no-zero-grad")[] | null;
}

export interface LabResponse {
  /** the output's node id (the ids are /api/graph's for the program) */
  output: string;
  variants: Record<string, LabVariant>;
}

export interface LabVariant {
  /** false when the walk would take more visits than the lab's bound */
  ran: boolean;
  /** why the variant was not run */
  skipped: string | null;
  /** node visits, exact, as a decimal string (they pass 2**53) */
  visits: string;
  /** d(output)/d(leaf) by leaf name as this variant computes it: a number, or nested lists of the leaf's shape for an array (null: not finite) */
  gradients: Record<string, number | unknown[] | null> | null;
  /** every node's adjoint, by the graph's node id (arrays as nested lists) */
  adjoints: Record<string, number | unknown[] | null> | null;
  /** ids of the nodes whose adjoint is not the correct one */
  differs: string[];
  /** names of the leaves among them */
  differs_leaves: string[];
}

/** 400 (the body cannot be read as JSON) or 413 (it is larger than max_body_bytes). */
export interface Message {
  detail: string;
}

/** The nodes' numbers as columns: entry i of each is that field of the full graph's i-th node. */
export interface NodeNumbers {
  value: (number | unknown[] | null)[];
  value_kind: ("inf" | "-inf" | "nan" | unknown[] | null)[];
  grad: (number | unknown[] | null)[];
  grad_kind: ("inf" | "-inf" | "nan" | unknown[] | null)[];
  tangent: (number | unknown[] | null)[];
  tangent_kind: ("inf" | "-inf" | "nan" | unknown[] | null)[];
  nonfinite: boolean[];
  reason: (string | null)[];
  grad_nonfinite: boolean[];
  /** values view only */
  pre?: (number | unknown[] | null)[] | null;
}

export interface Op {
  name: string;
  arity: number;
  symbol: string;
  formula: string;
  doc: string;
  params: OpParam[];
  function: boolean;
  elementwise: boolean;
  expandable: boolean;
  /** the language's token when written as an operator: + - * / ^ @ */
  operator: string | null;
  /** written between its two arguments (a + b) */
  infix: boolean;
  /** how tightly the operator binds; higher binds tighter */
  precedence: number | null;
  /** an activation function: the legend and the gallery show it */
  activation: boolean;
  /** an activation's f and f′ sampled by the engine, else null */
  curve: OpCurve | null;
}

export interface OpCurve {
  /** evenly spaced points over [−5, 5], 0 among them */
  x: number[];
  /** the row's value at each point (default parameters) */
  f: number[];
  /** its derivative at each point, as the engine computes it */
  df: number[];
}

export interface OpParam {
  name: string;
  default: number;
}

export interface OptimizerModel {
  kind?: "sgd" | "momentum" | "adam";
  lr?: number;
  momentum?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export interface PathModel {
  nodes: string[];
  edges: string[];
  factors: (number | null)[];
  /** what a null factor is: null when every number is finite; else 'inf', '-inf' or 'nan' (for an array, nested lists of its shape with null at the finite entries) */
  factor_kinds: ("inf" | "-inf" | "nan" | null)[] | null;
  product: number | null;
  product_kind: "inf" | "-inf" | "nan" | null;
  /** why the product is not finite */
  product_reason: string | null;
}

/** For each of these numbers that is not finite, why. */
export interface PathsReasons {
  listed_sum?: string | null;
  gradient?: string | null;
  remainder?: string | null;
  forward_mode?: string | null;
  finite_difference?: string | null;
}

export interface PathsRequest {
  /** the program, e.g. 'x = 1; w = 0; b = 0\ny = sigmoid(w*x + b)' (or a preset) */
  source?: string | null;
  /** instead of source: a preset's name (see /api/presets) */
  preset?: string | null;
  /** the preset's random seed */
  seed?: number | null;
  /** values for leaf names, overriding the program's literals */
  values?: Record<string, number | unknown[]>;
  /** the statement to differentiate (default: the last) */
  output?: string | null;
  /** 'operations': one node per operation (the default); 'values': one node per statement (each leaf and named value), each edge carrying the statement's local derivative d(child)/d(parent), so that paths go through named values */
  view?: "operations" | "values";
  /** the `structure` of a graph answer you already hold: when the program's graph still has that structure (only leaves' values changed), the answer's graph carries only its numbers (GraphNumbers, `numbers_only: true`); otherwise the full graph */
  structure?: string | null;
  /** the name of the node to take paths from (usually a leaf) */
  input: string;
  /** how many paths to list, largest |product| first */
  limit?: number;
  options?: GraphOptions;
}

/** The paths from ``input`` to ``output`` (``POST /api/paths``), by decreasing |product|. A program whose products overflow or add up to ∞ − ∞ answers 200 with the kinds and ``reasons`` of its non-finite numbers, never an error. In the values view the ids are ``v``/``u`` ids. */
export interface PathsResponse {
  output: string;
  input: string | null;
  /** the exact number of paths, as a decimal string */
  count: string;
  limit: number;
  truncated: boolean;
  paths: PathModel[];
  listed_sum: number | null;
  listed_sum_kind: "inf" | "-inf" | "nan" | null;
  /** reverse mode's d(output)/d(input) */
  gradient: number | null;
  gradient_kind: "inf" | "-inf" | "nan" | null;
  /** what the unlisted paths contribute: gradient − listed_sum */
  remainder: number | null;
  remainder_kind: "inf" | "-inf" | "nan" | null;
  /** why each non-finite number above is not finite */
  reasons: PathsReasons;
  /** forward mode's d(output)/d(input): the exact second witness */
  forward_mode: number | null;
  forward_mode_kind: "inf" | "-inf" | "nan" | null;
  /** central differences at shrinking steps, extrapolated to step 0 (Richardson) */
  finite_difference: number | null;
  finite_difference_kind: "inf" | "-inf" | "nan" | null;
  /** the estimate's own error: |finite_difference − true derivative| is about this or less */
  finite_difference_error: number | null;
  /** whether the error is at most 0.1% of the estimate; if not, the estimate cannot witness values below about finite_difference_error */
  finite_difference_resolves: boolean;
  /** the estimate against the gradient: agrees (within its error, resolved), differs, unresolved (consistent, but it cannot resolve the value), nonfinite (either is not finite) */
  finite_difference_verdict: "agrees" | "differs" | "unresolved" | "nonfinite";
  /** the graph the paths go through */
  view: "operations" | "values";
  graph: Graph | ValuesGraph | GraphNumbers;
}

export interface PresetModel {
  name: string;
  title: string;
  /** what to look at */
  description: string;
  default_seed: number;
  /** the seed this source was generated with */
  seed: number;
  /** the program, ready for /api/graph or the editor */
  source: string;
  view_output: string | null;
  view_input: string | null;
  /** the view the page opens it in (the `view` of /api/graph and /api/paths) */
  view: "operations" | "values";
  loss: string;
  layers: string[][];
  training: TrainingDefaultsModel;
}

export interface ProgramExerciseRequest {
  /** the program (numbers only) whose graph the questions are about */
  source: string;
  /** values for leaf names, overriding the program's literals */
  values?: Record<string, number | unknown[]>;
  /** the leaf whose paths are asked (default: the most paths) */
  input?: string | null;
  /** the statement to differentiate (default: the last) */
  output?: string | null;
}

export interface TrainRequest {
  /** a preset's name (or give `source`) */
  preset?: string | null;
  /** the preset's random seed */
  seed?: number | null;
  /** a program with named parameters (w…, b…) */
  source?: string | null;
  values?: Record<string, number | unknown[]>;
  /** the statement to minimise (default: the preset's, or the last) */
  loss?: string | null;
  /** the leaves to train (default: every parameter) */
  params?: string[] | null;
  optimizer?: OptimizerModel | null;
  /** optimizer steps (default: the preset's) */
  steps?: number | null;
  /** send every n-th step (default: ~200 events) */
  sample_every?: number | null;
}

export interface TrainingDefaultsModel {
  optimizer: string;
  learning_rate: number;
  steps: number;
}

export interface ValidationError {
  loc: (string | number)[];
  msg: string;
  type: string;
  input?: unknown;
  ctx?: Record<string, unknown>;
}

export interface ValueEdgeModel {
  id: string;
  /** the parent node */
  source: string;
  /** the child node */
  target: string;
  /** order of the parent's first appearance in the statement */
  arg: number;
  /** d(target)/d(source) of the target's statement alone (all its uses of the source) */
  local: number | unknown[] | null;
  /** what a null in local is: null when every number is finite; else 'inf', '-inf' or 'nan' (for an array, nested lists of its shape with null at the finite entries) */
  local_kind: "inf" | "-inf" | "nan" | unknown[] | null;
  /** false when the source is a constant: no gradient flows to it, so local is null (no derivative needed, not an undefined one) */
  local_needed: boolean;
  /** why local is absent or not finite */
  local_reason: string | null;
  /** how many times the statement names the parent */
  occurrences: number;
}

export interface ValueNodeModel {
  id: string;
  /** 'leaf', 'alias' (y = h), or the primitive of the statement's top node */
  op: string;
  label: string;
  name: string | null;
  kind: "input" | "param" | "op";
  value: number | unknown[] | null;
  /** what a null in value is: null when every number is finite; else 'inf', '-inf' or 'nan' (for an array, nested lists of its shape with null at the finite entries) */
  value_kind: "inf" | "-inf" | "nan" | unknown[] | null;
  /** the adjoint d(output)/d(node); null for constants */
  grad: number | unknown[] | null;
  /** what a null in grad is: null when every number is finite; else 'inf', '-inf' or 'nan' (for an array, nested lists of its shape with null at the finite entries) */
  grad_kind: "inf" | "-inf" | "nan" | unknown[] | null;
  /** d(node)/d(forward input), when forward mode was asked */
  tangent: number | unknown[] | null;
  /** what a null in tangent is: null when every number is finite; else 'inf', '-inf' or 'nan' (for an array, nested lists of its shape with null at the finite entries) */
  tangent_kind: "inf" | "-inf" | "nan" | unknown[] | null;
  shape: number[];
  /** id of the expanded composite this node belongs to */
  group: string | null;
  /** the value is infinite or NaN (it travels as null) */
  nonfinite: boolean;
  /** why the value is not finite */
  reason: string | null;
  grad_nonfinite: boolean;
  /** the statement's right-hand side as written (a leaf's literal) */
  expr: string;
  /** the statement's 1-based line in the source */
  line: number;
  /** the id of the operations-view node holding this value */
  node: string;
  /** ids of the operations-view nodes the statement created */
  members: string[];
  /** the value of the first argument of the statement's last operation (an activation's pre-activation); null for a leaf or an alias */
  pre?: number | unknown[] | null;
}

/** The values view: one node per statement (ids v0, v1, ... in statement order), edges u0, u1, ... A node per leaf, per assignment, per alias (``y = h``) and for an unnamed last expression; an edge from a statement to each later statement that names it, once however often it is named. ``local`` is d(target)/d(source) of the target's statement alone, computed by the engine (on arrays the Jacobian, under the same limits as operation edges). ``grad`` is reverse mode through this graph: the operations view's adjoint of ``node``, except that an alias splits its value's uses. The leaves' ``node``s and all ``members`` are every node of the operations graph, each once. */
export interface ValuesGraph {
  /** one node per named value (statement) */
  view: "values";
  nodes: ValueNodeModel[];
  edges: ValueEdgeModel[];
  /** always empty in the values view */
  groups: GraphGroup[];
  output: string;
  stats: GraphStats;
  /** a full graph (see GraphNumbers for the other kind) */
  numbers_only: false;
  /** an opaque identifier of the graph's structure (16 hex digits): equal for two answers exactly when their nodes, edges, groups, output and stats are the same but for their numbers; send it back as the request's `structure` to get only the numbers (GraphNumbers) while it holds */
  structure: string;
}
