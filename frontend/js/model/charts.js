// Chart arithmetic for the training panel: scales, ticks, SVG path strings, a heat-map grid and its
// colours. Pure: no DOM (js/view/charts.js draws with these).

/** Linear map from `domain` [d0, d1] to `range` [r0, r1]; a zero-width domain maps to the middle. */
export function linearScale([d0, d1], [r0, r1]) {
  const span = d1 - d0;
  const fn = (v) => (span === 0 ? (r0 + r1) / 2 : r0 + ((v - d0) / span) * (r1 - r0));
  fn.domain = [d0, d1];
  fn.range = [r0, r1];
  fn.invert = (p) => (r1 === r0 ? d0 : d0 + ((p - r0) / (r1 - r0)) * span);
  return fn;
}

/**
 * Log-10 map from a positive `domain` to `range`. Values the log cannot show (0, negatives, NaN)
 * and values below the domain land on the floor (r0); values above it on the ceiling (r1).
 * `fn.isFloor(v)` tells whether v is drawn on the floor because the log cannot show it.
 */
export function logScale([d0, d1], [r0, r1]) {
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const span = l1 - l0;
  const fn = (v) => {
    if (!(v > 0) || !Number.isFinite(v)) return v === Infinity ? r1 : r0;
    const t = span > 0 ? (Math.log10(v) - l0) / span : 0.5;
    return r0 + Math.min(1, Math.max(0, t)) * (r1 - r0);
  };
  fn.domain = [d0, d1];
  fn.range = [r0, r1];
  fn.isFloor = (v) => !(v > 0) || Number.isNaN(v);
  return fn;
}

/**
 * A log domain [10^a, 10^b] (whole decades) around the positive finite values.
 * With `zeroRoom`, and when some value is 0 (or negative), one more decade goes below the smallest
 * positive value, so that values drawn on the floor stand apart from the smallest real one.
 * `minDecades` widens a narrow domain upwards and downwards alike. No positive value: `fallback`.
 */
export function logDomain(values, { zeroRoom = false, minDecades = 1, fallback = [1e-3, 1] } = {}) {
  let lo = Infinity;
  let hi = -Infinity;
  let zeros = false;
  for (const v of values) {
    if (v === null || v === undefined || Number.isNaN(v)) continue;
    if (v > 0 && Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    } else if (v <= 0) zeros = true;
  }
  if (lo === Infinity) return fallback.slice();
  let a = Math.floor(Math.log10(lo) + 1e-9);
  let b = Math.ceil(Math.log10(hi) - 1e-9);
  if (zeroRoom && zeros) a -= 1;
  while (b - a < minDecades) {
    b += 1;
    if (b - a < minDecades) a -= 1;
  }
  return [pow10(a), pow10(b)];
}

/** 10^e exactly as its decimal literal (10 ** -4 is 0.00009999999999999999). */
const pow10 = (e) => Number(`1e${e}`);

/**
 * Powers of ten inside a log domain, every k-th decade so that there are at most `max` of them;
 * a domain of one or two decades also gets 2× and 5× ticks.
 */
export function logTicks([d0, d1], max = 6) {
  const a = Math.ceil(Math.log10(d0) - 1e-9);
  const b = Math.floor(Math.log10(d1) + 1e-9);
  const n = b - a + 1;
  if (n <= 0) return [];
  const k = Math.max(1, Math.ceil(n / max));
  const out = [];
  // Keep the top decade: the interesting end of a loss curve is usually its start.
  for (let e = b; e >= a; e -= k) out.unshift(pow10(e));
  if (out.length >= 3) return out;
  // One or two decades: 2 and 5 times each power of ten as well, so the axis can still be read.
  const more = [];
  for (let e = a - 1; e <= b; e++) {
    for (const m of [1, 2, 5]) {
      const v = Number(`${m}e${e}`);
      if (v >= d0 * (1 - 1e-9) && v <= d1 * (1 + 1e-9)) more.push(v);
    }
  }
  return more.length <= max + 2 ? more : out;
}

/** Round, readable ticks (1, 2 or 5 times a power of ten) covering [a, b], about `count` of them. */
export function niceTicks([a, b], count = 5) {
  if (!(b > a)) return [a];
  const raw = (b - a) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out = [];
  for (let v = Math.ceil(a / step - 1e-9) * step; v <= b + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * An SVG path through points [[x, y], ...]; a null point (or one with a non-finite coordinate)
 * breaks the line, so a gap in the data stays a gap.
 */
export function linePath(points) {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (!p || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : d ? ' M' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)}`;
    pen = true;
  }
  return d;
}

/**
 * Keep at most `max` points of a long series for drawing: each bucket keeps its first, lowest and
 * highest point (so spikes and plateaus survive), in their original order. Short series are returned
 * as they are.
 */
export function thinSeries(points, max = 600, value = (p) => p[1]) {
  if (points.length <= max) return points;
  const buckets = Math.max(1, Math.floor(max / 3));
  const size = points.length / buckets;
  const out = [];
  for (let b = 0; b < buckets; b++) {
    const i0 = Math.floor(b * size);
    const i1 = Math.min(points.length, Math.floor((b + 1) * size));
    let lo = i0;
    let hi = i0;
    for (let i = i0; i < i1; i++) {
      if (value(points[i]) < value(points[lo])) lo = i;
      if (value(points[i]) > value(points[hi])) hi = i;
    }
    for (const i of [...new Set([i0, lo, hi])].sort((x, y) => x - y)) out.push(points[i]);
  }
  const last = points[points.length - 1];
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}

// A perceptual ramp (viridis' ends and middle): dark = small |gradient|, bright = large.
const RAMP = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];
/** The colour for an exact zero: outside the ramp, so that "0" never looks like "small". */
export const ZERO_COLOR = 'rgb(226,232,240)';

/** t in [0, 1] -> 'rgb(r,g,b)' on the ramp; null (no value, or an exact zero) -> ZERO_COLOR. */
export function rampColor(t) {
  if (t === null || t === undefined || Number.isNaN(t)) return ZERO_COLOR;
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const c = RAMP[i].map((v, k) => Math.round(v + (RAMP[i + 1][k] - v) * f));
  return `rgb(${c.join(',')})`;
}

/**
 * A log colour scale for magnitudes: fn(v) -> t in [0, 1], or null for 0 / missing / non-finite.
 * The domain spans the positive values, but at most `maxDecades` decades below the largest (smaller
 * values get t = 0), so that one tiny outlier does not wash out the rest.
 */
export function heatScale(values, maxDecades = 12) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v > 0 && Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (hi > -Infinity) lo = Math.max(lo, hi / 10 ** maxDecades);
  const l0 = Math.log10(lo);
  const span = Math.log10(hi) - l0;
  const fn = (v) => {
    if (!(v > 0) || !Number.isFinite(v) || lo === Infinity) return null;
    if (!(span > 1e-12)) return 1;
    return Math.min(1, Math.max(0, (Math.log10(v) - l0) / span));
  };
  fn.min = lo === Infinity ? null : lo;
  fn.max = hi === -Infinity ? null : hi;
  return fn;
}

/**
 * Bin a sequence of per-layer vectors (one per recorded step) into at most `maxCols` columns.
 * Each column is {from, to (indices into rows, inclusive), values: mean of each layer over the bin}
 * (non-finite entries are skipped; a bin with none for a layer gives null).
 */
export function heatColumns(rows, maxCols = 200) {
  const n = rows.length;
  if (!n) return [];
  const cols = Math.min(n, Math.max(1, maxCols));
  const layers = Math.max(...rows.map((r) => r?.length ?? 0));
  const out = [];
  for (let c = 0; c < cols; c++) {
    const from = Math.floor((c * n) / cols);
    const to = Math.floor(((c + 1) * n) / cols) - 1;
    const values = [];
    for (let l = 0; l < layers; l++) {
      let sum = 0;
      let k = 0;
      for (let i = from; i <= to; i++) {
        const v = rows[i]?.[l];
        if (typeof v === 'number' && Number.isFinite(v)) {
          sum += v;
          k++;
        }
      }
      values.push(k ? sum / k : null);
    }
    out.push({ from, to, values });
  }
  return out;
}
