// The activation gallery: f and f′ of sigmoid, tanh, ReLU and leaky ReLU, with every unit of the
// current graph marked at its pre-activation (the value flowing into it).
import { h, setText } from './dom.js';
import { functionPlot } from './charts.js';
import { ACTIVATIONS, sampleCurve, markers, plotYRange, LEAKY_SLOPE } from '../model/activations.js';
import { t, tOr } from '../i18n.js';

const X_RANGE = [-5, 5];

/** @param {HTMLElement} root #gallery */
export function createGallery(root) {
  const curves = Object.fromEntries(
    Object.entries(ACTIVATIONS).map(([op, a]) => [op, { f: sampleCurve(a.f, X_RANGE), df: sampleCurve(a.df, X_RANGE), yRange: plotYRange(a, X_RANGE) }]),
  );
  const cells = new Map();
  const summary = h('p', { class: 'muted small gallery-summary' });
  const grid = h('div', { class: 'gallery-grid' });
  for (const [op, a] of Object.entries(ACTIVATIONS)) {
    const plot = h('div', { class: 'gallery-plot' });
    const count = h('span', { class: 'gallery-count muted' });
    const cell = h(
      'figure',
      { class: 'gallery-cell', dataset: { op } },
      h('figcaption', {}, h('strong', { text: a.title }), ' ', count),
      plot,
      h('p', { class: 'gallery-note', dataset: { op }, text: tOr(`act.${op}`, a.note, { slope: LEAKY_SLOPE }) }),
    );
    cells.set(op, { plot, count, cell });
    grid.append(cell);
  }
  root.replaceChildren(
    h('p', { class: 'gallery-legend small' }, h('span', { class: 'key-f' }), ' f ', h('span', { class: 'key-df' }), ' f′ ', h('span', { class: 'key-mark' }), ' ', h('span', { class: 'gallery-key', text: t('gallery.key') })),
    grid,
    summary,
  );

  /** units: [{id, name, op, z: [numbers]}] from model/training.js preActivations(g). */
  function update(units) {
    let total = 0;
    for (const [op, a] of Object.entries(ACTIVATIONS)) {
      const c = cells.get(op);
      const marks = markers(op, units, X_RANGE);
      total += marks.length;
      c.plot.replaceChildren(functionPlot({ f: a.f, df: a.df, xRange: X_RANGE, yRange: curves[op].yRange, curveF: curves[op].f, curveDf: curves[op].df, marks, title: a.title }));
      setText(c.count, marks.length ? t(marks.length === 1 ? 'gallery.units.one' : 'gallery.units', { n: marks.length }) : t('gallery.none'));
      c.cell.classList.toggle('empty', marks.length === 0);
      c.cell.dataset.units = String(marks.length);
    }
    root.dataset.units = String(total);
    setText(summary, t(total ? 'gallery.hover' : 'gallery.empty'));
  }

  let lastUnits = [];
  const show = update;
  update([]);
  return {
    update(units) {
      lastUnits = units;
      show(units);
    },
    /** The page's language changed. */
    relocalize() {
      for (const el of root.querySelectorAll('.gallery-note')) el.textContent = tOr(`act.${el.dataset.op}`, ACTIVATIONS[el.dataset.op]?.note ?? '', { slope: LEAKY_SLOPE });
      const key = root.querySelector('.gallery-key');
      if (key) key.textContent = t('gallery.key');
      show(lastUnits);
    },
  };
}
