// API errors -> what the editor shows. Pure: no DOM.

/**
 * Turn an HTTP error (status and parsed JSON body, or a network failure) into a list of
 * {message, line, column, span} (line and column 1-based, or null when the error has no position).
 * FastAPI's 422 shape: {"detail": [{"loc": [...], "msg": "...", "type": "...", "ctx": {"line", "column", "span"}}]}.
 */
export function parseApiError(status, body) {
  const detail = body?.detail;
  if (Array.isArray(detail) && detail.length) {
    return detail.map((d) => {
      const ctx = d?.ctx ?? {};
      const line = toInt(ctx.line);
      const column = toInt(ctx.column);
      const span = Array.isArray(ctx.span) && ctx.span.length === 2 ? ctx.span.map(Number) : null;
      let message = typeof d?.msg === 'string' ? d.msg : 'invalid request';
      // The backend's msg may already start with the position ("line 2, column 9: ..."); errorText adds it.
      if (line !== null) message = message.replace(/^line \d+, column \d+: /, '');
      if (line === null && Array.isArray(d?.loc)) {
        const where = d.loc.filter((x) => x !== 'body').join('.');
        if (where) message = `${where}: ${message}`;
      }
      return { message, line, column, span };
    });
  }
  if (typeof detail === 'string') return [{ message: detail, line: null, column: null, span: null }];
  if (status === 0) return [{ message: 'cannot reach the server', line: null, column: null, span: null }];
  return [{ message: `server error (HTTP ${status})`, line: null, column: null, span: null }];
}

/** "line 2, column 5: unexpected ')'" (or just the message when there is no position). */
export function errorText(err) {
  if (err.line !== null && err.line !== undefined) {
    const col = err.column !== null && err.column !== undefined ? `, column ${err.column}` : '';
    return `line ${err.line}${col}: ${err.message}`;
  }
  return err.message;
}

/**
 * Character offsets [start, end) of an error in `source`: its span when given, else one character
 * at (line, column); null when it has no position.
 */
export function errorRange(source, err) {
  if (err.span && Number.isFinite(err.span[0]) && Number.isFinite(err.span[1])) {
    const a = Math.max(0, Math.min(source.length, err.span[0]));
    const b = Math.max(a, Math.min(source.length, err.span[1]));
    return [a, b === a ? Math.min(source.length, a + 1) : b];
  }
  if (err.line === null || err.line === undefined) return null;
  const lines = source.split('\n');
  const li = Math.max(1, Math.min(err.line, lines.length));
  let offset = 0;
  for (let i = 0; i < li - 1; i++) offset += lines[i].length + 1;
  const col = Math.max(1, err.column ?? 1);
  const a = Math.min(offset + col - 1, offset + lines[li - 1].length);
  return [a, Math.min(source.length, a + 1)];
}

function toInt(x) {
  const n = Number(x);
  return Number.isInteger(n) ? n : null;
}
