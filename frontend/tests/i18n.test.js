import { test } from 'node:test';
import assert from 'node:assert/strict';
import { t, setLocale, detectLocale, buildCatalogs, catalogs, LOCALES } from '../js/i18n.js';

test('every key exists in every locale, with the same placeholders', () => {
  const all = catalogs();
  const keys = new Set(LOCALES.flatMap((l) => Object.keys(all[l])));
  const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
  for (const key of keys) {
    for (const loc of LOCALES) {
      assert.ok(key in all[loc], `${key} is missing in ${loc}`);
      assert.ok(all[loc][key].trim() !== '', `${key} is empty in ${loc}`);
    }
    assert.equal(holes(all.zh[key]), holes(all.en[key]), `${key}: placeholders differ`);
  }
});

test('t fills placeholders and falls back to English, then the key', () => {
  const areas = { a: { en: { hi: 'hi {name}', only: 'only en' }, zh: { hi: '你好 {name}' } } };
  const c = buildCatalogs(areas);
  assert.equal(c.zh.hi, '你好 {name}');
  setLocale('zh');
  assert.equal(t('locale.name'), '简体中文');
  assert.equal(t('no.such.key'), 'no.such.key');
  setLocale('en');
  assert.equal(t('locale.name'), 'English');
});

test('two areas defining one key is an error', () => {
  assert.throws(() => buildCatalogs({ a: { en: { k: '1' } }, b: { en: { k: '2' } } }), /already defined/);
});

test('detectLocale: stored choice, then the browser languages, then English', () => {
  assert.equal(detectLocale('zh', ['en-US']), 'zh');
  assert.equal(detectLocale(null, ['zh-CN', 'en']), 'zh');
  assert.equal(detectLocale(null, ['fr-FR', 'en-GB']), 'en');
  assert.equal(detectLocale('xx', []), 'en');
});
