// Training bookkeeping: the request body, the history of a run's step events, what to say when it
// ends, and what the graph says about ReLU units and pre-activations. Pure: no DOM.
import { formatNumber, groupThousands, flatten } from './format.js';
import { t } from '../i18n.js';
import { localizeMessage } from './errors.js';

export const OPTIMIZERS = ['sgd', 'momentum', 'adam'];
export const MAX_STEPS = 200_000;

/**
 * Read the training form: {optimizer, lr, steps} as typed -> {ok: true, optimizer, steps} or
 * {ok: false, field, message}. The optimizer object is what POST /api/train takes.
 */
export function readTrainingForm({ optimizer, lr, steps }) {
  const kind = String(optimizer ?? 'sgd');
  if (!OPTIMIZERS.includes(kind)) return { ok: false, field: 'optimizer', message: t('train.err.optimizer', { kind }) };
  const rate = Number(String(lr ?? '').trim());
  if (String(lr ?? '').trim() === '' || !Number.isFinite(rate) || rate <= 0) {
    return { ok: false, field: 'lr', message: t('train.err.lr') };
  }
  const n = Number(String(steps ?? '').replace(/[,_\s]/g, ''));
  if (!Number.isInteger(n) || n < 1 || n > MAX_STEPS) {
    return { ok: false, field: 'steps', message: t('train.err.steps', { max: groupThousands(String(MAX_STEPS)) }) };
  }
  return { ok: true, optimizer: { kind, lr: rate }, steps: n };
}

/**
 * The body of POST /api/train.
 * A preset whose program is still exactly the one generated for its seed is sent by name (so that the
 * server groups the parameters into the preset's layers); an edited program is sent as its source,
 * with the preset's loss statement when the program still defines it.
 * @param {{source: string, values?: object, preset?: {name, seed, source, loss}|null, optimizer, steps}} args
 */
export function trainRequest({ source, values, preset, optimizer, steps }) {
  const body = {};
  if (preset && preset.source === source) {
    body.preset = preset.name;
    body.seed = preset.seed;
  } else {
    body.source = source;
    if (preset?.loss && definesName(source, preset.loss)) body.loss = preset.loss;
  }
  if (values && Object.keys(values).length) body.values = values;
  body.optimizer = optimizer;
  body.steps = steps;
  return body;
}

/** True when a program has a statement `name = …` (at a line start or after a `;`). */
export function definesName(source, name) {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[;\\n])\\s*${esc}\\s*=(?!=)`).test(source ?? '');
}

/**
 * The record of one run: what `start` said and every `step` event, in order.
 * Holds plain data; views read it and redraw.
 */
export function createHistory() {
  let info = null;
  let records = [];
  let done = null;
  const byStep = new Map();
  return {
    /** A new run: forget the old one. `start` is the stream's start event. */
    start(start) {
      info = start;
      records = [];
      done = null;
      byStep.clear();
    },
    /** One step event; events for a step already recorded replace it (never duplicated). */
    add(step) {
      if (byStep.has(step.step)) {
        records[byStep.get(step.step)] = step;
        return;
      }
      if (records.length && step.step < records[records.length - 1].step) {
        // Out of order (never from our server): keep the list sorted by step.
        records.push(step);
        records.sort((a, b) => a.step - b.step);
        byStep.clear();
        records.forEach((r, i) => byStep.set(r.step, i));
        return;
      }
      byStep.set(step.step, records.length);
      records.push(step);
    },
    finish(d) {
      done = d;
    },
    clear() {
      info = null;
      records = [];
      done = null;
      byStep.clear();
    },
    get info() {
      return info;
    },
    get done() {
      return done;
    },
    get length() {
      return records.length;
    },
    get records() {
      return records;
    },
    at(i) {
      return records[i] ?? null;
    },
    last() {
      return records[records.length - 1] ?? null;
    },
    /** The index of the record for `step`, or of the last one before it; -1 when none. */
    indexOfStep(step) {
      if (byStep.has(step)) return byStep.get(step);
      let lo = 0;
      let hi = records.length - 1;
      let best = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (records[mid].step <= step) {
          best = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return best;
    },
    /** [[step, loss]] for the loss chart (loss null when it was not finite). */
    lossPoints() {
      return records.map((r) => [r.step, typeof r.loss === 'number' ? r.loss : null]);
    },
    /** One vector per record: mean |gradient| per layer, input side first. */
    layerRows() {
      return records.map((r) => r.layer_grad ?? []);
    },
    /** Layer labels for the strip: the layer's only parameter's name, or "layer k (n params)". */
    layerLabels() {
      return layerLabels(info?.layers ?? []);
    },
  };
}

/** Labels for layers given as lists of parameter names (input side first): "w1", or "layer 2 (6)" for 6 parameters. */
export function layerLabels(layers) {
  return layers.map((names, i) => (names.length === 1 ? names[0] : t('train.layer', { i: i + 1, n: names.length })));
}

/** "step 1,500, loss 0.01234" for a record (and "step 0, loss NaN" for a non-finite loss). */
export function stepText(record) {
  if (!record) return '';
  return t('train.stepText', { step: groupThousands(String(record.step)), loss: formatNumber(record.loss, 4) });
}

const PLATEAU_FRACTION = 0.25; // the last quarter of the run…
const PLATEAU_CHANGE = 0.02; // …changed the loss by less than 2 %
const LEARNED = 0.01;
// Saturated: on the plateau the largest per-layer |gradient| is below this fraction of the loss
// (XOR by SGD at learning rate 50 or 1000: 2e-8 and exactly 0 at a loss of 2, its units pinned at 0
// or 1; at its local minimum, loss 0.5 at rate 0.5 after 20,000 steps: 5e-5, 100 times this bound).
const SATURATED_GRAD = 1e-6;
// Diverging: the last loss is this many times its lowest and above where the run started.
const DIVERGING_RISE = 1.5;

/**
 * The verdict on a run, as {kind, text}: its kinds are told apart by tested criteria, in this order:
 * - diverged: the loss is no longer finite;
 * - frozen: no gradient at all reached a parameter, at any step (dead ReLUs);
 * - learned: the loss is below LEARNED;
 * - saturated: the loss stopped falling and the gradient vanished (≤ SATURATED_GRAD × loss): the
 *   units sit where their derivative is ≈ 0 — after a rise of the loss, a too-large step put them there;
 * - diverging: the loss rose well above its lowest and its start (the step is too large);
 * - stalled: the loss stopped falling with a gradient still there (XOR: a local minimum);
 * - ended: none of these (still falling when the steps ran out).
 */
export function runVerdict(history, { localMinima = false, lr = null } = {}) {
  const recs = history.records;
  const done = history.done;
  if (!recs.length) return { kind: null, text: '' };
  const last = recs[recs.length - 1];
  if (done?.stopped && !(typeof last.loss === 'number' && Number.isFinite(last.loss))) {
    return { kind: 'diverged', text: t('train.v.stopped', { why: localizeMessage(done.stopped) }) };
  }
  if (typeof last.loss !== 'number' || !Number.isFinite(last.loss)) {
    return { kind: 'diverged', text: t('train.v.diverged') };
  }
  if (!done) return { kind: 'running', text: '' };
  const stopped = done.stopped ? t('train.v.stoppedEarly', { why: localizeMessage(done.stopped) }) : '';
  if (recs.every((r) => (r.layer_grad ?? []).length && r.layer_grad.every((g) => g === 0))) {
    const dead = last.dead_relu ? t(last.dead_relu === 1 ? 'train.v.dead.one' : 'train.v.dead', { n: last.dead_relu }) : '';
    return {
      kind: 'frozen',
      text: t('train.v.frozen', { dead, loss: formatNumber(last.loss, 4) }) + stopped,
    };
  }
  if (last.loss < LEARNED) return { kind: 'learned', text: t('train.v.learned', { loss: formatNumber(last.loss, 3), bound: LEARNED }) + stopped };
  const first = recs[0].loss;
  const lowest = Math.min(...recs.map((r) => (Number.isFinite(r.loss) ? r.loss : Infinity)));
  const rose = last.loss > first;
  const from = recs[Math.min(recs.length - 1, Math.floor(recs.length * (1 - PLATEAU_FRACTION)))];
  const change = Math.abs(from.loss - last.loss) / Math.max(Math.abs(last.loss), 1e-300);
  const flat = recs.length >= 8 && change < PLATEAU_CHANGE;
  const near = formatNumber(Number(last.loss.toPrecision(2)), 2);
  const grad = Math.max(0, ...(last.layer_grad ?? []).map((g) => (Number.isFinite(g) ? Math.abs(g) : 0)));
  lr ??= history.info?.optimizer?.lr ?? null;
  const step = lr === null ? t('train.v.theStep') : t('train.v.theStepLr', { lr: formatNumber(lr, 4) });
  if (flat && grad <= SATURATED_GRAD * Math.max(last.loss, LEARNED)) {
    const why = rose ? t('train.v.saturatedRose', { first: formatNumber(first, 3), step }) : t('train.v.saturatedFlat');
    return { kind: 'saturated', text: t('train.v.saturated', { near, grad: formatNumber(grad, 2), why }) + stopped };
  }
  if (rose && last.loss > DIVERGING_RISE * lowest) {
    return { kind: 'diverging', text: t('train.v.diverging', { lowest: formatNumber(lowest, 3), last: formatNumber(last.loss, 3), step }) + stopped };
  }
  if (flat) {
    const why = t(localMinima ? 'train.v.localMin' : 'train.v.plateau');
    return { kind: 'stalled', text: t('train.v.stalled', { near, why }) + stopped };
  }
  return { kind: 'ended', text: t('train.v.final', { loss: formatNumber(last.loss, 4) }) + stopped };
}

/**
 * ReLU nodes of an indexed graph whose input is ≤ 0 (every entry, for arrays): their local
 * derivative is 0, so no gradient passes them. Returns their ids.
 */
export function deadRelus(g) {
  const out = [];
  for (const n of g.nodes) {
    if (n.op !== 'relu') continue;
    const pre = preActivationOf(g, n);
    if (pre === null) continue;
    const xs = flatten(pre);
    if (xs.length && xs.every((x) => typeof x === 'number' && x <= 0)) out.push(n.id);
  }
  return out;
}

/** The value of a node's first argument (its pre-activation), or null when unknown. */
export function preActivationOf(g, node) {
  // A values-view node carries it (its statement's inner operations are not in that graph).
  if (node.pre !== undefined) return node.pre;
  const e = (g.inEdges.get(node.id) ?? []).find((x) => (x.arg ?? 0) === 0);
  const parent = e ? g.byId.get(e.source) : null;
  if (!parent || parent.value === null || parent.value === undefined) return null;
  return parent.value;
}

/**
 * Every activation unit of the graph with its pre-activations, for the gallery:
 * [{id, name, op, z: [numbers], f, df}] (arrays give one number per entry, at most `maxPerNode`);
 * f and df are the unit's value and local derivative at each z as the graph gives them (undefined
 * where it does not). `activations`: the op names to list (the rows of GET /api/ops marked activation).
 */
export function preActivations(g, activations, maxPerNode = 64) {
  const wanted = new Set(activations);
  const out = [];
  for (const n of g.nodes) {
    if (!wanted.has(n.op)) continue;
    const pre = preActivationOf(g, n);
    if (pre === null) continue;
    const xs = flatten(pre);
    const values = flatten(n.value ?? []);
    const slopes = n.pre === undefined ? localDiagonal(g, n, xs.length) : [];
    const z = [];
    const f = [];
    const df = [];
    xs.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x) || z.length >= maxPerNode) return;
      z.push(x);
      f.push(typeof values[i] === 'number' ? values[i] : undefined);
      df.push(typeof slopes[i] === 'number' ? slopes[i] : undefined);
    });
    out.push({ id: n.id, name: n.name ?? n.label ?? n.id, op: n.op, z, f, df });
  }
  return out;
}

/** d(node)/d(its input) entry by entry: the local derivative of its first edge, or a Jacobian's diagonal. */
function localDiagonal(g, node, size) {
  const e = (g.inEdges.get(node.id) ?? []).find((x) => (x.arg ?? 0) === 0);
  if (!e || e.local === null || e.local === undefined) return [];
  if (typeof e.local === 'number') return size === 1 ? [e.local] : [];
  const flat = flatten(e.local);
  return flat.length === size * size ? Array.from({ length: size }, (_, k) => flat[k * (size + 1)]) : [];
}

/**
 * Decide whether the graph should be refreshed now: at most one refresh every `intervalMs`, and
 * never while one is in flight. Returns the delay to wait (0: now), or null when one is in flight.
 */
export function throttleDelay(now, lastStart, inFlight, intervalMs = 100) {
  if (inFlight) return null;
  return Math.max(0, lastStart + intervalMs - now);
}
