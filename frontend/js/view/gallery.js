// The activation gallery: f and f′ of every activation of the backend's table (GET /api/ops, sampled
// by the engine), with every unit of the current graph marked at its pre-activation (the value
// flowing into it).
import { h, setText } from './dom.js';
import { functionPlot } from './charts.js';
import { activationsFrom, markers, plotYRange } from '../model/activations.js';
import { t, tOr } from '../i18n.js';

/** @type {[number, number]} */
const X_RANGE = [-5, 5];

/** "a, b or c" (in the page's language) */
function orList(words) {
  if (words.length < 2) return words.join('');
  return t('gallery.orList', { list: words.slice(0, -1).join(t('gallery.listSep')), last: words[words.length - 1] });
}

/** A row's note in the page's language: the catalog's text (with the row's slope), else the table's. */
const noteOf = (op, a) => tOr(`act.${op}`, a.note, { slope: a.slope ?? '' });

/** @param {HTMLElement} root #gallery */
export function createGallery(root) {
  let acts = {};
  let yRanges = {};
  let lastUnits = [];
  const cells = new Map();
  const summary = h('p', { class: 'muted small gallery-summary' });
  const grid = h('div', { class: 'gallery-grid' });
  root.replaceChildren(
    h('p', { class: 'gallery-legend small' }, h('span', { class: 'key-f' }), ' f ', h('span', { class: 'key-df' }), ' f′ ', h('span', { class: 'key-mark' }), ' ', h('span', { class: 'gallery-key', text: t('gallery.key') })),
    grid,
    summary,
  );

  /** Draw one cell per activation row of GET /api/ops (`ops`: its rows). */
  function setOps(ops) {
    acts = activationsFrom(ops);
    yRanges = Object.fromEntries(Object.entries(acts).map(([op, a]) => [op, plotYRange(a, X_RANGE)]));
    cells.clear();
    grid.replaceChildren();
    for (const [op, a] of Object.entries(acts)) {
      const plot = h('div', { class: 'gallery-plot' });
      const count = h('span', { class: 'gallery-count muted' });
      const cell = h(
        'figure',
        { class: 'gallery-cell', dataset: { op } },
        h('figcaption', {}, h('strong', { text: a.title }), ' ', count),
        plot,
        h('p', { class: 'gallery-note', dataset: { op }, text: noteOf(op, a) }),
      );
      cells.set(op, { plot, count, cell });
      grid.append(cell);
    }
    update(lastUnits);
  }

  // The plots are drawn when the gallery can be seen: hidden in another tab, a graph's every new value
  // (a slider's drag) would redraw them for no one (~20 ms a time on a 4,000-node graph).
  let unplotted = new Map(); // op -> marks not drawn yet
  // Whether the gallery has a size, as its ResizeObserver last saw (asking the layout would force one).
  let visible = false;
  function plotPending() {
    for (const [op, marks] of unplotted) {
      const a = acts[op];
      const c = cells.get(op);
      if (a && c) c.plot.replaceChildren(functionPlot({ f: a.f, df: a.df, xRange: X_RANGE, yRange: yRanges[op], curveF: a.curveF, curveDf: a.curveDf, marks, title: a.title }));
    }
    unplotted.clear();
  }
  new ResizeObserver((entries) => {
    const box = entries[entries.length - 1].contentRect;
    visible = box.width > 0 || box.height > 0;
    if (unplotted.size && visible) plotPending();
  }).observe(root);

  /** units: [{id, name, op, z: [numbers], f, df}] from model/training.js preActivations(g, activations). */
  function update(units) {
    lastUnits = units;
    let total = 0;
    unplotted = new Map();
    for (const op of Object.keys(acts)) {
      const c = cells.get(op);
      const marks = markers(acts, op, units, X_RANGE);
      total += marks.length;
      unplotted.set(op, marks);
      setText(c.count, marks.length ? t(marks.length === 1 ? 'gallery.units.one' : 'gallery.units', { n: marks.length }) : t('gallery.none'));
      c.cell.classList.toggle('empty', marks.length === 0);
      c.cell.dataset.units = String(marks.length);
    }
    root.dataset.units = String(total);
    const names = orList(Object.values(acts).map((a) => a.title));
    setText(summary, total ? t('gallery.hover') : t('gallery.empty', { names }));
    if (visible) plotPending();
  }

  update([]);
  return {
    update,
    setOps,
    /** The page's language changed. */
    relocalize() {
      for (const el of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll('.gallery-note'))) el.textContent = noteOf(el.dataset.op, acts[el.dataset.op] ?? { note: '' });
      const key = root.querySelector('.gallery-key');
      if (key) key.textContent = t('gallery.key');
      update(lastUnits);
    },
    /** The op names the gallery draws (for preActivations). */
    get activations() {
      return Object.keys(acts);
    },
  };
}
