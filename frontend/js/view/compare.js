// The comparison view: one chain with sigmoid, tanh, ReLU and leaky ReLU at the same seed, as a
// table and a log-scale chart of |dC/dw_i| per layer.
import { h, setText } from './dom.js';
import { createLogChart } from './charts.js';
import { COMPARE_COLUMNS, CHAIN_LENGTH, presetGraphRequest, chainGrads, compareTable, ratioText } from '../model/compare.js';
import { logDomain } from '../model/charts.js';
import { parseApiError, errorText } from '../model/errors.js';
// `tr`, not `t`: t is the table in this file.
import { t as tr } from '../i18n.js';
import { createLatest } from '../model/latest.js';

/**
 * @param {{root?: HTMLElement, table: HTMLElement, chart: HTMLElement, status: HTMLElement, summary: HTMLElement}} els
 * @param {{graphApi: import('../api.js').Api}} deps
 */
export function createCompareView(els, { graphApi }) {
  const chart = createLogChart(els.chart, { label: tr('compare.chart.label'), xTitle: tr('compare.chart.x'), yTitle: tr('compare.chart.y'), height: 190 });
  const floorNote = h('p', { class: 'chart-note small', hidden: true, text: tr('compare.floor') });
  els.chart.after(
    h('p', { class: 'series-legend small' }, ...COMPARE_COLUMNS.map((c) => h('span', { class: `key act-${c.key}` }, h('span', { class: 'key-line', 'aria-hidden': 'true' }), ` ${c.label}`))),
    floorNote,
  );
  const latest = createLatest();
  let loadedSeed = null;
  let shown = null; // the columns and seed on show (drawn again in another language)

  async function column(col, seed) {
    const res = await graphApi.graph(presetGraphRequest(col.preset, seed));
    if (!res.ok) return { ...col, grads: null, error: errorText(parseApiError(res.status, res.body)[0]) };
    return { ...col, grads: chainGrads(res.body, CHAIN_LENGTH) };
  }

  async function load(seed) {
    const my = latest.start();
    els.root?.setAttribute('data-state', 'loading');
    setText(els.status, tr('compare.computing', { seed }));
    const cols = await Promise.all(COMPARE_COLUMNS.map((c) => column(c, seed)));
    if (!latest.isLatest(my)) return;
    loadedSeed = seed;
    show(cols, seed);
    els.root?.setAttribute('data-state', 'ready');
  }

  function show(cols, seed) {
    shown = { cols, seed };
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
      ...cols.map((c) => h('td', { class: 'mono', dataset: { key: c.key }, text: c.error ? tr('compare.error') : t.zeros[c.key] ? tr('compare.zeros', { n: t.zeros[c.key] }) : ratioText(t.ratios[c.key]).replace(/ ?[(（].*/, '') })),
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
      if (c.error) notes.push(tr('compare.note.error', { label: c.label, error: c.error }));
      else if (t.zeros[c.key]) notes.push(tr('compare.note.zeros', { label: c.label, n: t.zeros[c.key], total: CHAIN_LENGTH }));
      else notes.push(tr('compare.note.ratio', { label: c.label, ratio: ratioText(t.ratios[c.key]) }));
    }
    els.summary.replaceChildren(...notes.map((n) => h('li', { text: n })));
    setText(els.status, tr('compare.status', { seed }));
  }

  return {
    load,
    /** The page's language changed. */
    relocalize() {
      chart.svg.setAttribute('aria-label', tr('compare.chart.label'));
      chart.setTitles(tr('compare.chart.x'), tr('compare.chart.y'));
      floorNote.textContent = tr('compare.floor');
      if (shown) show(shown.cols, shown.seed);
    },
    get loadedSeed() {
      return loadedSeed;
    },
  };
}
