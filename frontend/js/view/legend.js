// The legend: what the colours and widths mean, and the operations with their derivative rules
// (from GET /api/ops, the backend's table of primitives).
import { h } from './dom.js';
import { formatNumber } from '../model/format.js';
import { t, tOr } from '../i18n.js';

/** Colour scale readout for the current graph. */
export function showScale(el, { gradMin, gradMax }) {
  const lo = gradMin === null || gradMin === undefined ? '—' : formatNumber(gradMin, 2);
  const hi = gradMax === null || gradMax === undefined ? '—' : formatNumber(gradMax, 2);
  el.replaceChildren(
    h('div', { class: 'scale' }, h('span', { class: 'scale-lo', text: lo }), h('span', { class: 'scale-bar', 'aria-hidden': 'true' }), h('span', { class: 'scale-hi', text: hi })),
    h('p', { class: 'muted small', text: t('legend.scale') }),
  );
}

/** The operations table; ops = [{name, arity, symbol, formula, doc, params}]. */
export function showOps(el, ops) {
  if (!Array.isArray(ops) || !ops.length) {
    el.replaceChildren(h('p', { class: 'muted small', text: t('legend.noOps') }));
    return;
  }
  const rows = ops.map((op) =>
    h(
      'tr',
      { dataset: { op: op.name } },
      h('td', { class: 'sym', text: op.symbol ?? op.name }),
      h('td', {}, h('code', { text: op.name }), op.params?.length ? h('span', { class: 'muted small', text: ` (${op.params.map((p) => `${p.name}=${p.default}`).join(', ')})` }) : null, h('div', { class: 'muted small', text: tOr(`op.${op.name}.doc`, op.doc ?? '') })),
      h('td', { class: 'formula', text: tOr(`op.${op.name}.formula`, op.formula ?? '') }),
    ),
  );
  el.replaceChildren(h('table', { class: 'ops' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, h('span', { class: 'visually-hidden', text: t('legend.symbol') })), h('th', { scope: 'col', text: t('legend.operation') }), h('th', { scope: 'col', text: t('legend.local') }))), h('tbody', {}, ...rows)));
}
