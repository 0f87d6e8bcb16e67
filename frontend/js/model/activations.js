// The activation functions of the gallery, from GET /api/ops: every row marked `activation` brings
// its f and f′ sampled by the engine over [−5, 5] (`curve`), so a new activation row of the backend's
// table needs nothing here. Kinks are the engine's: relu'(0) = 0, leaky_relu'(0) = slope. Pure: no DOM.

// Readers' notes on the classic four; any other activation's note is its derivative rule from the table.
const TITLES = { sigmoid: 'sigmoid', tanh: 'tanh', relu: 'ReLU', leaky_relu: 'leaky ReLU' };
const NOTES = {
  sigmoid: () => "σ′ ≤ 0.25: every sigmoid layer shrinks the gradient at least fourfold",
  tanh: () => "tanh′ ≤ 1, and = 1 at 0",
  relu: () => "relu′ = 0 for x ≤ 0: a dead unit passes no gradient",
  leaky_relu: (op) => `leaky_relu′ = ${paramDefault(op, 'slope')} for x ≤ 0: never exactly 0`,
};

/** A row's default for one of its extra parameters (leaky_relu's slope), from GET /api/ops. */
export function paramDefault(op, name) {
  return op?.params?.find((p) => p.name === name)?.default;
}

/**
 * A function through the samples (xs ascending): linear between them; beyond the ends f goes on
 * along the last segment (`extend`) or stays at the end value. Exact at every sample, 0 among them.
 */
export function sampledFunction(xs, ys, extend = true) {
  const n = xs.length;
  return (x) => {
    if (!(n > 1) || !Number.isFinite(x)) return n === 1 ? ys[0] : NaN;
    let i;
    if (x <= xs[0]) i = 0;
    else if (x >= xs[n - 1]) i = n - 2;
    else {
      let lo = 0;
      let hi = n - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (xs[mid] <= x) lo = mid;
        else hi = mid;
      }
      i = lo;
    }
    if (!extend && (x < xs[0] || x > xs[n - 1])) return x < xs[0] ? ys[0] : ys[n - 1];
    if (x === xs[i]) return ys[i];
    if (x === xs[i + 1]) return ys[i + 1];
    const t = (x - xs[i]) / (xs[i + 1] - xs[i]);
    return ys[i] + t * (ys[i + 1] - ys[i]);
  };
}

/**
 * The activations of the table, in its order: name -> {title, note, f, df, curveF, curveDf}
 * (curveF/curveDf: the engine's samples as [x, y] pairs). `ops`: the rows of GET /api/ops.
 */
export function activationsFrom(ops) {
  const out = {};
  for (const op of Array.isArray(ops) ? ops : []) {
    const c = op.activation ? op.curve : null;
    if (!c || !Array.isArray(c.x) || c.x.length !== c.f?.length || c.x.length !== c.df?.length) continue;
    out[op.name] = {
      title: TITLES[op.name] ?? op.symbol ?? op.name,
      note: NOTES[op.name]?.(op) ?? op.formula ?? '',
      slope: paramDefault(op, 'slope'),
      f: sampledFunction(c.x, c.f),
      df: sampledFunction(c.x, c.df, false),
      curveF: c.x.map((x, i) => [x, c.f[i]]),
      curveDf: c.x.map((x, i) => [x, c.df[i]]),
    };
  }
  return out;
}

/**
 * The y-range of one activation's plot over xRange: its f and f′ with a margin, and always 0 and 1
 * (the lines drawn). Each function gets its own: ReLU over [−5, 5] reaches 5, sigmoid stays in [0, 1].
 */
export function plotYRange(act, xRange, n = 200) {
  let lo = 0;
  let hi = 1;
  for (const fn of [act.f, act.df]) {
    for (const [, y] of sampleCurve(fn, xRange, n)) {
      if (!Number.isFinite(y)) continue;
      lo = Math.min(lo, y);
      hi = Math.max(hi, y);
    }
  }
  const pad = 0.08 * (hi - lo);
  return [lo - pad, hi + pad];
}

/** n + 1 evenly spaced samples [x, fn(x)] over [x0, x1], with the kink at 0 sampled exactly. */
export function sampleCurve(fn, [x0, x1], n = 120) {
  const xs = [];
  for (let i = 0; i <= n; i++) xs.push(x0 + ((x1 - x0) * i) / n);
  if (x0 < 0 && x1 > 0 && !xs.includes(0)) xs.push(0);
  xs.sort((a, b) => a - b);
  return xs.map((x) => [x, fn(x)]);
}

/**
 * The pre-activations to mark on one activation's plot: [{x, shownX, clipped, f, df, label}],
 * where shownX is x clamped into the plot's range (clipped says it was). `acts`: activationsFrom(ops).
 * f and f′ are the unit's own (its value and local derivative in the graph) when it has them.
 */
export function markers(acts, op, units, [x0, x1]) {
  const act = acts[op];
  if (!act) return [];
  const out = [];
  for (const u of units) {
    if (u.op !== op) continue;
    u.z.forEach((x, i) => {
      const shownX = Math.min(x1, Math.max(x0, x));
      out.push({
        x,
        shownX,
        clipped: shownX !== x,
        f: u.f?.[i] ?? act.f(x),
        df: u.df?.[i] ?? act.df(x),
        label: u.z.length > 1 ? `${u.name}[${i}]` : u.name,
      });
    });
  }
  return out;
}
