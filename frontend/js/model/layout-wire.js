// A layout as it crosses from the layout worker to the page: flat typed arrays in the job's order of
// nodes and edges, moved (transferred), not copied. The structured clone of a 4,000-node layout's Maps
// of small objects and point arrays took 20–50 ms of the frame that draws it. Pure: no DOM.

const NODE_FIELDS = ['x', 'y', 'width', 'height', 'layer', 'order', 'band'];

/**
 * A packed layout: each node's NODE_FIELDS in `nodes` (NaN: not placed); an edge's points, as x, y
 * pairs, in points[start[i] .. start[i + 1]); `absent`: an edge the layout left out (a self loop, an
 * unknown end); `ghost`: drawn as a stub; `labels`: each edge's label centre (NaN: no place found).
 * @typedef {{nodes: Float64Array, start: Int32Array, absent: Uint8Array, ghost: Uint8Array,
 *   points: Float64Array, labels: Float64Array, width: number, height: number, layers: number,
 *   crossings: number, bands: number, hasLabels: boolean}} PackedLayout
 */

/**
 * @param {ReturnType<typeof import('./layout.js').layoutGraph>} layout with its `labels`
 * @param {string[]} nodeIds the job's nodes, in order
 * @param {string[]} edgeIds the job's edges (and labels), in order
 * @returns {{packed: PackedLayout, transfer: ArrayBuffer[]}}
 */
export function packLayout(layout, nodeIds, edgeIds) {
  const F = NODE_FIELDS.length;
  const nodes = new Float64Array(nodeIds.length * F).fill(NaN);
  nodeIds.forEach((id, i) => {
    const p = layout.nodes.get(id);
    if (p) for (let f = 0; f < F; f++) nodes[i * F + f] = p[NODE_FIELDS[f]];
  });
  const start = new Int32Array(edgeIds.length + 1);
  const absent = new Uint8Array(edgeIds.length);
  const ghost = new Uint8Array(edgeIds.length);
  const labels = new Float64Array(edgeIds.length * 2).fill(NaN);
  let count = 0;
  edgeIds.forEach((id, i) => {
    const pts = layout.edges.get(id);
    if (pts) count += pts.length * 2;
    else absent[i] = 1;
  });
  const points = new Float64Array(count);
  let at = 0;
  edgeIds.forEach((id, i) => {
    start[i] = at;
    for (const [x, y] of layout.edges.get(id) ?? []) {
      points[at++] = x;
      points[at++] = y;
    }
    if (layout.ghosts.has(id)) ghost[i] = 1;
    const l = layout.labels?.get(id);
    if (l) {
      labels[2 * i] = l.x;
      labels[2 * i + 1] = l.y;
    }
  });
  start[edgeIds.length] = at;
  const { width, height, layers, crossings, bands } = layout;
  const arrays = { nodes, start, absent, ghost, points, labels };
  return {
    packed: { ...arrays, width, height, layers, crossings, bands, hasLabels: !!layout.labels },
    transfer: Object.values(arrays).map((a) => a.buffer),
  };
}

/**
 * The layout `packLayout` packed, as layoutGraph returns it (with its labels).
 * @param {PackedLayout} packed
 * @param {string[]} nodeIds
 * @param {string[]} edgeIds
 */
export function unpackLayout(packed, nodeIds, edgeIds) {
  const F = NODE_FIELDS.length;
  const { nodes: nv, start, absent, ghost, points, labels: lv } = packed;
  const nodes = new Map();
  nodeIds.forEach((id, i) => {
    if (Number.isNaN(nv[i * F])) return;
    const p = {};
    for (let f = 0; f < F; f++) p[NODE_FIELDS[f]] = nv[i * F + f];
    nodes.set(id, p);
  });
  const edges = new Map();
  const ghosts = new Set();
  const labels = packed.hasLabels ? new Map() : undefined;
  edgeIds.forEach((id, i) => {
    if (absent[i]) {
      labels?.set(id, null);
      return;
    }
    const pts = [];
    for (let k = start[i]; k < start[i + 1]; k += 2) pts.push([points[k], points[k + 1]]);
    edges.set(id, pts);
    if (ghost[i]) ghosts.add(id);
    labels?.set(id, Number.isNaN(lv[2 * i]) ? null : { x: lv[2 * i], y: lv[2 * i + 1] });
  });
  const { width, height, layers, crossings, bands } = packed;
  return { nodes, edges, ghosts, width, height, layers, crossings, bands, ...(labels ? { labels } : {}) };
}
