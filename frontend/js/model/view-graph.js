// What the page draws of a graph JSON: literal constants folded into their consumers, an optional
// focus on the paths of one input, and each node's title as a short expression. Pure: no DOM.
import { formatNumber } from './format.js';

const INFIX = new Set(['add', 'sub', 'mul', 'div', 'matmul']);
const SUPERSCRIPT = { 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹', '-': '⁻', '.': '·' };
const MAX_EXPR = 22; // characters of an operation's expression before it is shortened
const MAX_VALUES_EXPR = 30; // the same for a statement of the values view
const MAX_ARG = 9; // an unnamed argument's own expression is written out up to this length

const superscript = (text) => ([...text].every((c) => c in SUPERSCRIPT) ? [...text].map((c) => SUPERSCRIPT[c]).join('') : null);

/**
 * Fold literal constants into the nodes that use them: a constant node whose every consumer is an
 * operation disappears with its edges (no gradient flows to a literal), and each consumer remembers
 * it by argument index. `view` is {nodes, edges, output, groups, rep, edgeRep} (collapseGroups).
 * Returns the same shape, plus `folded`: Map consumer id -> Map arg -> constant label.
 */
export function foldConstants(view) {
  const byId = new Map(view.nodes.map((n) => [n.id, n]));
  const outs = new Map();
  for (const e of view.edges) {
    if (!outs.has(e.source)) outs.set(e.source, []);
    outs.get(e.source).push(e);
  }
  const drop = new Set();
  for (const n of view.nodes) {
    if (n.kind !== 'const' || n.collapsed || n.id === view.output) continue;
    const es = outs.get(n.id) ?? [];
    if (es.length && es.every((e) => byId.get(e.target)?.kind !== 'const')) drop.add(n.id);
  }
  const folded = new Map();
  if (!drop.size) return { ...view, folded };
  const rep = new Map(view.rep);
  const edgeRep = new Map(view.edgeRep);
  const edges = [];
  for (const e of view.edges) {
    if (!drop.has(e.source)) {
      edges.push(e);
      continue;
    }
    const c = byId.get(e.source);
    if (!folded.has(e.target)) folded.set(e.target, new Map());
    folded.get(e.target).set(e.arg ?? 0, c.label ?? formatNumber(c.value));
    edgeRep.set(e.id, null);
  }
  for (const [orig, shown] of rep) {
    if (drop.has(shown)) rep.set(orig, outs.get(shown)[0].target);
  }
  const groups = (view.groups ?? []).map((gr) => ({ ...gr, nodes: gr.nodes.filter((id) => !drop.has(id)) }));
  return { ...view, nodes: view.nodes.filter((n) => !drop.has(n.id)), edges, groups, rep, edgeRep, folded };
}

/**
 * Keep only what lies on a path from `input` to `output` (descendants of the one, ancestors of the
 * other). Returns the view's shape; nodes and edges off those paths are gone.
 */
export function focusOnPaths(view, input, output) {
  const ins = new Map();
  const outs = new Map();
  for (const e of view.edges) {
    if (!outs.has(e.source)) outs.set(e.source, []);
    if (!ins.has(e.target)) ins.set(e.target, []);
    outs.get(e.source).push(e.target);
    ins.get(e.target).push(e.source);
  }
  const reach = (start, next) => {
    const seen = new Set([start]);
    const stack = [start];
    while (stack.length) {
      for (const m of next.get(stack.pop()) ?? []) {
        if (!seen.has(m)) {
          seen.add(m);
          stack.push(m);
        }
      }
    }
    return seen;
  };
  const down = reach(input, outs);
  const up = reach(output, ins);
  const keep = new Set([...down].filter((id) => up.has(id)));
  if (!keep.has(input) || !keep.has(output)) return view;
  const groups = (view.groups ?? []).map((gr) => ({ ...gr, nodes: gr.nodes.filter((id) => keep.has(id)) })).filter((gr) => gr.nodes.length);
  return {
    ...view,
    nodes: view.nodes.filter((n) => keep.has(n.id)),
    edges: view.edges.filter((e) => keep.has(e.source) && keep.has(e.target)),
    groups,
    hidden: view.nodes.length - keep.size,
  };
}

/**
 * Titles for the drawn nodes, as short expressions of their arguments: "w × x", "y = σ(…)",
 * "C = (…)²", "w1 × 0" (a folded constant). In the values view a node's title is its name. `symbols`: op name -> symbol, from GET /api/ops (symbolTable). Returns Map node
 * id -> title.
 */
export function nodeTitles(view, folded = new Map(), symbols = new Map()) {
  const symbolOf = (n) => symbols.get(n.op) ?? (n.name ? n.op : (n.label ?? n.op));
  const byId = new Map(view.nodes.map((n) => [n.id, n]));
  const args = new Map();
  for (const e of view.edges) {
    if (!args.has(e.target)) args.set(e.target, new Map());
    args.get(e.target).set(e.arg ?? 0, e.source);
  }
  const titles = new Map();
  const exprs = new Map(); // unnamed operation id -> its expression (nodes come in topological order)
  const argText = (id, bare = false) => {
    const p = byId.get(id);
    if (!p) return '…';
    if (p.name) return p.name;
    if (p.kind === 'const' || p.op === 'const') return String(p.label ?? formatNumber(p.value));
    const infix = INFIX.has(p.op) || p.op === 'pow';
    const e = exprs.get(id);
    if (e && e.length <= MAX_ARG) return infix && p.op !== 'pow' && !bare ? `(${e})` : e;
    return infix ? (bare ? '…' : '(…)') : applySymbol(symbolOf(p), ['…']);
  };
  for (const n of view.nodes) {
    if (n.expr !== undefined && n.expr !== null) {
      // A named value is drawn by its name, as the seed draws its networks (h1, h2, y); its statement
      // is in the tooltip and the editor.
      titles.set(n.id, n.name ?? statementTitle(n));
      continue;
    }
    if (n.op === 'leaf' || n.kind === 'const' || n.op === 'const' || n.collapsed) {
      titles.set(n.id, String(n.label ?? n.name ?? n.op));
      continue;
    }
    const a = args.get(n.id) ?? new Map();
    const f = folded.get(n.id) ?? new Map();
    const count = Math.max(a.size + f.size, n.op === 'pow' || INFIX.has(n.op) ? 2 : 1);
    const parts = [];
    // A function's argument needs no parentheses of its own: σ(w × x), not σ((w × x)).
    const bare = !INFIX.has(n.op) && n.op !== 'pow' && n.op !== 'neg';
    for (let i = 0; i < count; i++) parts.push(f.has(i) ? String(f.get(i)) : a.has(i) ? argText(a.get(i), bare) : '…');
    const sym = symbolOf(n);
    const expr = opExpr(n, sym, parts);
    const short = expr.length <= MAX_EXPR ? expr : INFIX.has(n.op) ? `… ${sym} …` : n.op === 'pow' ? '(…)^…' : applySymbol(sym, ['…']);
    if (!n.name) exprs.set(n.id, expr);
    titles.set(n.id, n.name ? `${n.name} = ${short}` : short);
  }
  return titles;
}

function opExpr(n, sym, parts) {
  if (INFIX.has(n.op) && parts.length === 2) return `${parts[0]} ${sym} ${parts[1]}`;
  if (n.op === 'pow' && parts.length === 2) {
    const base = parts[0].includes(' ') && !parts[0].startsWith('(') ? `(${parts[0]})` : parts[0];
    return `${base}${superscript(parts[1]) ?? `^${parts[1]}`}`;
  }
  if (n.op === 'neg' && parts.length === 1) return `−${parts[0]}`;
  return applySymbol(sym, parts);
}

/** "h1 = σ(w1·x)": a values-view node's statement, written the way the graphs are drawn. */
export function statementTitle(n) {
  let expr = String(n.expr)
    .replace(/\s+/g, ' ')
    .replace(/\bsigmoid\(/g, 'σ(')
    .replace(/\s*\*\s*/g, '·')
    .replace(/\^(\d)(?![\d.])/g, (_, d) => SUPERSCRIPT[d])
    .replace(/ - /g, ' − ')
    .replace(/(^|[\s(])-/g, '$1−')
    .trim();
  if (n.op === 'leaf' || !n.name) return n.name ?? expr;
  if (expr.length > MAX_VALUES_EXPR) expr = `${expr.slice(0, MAX_VALUES_EXPR - 1).trimEnd()}…`;
  return `${n.name} = ${expr}`;
}

/** op name -> symbol, from the rows of GET /api/ops. */
export function symbolTable(ops) {
  return new Map((Array.isArray(ops) ? ops : []).filter((r) => r && r.name && r.symbol).map((r) => [r.name, r.symbol]));
}

/**
 * Parallel edges (the two edges of x*x): each gets `twin`, its rank (1, 2, …) among the edges between
 * the same two nodes by argument, so that its label can say which argument it is. Other edges are
 * left as they are. Returns the view with those edges copied.
 */
export function markParallelEdges(view) {
  const groups = new Map();
  for (const e of view.edges) {
    const k = `${e.source}>${e.target}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(e);
  }
  const twin = new Map();
  for (const list of groups.values()) {
    if (list.length < 2) continue;
    [...list].sort((a, b) => (a.arg ?? 0) - (b.arg ?? 0)).forEach((e, i) => twin.set(e.id, i + 1));
  }
  if (!twin.size) return view;
  return { ...view, edges: view.edges.map((e) => (twin.has(e.id) ? { ...e, twin: twin.get(e.id) } : e)) };
}

/**
 * An operation applied to its arguments' texts. A symbol written with an x in it ("1/x", "x²", "|x|",
 * as the legend shows it) is a template: its x is replaced by the argument, so that the inverse of
 * 1 + exp(−x) reads 1/(1 + exp(−x)), never 1/x(…) with an x that is not the program's.
 */
export function applySymbol(sym, args) {
  if (args.length === 1 && /(^|[^A-Za-z])x([^A-Za-z]|$)/.test(sym)) {
    const a = args[0];
    const plain = /^[\w.]+$/.test(a) || sym.startsWith('|');
    return sym.replace(/(^|[^A-Za-z])x(?=[^A-Za-z]|$)/, (m, pre) => `${pre}${plain ? a : `(${a})`}`);
  }
  return `${sym}(${args.join(', ')})`;
}

/**
 * The view drawn from `before` (graph-model.js deriveView) for `after`, a graph of the same structure with new numbers (a leaf's new value): the same nodes and
 * edges, as `after`'s objects, without deriving the view again. Null when the view holds an object of
 * its own (a collapsed composite's node or merged edge): derive it from `after` then.
 * @param {{nodes: any[], edges: any[]}} view
 * @param {ReturnType<typeof import('./graph-model.js').indexGraph>} before
 * @param {ReturnType<typeof import('./graph-model.js').indexGraph>} after
 */
export function renumberView(view, before, after) {
  const nodes = [];
  for (const n of view.nodes) {
    const m = after.byId.get(n.id);
    if (!m || before.byId.get(n.id) !== n) return null;
    nodes.push(m);
  }
  const edges = [];
  for (const e of view.edges) {
    const f = after.edgeById.get(e.id);
    const was = before.edgeById.get(e.id);
    if (!f || !was) return null;
    if (e === was) edges.push(f);
    else if (e.twin !== undefined) edges.push({ ...f, twin: e.twin }); // markParallelEdges' copy
    else return null;
  }
  return { ...view, nodes, edges };
}
