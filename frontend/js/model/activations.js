// The activation functions of the gallery with their derivatives, as the engine defines them
// (kinks: relu'(0) = 0, leaky_relu'(0) = slope). Pure: no DOM.

const sigmoid = (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
export const LEAKY_SLOPE = 0.01;

/** name -> {title, f, df, note}; the gallery draws them in this order. */
export const ACTIVATIONS = {
  sigmoid: {
    title: 'sigmoid',
    f: sigmoid,
    df: (x) => sigmoid(x) * (1 - sigmoid(x)),
    note: "σ′ ≤ 0.25: every sigmoid layer shrinks the gradient at least fourfold",
  },
  tanh: {
    title: 'tanh',
    f: Math.tanh,
    df: (x) => 1 - Math.tanh(x) ** 2,
    note: "tanh′ ≤ 1, and = 1 at 0",
  },
  relu: {
    title: 'ReLU',
    f: (x) => (x > 0 ? x : 0),
    df: (x) => (x > 0 ? 1 : 0),
    note: "relu′ = 0 for x ≤ 0: a dead unit passes no gradient",
  },
  leaky_relu: {
    title: 'leaky ReLU',
    f: (x) => (x > 0 ? x : LEAKY_SLOPE * x),
    df: (x) => (x > 0 ? 1 : LEAKY_SLOPE),
    note: `leaky_relu′ = ${LEAKY_SLOPE} for x ≤ 0: never exactly 0`,
  },
};

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
 * where shownX is x clamped into the plot's range (clipped says it was).
 */
export function markers(op, units, [x0, x1]) {
  const act = ACTIVATIONS[op];
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
        f: act.f(x),
        df: act.df(x),
        label: u.z.length > 1 ? `${u.name}[${i}]` : u.name,
      });
    });
  }
  return out;
}
