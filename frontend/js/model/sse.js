// Server-Sent Events: parse a text/event-stream that arrives in arbitrary chunks. Pure: no DOM.
//
// EventSource cannot POST, so the page reads POST /api/train with fetch and feeds the decoded text
// here. Follows the WHATWG "event stream interpretation": lines end with CRLF, LF or CR; `field:
// value` (one leading space removed); `data` lines join with "\n"; a blank line dispatches; lines
// starting with ":" are comments; an event left unfinished at the end of the stream is dropped.

/**
 * A parser with state across chunks.
 * `push(text)` returns the events completed by that text; `end()` those completed by the end of the
 * stream (none: an unfinished event is discarded, as the standard says).
 * Each event is `{event, data, id}`: `event` defaults to "message", `id` is the last id seen or null.
 */
export function createSseParser() {
  let buffer = '';
  let first = true;
  let type = '';
  let data = [];
  let lastId = null;

  function field(line, out) {
    if (line === '') {
      if (data.length) out.push({ event: type || 'message', data: data.join('\n'), id: lastId });
      type = '';
      data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'event') type = value;
    else if (name === 'data') data.push(value);
    else if (name === 'id' && !value.includes('\0')) lastId = value;
    // "retry" and unknown fields are ignored: the page does not reconnect.
  }

  return {
    push(text) {
      const out = [];
      buffer += text;
      if (first && buffer.length) {
        if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
        first = false;
      }
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer[i];
        if (c !== '\n' && c !== '\r') continue;
        // A CR at the end of what we have may be the first half of a CRLF: wait for the next chunk.
        if (c === '\r' && i === buffer.length - 1) break;
        field(buffer.slice(start, i), out);
        if (c === '\r' && buffer[i + 1] === '\n') i++;
        start = i + 1;
      }
      buffer = buffer.slice(start);
      return out;
    },
    end() {
      const out = [];
      if (buffer.endsWith('\r')) {
        field(buffer.slice(0, -1), out);
        buffer = '';
      }
      buffer = '';
      type = '';
      data = [];
      return out;
    },
  };
}

/** All the events of a complete stream text (for tests and small answers). */
export function parseSse(text) {
  const p = createSseParser();
  return [...p.push(text), ...p.end()];
}
