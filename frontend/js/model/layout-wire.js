// A layout as it crosses from the layout worker to the page: flat typed arrays in the job's order of
// nodes and edges, moved (transferred), not copied. The structured clone of a 4,000-node layout's Maps
// of small objects and point arrays took 20–50 ms of the frame that draws it. Pure: no DOM.

const NODE_FIELDS = ['x', 'y', 'width', 'height', 'layer', 'order', 'band'];

/**
 * A packed layout: each node's NODE_FIELDS in `nodes` (NaN: not placed); an edge's points, as x, y
 * pairs, in points[start[i] .. start[i + 1]); `absent`: an edge the layout left out (a self loop, an
 * unknown end); `ghost`: drawn as a stub.
 * @typedef {{nodes: Float64Array, start: Int32Array, absent: Uint8Array, ghost: Uint8Array,
 *   points: Float64Array, width: number, height: number, layers: number, crossings: number,
 *   bands: number}} PackedLayout
 */

/**
 * @param {ReturnType<typeof import('./layout.js').layoutGraph>} layout (its labels are packed apart)
 * @param {string[]} nodeIds the job's nodes, in order
 * @param {string[]} edgeIds the job's edges, in order
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
  });
  start[edgeIds.length] = at;
  const { width, height, layers, crossings, bands } = layout;
  const arrays = { nodes, start, absent, ghost, points };
  return {
    packed: { ...arrays, width, height, layers, crossings, bands },
    transfer: Object.values(arrays).map((a) => a.buffer),
  };
}

/**
 * The layout `packLayout` packed, as layoutGraph returns it (without labels).
 * @param {PackedLayout} packed
 * @param {string[]} nodeIds
 * @param {string[]} edgeIds
 */
export function unpackLayout(packed, nodeIds, edgeIds) {
  const F = NODE_FIELDS.length;
  const { nodes: nv, start, absent, ghost, points } = packed;
  const nodes = new Map();
  nodeIds.forEach((id, i) => {
    if (Number.isNaN(nv[i * F])) return;
    const p = {};
    for (let f = 0; f < F; f++) p[NODE_FIELDS[f]] = nv[i * F + f];
    nodes.set(id, p);
  });
  const edges = new Map();
  const ghosts = new Set();
  edgeIds.forEach((id, i) => {
    if (absent[i]) return;
    const pts = [];
    for (let k = start[i]; k < start[i + 1]; k += 2) pts.push([points[k], points[k + 1]]);
    edges.set(id, pts);
    if (ghost[i]) ghosts.add(id);
  });
  const { width, height, layers, crossings, bands } = packed;
  return { nodes, edges, ghosts, width, height, layers, crossings, bands };
}

/**
 * Edge labels' places (geometry.js placeEdgeLabels: id -> {x, y} or null) as x, y pairs in the edges'
 * order, NaN where a label found no place.
 * @param {Map<string, {x: number, y: number} | null>} labels
 * @param {string[]} edgeIds
 */
export function packLabels(labels, edgeIds) {
  const xy = new Float64Array(edgeIds.length * 2).fill(NaN);
  edgeIds.forEach((id, i) => {
    const l = labels.get(id);
    if (l) {
      xy[2 * i] = l.x;
      xy[2 * i + 1] = l.y;
    }
  });
  return xy;
}

/**
 * @param {Float64Array} xy packLabels' pairs
 * @param {string[]} edgeIds
 * @returns {Map<string, {x: number, y: number} | null>}
 */
export function unpackLabels(xy, edgeIds) {
  return new Map(edgeIds.map((id, i) => [id, Number.isNaN(xy[2 * i]) ? null : { x: xy[2 * i], y: xy[2 * i + 1] }]));
}
