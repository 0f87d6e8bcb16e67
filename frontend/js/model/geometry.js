// Edge geometry of the drawing, without the DOM: the SVG path of an edge, points along it by arc
// length, and where its label goes so that it sits on no node and no other label.
import { isWide } from './format.js';

/** Smooth path through layout points: horizontal tangents at every point. */
export function edgePath(pts) {
  let d = `M${pts[0][0].toFixed(1)},${pts[0][1].toFixed(1)}`;
  for (let i = 1; i < pts.length; i++) {
    const [x0, y0] = pts[i - 1];
    const [x1, y1] = pts[i];
    const dx = (x1 - x0) / 2;
    d += ` C${(x0 + dx).toFixed(1)},${y0.toFixed(1)} ${(x1 - dx).toFixed(1)},${y1.toFixed(1)} ${x1.toFixed(1)},${y1.toFixed(1)}`;
  }
  return d;
}

const SAMPLES = 16; // per cubic segment

/** The k-th of SAMPLES points of the cubic segment from (x0,y0) to (x1,y1) that edgePath draws. */
function segmentPoint(x0, y0, x1, y1, k) {
  const u = k / SAMPLES;
  const v = 1 - u;
  const dx = (x1 - x0) / 2;
  // Cubic Bezier (x0,y0) (x0+dx,y0) (x1-dx,y1) (x1,y1).
  const b1 = 3 * v * v * u;
  const b2 = 3 * v * u * u;
  const b3 = u * u * u;
  return [v * v * v * x0 + b1 * (x0 + dx) + b2 * (x1 - dx) + b3 * x1, (v * v * v + b1) * y0 + (b2 + b3) * y1];
}

/**
 * The curve of edgePath(pts) by arc length, without the DOM: `at(f)` is the point a fraction f of the
 * way along it (what SVGPathElement.getPointAtLength gives, to a fraction of a pixel), on the polyline
 * of SAMPLES points per segment.
 * @param {number[][]} pts
 * @returns {{length: number, at: (f: number) => {x: number, y: number}}}
 */
export function edgeGeometry(pts) {
  // Only each segment's length is kept: the labels of thousands of edges (a shared weight's fan
  // crosses hundreds of layers) look up a few points each, and at() samples again the one segment
  // it falls in. Math.sqrt, not Math.hypot: several times faster here.
  const ends = new Float64Array(pts.length); // ends[i]: the length up to point i
  for (let i = 1; i < pts.length; i++) {
    const [x0, y0] = pts[i - 1];
    const [x1, y1] = pts[i];
    let px = x0;
    let py = y0;
    let len = 0;
    for (let k = 1; k <= SAMPLES; k++) {
      const [x, y] = segmentPoint(x0, y0, x1, y1, k);
      len += Math.sqrt((x - px) * (x - px) + (y - py) * (y - py));
      px = x;
      py = y;
    }
    ends[i] = ends[i - 1] + len;
  }
  const length = ends[ends.length - 1];
  return {
    length,
    at(f) {
      const want = Math.min(1, Math.max(0, f)) * length;
      if (pts.length < 2) return { x: pts[0][0], y: pts[0][1] };
      let lo = 0;
      let hi = ends.length - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (ends[mid] <= want) lo = mid;
        else hi = mid;
      }
      const [x0, y0] = pts[lo];
      const [x1, y1] = pts[hi];
      let px = x0;
      let py = y0;
      let walked = ends[lo];
      for (let k = 1; k <= SAMPLES; k++) {
        const [x, y] = segmentPoint(x0, y0, x1, y1, k);
        const step = Math.sqrt((x - px) * (x - px) + (y - py) * (y - py));
        if (walked + step >= want || k === SAMPLES) {
          const s = step > 0 ? Math.min(1, Math.max(0, (want - walked) / step)) : 0;
          return { x: px + (x - px) * s, y: py + (y - py) * s };
        }
        walked += step;
        px = x;
        py = y;
      }
      return { x: x1, y: y1 };
    },
  };
}


/**
 * Where each edge's label goes: the first of several points along the edge (its middle first) where
 * a box of the label's size overlaps no node and no label already placed; null when there is none.
 * @param {{nodes: Map<string, {x, y, width, height}>, edges: Map<string, number[][]>, width?: number,
 *   height?: number}} layout (labels stay inside width × height when given)
 * @param {{id: string, width: number, height: number}[]} labels in order of priority
 * @returns {Map<string, {x: number, y: number} | null>} label centres
 */
export function placeEdgeLabels(layout, labels) {
  const grid = new Map();
  const CELL = 96;
  // A cell's key is a number (a string per probe made a 4,000-node layout's labels twice as slow).
  const ROW = 1 << 20;
  const cells = (x0, y0, x1, y1, fn) => {
    for (let i = Math.floor(x0 / CELL); i <= Math.floor(x1 / CELL); i++) {
      for (let j = Math.floor(y0 / CELL); j <= Math.floor(y1 / CELL); j++) {
        if (fn(i * ROW + j) === false) return false;
      }
    }
    return true;
  };
  const insert = (b) => cells(b[0], b[1], b[2], b[3], (k) => {
    if (!grid.has(k)) grid.set(k, []);
    grid.get(k).push(b);
  });
  const free = (b) => cells(b[0], b[1], b[2], b[3], (k) => {
    for (const o of grid.get(k) ?? []) if (b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) return false;
    return true;
  });
  const PAD = 2;
  for (const p of layout.nodes.values()) insert([p.x - p.width / 2 - PAD, p.y - p.height / 2 - PAD, p.x + p.width / 2 + PAD, p.y + p.height / 2 + PAD]);
  const out = new Map();
  for (const l of labels) {
    const pts = layout.edges.get(l.id);
    out.set(l.id, null);
    if (!pts) continue;
    const geo = edgeGeometry(pts);
    for (const f of LABEL_SPOTS) {
      const at = geo.at(f);
      // Kept inside the drawing (a wide label on a wrapped link's end would hang out of the view):
      // slid along x, which keeps it on the link where the link runs across the gap between bands.
      const inside = (v, half, size) => (size > 2 * half ? Math.min(size - half, Math.max(half, v)) : v);
      const x = inside(at.x, l.width / 2, layout.width ?? Infinity);
      const y = inside(at.y, l.height / 2, layout.height ?? Infinity);
      const b = [x - l.width / 2, y - l.height / 2, x + l.width / 2, y + l.height / 2];
      if (!free(b)) continue;
      insert(b);
      out.set(l.id, { x, y });
      break;
    }
  }
  return out;
}

/** An edge label's box: its height, and its width for a text (graph.css: 12px monospace). */
export const LABEL_H = 18;
/** The width of a label's text: a CJK character takes two columns of the monospace font. */
export function labelWidth(text) {
  const s = String(text);
  let w = 10;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) i++; // one character outside the BMP: one column
    w += isWide(code) ? 14.6 : 7.3;
  }
  return Math.max(14, w);
}

const LABEL_SPOTS = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85];

/**
 * The box of an expanded composite, as rectangles whose union holds exactly its members: one per
 * layer (its members there, padded), and a bridge to the next layer's where their heights meet.
 * @param {{nodes: Map<string, {x, y, width, height, layer}>}} layout
 * @param {string[]} members node ids
 * @param {number} pad
 * @returns {{x: number, y: number, width: number, height: number}[]} the first is the first layer's
 */
export function groupBoxes(layout, members, pad = 5) {
  const byLayer = new Map();
  for (const id of members) {
    const b = layout.nodes.get(id);
    if (!b) continue;
    const r = byLayer.get(b.layer) ?? { x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity };
    r.x0 = Math.min(r.x0, b.x - b.width / 2 - pad);
    r.x1 = Math.max(r.x1, b.x + b.width / 2 + pad);
    r.y0 = Math.min(r.y0, b.y - b.height / 2 - pad);
    r.y1 = Math.max(r.y1, b.y + b.height / 2 + pad);
    byLayer.set(b.layer, r);
  }
  const layers = [...byLayer.keys()].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i < layers.length; i++) {
    const r = byLayer.get(layers[i]);
    out.push({ x: r.x0, y: r.y0, width: r.x1 - r.x0, height: r.y1 - r.y0 });
    const next = byLayer.get(layers[i + 1]);
    if (!next || layers[i + 1] !== layers[i] + 1) continue;
    // A bridge as tall as the two columns' common height (at least a band at the nearer edges).
    let y0 = Math.max(r.y0, next.y0);
    let y1 = Math.min(r.y1, next.y1);
    if (y1 - y0 < 2 * pad) {
      const mid = (Math.max(r.y0, next.y0) + Math.min(r.y1, next.y1)) / 2;
      y0 = mid - pad;
      y1 = mid + pad;
    }
    out.push({ x: r.x1, y: y0, width: Math.max(0, next.x0 - r.x1), height: y1 - y0 });
  }
  return out;
}
