// The graph JSON (the API's models: GET /openapi.json), indexed for the view. Pure: no DOM.
import { formatValue, formatNumber, magnitude, textWidth, shapeOf } from './format.js';
import { statementTitle, applySymbol, foldConstants, focusOnPaths, markParallelEdges } from './view-graph.js';
import { t } from '../i18n.js';

/**
 * Index a graph JSON object.
 * Returns {nodes, edges, groups, output, stats, byId: Map, edgeById: Map, inEdges: Map, outEdges: Map,
 * order: node ids in topological order, index: Map id -> position in order}.
 * Node ids are in topological order by contract; the order is recomputed anyway (Kahn) so that a
 * malformed graph cannot break the layout.
 */
export function indexGraph(graph) {
  const nodes = graph.nodes ?? [];
  const edges = graph.edges ?? [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edgeById = new Map(edges.map((e) => [e.id, e]));
  const inEdges = new Map(nodes.map((n) => [n.id, []]));
  const outEdges = new Map(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    if (!byId.has(e.source) || !byId.has(e.target)) continue;
    outEdges.get(e.source).push(e);
    inEdges.get(e.target).push(e);
  }
  for (const list of inEdges.values()) list.sort((a, b) => (a.arg ?? 0) - (b.arg ?? 0));
  const order = topoOrder(nodes.map((n) => n.id), inEdges, outEdges);
  const index = new Map(order.map((id, i) => [id, i]));
  return {
    nodes,
    edges,
    groups: graph.groups ?? [],
    output: graph.output ?? (nodes.length ? nodes[nodes.length - 1].id : null),
    stats: graph.stats ?? {},
    byId,
    edgeById,
    inEdges,
    outEdges,
    order,
    index,
    raw: graph,
  };
}

/**
 * Topological order: the given id order when it already is one (the contract's case), else Kahn's
 * algorithm. Nodes on a cycle (never valid) go last.
 */
export function topoOrder(ids, inEdges, outEdges) {
  const pos = new Map(ids.map((id, i) => [id, i]));
  let valid = true;
  for (const id of ids) {
    for (const e of outEdges.get(id)) if (pos.get(e.target) <= pos.get(id)) valid = false;
  }
  if (valid) return ids.slice();
  const indeg = new Map(ids.map((id) => [id, inEdges.get(id).length]));
  const order = ids.filter((id) => indeg.get(id) === 0);
  for (let head = 0; head < order.length; head++) {
    for (const e of outEdges.get(order[head])) {
      const d = indeg.get(e.target) - 1;
      indeg.set(e.target, d);
      if (d === 0) order.push(e.target);
    }
  }
  if (order.length < ids.length) {
    const seen = new Set(order);
    for (const id of ids) if (!seen.has(id)) order.push(id);
  }
  return order;
}

/** True when `node` is a leaf that requires a gradient (an input or a parameter). */
export function isGradLeaf(node) {
  return node.op === 'leaf' || node.kind === 'input' || node.kind === 'param';
}

/** Leaves that require a gradient, in topological order. */
export function gradLeaves(g) {
  return g.order.map((id) => g.byId.get(id)).filter((n) => isGradLeaf(n) && n.kind !== 'const');
}

/** Nodes with a user-visible name (candidates for the output picker), in topological order. */
export function namedNodes(g) {
  return g.order.map((id) => g.byId.get(id)).filter((n) => n.name);
}

/** Find a node by its name, or by id; null when absent. Later definitions win for reassigned names. */
export function findNode(g, nameOrId) {
  if (!nameOrId) return null;
  if (g.byId.has(nameOrId)) return g.byId.get(nameOrId);
  let found = null;
  for (const n of g.nodes) if (n.name === nameOrId) found = n;
  return found;
}

/** A string that changes exactly when a new layout is needed (ids, ops, edges, groups). */
export function structureKey(graph) {
  const n = (graph.nodes ?? []).map((x) => `${x.id}:${x.op}:${x.group ?? ''}`).join(',');
  const e = (graph.edges ?? []).map((x) => `${x.id}:${x.source}>${x.target}`).join(',');
  const gr = (graph.groups ?? []).map((x) => `${x.id}:${x.nodes.join('.')}`).join(',');
  return `${graph.output}|${n}|${e}|${gr}`;
}

/**
 * The text lines to draw for a node: title, value line, gradient line; and `note`, the reason, when
 * the value is not finite. `shownTitle` (from view-graph.js's nodeTitles) replaces the title made
 * from the node alone.
 */
export function nodeText(node, shownTitle = null) {
  let title = node.label ?? node.name ?? node.op;
  if (node.name && node.op !== 'leaf' && node.op !== 'const') {
    title = `${node.name} = ${node.label && node.label !== node.name ? node.label : node.op}`;
  }
  // Non-finite numbers travel as null beside their kind ("inf", "-inf", "nan"): drawn ∞, −∞, NaN.
  const value = node.nonfinite && node.value === null && !node.value_kind ? 'NaN' : formatValue(node.value, 4, node.value_kind ?? null);
  const hasGrad = node.kind !== 'const' && node.grad !== null && node.grad !== undefined;
  let grad = '';
  if (hasGrad) grad = formatValue(node.grad, 4, node.grad_kind ?? null);
  else if (node.kind !== 'const' && node.grad_kind) grad = formatValue(null, 4, node.grad_kind);
  else if (node.kind !== 'const' && (node.nonfinite || node.grad_nonfinite)) grad = 'NaN';
  const text = { title: String(shownTitle ?? title), value, grad };
  // An array is drawn by its shape and first entries, its gradient by its largest magnitude (the
  // tooltip has more).
  if (Array.isArray(node.value) && text.value.length > GLANCE_AFTER) text.value = arrayGlance(node.value, node.value_kind);
  if (Array.isArray(node.grad) && text.grad.length > GLANCE_AFTER) text.grad = `max |·| ${formatNumber(magnitude(node.grad), 3)}`;
  // Why the value is not finite, to draw on the node itself (not only in a tooltip).
  if (node.nonfinite && node.reason) text.note = String(node.reason);
  return text;
}

const GLANCE_AFTER = 18; // characters of an array's full text before a node shows it at a glance

/** "4×2: 0.117, 0.442, …": an array's shape and first two entries (kinds: the non-finite ones'). */
function arrayGlance(v, kinds = null) {
  const shape = shapeOf(v);
  const flat = v.flat(Infinity);
  const flatKinds = Array.isArray(kinds) ? kinds.flat(Infinity) : [];
  const shown = flat.slice(0, 2).map((x, i) => formatNumber(x, 3, 'NaN', flatKinds[i] ?? null)).join(', ');
  return `${shape.join('×')}: ${shown}${flat.length > 2 ? ', …' : ''}`;
}

/** Text for an edge's local derivative; a parallel edge (x*x) says which argument it is ("arg 2: 3"). */
export function edgeText(edge) {
  const text = localText(edge);
  return edge.twin && text ? t('edge.arg', { n: edge.twin, text }) : text;
}

function localText(edge) {
  if (edge.local_needed === false) return ''; // from a constant: no gradient flows there
  if (edge.local === null || edge.local === undefined) {
    if (edge.local_kind) return formatValue(null, 3, edge.local_kind);
    return edge.local_reason ? 'NaN' : '';
  }
  return formatValue(edge.local, 3, edge.local_kind ?? null);
}

/**
 * The gradient flowing along an edge: |local| * |grad(target)| (its contribution to grad(source)),
 * as a magnitude for width encoding; null when unknown.
 */
export function edgeFlow(g, edge) {
  const t = g.byId.get(edge.target);
  const a = magnitude(edge.local);
  const b = magnitude(t?.grad);
  if (a === null || b === null) return null;
  return a * b;
}

/**
 * A view of the graph with some expanded composites collapsed to one node each.
 * A collapsed group becomes a node with the group's id, showing the group's output value and gradient.
 * Edges inside the group disappear; edges from outside into the group are merged per source into one
 * edge whose local derivative is the composite's derivative (sum over paths inside the group).
 * Returns {nodes, edges, output, groups (still expanded), rep: Map original node id -> visible id,
 * edgeRep: Map original edge id -> visible edge id or null (internal)}.
 */
export function collapseGroups(g, collapsed) {
  const set = new Set([...(collapsed ?? [])].filter((id) => g.groups.some((gr) => gr.id === id)));
  const rep = new Map(g.nodes.map((n) => [n.id, n.id]));
  const edgeRep = new Map(g.edges.map((e) => [e.id, e.id]));
  if (set.size === 0) {
    return { nodes: g.nodes, edges: g.edges, output: g.output, groups: g.groups, rep, edgeRep };
  }
  const groupOf = new Map();
  for (const gr of g.groups) {
    if (!set.has(gr.id)) continue;
    for (const id of gr.nodes) groupOf.set(id, gr);
  }
  for (const [id, gr] of groupOf) rep.set(id, gr.id);
  const nodes = [];
  const emitted = new Set();
  for (const id of g.order) {
    const gr = groupOf.get(id);
    if (!gr) {
      nodes.push(g.byId.get(id));
      continue;
    }
    if (emitted.has(gr.id)) continue;
    emitted.add(gr.id);
    const out = g.byId.get(gr.output) ?? g.byId.get(gr.nodes[gr.nodes.length - 1]);
    nodes.push({
      ...out,
      id: gr.id,
      op: gr.op,
      label: gr.op,
      name: out.name ?? null,
      group: null,
      collapsed: true,
      members: [...gr.nodes],
    });
  }
  // Composite derivative inside each group: adjoint of the group output w.r.t. each member.
  const inner = new Map();
  for (const gr of g.groups) {
    if (!set.has(gr.id)) continue;
    const members = new Set(gr.nodes);
    const adj = new Map([[gr.output, 1]]);
    const ordered = gr.nodes.slice().sort((a, b) => g.index.get(b) - g.index.get(a));
    for (const id of ordered) {
      const a = adj.get(id);
      if (a === undefined) continue;
      for (const e of g.inEdges.get(id) ?? []) {
        if (!members.has(e.source)) continue;
        const l = typeof e.local === 'number' && typeof a === 'number' ? e.local * a : null;
        const prev = adj.get(e.source);
        adj.set(e.source, prev === undefined ? l : prev === null || l === null ? null : prev + l);
      }
    }
    inner.set(gr.id, adj);
  }
  const edges = [];
  const merged = new Map();
  for (const e of g.edges) {
    const s = rep.get(e.source);
    const t = rep.get(e.target);
    if (s === t) {
      edgeRep.set(e.id, null);
      continue;
    }
    const tg = groupOf.get(e.target);
    if (!tg) {
      const copy = s === e.source ? e : { ...e, source: s };
      edges.push(copy);
      continue;
    }
    // Into a collapsed group: merge per (source, group).
    const key = `${s}>${t}`;
    const a = inner.get(tg.id).get(e.target);
    const contrib = typeof e.local === 'number' && typeof a === 'number' ? e.local * a : null;
    let m = merged.get(key);
    if (!m) {
      m = { ...e, id: `${t}:${e.id}`, source: s, target: t, local: contrib, merged: [e.id] };
      merged.set(key, m);
      edges.push(m);
    } else {
      m.local = m.local === null || contrib === null ? null : m.local + contrib;
      m.merged.push(e.id);
    }
    edgeRep.set(e.id, m.id);
  }
  for (const m of merged.values()) {
    for (const id of m.merged) edgeRep.set(id, m.id);
  }
  const output = rep.get(g.output) ?? g.output;
  const groups = g.groups.filter((gr) => !set.has(gr.id));
  return { nodes, edges, output, groups, rep, edgeRep };
}

/** Summary line for a node's tooltip. */
export function nodeTooltip(node) {
  const parts = [`${node.id} · ${node.op}${node.kind ? ` (${node.kind})` : ''}`];
  if (node.expr && node.op !== 'leaf') parts.push(statementTitle(node));
  parts.push(t('node.tip.value', { v: formatValue(node.value, 6) }));
  if (node.kind !== 'const') parts.push(t('node.tip.grad', { v: formatValue(node.grad, 6) }));
  if (node.tangent !== null && node.tangent !== undefined) parts.push(t('node.tip.tangent', { v: formatValue(node.tangent, 6) }));
  if (node.shape && node.shape.length) parts.push(t('node.tip.shape', { v: node.shape.join(', ') }));
  if (node.reason) parts.push(t('node.tip.nonfinite', { v: node.reason }));
  return parts.join('\n');
}

export { formatNumber };

/** Type sizes of a drawn node (graph.css says the same): the title, the value, the gradient line, their keys. */
export const NODE_FONT = { title: 14, value: 14, line: 13, key: 11.5 };
/** Height of a node with a value and a gradient line, and of a compact one (a constant shown as a node). */
export const NODE_HEIGHT = { full: 48, compact: 28 };

const NOTE_LINE = 15;
const NOTE_CHARS = 34;
/** A non-finite value's reason as its node shows it. */
export const shortNote = (note) => (note.length > NOTE_CHARS ? `${note.slice(0, NOTE_CHARS - 1).trimEnd()}…` : note);

/** Box size of a node drawn with `nodeText` lines (width from an estimate of the text widths). */
export function nodeSize(node, text = nodeText(node)) {
  if (node.kind === 'const' && !node.collapsed) {
    return { width: Math.max(36, textWidth(text.title, 13) + 18), height: NODE_HEIGHT.compact, compact: true };
  }
  const w = Math.max(
    textWidth(text.title, NODE_FONT.title) * 1.08,
    textWidth(`${t('node.key.value')} `, NODE_FONT.key) + textWidth(text.value, NODE_FONT.value) * 1.08,
    textWidth(`${t('node.key.grad')} `, NODE_FONT.key) + textWidth(text.grad, NODE_FONT.line) * 1.08,
  );
  // A non-finite value says why on a fourth line (shortened; the tooltip has it whole).
  const note = text.note ? textWidth(shortNote(text.note), NODE_FONT.key) : 0;
  return {
    width: Math.max(64, Math.min(320, Math.ceil(Math.max(w, note) + 22))),
    height: NODE_HEIGHT.full + (text.note ? NOTE_LINE : 0),
    compact: false,
  };
}

/** The operations written between their arguments (a + b), from the rows of GET /api/ops. */
export function infixOps(ops) {
  return new Set((Array.isArray(ops) ? ops : []).filter((r) => r?.infix).map((r) => r.name));
}

/**
 * A readable expression for every node, for path lists: names for named nodes and leaves, else the
 * expression from the node's parents, e.g. "a + b", "b + 1", "σ(z)"; too long -> "1 + exp(…)".
 * `symbols`: op name -> symbol (view-graph.js's symbolTable of GET /api/ops); `infix`: infixOps of it.
 */
export function exprLabels(g, maxLen = 16, symbols = new Map(), infix = new Set()) {
  const sym = (op) => symbols.get(op) ?? op;
  const out = new Map();
  const isBinary = new Map();
  for (const id of g.order) {
    const n = g.byId.get(id);
    const args = (g.inEdges.get(id) ?? []).map((e) => e.source);
    let text;
    let bin = false;
    if (n.name) text = n.name;
    else if (n.op === 'leaf' || n.op === 'const' || !args.length) text = String(n.label ?? n.op);
    else {
      const wrap = (a) => (isBinary.get(a) ? `(${out.get(a)})` : out.get(a));
      if (infix.has(n.op) && args.length === 2) {
        text = `${wrap(args[0])} ${sym(n.op)} ${wrap(args[1])}`;
        bin = true;
      } else if (n.op === 'neg' && args.length === 1) text = `−${wrap(args[0])}`;
      else text = applySymbol(sym(n.op), args.map((a) => out.get(a)));
      if (text.length > maxLen) {
        // Too long: keep one level, with long arguments elided.
        const short = (a) => (out.get(a).length <= 6 ? wrap(a) : '…');
        if (infix.has(n.op) && args.length === 2) text = `${short(args[0])} ${sym(n.op)} ${short(args[1])}`;
        else if (n.op === 'neg' && args.length === 1) text = `−${short(args[0])}`;
        else text = applySymbol(sym(n.op), args.map(short));
      }
    }
    out.set(id, text);
    isBinary.set(id, bin);
  }
  return out;
}

/**
 * What the page draws of an indexed graph `g`: its `collapsed` composites as one node each, literal
 * constants folded unless `constants`, only the paths of the node `focusId` when given, and the
 * parallel edges of x*x marked.
 * @param {ReturnType<typeof indexGraph>} g
 * @param {{collapsed: string[], constants: boolean, focusId: string | null}} options
 * @returns {{view: any, counts: {nodes: number, edges: number}}} counts: the nodes and edges with the
 *   composites collapsed (each counts once), before constants are folded
 */
export function deriveView(g, { collapsed, constants, focusId }) {
  let view = collapseGroups(g, collapsed);
  const counts = { nodes: view.nodes.length, edges: view.edges.length };
  if (!constants) view = foldConstants(view);
  if (focusId) view = focusOnPaths(view, view.rep.get(focusId) ?? focusId, view.output);
  return { view: markParallelEdges(view), counts };
}
