// API errors -> what the editor shows. Pure: no DOM.
// The API speaks English (`msg`) with a machine-readable `type` and `ctx` (line, column, span, limit).
// The page says it in its own language: known messages by pattern (SERVER_MESSAGES, texts in
// i18n/errors.js), the rest in English behind the catalog's name for its type; the position always
// from ctx, never from the English text.
import { t, getLocale } from '../i18n.js';

/**
 * One error as the editor shows it: the message in the page's language and where it is (1-based line
 * and column, the character range [start, end)), null when the error has no position.
 * @typedef {{message: string, line: number | null, column: number | null, span: [number, number] | null}} ProgramError
 */

/**
 * The backend's message patterns and the catalog key that says each in the page's language.
 * @type {[RegExp, string][]}
 */
const SERVER_MESSAGES = [
  [/^the program is empty$/, 'srv.empty'],
  [/^'(?<name>[^']+)' is not defined$/, 'srv.undefined'],
  [/^unknown function '(?<name>[^']+)' \(functions: (?<list>.+)\)$/, 'srv.unknownFunctionList'],
  [/^unknown function '(?<name>[^']+)'$/, 'srv.unknownFunction'],
  [/^'(?<name>[^']+)' is not a function$/, 'srv.notFunction'],
  [/^'(?<name>[^']+)' is a function and cannot be used as a name$/, 'srv.functionAsName'],
  [/^unexpected end of the program: expected an expression$/, 'srv.eofExpression'],
  [/^expected (?<wanted>.+?), found (?<found>.+?)(?<hint>; .*)?$/, 'srv.expected'],
  [/^unmatched (?<what>.+)$/, 'srv.unmatched'],
  [/^malformed number (?<what>.+)$/, 'srv.malformedNumber'],
  [/^empty array$/, 'srv.emptyArray'],
  [/^names may not start with '__' \((?<what>.+)\)$/, 'srv.dunder'],
  [/^this constant expression is not finite: (?<why>.+)$/, 'srv.constNonfinite'],
  [/^(?<name>\w+)\(\) takes (?<wanted>[\d to]+) arguments? \((?<sig>.+)\), got (?<got>\d+)$/, 'srv.arity'],
  [/^the loss is no longer finite \(try a smaller learning rate\)$/, 'srv.lossNonfinite'],
  [/^stopped after (?<s>[\d.e+]+) s \((?<limit>\w+)\)$/, 'srv.stoppedAfter'],
  [/^the training process stopped unexpectedly; retry$/, 'srv.trainCrashed'],
];

/**
 * Words inside the backend's messages ("expected an expression, found the end of the line").
 * @type {[RegExp, string][]}
 */
const SERVER_WORDS = [
  [/^an expression$/, 'srv.w.expression'],
  [/^the end of the statement$/, 'srv.w.endStatement'],
  [/^the end of the line$/, 'srv.w.endLine'],
  [/^the end of the program$/, 'srv.w.endProgram'],
  [/^a name$/, 'srv.w.name'],
  [/^a number \(array elements are numbers\)$/, 'srv.w.arrayNumber'],
  [/^number (?<v>.+)$/, 'srv.w.number'],
  [/^name (?<v>.+)$/, 'srv.w.nameIs'],
];

const HINTS = {
  "; '=' may only follow a name at the start of a statement": 'srv.h.equals',
  '; only functions can be called (write * to multiply)': 'srv.h.call',
  '; indexing is not supported': 'srv.h.index',
};

function localizeWords(text) {
  for (const [re, key] of SERVER_WORDS) {
    const m = re.exec(text);
    if (m) return t(key, m.groups ?? {});
  }
  return text;
}

/**
 * A message the server sent, in the page's language: a known pattern from the catalog, else the
 * English text as it came (English: always as it came).
 */
export function localizeMessage(message) {
  const text = String(message ?? '');
  if (getLocale() === 'en') return text;
  for (const [re, key] of SERVER_MESSAGES) {
    const m = re.exec(text);
    if (!m) continue;
    const g = { ...(m.groups ?? {}) };
    if (key === 'srv.expected') {
      g.wanted = localizeWords(g.wanted);
      g.found = localizeWords(g.found);
      g.hint = g.hint ? (HINTS[g.hint] ? t(HINTS[g.hint]) : g.hint) : '';
    }
    return t(key, g);
  }
  return text;
}

/**
 * Turn an HTTP error (status and parsed JSON body, or a network failure) into a list of
 * {message, line, column, span} (line and column 1-based, or null when the error has no position).
 * FastAPI's 422 shape: {"detail": [{"loc": [...], "msg": "...", "type": "...", "ctx": {"line", "column", "span"}}]}.
 * @returns {ProgramError[]}
 */
export function parseApiError(status, body) {
  const detail = body?.detail;
  if (Array.isArray(detail) && detail.length) {
    return detail.map((d) => {
      const ctx = d?.ctx ?? {};
      const line = toInt(ctx.line);
      const column = toInt(ctx.column);
      const span = Array.isArray(ctx.span) && ctx.span.length === 2 ? ctx.span.map(Number) : null;
      let message = typeof d?.msg === 'string' ? d.msg : t('err.invalid');
      // The backend's msg may already start with the position ("line 2, column 9: ..."); errorText adds it.
      if (line !== null) message = message.replace(/^line \d+, column \d+: /, '');
      if (line === null && Array.isArray(d?.loc)) {
        const where = d.loc.filter((x) => x !== 'body').join('.');
        if (where) message = `${where}: ${message}`;
      }
      const type = typeof d?.type === 'string' ? d.type : null;
      const limit = typeof ctx.limit === 'string' && ctx.limit ? ctx.limit : null;
      return { message, line, column, span, type, limit };
    });
  }
  if (typeof detail === 'string') return [{ message: detail, line: null, column: null, span: null }];
  if (status === 0) return [{ message: t('err.unreachable'), line: null, column: null, span: null }];
  return [{ message: t('err.http', { status }), line: null, column: null, span: null }];
}

/**
 * "line 2, column 5: unexpected ')'" (or just the message when there is no position), in the page's
 * language: the message by its pattern, or by its type (limit_exceeded names its setting).
 */
export function errorText(err) {
  let message = localizeMessage(err.message);
  if (getLocale() !== 'en' && message === err.message && err.type) {
    // Not a message the catalog knows: the catalog's name for its type, then the server's words.
    if (err.type === 'limit_exceeded') message = t('err.type.limit', { limit: err.limit ?? '?', message });
    else if (err.type === 'program_error') message = t('err.type.program', { message });
    else if (err.type === 'value_error') message = t('err.type.value', { message });
  }
  if (err.line !== null && err.line !== undefined) {
    if (err.column !== null && err.column !== undefined) return t('err.at', { line: err.line, column: err.column, message });
    return t('err.atLine', { line: err.line, message });
  }
  return message;
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
