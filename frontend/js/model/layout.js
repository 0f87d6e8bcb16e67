// One module past 500 lines on purpose: the five steps below share one layout's flat typed arrays
// (layers, orders, positions, dummies) in one pass; cut apart, files would hand a dozen arrays around.
// Layered (Sugiyama-style) layout of a DAG, left to right. Pure: no DOM.
//
// 1. layers by longest path from the sources; sources other than inputs are pulled right, next to
//    their first consumer, and the output goes to the last layer;
// 2. long edges are split by dummy nodes, one per layer crossed, shortest edges first within a budget
//    (a parameter shared by every step of a long chain would otherwise need O(steps^2) dummies): the
//    longest edges past the budget are drawn straight from source to target and do not take part in 3-4;
// 3. a few barycenter sweeps (down, then up) order each layer; the ordering with the fewest
//    crossings is kept;
// 4. vertical positions: alternating passes place each node at the weighted mean of its neighbours,
//    and an isotonic regression (pool adjacent violators) enforces order and spacing exactly;
// 5. edges are polylines through their dummies.
// Linear-ish in nodes + dummies: 5,000 nodes take tens of milliseconds.

const DEFAULTS = {
  layerGap: 60, // horizontal gap between layers
  nodeGap: 12, // vertical gap between nodes in a layer
  dummyHeight: 6,
  sweeps: 6,
  placementPasses: 8,
  margin: 20,
  portSpread: 10, // vertical spread of multiple in-edges on a target's left side
  dummyBudget: null, // most dummy nodes in all (null: 2 x (nodes + edges), at least 2,000)
  view: null, // {width, height} of the view in pixels: long chains wrap into bands to fill it (null: no wrapping)
  maxZoom: 1.5, // the view never zooms in further, so wrapping a drawing that fits at this zoom gains nothing
  bandGap: 34, // vertical gap between bands
  maxBands: 64,
};

/**
 * Lay out a graph.
 * @param {{id: string, width?: number, height?: number, kind?: string, group?: string | null}[]} nodes
 * @param {{id: string, source: string, target: string, arg?: number}[]} edges
 * @param {Partial<typeof DEFAULTS> & {output?: string}} [opts] {output?: id, ...DEFAULTS}
 * @returns {{nodes: Map<string, {x, y, width, height, layer, order}>,
 *            edges: Map<string, number[][]>, ghosts: Set<string>, width: number, height: number, layers: number,
 *            crossings: number, bands: number, labels?: Map<string, {x: number, y: number} | null>}} x, y are node
 *            centres; labels: the edge labels' places (geometry.js placeEdgeLabels), set by whoever lays it out.
 */
export function layoutGraph(nodes, edges, opts = {}) {
  const o = { ...DEFAULTS, ...opts };
  const n = nodes.length;
  const idx = new Map();
  nodes.forEach((nd, i) => idx.set(nd.id, i));
  const W = new Float64Array(n);
  const H = new Float64Array(n);
  nodes.forEach((nd, i) => {
    W[i] = nd.width ?? 80;
    H[i] = nd.height ?? 40;
  });

  // Valid edges only (both ends known, no self loops).
  const E = [];
  for (const e of edges) {
    const s = idx.get(e.source);
    const t = idx.get(e.target);
    if (s === undefined || t === undefined || s === t) continue;
    E.push({ id: e.id, s, t, arg: e.arg ?? 0 });
  }

  const order = topo(n, E);
  const layer = assignLayers(n, E, order, nodes, idx.get(o.output));
  if (o.view && n <= BALANCE_MAX_NODES) balanceLeaves(n, E, layer, W, H, o);
  const budget = o.dummyBudget ?? Math.max(2000, 2 * (n + E.length));
  // Vertices 0..n-1 are the nodes, n..vCount-1 the dummies; neighbours in CSR form (flat typed
  // arrays: the layout runs once per graph, mostly before the JIT has optimised it, where arrays of
  // small arrays cost several times more).
  const { vCount, vLayer, predStart, pred, succStart, succ, chains } = addDummies(n, E, layer, budget);

  let L = 0;
  for (let v = 0; v < vCount; v++) if (vLayer[v] + 1 > L) L = vLayer[v] + 1;
  // Initial order within layers: by topological position of the node (dummies by their source).
  const rank = new Float64Array(vCount);
  const topoPos = new Int32Array(n);
  order.forEach((v, i) => {
    topoPos[v] = i;
  });
  for (let v = 0; v < vCount; v++) rank[v] = v < n ? topoPos[v] : -1;
  // Dummies inherit a rank from their chain's source so that they start near it.
  for (const c of chains) {
    for (let k = 0; k < c.dn; k++) rank[c.d0 + k] = topoPos[c.s] + (k + 1) * 1e-3;
  }
  // The layers, one after the other in `flat`: layer l is flat[start[l] .. start[l + 1]).
  const start = new Int32Array(L + 1);
  for (let v = 0; v < vCount; v++) start[vLayer[v] + 1]++;
  for (let l = 0; l < L; l++) start[l + 1] += start[l];
  const flat = new Int32Array(vCount);
  const fill = start.slice(0, L);
  for (let v = 0; v < vCount; v++) flat[fill[vLayer[v]]++] = v;
  const byRank = (a, b) => rank[a] - rank[b];
  for (let l = 0; l < L; l++) sortRange(flat, start[l], start[l + 1], byRank);
  const pos = new Float64Array(vCount);
  const setPos = () => {
    for (let l = 0; l < L; l++) {
      const a = start[l];
      for (let i = a; i < start[l + 1]; i++) pos[flat[i]] = i - a;
    }
  };
  setPos();

  const best = flat.slice();
  const counter = crossingCounter(flat, start, L, succStart, succ);
  let bestCross = counter(pos);
  const key = new Float64Array(vCount);
  // (The work per layer is in small functions: called thousands of times, they are optimised early,
  // where the same loops inlined here would run unoptimised for most of the only call.)
  for (let sweep = 0; sweep < o.sweeps && bestCross > 0; sweep++) {
    const down = sweep % 2 === 0;
    const nbStart = down ? predStart : succStart;
    const nb = down ? pred : succ;
    for (let step = 1; step < L; step++) {
      const l = down ? step : L - 1 - step;
      reorderLayer(flat, start[l], start[l + 1], nbStart, nb, pos, key);
    }
    const c = counter(pos);
    if (c < bestCross) {
      bestCross = c;
      best.set(flat);
    }
  }
  flat.set(best);
  // The members of an expanded composite stay together in every layer, so that its box holds no other node.
  if (nodes.some((nd) => nd.group)) groupTogether(flat, start, L, n, nodes);
  setPos();

  // Horizontal: each layer as wide as its widest real node.
  const Hv = new Float64Array(vCount); // heights, dummies included
  for (let v = 0; v < vCount; v++) Hv[v] = v < n ? H[v] : o.dummyHeight;
  const layerX = new Float64Array(L);
  const layerW = new Float64Array(L);
  let x = o.margin;
  let widest = 0;
  for (let l = 0; l < L; l++) {
    let w = 0;
    for (let i = start[l]; i < start[l + 1]; i++) {
      const v = flat[i];
      if (v < n) w = Math.max(w, W[v]);
    }
    layerX[l] = x + w / 2;
    layerW[l] = w;
    x += w + o.layerGap;
    widest = Math.max(widest, start[l + 1] - start[l]);
  }

  // Vertical: stack, then alternate passes toward the neighbours' mean.
  const Y = new Float64Array(vCount);
  for (let l = 0; l < L; l++) {
    let y = 0;
    for (let i = start[l]; i < start[l + 1]; i++) {
      const v = flat[i];
      Y[v] = y + Hv[v] / 2;
      y += Hv[v] + o.nodeGap;
    }
    const shift = y / 2;
    for (let i = start[l]; i < start[l + 1]; i++) Y[flat[i]] -= shift;
  }
  // Weights: 2 for a dummy, 1 for a node; a pair weighs the product.
  // A leaf pulls its consumer only a little: the chain h1 -> h2 -> ... stays level, each weight beside it.
  const pull = new Float64Array(n).fill(1);
  for (let v = 0; v < n; v++) if (predStart[v + 1] === predStart[v]) pull[v] = LEAF_PULL;
  const scratch = placementScratch(widest);
  const { desired, w } = scratch;
  for (let pass = 0; pass < o.placementPasses; pass++) {
    const down = pass % 2 === 0;
    const both = pass === o.placementPasses - 1;
    // Neighbours: predecessors going down, successors going up, both (in that order) in the last pass.
    const aStart = both || down ? predStart : succStart;
    const aList = both || down ? pred : succ;
    const bStart = both ? succStart : null;
    for (let step = 0; step < L; step++) {
      const l = down ? step : L - 1 - step;
      const a = start[l];
      const m = start[l + 1] - a;
      desiredPositions(flat, a, m, n, aStart, aList, bStart, succ, Y, desired, w, pull);
      placeLayer(flat, a, m, desired, w, Hv, o.nodeGap, Y, scratch);
    }
  }

  // Compaction: aligning nodes with their neighbours spreads the columns apart; when the drawing ends
  // up much taller than its tallest column packed, squeeze every column toward the middle (order and
  // spacing kept, alignment scaled) so that it fits the view at a larger zoom.
  if (o.view && vCount) {
    let packed = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let l = 0; l < L; l++) {
      let hsum = 0;
      for (let i = start[l]; i < start[l + 1]; i++) hsum += Hv[flat[i]] + o.nodeGap;
      packed = Math.max(packed, hsum - o.nodeGap);
    }
    for (let v = 0; v < vCount; v++) {
      lo = Math.min(lo, Y[v] - Hv[v] / 2);
      hi = Math.max(hi, Y[v] + Hv[v] / 2);
    }
    if (hi - lo > packed * 1.05) {
      const f = packed / (hi - lo);
      const mid = (lo + hi) / 2;
      for (let l = 0; l < L; l++) {
        const a = start[l];
        const m = start[l + 1] - a;
        for (let i = 0; i < m; i++) {
          desired[i] = mid + (Y[flat[a + i]] - mid) * f;
          w[i] = 1;
        }
        placeLayer(flat, a, m, desired, w, Hv, o.nodeGap, Y, scratch);
      }
    }
  }

  // Wrapping: a long chain is cut into bands of consecutive layers, stacked like lines of text, so
  // that the drawing fills a view of the given aspect ratio (width / height) instead of a thin strip.
  const top = new Float64Array(L).fill(Infinity);
  const bottom = new Float64Array(L).fill(-Infinity);
  for (let v = 0; v < vCount; v++) {
    const l = vLayer[v];
    top[l] = Math.min(top[l], Y[v] - Hv[v] / 2);
    bottom[l] = Math.max(bottom[l], Y[v] + Hv[v] / 2);
  }
  // Links leaving each layer for the next (what a cut after that layer would have to carry).
  const across = new Int32Array(L);
  for (let v = 0; v < vCount; v++) across[vLayer[v]] += succStart[v + 1] - succStart[v];
  const bands = chooseBands(L, layerX, layerW, top, bottom, across, o);
  const bandOf = new Int32Array(L);
  const bandX0 = []; // x of the band's first layer's left edge, in unwrapped coordinates
  const bandTop = [];
  const bandY = []; // the band's top in the drawing
  const gapY = []; // below band b: the middle of the gap to the next band
  const bandRight = [];
  let cross = 0;
  for (let b = 0; b < bands.length; b++) {
    const [l0, l1] = bands[b];
    let t = Infinity;
    let bt = -Infinity;
    for (let l = l0; l < l1; l++) {
      bandOf[l] = b;
      t = Math.min(t, top[l]);
      bt = Math.max(bt, bottom[l]);
    }
    if (t === Infinity) t = bt = 0;
    bandX0.push(layerX[l0] - layerW[l0] / 2);
    bandTop.push(t);
    bandRight.push(layerX[l1 - 1] + layerW[l1 - 1] / 2);
    if (b + 1 < bands.length) cross = Math.max(cross, across[l1 - 1]);
    bandY.push(bt - t); // height for now
  }
  const channel = bands.length > 1 ? WRAP_STEP * (cross + 1) : 0; // room for the wrapped links
  const left = o.margin + channel;
  const bandGap = o.bandGap + channel;
  let yAt = o.margin;
  for (let b = 0; b < bands.length; b++) {
    const h = bandY[b];
    bandY[b] = yAt;
    gapY.push(yAt + h + bandGap / 2);
    yAt += h + bandGap;
  }
  const height = vCount ? yAt - bandGap + o.margin : 2 * o.margin;
  let drawnWidth = 0;
  for (let b = 0; b < bands.length; b++) drawnWidth = Math.max(drawnWidth, bandRight[b] - bandX0[b]);
  const totalWidth = vCount ? left + drawnWidth + o.margin + channel : 2 * o.margin;
  const X = (l) => layerX[l] - bandX0[bandOf[l]] + left;
  for (let v = 0; v < vCount; v++) {
    const b = bandOf[vLayer[v]];
    Y[v] = Y[v] - bandTop[b] + bandY[b];
  }

  const outNodes = new Map();
  nodes.forEach((nd, v) => {
    outNodes.set(nd.id, {
      x: X(vLayer[v]),
      y: Y[v],
      width: W[v],
      height: H[v],
      layer: vLayer[v],
      order: pos[v],
      band: bandOf[vLayer[v]],
    });
  });

  // Ports: in-edges of a node spread on its left side by argument index; parallel edges (x*x) also
  // leave their source apart.
  const inCount = new Int32Array(n);
  for (const c of chains) inCount[c.t]++;
  const outEdges = new Map();
  const ghosts = new Set();
  const byTarget = sortedByTarget(chains, inCount, n);
  let k = 0;
  // Each wrapped link gets its own lane in the channels (right of its band, in the gap, left margin).
  let lane = 0;
  const wrapTo = (pts, x0, y0, x1, y1, b0) => {
    const r = bandRight[b0] - bandX0[b0] + left + o.margin / 2 + WRAP_STEP * (lane % (cross + 1));
    const g = gapY[b0] - channel / 2 + WRAP_STEP * ((lane % (cross + 1)) + 0.5);
    const l = o.margin / 2 + WRAP_STEP * (lane % (cross + 1));
    lane++;
    pts.push([r, y0], [r, g], [l, g], [l, y1]);
  };
  for (let i = 0; i < byTarget.length; i++) {
    const c = byTarget[i];
    k = i > 0 && byTarget[i - 1].t === c.t ? k + 1 : 0;
    const m = inCount[c.t];
    const spread = Math.min(o.portSpread * (m - 1), H[c.t] * 0.6);
    const off = m > 1 ? -spread / 2 + (spread * k) / (m - 1) : 0;
    const twin = (i > 0 && byTarget[i - 1].t === c.t && byTarget[i - 1].s === c.s) || (i + 1 < byTarget.length && byTarget[i + 1].t === c.t && byTarget[i + 1].s === c.s);
    if (!c.linked && vLayer[c.t] - vLayer[c.s] > 1) {
      // Too far to route (a weight shared by a whole chain): a short stub into the target, which the
      // drawing labels with the source's name, instead of a line across everything in between.
      const tx = X(vLayer[c.t]) - W[c.t] / 2;
      outEdges.set(c.id, [[tx - GHOST_LENGTH, Y[c.t] + off - GHOST_RISE], [tx, Y[c.t] + off]]);
      ghosts.add(c.id);
      continue;
    }
    const vs = [c.s];
    for (let d = c.d0; d < c.d0 + c.dn; d++) vs.push(d);
    vs.push(c.t);
    const pts = [[X(vLayer[c.s]) + W[c.s] / 2, Y[c.s] + (twin && c.dn === 0 ? off : 0)]];
    for (let j = 1; j < vs.length; j++) {
      const u = vs[j - 1];
      const v = vs[j];
      const last = j === vs.length - 1;
      const x1 = last ? X(vLayer[v]) - W[v] / 2 : X(vLayer[v]);
      const y1 = last ? Y[v] + off : Y[v];
      const bu = bandOf[vLayer[u]];
      if (bandOf[vLayer[v]] !== bu) {
        const [px, py] = pts[pts.length - 1];
        wrapTo(pts, px, py, x1, y1, bu);
      }
      pts.push([x1, y1]);
    }
    outEdges.set(c.id, pts);
  }
  return {
    nodes: outNodes, edges: outEdges, ghosts, width: totalWidth, height, layers: L, crossings: bestCross, bands: bands.length,
  };
}

const GHOST_LENGTH = 46; // a stub edge's length, and how far it starts above its end
const GHOST_RISE = 14;

const WRAP_STEP = 7; // px between the lanes of wrapped links

/**
 * Bands of consecutive layers [l0, l1) for the wrapped drawing: the number of bands (1 when no aspect
 * is given) that lets the drawing fit the view `o.view` at the largest zoom, each cut placed
 * near an equal share of the width where the fewest links cross it.
 */
function chooseBands(L, layerX, layerW, top, bottom, across, o) {
  const one = [[0, L]];
  if (!o.view || !(o.view.width > 0) || !(o.view.height > 0) || L < 4) return one;
  const left = (l) => layerX[l] - layerW[l] / 2;
  const right = (l) => layerX[l] + layerW[l] / 2;
  const total = right(L - 1) - left(0);
  const scaleOf = (bands) => {
    let w = 0;
    let h = 0;
    let cross = 0;
    for (let b = 0; b < bands.length; b++) {
      const [l0, l1] = bands[b];
      w = Math.max(w, right(l1 - 1) - left(l0));
      let t = Infinity;
      let bt = -Infinity;
      for (let l = l0; l < l1; l++) {
        t = Math.min(t, top[l]);
        bt = Math.max(bt, bottom[l]);
      }
      h += bt - t;
      if (b + 1 < bands.length) cross = Math.max(cross, across[l1 - 1]);
    }
    const channel = bands.length > 1 ? WRAP_STEP * (cross + 1) : 0;
    h += (bands.length - 1) * (o.bandGap + channel) + 2 * o.margin;
    w += 2 * o.margin + 2 * channel;
    return Math.min(o.maxZoom, o.view.width / w, o.view.height / h);
  };
  let best = one;
  let bestScale = scaleOf(one);
  const maxBands = Math.min(o.maxBands, Math.floor(L / 2));
  for (let r = 2; r <= maxBands; r++) {
    const bands = [];
    let l0 = 0;
    for (let b = 1; b < r; b++) {
      // The layer whose right edge is nearest b/r of the width, then the cheapest cut next to it.
      const want = left(0) + (total * b) / r;
      let c = l0 + 1;
      while (c < L - (r - b) && right(c) < want) c++;
      let cut = c;
      for (let d = Math.max(l0 + 1, c - 1); d <= Math.min(L - (r - b) - 1, c + 1); d++) {
        if (across[d] < across[cut]) cut = d;
      }
      bands.push([l0, cut + 1]);
      l0 = cut + 1;
    }
    if (l0 >= L) continue;
    bands.push([l0, L]);
    // A band of one layer reads as a stray piece, not as a line of the chain: then try the same
    // number of bands with (nearly) equal numbers of layers, the shorter last, like the last line of
    // a paragraph. (Two-layer bands are what a phone's narrow view holds at a readable zoom.)
    const stray = (bs) => bs.some(([a, z]) => z - a < 2);
    if (stray(bands)) {
      bands.length = 0;
      // The longer bands first, so that only the last one may come out shorter.
      const base = Math.floor(L / r);
      const extra = L % r;
      for (let b = 0, l = 0; b < r; b++) {
        const size = base + (b < extra ? 1 : 0);
        bands.push([l, l + size]);
        l += size;
      }
      if (stray(bands)) continue;
    }
    const sc = scaleOf(bands);
    if (sc > bestScale * 1.15) {
      best = bands;
      bestScale = sc;
    }
  }
  return best;
}

/**
 * Sort a[lo..hi) with a comparator, stably. Layers are short and, after the first sweeps, nearly
 * sorted: an insertion sort up to a length, Array.prototype.sort (stable) beyond.
 * @param {number[] | Int32Array | Float64Array} a
 */
function sortRange(a, lo, hi, cmp) {
  if (hi - lo > 48) {
    const part = (ArrayBuffer.isView(a) ? Array.from(a.subarray(lo, hi)) : a.slice(lo, hi)).sort(cmp);
    for (let i = 0; i < part.length; i++) a[lo + i] = part[i];
    return;
  }
  for (let i = lo + 1; i < hi; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= lo && cmp(a[j], v) > 0) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

/** One layer of a barycenter sweep: key = mean position of the neighbours; sort; new positions. */
function reorderLayer(flat, a, b, nbStart, nb, pos, key) {
  for (let i = a; i < b; i++) {
    const v = flat[i];
    const j0 = nbStart[v];
    const j1 = nbStart[v + 1];
    if (j0 === j1) {
      key[v] = pos[v];
      continue;
    }
    let sum = 0;
    for (let j = j0; j < j1; j++) sum += pos[nb[j]];
    key[v] = sum / (j1 - j0);
  }
  // Sort by key, ties by current position (a total order: positions are distinct).
  if (b - a > 48) {
    sortRange(flat, a, b, (u, v) => key[u] - key[v] || pos[u] - pos[v]);
  } else {
    for (let i = a + 1; i < b; i++) {
      const v = flat[i];
      const kv = key[v];
      const pv = pos[v];
      let j = i - 1;
      for (; j >= a; j--) {
        const u = flat[j];
        if (key[u] < kv || (key[u] === kv && pos[u] < pv)) break;
        flat[j + 1] = u;
      }
      flat[j + 1] = v;
    }
  }
  for (let i = a; i < b; i++) pos[flat[i]] = i - a;
}

/**
 * Where the vertices of the layer flat[a..a+m) would like to be: the weighted mean of the neighbours
 * listed in (aStart, aList) and, if bStart is given, (bStart, bList). Weights: 2 for a dummy, `pull`
 * for a node (1, or less for a leaf, so that a chain stays straight and its weights sit beside it); a
 * pair weighs the product. A vertex without neighbours stays, with a small weight.
 */
function desiredPositions(flat, a, m, n, aStart, aList, bStart, bList, Y, desired, w, pull) {
  for (let i = 0; i < m; i++) {
    const v = flat[a + i];
    const wv = v >= n ? 2 : 1;
    let s = 0;
    let ws = 0;
    let count = 0;
    for (let j = aStart[v]; j < aStart[v + 1]; j++, count++) {
      const u = aList[j];
      const wu = (u >= n ? 2 : pull[u]) * wv;
      s += Y[u] * wu;
      ws += wu;
    }
    if (bStart) {
      for (let j = bStart[v]; j < bStart[v + 1]; j++, count++) {
        const u = bList[j];
        const wu = (u >= n ? 2 : pull[u]) * wv;
        s += Y[u] * wu;
        ws += wu;
      }
    }
    if (count === 0) {
      desired[i] = Y[v];
      w[i] = 0.05;
    } else {
      desired[i] = s / ws;
      w[i] = v < n ? ws * pull[v] : ws; // a leaf gives way to the node it stands beside
    }
  }
}

/** Chains sorted by target, then argument, then source (stable): counting sort, then each group. */
function sortedByTarget(chains, inCount, n) {
  const first = new Int32Array(n + 1);
  for (let t = 0; t < n; t++) first[t + 1] = first[t] + inCount[t];
  const fill = first.slice(0, n);
  const out = new Array(chains.length);
  for (const c of chains) out[fill[c.t]++] = c;
  const cmp = (a, b) => a.arg - b.arg || a.s - b.s;
  for (let t = 0; t < n; t++) {
    const lo = first[t];
    const hi = first[t + 1];
    if (hi - lo >= 2) sortRange(out, lo, hi, cmp);
  }
  return out;
}

function topo(n, E) {
  const indeg = new Int32Array(n);
  const succ = Array.from({ length: n }, () => []);
  for (const e of E) {
    indeg[e.t]++;
    succ[e.s].push(e.t);
  }
  const order = [];
  for (let v = 0; v < n; v++) if (indeg[v] === 0) order.push(v);
  for (let h = 0; h < order.length; h++) {
    for (const w of succ[order[h]]) if (--indeg[w] === 0) order.push(w);
  }
  if (order.length < n) {
    const seen = new Uint8Array(n);
    for (const v of order) seen[v] = 1;
    for (let v = 0; v < n; v++) if (!seen[v]) order.push(v);
  }
  return order;
}

function assignLayers(n, E, order, nodes, outputIdx) {
  const pred = Array.from({ length: n }, () => []);
  const succ = Array.from({ length: n }, () => []);
  const topoPos = new Int32Array(n);
  order.forEach((v, i) => {
    topoPos[v] = i;
  });
  for (const e of E) {
    if (topoPos[e.s] < topoPos[e.t]) {
      pred[e.t].push(e.s);
      succ[e.s].push(e.t);
    }
  }
  const layer = new Int32Array(n);
  for (const v of order) {
    let l = 0;
    for (const u of pred[v]) l = Math.max(l, layer[u] + 1);
    layer[v] = l;
  }
  // Pull every source (leaf, constant) next to its first consumer: a leaf is drawn beside its first use.
  for (let v = 0; v < n; v++) {
    if (pred[v].length || !succ[v].length) continue;
    let m = Infinity;
    for (const w of succ[v]) m = Math.min(m, layer[w]);
    layer[v] = Math.max(0, m - 1);
  }
  let maxL = 0;
  for (let v = 0; v < n; v++) maxL = Math.max(maxL, layer[v]);
  if (outputIdx !== undefined && succ[outputIdx].length === 0) layer[outputIdx] = maxL;
  return layer;
}

/** Reorder each layer so that the members of a group are consecutive, at the place of their first. */
function groupTogether(flat, start, L, n, nodes) {
  for (let l = 0; l < L; l++) {
    const a = start[l];
    const b = start[l + 1];
    const members = new Map();
    for (let i = a; i < b; i++) {
      const v = flat[i];
      const g = v < n ? nodes[v].group : null;
      if (!g) continue;
      if (!members.has(g)) members.set(g, []);
      members.get(g).push(v);
    }
    if (!members.size) continue;
    const out = [];
    const done = new Set();
    for (let i = a; i < b; i++) {
      const v = flat[i];
      const g = v < n ? nodes[v].group : null;
      if (!g) out.push(v);
      else if (!done.has(g)) {
        done.add(g);
        out.push(...members.get(g));
      }
    }
    flat.set(out, a);
  }
}

const BALANCE_MAX_NODES = 400;
// The zoom at which the page's text is readable (13 px lines at >= 11 px), with a little to spare.
const READABLE_ZOOM = 1.0;
const LEAF_PULL = 0.02;

/**
 * Leaves (nodes without inputs) sit just before their first use, so a layer that feeds many weights
 * into its successor (XOR's w5, w6, b3 beside its hidden units) becomes the tallest column. Spread
 * them over the columns before their use when the drawing then fits the view at a larger zoom.
 * Estimates the zoom from column heights (nodes, and one bundled route per source passing through)
 * and layer widths. Changes `layer` in place.
 */
function balanceLeaves(n, E, layer, W, H, o) {
  const isSource = new Uint8Array(n).fill(1);
  for (const e of E) isSource[e.t] = 0;
  // Room on the left: leaves may move into up to SPARE new first columns (empty ones are dropped).
  const SPARE = 3;
  for (let v = 0; v < n; v++) layer[v] += SPARE;
  const estimate = () => {
    let L = 0;
    for (let v = 0; v < n; v++) L = Math.max(L, layer[v] + 1);
    const height = new Float64Array(L);
    const width = new Float64Array(L);
    const used = new Uint8Array(L);
    for (let v = 0; v < n; v++) {
      height[layer[v]] += H[v] + o.nodeGap;
      width[layer[v]] = Math.max(width[layer[v]], W[v]);
      used[layer[v]] = 1;
    }
    // One route per source through each layer between it and its farthest use (fans are bundled).
    const reach = new Int32Array(n).fill(-1);
    for (const e of E) reach[e.s] = Math.max(reach[e.s], layer[e.t]);
    for (let v = 0; v < n; v++) for (let l = layer[v] + 1; l < reach[v]; l++) height[l] += o.dummyHeight + o.nodeGap;
    let w = 2 * o.margin - o.layerGap;
    let h = 0;
    for (let l = 0; l < L; l++) {
      if (used[l] || height[l] > 0) w += width[l] + o.layerGap;
      h = Math.max(h, height[l]);
    }
    return { zoom: Math.min(o.maxZoom, o.view.width / w, o.view.height / (h + 2 * o.margin)), height };
  };
  // Pack the leaves into the columns before their first use, right to left, so that no column is
  // taller than the view holds at a readable zoom; keep that only if the whole drawing then fits at a
  // larger zoom than before (extra columns cost width).
  const before = estimate();
  const original = layer.slice();
  const firstUse = new Int32Array(n).fill(0x7fffffff);
  for (const e of E) firstUse[e.s] = Math.min(firstUse[e.s], layer[e.t]);
  let L = 0;
  for (let v = 0; v < n; v++) L = Math.max(L, layer[v] + 1);
  const fill = new Float64Array(L);
  for (let v = 0; v < n; v++) if (!isSource[v]) fill[layer[v]] += H[v] + o.nodeGap;
  const capacity = o.view.height / READABLE_ZOOM - 2 * o.margin;
  const leaves = [];
  for (let v = 0; v < n; v++) if (isSource[v] && firstUse[v] < 0x7fffffff) leaves.push(v);
  leaves.sort((a, b) => firstUse[b] - firstUse[a] || a - b);
  for (const v of leaves) {
    const need = H[v] + o.nodeGap;
    const route = o.dummyHeight + o.nodeGap;
    // The nearest column with room; if none has, the least filled (farther left, its edge passes the
    // columns in between too).
    let at = -1;
    let least = firstUse[v] - 1;
    for (let l = firstUse[v] - 1; l >= 0; l--) {
      if (fill[l] + need <= capacity) {
        at = l;
        break;
      }
      if (fill[l] + (firstUse[v] - 1 - l) * route < fill[least]) least = l;
    }
    if (at < 0) at = least;
    layer[v] = at;
    fill[at] += need;
    for (let l = at + 1; l < firstUse[v]; l++) fill[l] += route;
  }
  if (estimate().zoom <= before.zoom * 1.001) layer.set(original);
  // Drop the columns nothing uses.
  let first = Infinity;
  for (let v = 0; v < n; v++) first = Math.min(first, layer[v]);
  for (let v = 0; v < n; v++) layer[v] -= first === Infinity ? 0 : first;
}

/** The longest span (layers crossed) whose edges, with all shorter ones, need at most `budget` dummies. */
function maxDummySpan(E, layer, budget) {
  let count = 0;
  let total = 0;
  for (const e of E) {
    const k = layer[e.t] - layer[e.s] - 1;
    if (k > 0) {
      count++;
      total += k;
    }
  }
  if (total <= budget) return Infinity;
  const spans = new Int32Array(count);
  count = 0;
  for (const e of E) {
    const k = layer[e.t] - layer[e.s] - 1;
    if (k > 0) spans[count++] = k;
  }
  spans.sort();
  let used = 0;
  let allowed = 0;
  for (let i = 0; i < spans.length; ) {
    let j = i;
    let sum = 0;
    while (j < spans.length && spans[j] === spans[i]) sum += spans[j++];
    if (used + sum > budget) break;
    used += sum;
    allowed = spans[i];
    i = j;
  }
  return allowed;
}

function addDummies(n, E, layer, budget = Infinity) {
  const maxSpan = maxDummySpan(E, layer, budget);
  // Edges that go backwards (only in malformed input) or too far (past the dummy budget) are drawn
  // straight and ignored for ordering.
  const linked = (e) => layer[e.t] > layer[e.s] && layer[e.t] - layer[e.s] - 1 <= maxSpan;
  // The out-edges of a source share one chain of dummies, as long as its longest linked edge: a fan
  // (a weight used by several layers) leaves its source as one bundle and splits where its edges end.
  const trunk = new Int32Array(n);
  for (const e of E) if (linked(e)) trunk[e.s] = Math.max(trunk[e.s], layer[e.t] - layer[e.s] - 1);
  const trunkStart = new Int32Array(n);
  let vCount = n;
  for (let s = 0; s < n; s++) {
    trunkStart[s] = vCount;
    vCount += trunk[s];
  }
  const vLayer = new Int32Array(vCount);
  vLayer.set(layer);
  // Links (u -> v): each trunk's steps once, then each linked edge's last step into its target.
  const from = [];
  const to = [];
  for (let s = 0; s < n; s++) {
    let prev = s;
    for (let k = 0; k < trunk[s]; k++) {
      const v = trunkStart[s] + k;
      vLayer[v] = layer[s] + 1 + k;
      from.push(prev);
      to.push(v);
      prev = v;
    }
  }
  const chains = [];
  for (const e of E) {
    const c = { id: e.id, s: e.s, t: e.t, arg: e.arg, d0: trunkStart[e.s], dn: 0 };
    if (linked(e)) {
      c.dn = layer[e.t] - layer[e.s] - 1;
      from.push(c.dn ? c.d0 + c.dn - 1 : e.s);
      to.push(e.t);
    }
    c.linked = linked(e);
    chains.push(c);
  }
  // CSR form of the links, both ways.
  const predStart = new Int32Array(vCount + 1);
  const succStart = new Int32Array(vCount + 1);
  for (let i = 0; i < from.length; i++) {
    succStart[from[i] + 1]++;
    predStart[to[i] + 1]++;
  }
  for (let v = 0; v < vCount; v++) {
    predStart[v + 1] += predStart[v];
    succStart[v + 1] += succStart[v];
  }
  const pred = new Int32Array(predStart[vCount]);
  const succ = new Int32Array(succStart[vCount]);
  const predFill = predStart.slice(0, vCount);
  const succFill = succStart.slice(0, vCount);
  for (let i = 0; i < from.length; i++) {
    succ[succFill[from[i]]++] = to[i];
    pred[predFill[to[i]]++] = from[i];
  }
  return { vCount, vLayer, predStart, pred, succStart, succ, chains };
}

/**
 * A function of the positions that counts the crossings between all adjacent layers (its scratch
 * space is sized once).
 */
function crossingCounter(flat, start, L, succStart, succ) {
  // Every layer keeps its vertices (only their order changes): the sizes are known now.
  let size = 0;
  let widest = 0;
  for (let l = 0; l + 1 < L; l++) {
    let k = 0;
    for (let i = start[l]; i < start[l + 1]; i++) k += succStart[flat[i] + 1] - succStart[flat[i]];
    size = Math.max(size, k);
    widest = Math.max(widest, start[l + 2] - start[l + 1]);
  }
  const targets = new Int32Array(size);
  const tree = new Int32Array(widest + 1);
  return (pos) => {
    let total = 0;
    for (let l = 0; l + 1 < L; l++) total += countCrossings(flat, start[l], start[l + 1], start[l + 2] - start[l + 1], succStart, succ, pos, targets, tree);
    return total;
  };
}

// Crossings between the layer flat[a..b) and the next (of `lowerSize` vertices): inversions among
// edge endpoints, with a Fenwick tree. `targets` and `tree` are scratch space (large enough).
function countCrossings(flat, a, b, lowerSize, succStart, succ, pos, targets, tree) {
  let m = 0;
  for (let i = a; i < b; i++) {
    const v = flat[i];
    const j0 = succStart[v];
    const j1 = succStart[v + 1];
    if (j1 - j0 === 1) {
      targets[m++] = pos[succ[j0]];
      continue;
    }
    // This vertex's targets in ascending order.
    const first = m;
    for (let j = j0; j < j1; j++) targets[m++] = pos[succ[j]];
    if (m - first > 1) targets.subarray(first, m).sort();
  }
  if (m < 2) return 0;
  tree.fill(0, 0, lowerSize + 1);
  let cross = 0;
  for (let s = 0; s < m; s++) {
    const t = targets[s];
    // count previously inserted targets greater than t
    let i = t + 1;
    let le = 0;
    while (i > 0) {
      le += tree[i];
      i -= i & -i;
    }
    cross += s - le;
    for (let j = t + 1; j <= lowerSize; j += j & -j) tree[j]++;
  }
  return cross;
}

/**
 * Place one layer, flat[a..a+m): minimise sum w_i (y_i - desired_i)^2 subject to the layer's order and
 * spacing, by pool-adjacent-violators on z_i = y_i - offset_i (which must be non-decreasing).
 */
function placeLayer(flat, a, m, desired, w, Hv, gap, Y, scratch) {
  if (!m) return;
  const { offset, bv, bw, bn } = scratch;
  offset[0] = 0;
  for (let i = 1; i < m; i++) offset[i] = offset[i - 1] + Hv[flat[a + i - 1]] / 2 + gap + Hv[flat[a + i]] / 2;
  // Blocks: value, weight, size.
  let top = -1;
  for (let i = 0; i < m; i++) {
    top++;
    bv[top] = desired[i] - offset[i];
    bw[top] = w[i];
    bn[top] = 1;
    while (top > 0 && bv[top - 1] > bv[top]) {
      const ww = bw[top - 1] + bw[top];
      bv[top - 1] = (bv[top - 1] * bw[top - 1] + bv[top] * bw[top]) / ww;
      bw[top - 1] = ww;
      bn[top - 1] += bn[top];
      top--;
    }
  }
  let i = 0;
  for (let b = 0; b <= top; b++) {
    for (let k = 0; k < bn[b]; k++, i++) Y[flat[a + i]] = bv[b] + offset[i];
  }
}

/** Scratch arrays for placeLayer (and its inputs) for layers of up to `m` vertices. */
function placementScratch(m) {
  return {
    desired: new Float64Array(m),
    w: new Float64Array(m),
    offset: new Float64Array(m),
    bv: new Float64Array(m),
    bw: new Float64Array(m),
    bn: new Int32Array(m),
  };
}
