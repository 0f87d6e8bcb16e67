// Animation timelines: pure functions from path lists or sweep steps to timed events, and the state
// of the animation at any time t. The view only asks "what is the state at t?". Pure: no DOM.

export const PATH_TIMING = { startMs: 300, edgeMs: 700, arriveMs: 600, gapMs: 250 };

const mul = (p, f) => (p === null || typeof f !== 'number' || !Number.isFinite(f) ? null : p * f);
const add = (s, x) => (s === null || typeof x !== 'number' || !Number.isFinite(x) ? null : s + x);

/**
 * One moment of the paths timeline (the fields its type has; products and sums are null once not finite).
 * @typedef {{type: 'path' | 'edge' | 'arrive' | 'done', t: number, t0?: number, t1?: number, path?: number,
 *   step?: number, edge?: string, from?: string, to?: string, factor?: number, before?: number | null,
 *   product?: number | null, sum?: number | null}} PathEvent
 */

/**
 * "Multiply along a path, add across paths": one path after another, a pulse travels along each
 * edge; when it reaches the edge's end the running product is multiplied by the edge's local
 * derivative; when it reaches the output the product is added into the running sum.
 * @param {{nodes: string[], edges: string[], factors: number[], product: number}[]} paths
 * @returns {{events: PathEvent[], duration: number, stops: number[], kind: 'paths', count: number}}
 * Events (sorted by t): {type:'path', t, path} | {type:'edge', t, t0, t1, path, step, edge, from,
 * to, factor, before, product} (t = t1) | {type:'arrive', t, t0, path, product, sum} | {type:'done', t, sum}.
 */
export function pathTimeline(paths, timing = {}) {
  const T = { ...PATH_TIMING, ...timing };
  const events = [];
  const stops = [0];
  let t = 0;
  let sum = 0;
  paths.forEach((p, i) => {
    events.push({ type: 'path', t, path: i });
    t += T.startMs;
    stops.push(t);
    let product = 1;
    (p.edges ?? []).forEach((edge, k) => {
      const factor = p.factors?.[k];
      const before = product;
      product = mul(product, factor);
      const last = k === p.edges.length - 1;
      // Trust the listed product at the end of the path (it may differ in the last bits).
      if (last && typeof p.product === 'number' && product !== null) product = p.product;
      events.push({
        type: 'edge', t: t + T.edgeMs, t0: t, t1: t + T.edgeMs, path: i, step: k, edge,
        from: p.nodes[k], to: p.nodes[k + 1], factor, before, product,
      });
      t += T.edgeMs;
      stops.push(t);
    });
    if (!(p.edges ?? []).length && typeof p.product === 'number') product = p.product;
    sum = add(sum, product);
    events.push({ type: 'arrive', t: t + T.arriveMs, t0: t, path: i, product, sum });
    t += T.arriveMs;
    stops.push(t);
    t += T.gapMs;
  });
  events.push({ type: 'done', t, sum });
  if (stops[stops.length - 1] !== t) stops.push(t);
  return { kind: 'paths', events, duration: t, stops, count: paths.length };
}

/**
 * State of a path timeline at time t.
 * Returns {phase: 'idle'|'start'|'travel'|'arrive'|'done', path (index or -1), step (edges already
 * multiplied in the current path), product (running product, 1 before the first edge), sum (Σ of the
 * products that have arrived), arrived (count), pulse: {edge, frac, path, step} | null, factor (the
 * factor just applied or being applied, or null)}.
 */
export function pathStateAt(tl, t) {
  const s = { phase: 'idle', path: -1, step: 0, product: 1, sum: 0, arrived: 0, pulse: null, factor: null, done: false };
  if (!tl || !tl.events.length) return s;
  for (const ev of tl.events) {
    if (ev.type === 'path') {
      if (ev.t > t) break;
      s.phase = 'start';
      s.path = ev.path;
      s.step = 0;
      s.product = 1;
      s.pulse = null;
      s.factor = null;
    } else if (ev.type === 'edge') {
      if (ev.t0 > t) break;
      if (t < ev.t1) {
        s.phase = 'travel';
        s.pulse = { edge: ev.edge, frac: (t - ev.t0) / (ev.t1 - ev.t0), path: ev.path, step: ev.step };
        s.factor = ev.factor;
        break;
      }
      s.step = ev.step + 1;
      s.product = ev.product;
      s.factor = ev.factor;
      s.pulse = null;
    } else if (ev.type === 'arrive') {
      if (ev.t0 > t) break;
      s.phase = 'arrive';
      s.product = ev.product;
      if (t < ev.t) break;
      s.sum = ev.sum;
      s.arrived = ev.path + 1;
    } else if (ev.type === 'done') {
      if (ev.t > t) break;
      s.phase = 'done';
      s.done = true;
      s.sum = ev.sum;
    }
  }
  return s;
}

export const SWEEP_TIMING = { nodeMs: 350, edgeMs: 450 };

/**
 * A sweep (reverse: adjoints, or forward: tangents) as a timeline. `steps` come from
 * paths.reverseSweep / paths.forwardSweep: each step completes one node, then pushes along its edges
 * (one multiplication each).
 * Events: {type:'node', t, node, value} | {type:'push', t (= t1), t0, t1, edge, to, contribution,
 * mults} | {type:'done', t, mults}.
 */
export function sweepTimeline(steps, kind = 'reverse', timing = {}) {
  const T = { ...SWEEP_TIMING, ...timing };
  const events = [];
  const stops = [0];
  let t = 0;
  let mults = 0;
  for (const st of steps) {
    events.push({ type: 'node', t, node: st.node, value: kind === 'reverse' ? st.adjoint : st.tangent });
    t += T.nodeMs;
    stops.push(t);
    if (st.pushes.length) {
      // All of a node's pushes travel together: they are independent multiplications.
      for (const p of st.pushes) {
        mults += 1;
        events.push({
          type: 'push', t: t + T.edgeMs, t0: t, t1: t + T.edgeMs, edge: p.edge,
          to: kind === 'reverse' ? p.source : p.target, contribution: p.contribution, mults,
        });
      }
      t += T.edgeMs;
      stops.push(t);
    }
  }
  events.push({ type: 'done', t, mults });
  return { kind, events, duration: t, stops, count: steps.length };
}

/**
 * State of a sweep at time t: {completed: Map node -> value, partial: Map node -> running sum of the
 * contributions received, pulses: [{edge, frac}], mults, current (node id or null), done}.
 */
export function sweepStateAt(tl, t) {
  const s = { completed: new Map(), partial: new Map(), pulses: [], mults: 0, current: null, done: false };
  if (!tl) return s;
  for (const ev of tl.events) {
    if (ev.type === 'node') {
      if (ev.t > t) break;
      s.completed.set(ev.node, ev.value);
      s.current = ev.node;
    } else if (ev.type === 'push') {
      if (ev.t0 > t) break;
      if (t < ev.t1) {
        s.pulses.push({ edge: ev.edge, frac: (t - ev.t0) / (ev.t1 - ev.t0) });
        continue;
      }
      s.mults = ev.mults;
      const prev = s.partial.has(ev.to) ? s.partial.get(ev.to) : 0;
      s.partial.set(ev.to, add(prev, ev.contribution));
    } else if (ev.type === 'done') {
      if (ev.t > t) break;
      s.done = true;
      s.current = null;
    }
  }
  return s;
}

/** The next stop strictly after t (or the end). */
export function nextStop(tl, t) {
  for (const s of tl.stops) if (s > t + 1e-9) return s;
  return tl.duration;
}

/** The previous stop strictly before t (or 0). */
export function prevStop(tl, t) {
  let best = 0;
  for (const s of tl.stops) if (s < t - 1e-9) best = s;
  return best;
}

/** The last stop at or before t (or 0): what a reduced-motion animation shows at time t. */
export function stopAtOrBefore(tl, t) {
  let best = 0;
  for (const s of tl.stops) if (s <= t + 1e-9) best = s;
  return best;
}

/** Time at which path i starts (for jumping to a path from the list). */
export function pathStartTime(tl, i) {
  const ev = tl.events.find((e) => e.type === 'path' && e.path === i);
  return ev ? ev.t : 0;
}
