// The legend: what the colours and widths mean, and the operations with their derivative rules
// (from GET /api/ops, the backend's table of primitives).
import { h } from './dom.js';
import { formatNumber } from '../model/format.js';

/** Colour scale readout for the current graph. */
export function showScale(el, { gradMin, gradMax }) {
  const lo = gradMin === null || gradMin === undefined ? '—' : formatNumber(gradMin, 2);
  const hi = gradMax === null || gradMax === undefined ? '—' : formatNumber(gradMax, 2);
  el.replaceChildren(
    h('div', { class: 'scale' }, h('span', { class: 'scale-lo', text: lo }), h('span', { class: 'scale-bar', 'aria-hidden': 'true' }), h('span', { class: 'scale-hi', text: hi })),
    h('p', { class: 'muted small', text: 'Node colour: |gradient| on a log scale. Edge width: |local derivative × gradient at its head|, the gradient flowing back along it. Dashed: exactly zero.' }),
  );
}

/** The operations table; ops = [{name, arity, symbol, formula, doc, params}]. */
export function showOps(el, ops) {
  if (!Array.isArray(ops) || !ops.length) {
    el.replaceChildren(h('p', { class: 'muted small', text: 'Operations are listed when the server is reachable.' }));
    return;
  }
  const rows = ops.map((op) =>
    h(
      'tr',
      { dataset: { op: op.name } },
      h('td', { class: 'sym', text: op.symbol ?? op.name }),
      h('td', {}, h('code', { text: op.name }), op.params?.length ? h('span', { class: 'muted small', text: ` (${op.params.map((p) => `${p.name}=${p.default}`).join(', ')})` }) : null, h('div', { class: 'muted small', text: op.doc ?? '' })),
      h('td', { class: 'formula', text: op.formula ?? '' }),
    ),
  );
  el.replaceChildren(h('table', { class: 'ops' }, h('thead', {}, h('tr', {}, h('th', { text: '' }), h('th', { text: 'operation' }), h('th', { text: 'local derivative' }))), h('tbody', {}, ...rows)));
}
