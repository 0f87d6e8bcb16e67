// The page's static words in the chosen language: elements of index.html carry
//   data-i18n="key"                       their text (textContent) is t(key)
//   data-i18n-attr="title:key;aria-label:key2"   attributes from the catalog
// applyLocale() fills them at boot and again on every switch; <html lang> follows.
import { t, setLocale, detectLocale, getLocale, LOCALES } from '../i18n.js';

export const LOCALE_STORAGE_KEY = 'pathgrad.locale';
// The BCP 47 tag each locale is written as in <html lang> (Simplified Chinese: zh-Hans would do
// too; zh-CN is what screen readers and fonts pick the most reliably).
const HTML_LANG = { en: 'en', zh: 'zh-CN' };

/** Fill every data-i18n / data-i18n-attr element under `root` from the current locale. */
export function applyDom(root = document) {
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll('[data-i18n]'))) el.textContent = t(el.dataset.i18n);
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll('[data-i18n-attr]'))) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}

/** Set the locale, <html lang>, the document title and every static string. */
export function applyLocale(locale, root = document) {
  const loc = setLocale(locale);
  document.documentElement.lang = HTML_LANG[loc] ?? loc;
  document.title = t('page.title');
  document.querySelector('meta[name="description"]')?.setAttribute('content', t('page.description'));
  applyDom(root);
  return loc;
}

/** The stored choice (localStorage), or null when there is none or storage is unavailable. */
export function storedLocale() {
  try {
    return localStorage.getItem(LOCALE_STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeLocale(locale) {
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // private mode: the choice still travels in the share link
  }
}

/** The locale to start in: the link's (`fromLink`), else the stored one, else the browser's languages. */
export function initialLocale(fromLink = null) {
  if (fromLink && LOCALES.includes(fromLink)) return fromLink;
  return detectLocale(storedLocale(), navigator.languages ?? [navigator.language]);
}

export { getLocale };
