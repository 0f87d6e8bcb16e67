// The side-by-side comparison of one chain with four activations (the seed's experiments 4 to 6 in one
// view): request bodies, |dC/dw_i| read from the graphs, the table and the chart's series. Pure: no DOM.
import { formatNumber } from './format.js';
import { t } from '../i18n.js';

export const CHAIN_LENGTH = 10;

/**
 * The four columns, each a preset of the server (backend/pathgrad/presets.py) that builds the same
 * chain, with the same weights for a seed, around another activation.
 */
export const COMPARE_COLUMNS = [
  { key: 'sigmoid', label: 'sigmoid', preset: 'sigmoid-chain' },
  { key: 'tanh', label: 'tanh', preset: 'tanh-chain' },
  { key: 'relu', label: 'ReLU', preset: 'relu-chain' },
  { key: 'leaky_relu', label: 'leaky ReLU', preset: 'leaky-relu-chain' },
];

/** The /api/graph body for a preset column at `seed`. */
export function presetGraphRequest(preset, seed) {
  return { preset, seed, output: 'C' };
}

/**
 * |dC/dw_i| for w1..w_n from a graph JSON: [{name, grad, abs}] (grad null when w_i is missing or its
 * gradient is not finite).
 */
export function chainGrads(graph, n = CHAIN_LENGTH) {
  const byName = new Map();
  for (const node of graph?.nodes ?? []) if (node.name && (node.op === 'leaf' || node.kind === 'param')) byName.set(node.name, node);
  const out = [];
  for (let i = 1; i <= n; i++) {
    const node = byName.get(`w${i}`);
    const g = node && typeof node.grad === 'number' && Number.isFinite(node.grad) ? node.grad : null;
    out.push({ name: `w${i}`, grad: g, abs: g === null ? null : Math.abs(g) });
  }
  return out;
}

/** A magnitude as the table shows it: exact zeros as "0", else 3 significant digits. */
export function magnitudeText(abs) {
  if (abs === null || abs === undefined) return '—';
  if (abs === 0) return '0';
  return formatNumber(abs, 3);
}

/**
 * The table: one row per weight (w1, the input side, first), one cell per column.
 * columns: [{key, label, grads: chainGrads(...) | null, error?}].
 * Returns {head: [labels], rows: [{name, cells: [{key, abs, text, zero}]}], zeros: {key: count},
 * ratios: {key: |dC/dw1| / |dC/dw_n| or null}}.
 */
export function compareTable(columns, n = CHAIN_LENGTH) {
  const rows = [];
  for (let i = 0; i < n; i++) {
    rows.push({
      name: `w${i + 1}`,
      cells: columns.map((c) => {
        const abs = c.grads?.[i]?.abs ?? null;
        return { key: c.key, abs, text: c.grads ? magnitudeText(abs) : '—', zero: abs === 0 };
      }),
    });
  }
  const zeros = {};
  const ratios = {};
  for (const c of columns) {
    zeros[c.key] = (c.grads ?? []).filter((g) => g.abs === 0).length;
    const first = c.grads?.[0]?.abs;
    const last = c.grads?.[n - 1]?.abs;
    ratios[c.key] = first !== null && first !== undefined && last > 0 ? first / last : null;
  }
  return { head: [t('compare.weight'), ...columns.map((c) => c.label)], rows, zeros, ratios };
}

/** The ratio |dC/dw1| / |dC/dw10| as words: "1.2e-8 (8 decades)". */
export function ratioText(ratio) {
  if (ratio === null || ratio === undefined) return '—';
  if (ratio === 0) return '0';
  const decades = Math.log10(ratio);
  const n = Math.round(Math.abs(decades));
  const key = `compare.decades.${n === 1 ? 'one.' : ''}${decades < 0 ? 'smaller' : 'larger'}`;
  const d = Math.abs(decades) >= 1 ? t(key, { n }) : '';
  return `${formatNumber(ratio, 2)}${d}`;
}
