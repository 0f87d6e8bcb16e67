// One graph embedded in someone else's page: the notebook widget (widget.js) and the
// <pathgrad-graph> element (element.js). The page's own app (app.js) inside a shadow root, so that
// the page's stylesheets draw it and neither the host's styles nor ours leak across.
import { createApp } from './app.js';
import { embedMarkup } from './view/embed-markup.js';
import { h } from './view/dom.js';
import { wireControls } from './view/controls.js';

/** The page's stylesheets, adapted to a shadow root: its variables are set on the host. */
export function shadowCss(css) {
  return css.replace(/:root\b/g, ':host');
}

/**
 * Draw a graph into `host` (an element of the host page).
 * @param {HTMLElement} host
 * @param {{api: import('./api.js').Api, state: object, css: string, locked?: boolean, program?: boolean, height?: number}} opts
 *   api: as api.js's (graph, paths, ops); state: the first state (model/state.js); css: the page's
 *   stylesheets' text; locked: the values cannot be changed; program: show the editor.
 * @returns {{app: ReturnType<typeof createApp>, root: ShadowRoot, els: import('./app.js').AppElements}}
 */
export function mountGraph(host, opts) {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const { root: appEl, els, extra } = embedMarkup({ program: opts.program !== false });
  if (opts.height) appEl.style.setProperty('--embed-h', `${opts.height}px`);
  root.replaceChildren(h('style', { text: shadowCss(opts.css ?? '') }), appEl);
  const app = createApp(els, opts.api, { initialState: opts.state, locked: !!opts.locked });
  const on = (el, ev, fn) => el.addEventListener(ev, fn);
  wireControls(els, app);
  on(extra.fit, 'click', () => app.fit());
  on(extra.zoomIn, 'click', () => app.zoomBy(1.25));
  on(extra.zoomOut, 'click', () => app.zoomBy(0.8));
  on(extra.reset, 'click', () => app.resetValues());
  extra.reset.hidden = !!opts.locked || !!opts.api.offline;
  app.start();
  return { app, root, els };
}
