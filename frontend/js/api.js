// The backend's REST API (same origin), and an offline stand-in for exported files.
import { t } from './i18n.js';

/**
 * An answer of the API: `body` is its JSON (null when there was none), whatever the status.
 * @typedef {{ok: boolean, status: number, body: any}} ApiReply
 */
/**
 * What the page asks: the server (createApi), or the data of an exported file (createOfflineApi).
 * @typedef {object} Api
 * @property {boolean} offline an exported file's data: nothing can be computed again
 * @property {(body: import('#types/api').GraphRequest, signal?: AbortSignal) => Promise<ApiReply>} graph POST /api/graph
 * @property {(body: import('#types/api').PathsRequest, signal?: AbortSignal) => Promise<ApiReply>} paths POST /api/paths
 * @property {() => Promise<ApiReply>} ops GET /api/ops
 */

/**
 * fetch -> {ok, status, body}; a network failure is status 0, an abort rethrows.
 * @returns {Promise<ApiReply>}
 */
export async function call(method, url, body, signal) {
  let res;
  try {
    res = await fetch(url, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal,
    });
  } catch (e) {
    if (e?.name === 'AbortError') throw e;
    return { ok: false, status: 0, body: null };
  }
  let json = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  return { ok: res.ok, status: res.status, body: json };
}

/**
 * {graph(body, signal), paths(body, signal), ops()} -> {ok, status, body}.
 * @returns {Api}
 */
export function createApi(base = '') {
  return {
    offline: false,
    graph: (body, signal) => call('POST', `${base}/api/graph`, body, signal),
    paths: (body, signal) => call('POST', `${base}/api/paths`, body, signal),
    ops: () => call('GET', `${base}/api/ops`),
  };
}

/**
 * An API that answers from data embedded in an exported file: the graph and paths as they were
 * when exported. Any other request (changed program or values) answers with an explanation.
 * @returns {Api}
 */
export function createOfflineApi(data) {
  const same = (body) => body.source === data.state.source && JSON.stringify(body.values ?? {}) === JSON.stringify(data.state.values ?? {});
  const refuse = { ok: false, status: 409, body: { detail: t('offline.snapshot') } };
  return {
    offline: true,
    graph: async (body) => (same(body) && data.graph ? { ok: true, status: 200, body: data.graph } : refuse),
    paths: async (body) => {
      const pj = data.pathsByInput?.[body.input];
      const sameOutput = (body.output ?? null) === (data.state.output ?? null);
      return same(body) && sameOutput && pj ? { ok: true, status: 200, body: pj } : refuse;
    },
    ops: async () => ({ ok: !!data.ops, status: 200, body: data.ops ?? [] }),
  };
}
