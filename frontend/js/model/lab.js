// The broken-backprop lab's data: the request, the table of variants, the lines drawn on the graph.
// No DOM. The answers come from POST /api/lab (backend/pathgrad/lab.py).
import { graphRequest } from './state.js';
import { flatten, shapeOf } from './format.js';

export const VARIANTS = ['correct', 'path-walk', 'recursive-no-topo', 'assign-not-accumulate', 'parents-by-node', 'no-zero-grad'];
export const MISTAKES = VARIANTS.filter((v) => v !== 'correct');
// Two sweeps that add the same products in another order agree to rounding, not to the last bit.
const SAME_REL = 1e-9;

/** POST /api/lab's body for the page's state (the program, its slider values and output). */
export function labRequest(state, variants = null) {
  const { source, values, output } = graphRequest(state);
  return { source, values: values ?? {}, ...(output ? { output } : {}), ...(variants ? { variants } : {}) };
}

export function sameNumber(a, b) {
  if (a === null || b === null || a === undefined || b === undefined) return a === b;
  return Math.abs(a - b) <= SAME_REL * Math.max(Math.abs(a), Math.abs(b)) + 1e-12;
}

/**
 * Two adjoints the same, element by element on arrays (nested lists of one shape). Returns the
 * number of entries that differ (0: the same; an array of another shape differs in every entry).
 */
export function wrongEntries(a, b) {
  if (!Array.isArray(a) && !Array.isArray(b)) return sameNumber(a, b) ? 0 : 1;
  const x = flatten(a ?? []);
  const y = flatten(b ?? []);
  if (!Array.isArray(a) || !Array.isArray(b) || x.length !== y.length || shapeOf(a).join() !== shapeOf(b).join()) return Math.max(x.length, y.length);
  let wrong = 0;
  for (let i = 0; i < x.length; i++) if (!sameNumber(x[i], y[i])) wrong++;
  return wrong;
}

/** Whether the lab's answer has an array among its leaves' gradients. */
export function hasArrays(result) {
  return Object.values(result?.variants?.correct?.gradients ?? {}).some(Array.isArray);
}

/**
 * One row per variant (in VARIANTS order): its leaves' gradients beside the correct ones, its visits
 * (a decimal string: they pass 2^53), whether it ran and how many leaves it gets wrong. On arrays a
 * gradient also says how many of its `size` entries are wrong (`wrongEntries`).
 */
export function labRows(result) {
  const correct = result?.variants?.correct;
  if (!correct) return [];
  const leaves = Object.keys(correct.gradients ?? {});
  return VARIANTS.filter((v) => v in result.variants).map((variant) => {
    const r = result.variants[variant];
    const grads = leaves.map((leaf) => {
      const value = r.gradients ? r.gradients[leaf] : null;
      const right = correct.gradients[leaf];
      const entries = r.ran ? wrongEntries(value, right) : 0;
      return { leaf, value, correct: right, wrong: entries > 0, wrongEntries: entries, size: flatten(right).length };
    });
    return { variant, ran: r.ran, visits: r.visits, skipped: r.skipped, grads, wrongLeaves: grads.filter((g) => g.wrong).length, wrongNodes: r.differs.length };
  });
}

/**
 * What to write on each node for `variant`: its adjoint, and for a node it gets wrong the wrong and the
 * right value side by side. Map id -> {value, correct, wrong}.
 */
export function nodeLines(result, variant) {
  const out = new Map();
  const r = result?.variants?.[variant];
  const correct = result?.variants?.correct?.adjoints ?? {};
  if (!r?.adjoints) return out;
  const wrong = new Set(r.differs);
  const ids = new Set([...Object.keys(correct), ...Object.keys(r.adjoints)]);
  for (const id of ids) {
    out.set(id, { value: r.adjoints[id] ?? 0, correct: correct[id] ?? 0, wrong: wrong.has(id), array: Array.isArray(correct[id] ?? r.adjoints[id]) });
  }
  return out;
}
