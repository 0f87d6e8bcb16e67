// Number and count formatting. Pure: no DOM.
import { t } from '../i18n.js';

/** Group a non-negative decimal integer string (or BigInt) with thousands separators. */
export function groupThousands(count) {
  const s = typeof count === 'bigint' ? count.toString() : String(count).trim();
  if (!/^-?\d+$/.test(s)) return s;
  const neg = s.startsWith('-');
  const digits = (neg ? s.slice(1) : s).replace(/^0+(?=\d)/, '');
  const out = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return neg ? `-${out}` : out;
}

/** Parse a decimal string (from the JSON contract) into a BigInt; 0n when unparseable. */
export function toBigInt(count) {
  if (typeof count === 'bigint') return count;
  if (typeof count === 'number' && Number.isInteger(count)) return BigInt(count);
  const s = String(count ?? '').trim();
  return /^-?\d+$/.test(s) ? BigInt(s) : 0n;
}

/** "1 path", "2 paths", "1,073,741,824 paths; showing the top 20". */
export function pathCountText(count, shown) {
  const n = toBigInt(count);
  let text = t(n === 1n ? 'paths.count.one' : 'paths.count', { n: groupThousands(n) });
  if (shown !== undefined && BigInt(shown) < n) {
    text += t('paths.count.top', { n: groupThousands(BigInt(shown)) });
  }
  return text;
}

/** What the JSON's kinds ("inf", "-inf", "nan") of a non-finite number are drawn as. */
const KIND_TEXT = { inf: '∞', '-inf': '−∞', nan: 'NaN' };

/** "∞", "−∞" or "NaN" for a kind of the JSON contract (`value_kind`, `grad_kind`, …); null otherwise. */
export function kindText(kind) {
  return typeof kind === 'string' && Object.hasOwn(KIND_TEXT, kind) ? KIND_TEXT[kind] : null;
}

/**
 * Format a number compactly for display: up to `digits` significant digits, exponent notation
 * outside [1e-4, 1e6), "-0" shown as "0". Non-numbers (null from a non-finite value) are drawn by
 * their `kind` when it is given ("inf" → "∞", "-inf" → "−∞", "nan" → "NaN"), else as `placeholder`.
 */
export function formatNumber(x, digits = 4, placeholder = 'NaN', kind = null) {
  if (x === null || x === undefined) return kindText(kind) ?? placeholder;
  if (typeof x !== 'number') return String(x);
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (x === 0) return '0';
  const ax = Math.abs(x);
  let s;
  if (ax >= 1e6 || ax < 1e-4) {
    s = x.toExponential(Math.max(0, digits - 1));
    s = s.replace(/\.?0+e/, 'e').replace('e+', 'e');
  } else {
    s = x.toPrecision(digits);
    if (s.includes('e')) s = Number(s).toString();
    if (s.includes('.')) s = s.replace(/\.?0+$/, '');
  }
  return s.replace(/^-/, '−');
}

/** Shape of a nested list value ([] for a scalar). */
export function shapeOf(v) {
  const shape = [];
  let cur = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}

/** All numbers of a nested list (or the scalar itself) in row-major order. */
export function flatten(v) {
  if (!Array.isArray(v)) return [v];
  const out = [];
  const walk = (a) => {
    for (const x of a) {
      if (Array.isArray(x)) walk(x);
      else out.push(x);
    }
  };
  walk(v);
  return out;
}

/**
 * Format a scalar or a nested list: "3", "[1, 2, 3]", "[2×3: 1, 2, 3, …]". `kind` is the JSON's kind
 * of the value (a string for a number, nested lists of the value's shape for an array, or null), so
 * null entries are drawn as ∞ / −∞ / NaN.
 */
export function formatValue(v, digits = 4, kind = null) {
  if (!Array.isArray(v)) return formatNumber(v, digits, 'NaN', Array.isArray(kind) ? null : kind);
  const shape = shapeOf(v);
  const flat = flatten(v);
  const kinds = Array.isArray(kind) ? flatten(kind) : [];
  const shown = flat.slice(0, 3).map((x, i) => formatNumber(x, 3, 'NaN', kinds[i] ?? null));
  const more = flat.length > 3 ? ', …' : '';
  if (shape.length === 1) return `[${shown.join(', ')}${more}]`;
  return `[${shape.join('×')}: ${shown.join(', ')}${more}]`;
}

/** Largest absolute finite entry of a scalar or nested list; null when there is none. */
export function magnitude(v) {
  let best = null;
  for (const x of flatten(v)) {
    if (typeof x === 'number' && Number.isFinite(x)) {
      const a = Math.abs(x);
      if (best === null || a > best) best = a;
    }
  }
  return best;
}

/**
 * Build a log-scale mapper for magnitudes: returns t in [0, 1] (0 = smallest non-zero magnitude
 * among `values`, 1 = largest), or null for zero / missing magnitudes.
 */
export function logScale(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v !== null && v !== undefined && v > 0 && Number.isFinite(v)) {
      const l = Math.log10(v);
      if (l < lo) lo = l;
      if (l > hi) hi = l;
    }
  }
  const span = hi - lo;
  const fn = (v) => {
    if (v === null || v === undefined || !(v > 0) || !Number.isFinite(v)) return null;
    if (!(span > 1e-12)) return 1;
    return Math.min(1, Math.max(0, (Math.log10(v) - lo) / span));
  };
  fn.min = lo === Infinity ? null : 10 ** lo;
  fn.max = hi === -Infinity ? null : 10 ** hi;
  return fn;
}

/** Escape text for HTML / XML attribute or text content (used when building export strings). */
export function escapeXml(s) {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Whether a UTF-16 code unit is a CJK character or full-width punctuation (a square, two columns). */
export const isWide = (code) => (code >= 0x2e80 && code <= 0x9fff) || (code >= 0xff00 && code <= 0xffef);

// The width of each ASCII character in ems (a thousand-node graph measures its labels at every layout:
// a table, not a regular expression per character).
const ASCII_EMS = Float64Array.from({ length: 128 }, (_, code) => {
  const ch = String.fromCharCode(code);
  if (/[ilj.,:;|!'1()[\]]/.test(ch)) return 0.36;
  if (/[mwMW@]/.test(ch)) return 0.9;
  if (/[A-Z]/.test(ch)) return 0.68;
  return 0.58;
});

/** Approximate rendered width of `text` in px for a given font size (for layout sizing). */
export function textWidth(text, fontSize = 13) {
  const s = String(text);
  let w = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 128) {
      w += ASCII_EMS[code];
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff) i++; // a character outside the BMP: one box, as below
    if (isWide(code)) w += 1;
    else if (code >= 0x2000 && code <= 0x2bff) w += 0.75;
    else w += 0.58;
  }
  return w * fontSize;
}

/** A file name's base from its parts: "pathgrad-xor-seed3", "pathgrad-e"; safe on every file system. */
export function fileBaseName(...parts) {
  const clean = parts
    .filter((x) => x !== null && x !== undefined && String(x).trim() !== '')
    .map((x) => String(x).trim().replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, ''))
    .filter(Boolean);
  return clean.join('-').slice(0, 80) || 'pathgrad';
}
