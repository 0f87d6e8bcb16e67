// Path bookkeeping with exact counts (BigInt), and the two sweeps' arithmetic. Pure: no DOM.
//
// For an input x and an output y:
//   pathsFrom[v] = number of paths x -> v     (forward, in topological order)
//   pathsTo[v]   = number of paths v -> y     (backward, in reverse topological order)
//   paths through edge (u -> v) = pathsFrom[u] * pathsTo[v]
// and the sum of the lengths of all x -> y paths (the multiplications that enumerating every path
// costs) is the sum over edges of the paths through them.

/**
 * Paths from every node to `outputId`, as a Map id -> BigInt (0n when the output is unreachable).
 * @returns {Map<string, bigint>}
 */
export function pathsToOutput(g, outputId) {
  const count = new Map();
  for (let i = g.order.length - 1; i >= 0; i--) {
    const id = g.order[i];
    if (id === outputId) {
      count.set(id, 1n);
      continue;
    }
    let c = 0n;
    for (const e of g.outEdges.get(id)) c += count.get(e.target) ?? 0n;
    count.set(id, c);
  }
  return count;
}

/**
 * Paths from any of `sourceIds` to every node, as a Map id -> BigInt.
 * @returns {Map<string, bigint>}
 */
export function pathsFromSources(g, sourceIds) {
  const sources = new Set(sourceIds);
  const count = new Map();
  for (const id of g.order) {
    let c = sources.has(id) ? 1n : 0n;
    for (const e of g.inEdges.get(id)) c += count.get(e.source) ?? 0n;
    count.set(id, c);
  }
  return count;
}

/** Exact number of paths from `inputId` to `outputId` (BigInt). */
export function countPaths(g, inputId, outputId) {
  return pathsToOutput(g, outputId).get(inputId) ?? 0n;
}

/** Paths through each edge, for paths from `sourceIds` to `outputId`: Map edge id -> BigInt. */
export function pathsThroughEdges(g, sourceIds, outputId) {
  const to = pathsToOutput(g, outputId);
  const from = pathsFromSources(g, sourceIds);
  const through = new Map();
  for (const e of g.edges) {
    through.set(e.id, (from.get(e.source) ?? 0n) * (to.get(e.target) ?? 0n));
  }
  return through;
}

/**
 * What each method costs, counted in multiplications by a local derivative (one per edge factor).
 * - enumerate: sum over every path of its length, for paths from the given inputs to the output;
 * - reverse: one per edge on some path to the output (one sweep gives every input's gradient);
 * - forward: one per edge reachable from the given inputs (one sweep per input).
 * Returns BigInts, plus the number of paths.
 */
export function costs(g, inputIds, outputId) {
  const to = pathsToOutput(g, outputId);
  const from = pathsFromSources(g, inputIds);
  let enumerate = 0n;
  let paths = 0n;
  let reverse = 0n;
  let forward = 0n;
  for (const id of inputIds) paths += to.get(id) ?? 0n;
  for (const e of g.edges) {
    const f = from.get(e.source) ?? 0n;
    const t = to.get(e.target) ?? 0n;
    enumerate += f * t;
    if (t > 0n) reverse += 1n;
    if (f > 0n) forward += 1n;
  }
  return { paths, enumerate, reverse, forward: forward * BigInt(Math.max(1, inputIds.length)) };
}

/** Path counts per grad leaf (Map id -> BigInt), to check against stats.path_counts. */
export function leafPathCounts(g, leafIds, outputId) {
  const to = pathsToOutput(g, outputId);
  return new Map(leafIds.map((id) => [id, to.get(id) ?? 0n]));
}

const num = (x) => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/**
 * Reverse-mode sweep as a list of steps, in reverse topological order from the output.
 * Each node, once complete (all its consumers have pushed into it), pushes adjoint * local into each
 * parent, one multiplication per edge. Scalars only: array-valued adjoints are taken from the graph.
 * Returns {steps: [{node, adjoint, pushes: [{edge, source, contribution}]}], adjoint: Map, mults}.
 */
export function reverseSweep(g, outputId) {
  const to = pathsToOutput(g, outputId);
  const adj = new Map([[outputId, 1]]);
  const steps = [];
  let mults = 0;
  for (let i = g.order.length - 1; i >= 0; i--) {
    const id = g.order[i];
    if (!(to.get(id) > 0n)) continue;
    const node = g.byId.get(id);
    let a = adj.get(id) ?? 0;
    if (Array.isArray(node.value) || a === null) a = node.grad ?? null;
    const pushes = [];
    for (const e of g.inEdges.get(id)) {
      mults += 1;
      const l = num(e.local);
      const c = l !== null && num(a) !== null ? l * a : null;
      const prev = adj.has(e.source) ? adj.get(e.source) : 0;
      adj.set(e.source, prev === null || c === null ? null : prev + c);
      pushes.push({ edge: e.id, source: e.source, contribution: c });
    }
    steps.push({ node: id, adjoint: a, pushes, mults });
  }
  return { steps, adjoint: adj, mults };
}

/**
 * Forward-mode sweep from one input: tangent(input) = 1, and each node, in topological order, pushes
 * tangent * local into each consumer. Returns {steps: [{node, tangent, pushes}], tangent: Map, mults}.
 */
export function forwardSweep(g, inputId) {
  const from = pathsFromSources(g, [inputId]);
  const tan = new Map([[inputId, 1]]);
  const steps = [];
  let mults = 0;
  for (const id of g.order) {
    if (!(from.get(id) > 0n)) continue;
    const t = tan.get(id) ?? 0;
    const pushes = [];
    for (const e of g.outEdges.get(id)) {
      mults += 1;
      const l = num(e.local);
      const c = l !== null && num(t) !== null ? l * t : null;
      const prev = tan.has(e.target) ? tan.get(e.target) : 0;
      tan.set(e.target, prev === null || c === null ? null : prev + c);
      pushes.push({ edge: e.id, target: e.target, contribution: c });
    }
    steps.push({ node: id, tangent: t, pushes, mults });
  }
  return { steps, tangent: tan, mults };
}

/**
 * Enumerate paths from `inputId` to `outputId` with their factors and products, best |product| first.
 * For small graphs and offline use (the API does this for real); stops after `cap` paths.
 */
export function enumeratePaths(g, inputId, outputId, cap = 10000) {
  const to = pathsToOutput(g, outputId);
  const out = [];
  const stack = [{ node: inputId, nodes: [inputId], edges: [], factors: [] }];
  while (stack.length && out.length < cap) {
    const cur = stack.pop();
    if (cur.node === outputId) {
      const product = cur.factors.reduce((p, f) => (p === null || num(f) === null ? null : p * f), 1);
      out.push({ nodes: cur.nodes, edges: cur.edges, factors: cur.factors, product });
      continue;
    }
    const outs = g.outEdges.get(cur.node) ?? [];
    for (let i = outs.length - 1; i >= 0; i--) {
      const e = outs[i];
      if (!(to.get(e.target) > 0n)) continue;
      stack.push({
        node: e.target,
        nodes: [...cur.nodes, e.target],
        edges: [...cur.edges, e.id],
        factors: [...cur.factors, e.local],
      });
    }
  }
  out.sort((a, b) => Math.abs(b.product ?? 0) - Math.abs(a.product ?? 0));
  return out;
}

/** Running sums of the listed products (left to right), as numbers. */
export function runningSums(paths) {
  let s = 0;
  return paths.map((p) => {
    s = s === null || num(p.product) === null ? null : s + p.product;
    return s;
  });
}

/**
 * Check a paths JSON for consistency: listed sum vs gradient vs finite difference.
 * Returns {listedSum, gradient, fd, complete, agree, fdAgree}.
 */
export function checkPaths(pathsJson, rtol = 1e-6, fdTol = 1e-4, fdFloor = 1e-8) {
  const sums = runningSums(pathsJson.paths ?? []);
  const listedSum = pathsJson.listed_sum ?? (sums.length ? sums[sums.length - 1] : 0);
  const gradient = pathsJson.gradient;
  const fd = pathsJson.finite_difference;
  const complete = !pathsJson.truncated;
  // Relative comparisons: gradients of 1e-20 are common (vanishing gradients) and must not pass
  // for free. Finite differences get an absolute floor for their rounding noise.
  const close = (a, b, tol, floor = 0) =>
    num(a) !== null && num(b) !== null && Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b)) + floor;
  return {
    listedSum,
    gradient,
    fd,
    complete,
    agree: complete ? close(listedSum, gradient, rtol, 1e-300) : close(listedSum + (pathsJson.remainder ?? 0), gradient, rtol, 1e-300),
    fdAgree: close(gradient, fd, fdTol, fdFloor),
  };
}

/**
 * The listed paths as the drawing shows them when composites are collapsed (`view` from
 * collapseGroups: its `rep`, `edgeRep` and merged edges). Paths that differ only inside a collapsed
 * box become one row whose factors are the drawn edges' composite derivatives, so the row's product
 * is the sum of the inner paths' products. A truncated list is returned as it is: rows merged from
 * an incomplete list would not be the drawing's paths.
 */
export function collapsePaths(pj, view) {
  if (!pj?.paths || pj.truncated || !view?.edgeRep || !view.nodes.some((n) => n.collapsed)) return pj;
  const drawnEdges = new Map(view.edges.map((e) => [e.id, e]));
  const rows = new Map();
  for (const p of pj.paths) {
    const edges = p.edges.map((id) => (view.edgeRep.has(id) ? view.edgeRep.get(id) : id)).filter(Boolean);
    const key = edges.join(',');
    if (rows.has(key)) continue;
    const nodes = [];
    for (const id of p.nodes) {
      const r = view.rep.get(id) ?? id;
      if (nodes[nodes.length - 1] !== r) nodes.push(r);
    }
    const factors = edges.map((id) => drawnEdges.get(id)?.local ?? null);
    const known = factors.every((f) => typeof f === 'number');
    const product = known ? factors.reduce((a, f) => a * f, 1) : null;
    rows.set(key, {
      nodes, edges, factors, factor_kinds: null, product: Number.isFinite(product) ? product : null,
      product_kind: product === null || Number.isFinite(product) ? null : Number.isNaN(product) ? 'nan' : product > 0 ? 'inf' : '-inf',
      product_reason: null,
    });
  }
  const paths = [...rows.values()].sort((a, b) => Math.abs(b.product ?? 0) - Math.abs(a.product ?? 0));
  const listed = paths.reduce((s, p) => (s === null || p.product === null ? null : s + p.product), 0);
  return { ...pj, paths, count: String(paths.length), listed_sum: listed, collapsed_from: pj.count };
}
