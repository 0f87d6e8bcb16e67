// The presets and training endpoints (same origin): GET /api/presets, GET /api/presets/{name}?seed=,
// and POST /api/train, read as Server-Sent Events over fetch (EventSource cannot POST).
import { call } from './api.js';
import { createSseParser } from './model/sse.js';

function getJson(url, signal) {
  return call('GET', url, null, signal);
}

/** {presets(), preset(name, seed), train(body, {signal, onEvent})}. */
export function createTrainingApi(base = '') {
  return {
    presets: (signal) => getJson(`${base}/api/presets`, signal),
    preset: (name, seed, signal) => {
      const q = seed === null || seed === undefined ? '' : `?seed=${encodeURIComponent(seed)}`;
      return getJson(`${base}/api/presets/${encodeURIComponent(name)}${q}`, signal);
    },
    /**
     * Start a run and deliver its events as they arrive: onEvent(type, data) with data parsed from
     * JSON. Resolves with {ok: true} at the end of the stream, or {ok: false, status, body} when the
     * server refused the run (422 with FastAPI's detail). Aborting `signal` rejects with AbortError
     * (and the server stops the run).
     */
    async train(body, { signal, onEvent }) {
      let res;
      try {
        res = await fetch(`${base}/api/train`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
          body: JSON.stringify(body),
          signal,
        });
      } catch (e) {
        if (e?.name === 'AbortError') throw e;
        return { ok: false, status: 0, body: null };
      }
      if (!res.ok || !res.body) {
        let json = null;
        try {
          json = await res.json();
        } catch {
          json = null;
        }
        return { ok: false, status: res.status, body: json };
      }
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      const parser = createSseParser();
      const deliver = (events) => {
        for (const ev of events) {
          let data = null;
          try {
            data = JSON.parse(ev.data);
          } catch {
            data = ev.data;
          }
          onEvent(ev.event, data);
        }
      };
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        deliver(parser.push(decoder.decode(value, { stream: true })));
      }
      deliver(parser.push(decoder.decode()));
      deliver(parser.end());
      return { ok: true, status: res.status, body: null };
    },
  };
}
