// The activation gallery: f and f′ of sigmoid, tanh, ReLU and leaky ReLU, with every unit of the
// current graph marked at its pre-activation (the value flowing into it).
import { h, setText } from './dom.js';
import { functionPlot } from './charts.js';
import { ACTIVATIONS, sampleCurve, markers, plotYRange } from '../model/activations.js';

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
      h('p', { class: 'gallery-note', text: a.note }),
    );
    cells.set(op, { plot, count, cell });
    grid.append(cell);
  }
  root.replaceChildren(
    h('p', { class: 'gallery-legend small' }, h('span', { class: 'key-f' }), ' f ', h('span', { class: 'key-df' }), ' f′ ', h('span', { class: 'key-mark' }), ' a unit of this graph at its input'),
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
      setText(c.count, marks.length ? `${marks.length} unit${marks.length === 1 ? '' : 's'}` : 'none in this graph');
      c.cell.classList.toggle('empty', marks.length === 0);
      c.cell.dataset.units = String(marks.length);
    }
    root.dataset.units = String(total);
    setText(summary, total ? 'Hover a dot for the unit, its input, f and f′. Inputs beyond ±5 are drawn at the edge, hollow.' : 'No sigmoid, tanh, ReLU or leaky ReLU in this graph.');
  }

  update([]);
  return { update };
}
