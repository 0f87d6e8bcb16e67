// The page's words: t(key, params) looks a key up in the chosen locale's catalog (English, 简体中文).
// No DOM here. Catalogs live in ./i18n/, one module per area of the page, each holding both
// languages side by side ({en: {...}, zh: {...}}) so that a translator sees a string beside its
// original and two areas never edit the same file. A missing key falls back to English, then to
// the key itself (tests/i18n.test.js fails on any key missing in either language).
import { AREAS } from './i18n/index.js';

export const LOCALES = ['en', 'zh'];
export const DEFAULT_LOCALE = 'en';

/**
 * Merge the areas into one catalog per locale; a key defined by two areas is an error.
 * @param {Record<string, Partial<Record<string, Record<string, string>>>>} [areas] area -> locale -> key -> text
 */
export function buildCatalogs(areas = AREAS) {
  /** @type {Record<string, Record<string, string>>} */
  const out = Object.fromEntries(LOCALES.map((l) => [l, {}]));
  for (const [area, catalog] of Object.entries(areas)) {
    for (const loc of LOCALES) {
      for (const [key, text] of Object.entries(catalog[loc] ?? {})) {
        if (key in out[loc]) throw new Error(`i18n: key ${key} of area ${area} is already defined`);
        out[loc][key] = text;
      }
    }
  }
  return out;
}

const CATALOGS = buildCatalogs();
let current = DEFAULT_LOCALE;

/**
 * The locale to use: a stored choice wins, else the first of the browser's languages we speak.
 * @param {string | null} stored
 * @param {readonly string[]} [languages]
 */
export function detectLocale(stored, languages = []) {
  if (stored && LOCALES.includes(stored)) return stored;
  for (const lang of languages) {
    const base = String(lang).toLowerCase().split('-')[0];
    if (LOCALES.includes(base)) return base;
  }
  return DEFAULT_LOCALE;
}

export function setLocale(locale) {
  current = LOCALES.includes(locale) ? locale : DEFAULT_LOCALE;
  return current;
}

export function getLocale() {
  return current;
}

/** The text of `key` in the current locale, with {name} placeholders filled from params. */
export function t(key, params = {}, locale = current) {
  const text = CATALOGS[locale]?.[key] ?? CATALOGS[DEFAULT_LOCALE][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** True when `key` is in the catalogs (a text the server sends may have no translation: keep the server's). */
export function has(key) {
  return key in CATALOGS[DEFAULT_LOCALE];
}

/** t(key, params) when the catalogs hold `key`, else `fallback` (e.g. the English text the API sent). */
export function tOr(key, fallback, params = {}) {
  return has(key) ? t(key, params) : fallback;
}

/** Every key of every locale (for the catalog tests). */
export function catalogs() {
  return CATALOGS;
}
