// The shareable state <-> URL hash. Pure: no DOM (the view reads and writes location.hash).
//
// Hash format (URLSearchParams, readable and robust to hand editing):
//   #src=<program>&val=<JSON object of leaf overrides>&in=<leaf name>&out=<name>&expand=1&collapsed=g0,g1&limit=20
//   &view=values|operations&consts=1&focus=1&lang=zh

export const DEFAULT_STATE = Object.freeze({
  source: '',
  values: {},
  input: null,
  output: null,
  expand: false,
  collapsed: [],
  limit: 20,
  view: 'auto', // 'operations' | 'values' | 'auto' (the page picks: see app.js)
  constants: false, // literal constants drawn as nodes of their own
  focus: false, // only the paths from the input to the output
  lang: null, // the page's language ('en' | 'zh'), when the link chose one
});

export const VIEWS = ['auto', 'operations', 'values'];
export const LANGS = ['en', 'zh'];

const MAX_LIMIT = 1000;

/** State -> hash string (with the leading '#'). Default fields are left out. */
export function encodeState(state) {
  const p = new URLSearchParams();
  const s = { ...DEFAULT_STATE, ...state };
  p.set('src', s.source ?? '');
  const vals = cleanValues(s.values);
  if (Object.keys(vals).length) p.set('val', JSON.stringify(vals));
  if (s.input) p.set('in', s.input);
  if (s.output) p.set('out', s.output);
  if (s.expand) p.set('expand', '1');
  if (s.collapsed?.length) p.set('collapsed', s.collapsed.join(','));
  if (s.limit !== DEFAULT_STATE.limit) p.set('limit', String(s.limit));
  if (s.view !== DEFAULT_STATE.view && VIEWS.includes(s.view)) p.set('view', s.view);
  if (s.constants) p.set('consts', '1');
  if (s.focus) p.set('focus', '1');
  if (LANGS.includes(s.lang)) p.set('lang', s.lang);
  // URLSearchParams writes spaces as '+'; '%20' survives more copy-paste paths.
  return `#${p.toString().replace(/\+/g, '%20')}`;
}

/** Hash string -> state. Anything malformed falls back to the default for that field. */
export function decodeState(hash) {
  const out = { ...DEFAULT_STATE, values: {}, collapsed: [] };
  if (typeof hash !== 'string') return out;
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  if (p.has('src')) out.source = p.get('src');
  if (p.has('val')) {
    try {
      out.values = cleanValues(JSON.parse(p.get('val')));
    } catch {
      out.values = {};
    }
  }
  out.input = nameOrNull(p.get('in'));
  out.output = nameOrNull(p.get('out'));
  out.expand = ['1', 'true', 'yes'].includes(p.get('expand') ?? '');
  out.collapsed = (p.get('collapsed') ?? '').split(',').map((x) => x.trim()).filter((x) => /^[\w.-]+$/.test(x));
  const limit = Number.parseInt(p.get('limit') ?? '', 10);
  out.limit = Number.isFinite(limit) && limit > 0 ? Math.min(limit, MAX_LIMIT) : DEFAULT_STATE.limit;
  out.view = VIEWS.includes(p.get('view')) ? p.get('view') : DEFAULT_STATE.view;
  out.constants = p.get('consts') === '1';
  out.focus = p.get('focus') === '1';
  out.lang = LANGS.includes(p.get('lang')) ? p.get('lang') : null;
  return out;
}

/** True when a hash carries a program (a shared link) rather than nothing. */
export function hasProgram(hash) {
  return typeof hash === 'string' && new URLSearchParams(hash.replace(/^#/, '')).has('src');
}

function nameOrNull(x) {
  return typeof x === 'string' && x.length > 0 && x.length <= 200 ? x : null;
}

/** Keep only name -> finite number or nested list of finite numbers. */
export function cleanValues(values) {
  const out = {};
  if (!values || typeof values !== 'object' || Array.isArray(values)) return out;
  for (const [k, v] of Object.entries(values)) {
    if (isNumeric(v)) out[k] = v;
  }
  return out;
}

function isNumeric(v) {
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.length > 0 && v.every(isNumeric);
  return false;
}

/** The request body for POST /api/graph from a state. */
export function graphRequest(state) {
  const body = { source: state.source ?? '' };
  const vals = cleanValues(state.values);
  if (Object.keys(vals).length) body.values = vals;
  if (state.output) body.output = state.output;
  body.options = { expand: !!state.expand };
  if (state.view === 'values') body.view = 'values';
  return body;
}

/** The request body for POST /api/paths from a state (needs an input). */
export function pathsRequest(state) {
  const body = { source: state.source ?? '', input: state.input };
  const vals = cleanValues(state.values);
  if (Object.keys(vals).length) body.values = vals;
  if (state.output) body.output = state.output;
  body.limit = state.limit ?? DEFAULT_STATE.limit;
  // Only sent when needed, so that the request stays within the documented body otherwise.
  if (state.expand) body.options = { expand: true };
  if (state.view === 'values') body.view = 'values';
  return body;
}
