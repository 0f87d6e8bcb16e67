// The markup of an embedded graph (the notebook widget, <pathgrad-graph>): the page's graph pane,
// transport, inputs and paths panel, with the page's classes so that its stylesheets draw them, and
// no ids (several graphs share a notebook): the elements are handed to createApp by role.
import { h } from './dom.js';
import { t } from '../i18n.js';

const SPEEDS = [['0.25', '¼×'], ['0.5', '½×'], ['1', '1×'], ['2', '2×'], ['4', '4×'], ['8', '8×']];

/**
 * @param {{program?: boolean}} opts program: show the program's editor (a graph built in Python has none)
 * @returns {{root: HTMLElement, els: import('../app.js').AppElements, extra: Record<string, HTMLElement>}}
 *   els: what createApp needs (app.js); extra: the controls that the embedding wires itself.
 */
export function embedMarkup(opts = {}) {
  const btn = (cls, text, attrs = {}) => h('button', { type: 'button', class: `btn ${cls}`, text, ...attrs });
  const els = {};
  const extra = {};
  const mono = (role, attrs = {}) => (els[role] = h('span', { class: 'mono', ...attrs }));

  els.editor = h('div', { class: 'editor' },
    h('textarea', { spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off', wrap: 'off', 'aria-label': t('embed.program') }));
  els.error = h('p', { class: 'error', role: 'alert', hidden: true });
  const programCard = h('section', { class: 'card program-card', hidden: opts.program === false }, h('h2', { text: t('embed.program') }), els.editor, els.error);
  extra.reset = btn('link small', t('embed.reset'), { title: t('embed.resetTitle') });
  els.leaves = h('div', { class: 'leaves' });
  els.scale = h('div');
  els.ops = h('div', { class: 'ops-wrap' });
  const left = h('aside', { class: 'col col-left' },
    programCard,
    h('section', { class: 'card' }, h('h2', {}, t('embed.inputs'), ' ', extra.reset), els.leaves),
    h('details', { class: 'card legend' }, h('summary', {}, h('h2', { text: t('embed.legend') })), els.scale, els.ops),
  );

  els.graph = h('div', { class: 'graph', 'aria-label': t('embed.graph') });
  extra.zoomOut = btn('small', '−', { 'aria-label': t('embed.zoomOut') });
  extra.zoomIn = btn('small', '+', { 'aria-label': t('embed.zoomIn') });
  extra.fit = btn('small', t('embed.fit'));
  els.sigmaFloat = h('div', { class: 'sigma-float mono', 'aria-hidden': 'true', hidden: true });
  els.graphInfo = h('span', { class: 'graph-info muted small' });
  const pane = h('div', { class: 'graph-pane' }, els.graph,
    h('div', { class: 'graph-bar graph-bar-right' }, extra.zoomOut, extra.zoomIn, extra.fit), els.sigmaFloat, els.graphInfo);

  els.modePaths = btn('seg small active', t('embed.modePaths'), { title: t('embed.modePathsTitle') });
  els.reverseSweep = btn('seg small', t('embed.reverse'), { title: t('embed.reverseTitle') });
  els.forwardSweep = btn('seg small', t('embed.forward'), { title: t('embed.forwardTitle') });
  els.restart = btn('icon', '↺', { 'aria-label': t('embed.restart') });
  els.stepBack = btn('icon', '◀', { 'aria-label': t('embed.stepBack') });
  els.play = btn('primary play', t('embed.play'));
  els.pause = btn('pause', t('embed.pause'));
  els.step = btn('icon', '▶︎|', { 'aria-label': t('embed.step') });
  els.speed = h('select', { 'aria-label': t('embed.speed') },
    ...SPEEDS.map(([v, text]) => h('option', { value: v, text, selected: v === '1' })));
  els.timeline = h('input', { type: 'range', min: '0', max: '1000', value: '0', 'aria-label': t('embed.position') });
  els.sweepCount = h('div', { class: 'sweep-count', 'aria-live': 'polite' });
  const transport = h('div', { class: 'transport', role: 'group', 'aria-label': t('embed.animation') },
    h('div', { class: 'modes', role: 'group' }, els.modePaths, els.reverseSweep, els.forwardSweep),
    h('div', { class: 'controls' }, els.restart, els.stepBack, els.play, els.pause, els.step,
      h('label', { class: 'speed' }, t('embed.speed'), ' ', els.speed), els.timeline),
    els.sweepCount);
  const center = h('section', { class: 'col col-center' }, pane, transport);

  els.pathsTitle = h('h2', { text: t('embed.paths') });
  els.outputSelect = h('select', { 'aria-label': t('embed.output') });
  els.inputSelect = h('select', { 'aria-label': t('embed.input') });
  els.limit = h('input', { type: 'number', min: '1', max: '1000', value: '20', 'aria-label': t('embed.top') });
  els.expand = h('input', { type: 'checkbox', hidden: true }); // composites are not expanded here
  els.pathCount = h('p', { class: 'path-count' });
  els.pathsList = h('ol', { class: 'paths-list' });
  const sums = h('dl', { class: 'sums' },
    h('dt', { text: t('embed.listedSum') }), h('dd', {}, mono('listedSum')),
    h('dt', { text: t('embed.gradient') }), h('dd', {}, mono('gradient', { class: 'mono gradient' })),
    h('dt', { text: t('embed.forwardMode') }), h('dd', {}, mono('forward')),
    h('dt', { text: t('embed.finiteDifference') }), h('dd', {}, mono('fd')));
  els.check = h('p', { class: 'check' });
  els.product = h('span', { class: 'mono' });
  els.sigma = h('strong', { class: 'mono' });
  els.costs = h('div', { class: 'costs' });
  const right = h('aside', { class: 'col col-right' },
    h('section', { class: 'card paths-card' }, els.pathsTitle,
      h('div', { class: 'pickers' },
        h('label', {}, t('embed.output'), ' ', els.outputSelect),
        h('label', {}, t('embed.input'), ' ', els.inputSelect),
        h('label', {}, t('embed.top'), ' ', els.limit), els.expand),
      els.pathCount,
      h('div', { class: 'readout' },
        h('div', { class: 'readout-row' }, h('span', { class: 'muted', text: t('embed.runningProduct') }), els.product),
        h('div', { class: 'readout-row sigma-row' }, h('span', { text: t('embed.sigmaSoFar') }), els.sigma)),
      els.pathsList, sums, els.check),
    h('section', { class: 'card' }, h('h2', { text: t('embed.cost') }), els.costs));

  els.toast = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite' });
  els.app = h('div', { class: 'app embedded', 'data-mode': 'paths' },
    h('main', { class: 'layout', 'data-left': 'open', 'data-right': 'open' }, left, center, right), els.toast);
  return { root: els.app, els, extra };
}
