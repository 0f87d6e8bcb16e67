// The shareable state <-> URL hash. Pure: no DOM (the view reads and writes location.hash).
//
// Hash format (URLSearchParams, readable and robust to hand editing):
//   #src=<program>&val=<JSON object of leaf overrides>&in=<leaf name>&out=<name>&expand=1&collapsed=g0,g1&limit=20
//   &view=values|operations&consts=1&focus=1&lang=zh

// `tr`, not `t`: t is the typed text in readLimit.
import { t as tr } from '../i18n.js';

/**
 * What a link holds: the program, its leaves' overrides, the input and output, the view's options.
 * @typedef {object} AppState
 * @property {string} source the program text
 * @property {Record<string, number | unknown[]>} values leaf overrides, by name
 * @property {string | null} input the leaf whose paths are listed
 * @property {string | null} output the statement differentiated (null: the program's last)
 * @property {boolean} expand sigmoid and tanh recorded as their compositions
 * @property {string[]} collapsed ids of the collapsed composites
 * @property {number} limit how many paths are listed
 * @property {'auto' | 'operations' | 'values'} view
 * @property {boolean} constants literal constants drawn as nodes of their own
 * @property {boolean} focus only the paths from the input to the output
 * @property {string | null} lang the page's language ('en' | 'zh'), when the link chose one
 */

/** @type {Readonly<AppState>} */
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

/** @type {AppState['view'][]} */
export const VIEWS = ['auto', 'operations', 'values'];
export const LANGS = ['en', 'zh'];

export const MAX_LIMIT = 1000;

/** The "top" field: a whole number of paths from 1 to MAX_LIMIT, as {ok, value} or {ok: false, message}. */
export function readLimit(text) {
  const t = String(text ?? '').trim().replace(/[,_\s]/g, '');
  if (!/^\d+$/.test(t)) return { ok: false, message: tr('state.limitWhole', { max: MAX_LIMIT.toLocaleString('en') }) };
  const v = Number(t);
  if (v < 1 || v > MAX_LIMIT) return { ok: false, message: tr('state.limitRange', { max: MAX_LIMIT.toLocaleString('en'), v: v.toLocaleString('en') }) };
  return { ok: true, value: v };
}

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
  const view = /** @type {AppState['view']} */ (p.get('view'));
  out.view = VIEWS.includes(view) ? view : DEFAULT_STATE.view;
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

/**
 * Whether a program's text mentions a name as a whole word (the language's names are ASCII letters,
 * digits and _): a name it does not mention cannot be one of its leaves.
 * @param {string} source
 * @param {string} name
 */
export function mentionsName(source, name) {
  if (!name) return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_])${escaped}(?![A-Za-z0-9_])`).test(source ?? '');
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

export const TABS = ['paths', 'train', 'compare', 'lab'];
const PRESET_NAME = /^[a-z0-9-]{1,64}$/;

/**
 * What the page adds to the app's hash: the preset the program came from with its seed, and the open
 * tab ("&preset=xor&seed=3&tab=train"). "" when there is nothing to add.
 */
export function encodePageState({ preset = null, seed = null, tab = 'paths' } = {}) {
  const p = new URLSearchParams();
  if (preset && PRESET_NAME.test(preset)) {
    p.set('preset', preset);
    if (Number.isInteger(seed) && seed >= 0) p.set('seed', String(seed));
  }
  if (tab && tab !== 'paths' && TABS.includes(tab)) p.set('tab', tab);
  const s = p.toString();
  return s ? `&${s}` : '';
}

/** The page's part of a hash: {preset, seed, tab}; anything malformed is left out. */
export function decodePageState(hash) {
  const p = new URLSearchParams(String(hash ?? '').replace(/^#/, ''));
  const preset = p.get('preset');
  const seedText = p.get('seed');
  const seed = seedText !== null && /^\d{1,10}$/.test(seedText) && Number(seedText) <= 2 ** 32 - 1 ? Number(seedText) : null;
  const tab = p.get('tab');
  return {
    preset: preset && PRESET_NAME.test(preset) ? preset : null,
    seed: preset && PRESET_NAME.test(preset) ? seed : null,
    tab: TABS.includes(tab) ? tab : 'paths',
  };
}

/**
 * Why a value typed into an array leaf's field cannot be used (null when it can): numbers only,
 * nested to a rectangular shape ([[1, 2], [3]] is ragged: the server could only point at the program).
 */
export function arrayValueError(v) {
  if (typeof v === 'number') return Number.isFinite(v) ? null : tr('state.finite');
  if (!Array.isArray(v)) return tr('state.notArray');
  if (v.length === 0) return tr('state.emptyArray');
  const shapeOfEntry = (x) => (Array.isArray(x) ? JSON.stringify(shape(x)) : 'number');
  const first = shapeOfEntry(v[0]);
  for (let i = 0; i < v.length; i++) {
    const inner = Array.isArray(v[i]) ? arrayValueError(v[i]) : typeof v[i] === 'number' && Number.isFinite(v[i]) ? null : tr('state.entry', { i: i + 1 });
    if (inner) return inner;
    if (shapeOfEntry(v[i]) !== first) {
      const len = (x) => (Array.isArray(x) ? tr(x.length === 1 ? 'state.entries.one' : 'state.entries', { n: x.length }) : tr('state.aNumber'));
      return tr('state.ragged', { i: i + 1, a: len(v[i]), b: len(v[0]) });
    }
  }
  return null;
}

function shape(v) {
  const out = [];
  let cur = v;
  while (Array.isArray(cur)) {
    out.push(cur.length);
    cur = cur[0];
  }
  return out;
}
