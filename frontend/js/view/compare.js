// The comparison view: one chain with sigmoid, tanh, ReLU and leaky ReLU at the same seed, as a
// table and a log-scale chart of |dC/dw_i| per layer.
import { h, setText } from './dom.js';
import { createLogChart } from './charts.js';
import { COMPARE_COLUMNS, CHAIN_LENGTH, leakySource, presetGraphRequest, chainGrads, compareTable, ratioText } from '../model/compare.js';
import { logDomain } from '../model/charts.js';
import { parseApiError, errorText } from '../model/errors.js';
import { createLatest } from '../model/latest.js';

/**
 * @param {{table, chart, seed, status, summary}} els
 * @param {{graphApi, trainingApi, onOpen?: (preset: string, seed: number) => void}} deps
 */
export function createCompareView(els, { graphApi, trainingApi }) {
  const chart = createLogChart(els.chart, { label: '|dC/dw_i| per layer for four activations', xTitle: 'layer (w1 = input side)', yTitle: '|dC/dwᵢ|, log scale', height: 190 });
  const floorNote = h('p', { class: 'chart-note small', hidden: true, text: 'Hollow dots on the bottom line are exact zeros: a log scale cannot show 0, so they are drawn at its floor.' });
  els.chart.after(
    h('p', { class: 'series-legend small' }, ...COMPARE_COLUMNS.map((c) => h('span', { class: `key act-${c.key}` }, h('span', { class: 'key-line' }), ` ${c.label}`))),
    floorNote,
  );
  const latest = createLatest();
  let loadedSeed = null;

  async function column(col, seed) {
    let res;
    if (col.preset) res = await graphApi.graph(presetGraphRequest(col.preset, seed));
    else {
      const p = await trainingApi.preset('relu-chain', seed);
      if (!p.ok) return { ...col, grads: null, error: errorText(parseApiError(p.status, p.body)[0]) };
      res = await graphApi.graph({ source: leakySource(p.body.source), output: 'C' });
    }
    if (!res.ok) return { ...col, grads: null, error: errorText(parseApiError(res.status, res.body)[0]) };
    return { ...col, grads: chainGrads(res.body, CHAIN_LENGTH) };
  }

  async function load(seed) {
    const my = latest.start();
    els.root?.setAttribute('data-state', 'loading');
    setText(els.status, `computing the four chains for seed ${seed}…`);
    const cols = await Promise.all(COMPARE_COLUMNS.map((c) => column(c, seed)));
    if (!latest.isLatest(my)) return;
    loadedSeed = seed;
    show(cols, seed);
    els.root?.setAttribute('data-state', 'ready');
  }

  function show(cols, seed) {
    const t = compareTable(cols);
    const head = h('tr', {}, ...t.head.map((x) => h('th', { scope: 'col', text: x })));
    const body = t.rows.map((r) =>
      h(
        'tr',
        { dataset: { weight: r.name } },
        h('th', { scope: 'row', text: r.name }),
        ...r.cells.map((c) => h('td', { class: c.zero ? 'mono zero' : 'mono', dataset: { key: c.key, value: c.abs === null ? '' : String(c.abs) }, text: c.text })),
      ),
    );
    const foot = h(
      'tr',
      { class: 'ratio' },
      h('th', { scope: 'row', text: 'w1 / w10' }),
      ...cols.map((c) => h('td', { class: 'mono', dataset: { key: c.key }, text: c.error ? 'error' : t.zeros[c.key] ? `${t.zeros[c.key]} zeros` : ratioText(t.ratios[c.key]).replace(/ \(.*/, '') })),
    );
    els.table.replaceChildren(h('table', { class: 'compare' }, h('thead', {}, head), h('tbody', {}, ...body), h('tfoot', {}, foot)));

    const mags = cols.flatMap((c) => (c.grads ?? []).map((g) => g.abs));
    const series = cols
      .filter((c) => c.grads)
      .map((c) => ({ key: c.key, cls: `act-${c.key}`, label: c.label, markers: true, points: c.grads.map((g, i) => [i + 1, g.abs]) }));
    chart.update({
      series,
      xDomain: [1, CHAIN_LENGTH],
      xTicks: Array.from({ length: CHAIN_LENGTH }, (_, i) => i + 1),
      xFormat: (i) => `w${i}`,
      yDomain: logDomain(mags, { zeroRoom: true }),
    });
    els.chart.querySelector('svg')?.setAttribute('data-seed', String(seed));
    floorNote.hidden = !Object.values(t.zeros).some((z) => z > 0);

    const notes = [];
    for (const c of cols) {
      if (c.error) notes.push(`${c.label}: could not build the chain (${c.error})`);
      else if (t.zeros[c.key]) notes.push(`${c.label}: ${t.zeros[c.key]} of ${CHAIN_LENGTH} gradients are exactly 0 (shown as "0", drawn on the floor)`);
      else notes.push(`${c.label}: |dC/dw1| / |dC/dw10| = ${ratioText(t.ratios[c.key])}`);
    }
    els.summary.replaceChildren(...notes.map((n) => h('li', { text: n })));
    setText(els.status, `seed ${seed}: the same weights in all four chains; leaky ReLU is the ReLU chain with leaky_relu (slope 0.01).`);
  }

  return {
    load,
    get loadedSeed() {
      return loadedSeed;
    },
  };
}
