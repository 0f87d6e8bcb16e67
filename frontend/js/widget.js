// The notebook widget's front end (anywidget: https://anywidget.dev): the page's app, computed by
// the kernel. The kernel's side (backend/pathgrad/notebook/widget.py) syncs a `snapshot` trait
// ({state, graph, pathsByInput, ops}, the offline export's data) and answers the page's requests,
// sent as custom messages {type: 'request', id, kind: 'graph' | 'paths', body} with the API's bodies,
// with {type: 'answer', id, status, body}: the API's answers, from the same engine.
import { createOfflineApi } from './api.js';
import { mountGraph } from './embed.js';
import { t } from './i18n.js';

/** How long a request waits for the kernel (a dead or busy kernel answers nothing). */
export const KERNEL_TIMEOUT_MS = 30_000;

const sameJson = (a, b) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});

/**
 * An api (api.js's shape) for a widget model: a request the snapshot answers (the same program,
 * values, view and output) is answered from it; any other goes to the kernel.
 * @param {{get: Function, send: Function, on: Function, off?: Function}} model anywidget's model
 */
export function createKernelApi(model, timeoutMs = KERNEL_TIMEOUT_MS) {
  const view = Math.random().toString(36).slice(2, 10); // two views of one model share its messages
  let next = 0;
  const waiting = new Map();
  const onMessage = (msg) => {
    if (msg?.type !== 'answer' || !waiting.has(msg.id)) return;
    const w = waiting.get(msg.id);
    waiting.delete(msg.id);
    w.done({ ok: msg.status >= 200 && msg.status < 300, status: msg.status, body: msg.body });
  };
  model.on('msg:custom', onMessage);
  const ask = (kind, body, signal) =>
    new Promise((resolve, reject) => {
      // Superseded already (while the snapshot was looked at): the kernel need not compute it.
      if (signal?.aborted) {
        reject(new DOMException('the request was superseded', 'AbortError'));
        return;
      }
      const id = `${view}:${++next}`;
      const timer = setTimeout(() => finish({ ok: false, status: 0, body: { detail: t('embed.kernelGone') } }), timeoutMs);
      const abort = () => {
        clearTimeout(timer);
        waiting.delete(id);
        reject(new DOMException('the request was superseded', 'AbortError'));
      };
      const finish = (answer) => {
        clearTimeout(timer);
        waiting.delete(id);
        signal?.removeEventListener('abort', abort);
        resolve(answer);
      };
      waiting.set(id, { done: finish });
      signal?.addEventListener('abort', abort, { once: true });
      model.send({ type: 'request', id, kind, body });
    });
  const cached = (body) => {
    const snap = model.get('snapshot');
    const viewOf = (b) => b?.view ?? 'operations';
    const plain = !body.options?.forward && !body.options?.expand && viewOf(body) === viewOf(snap?.state);
    return snap && plain ? createOfflineApi(snap) : null;
  };
  const answer = (kind) => async (body, signal) => {
    const local = cached(body);
    const res = local ? await local[kind](body) : null;
    return res?.ok ? res : ask(kind, body, signal);
  };
  return {
    offline: false,
    graph: answer('graph'),
    paths: answer('paths'),
    ops: async () => ({ ok: true, status: 200, body: model.get('snapshot')?.ops ?? [] }),
    close: () => model.off?.('msg:custom', onMessage),
  };
}

/** anywidget's render: draw the graph into `el`; `css` is the page's stylesheets (added by the loader). */
export function render({ model, el, css }) {
  const host = document.createElement('div');
  host.className = 'pathgrad-widget';
  el.append(host);
  const snap = model.get('snapshot');
  const api = createKernelApi(model);
  const { app } = mountGraph(host, {
    api,
    state: snap.state,
    css,
    locked: !!model.get('locked'),
    program: snap.program !== false,
    height: model.get('height'),
  });
  // Python changed the values (or the program): draw what the kernel sent. A snapshot that answers
  // the widget's own request (origin "widget") is already drawn, or superseded by a newer drag.
  const onSnapshot = () => {
    const next = model.get('snapshot');
    if (!next || next.origin === 'widget') return;
    const st = next.state;
    if (st.source !== app.state.source || (st.view ?? 'operations') !== app.shownView) {
      app.load(st);
      return;
    }
    if (sameJson(st.values, app.state.values) && st.input === app.state.input) return;
    app.state.values = { ...(st.values ?? {}) };
    app.state.input = st.input ?? app.state.input;
    app.setValues({});
  };
  model.on('change:snapshot', onSnapshot);
  return () => {
    model.off?.('change:snapshot', onSnapshot);
    api.close();
    app.player.pause();
  };
}

