import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { bundle, resolvePath, importsOf, transformModule, scriptSafe, jsonForScript } from '../js/model/bundle.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

test('resolvePath', () => {
  assert.equal(resolvePath('js/main.js', './model/a.js'), 'js/model/a.js');
  assert.equal(resolvePath('js/view/r.js', '../model/a.js'), 'js/model/a.js');
  assert.throws(() => resolvePath('js/main.js', 'd3'));
});

test('transformModule rewrites imports and exports', () => {
  const src = "import { a, b as c } from './x.js';\nimport * as ns from '../y.js';\nexport function f() { return a + c; }\nexport const K = 1;\nconst z = 2;\nexport { z };\n";
  assert.deepEqual(importsOf('js/m/q.js', src), ['js/m/x.js', 'js/y.js']);
  const out = transformModule('js/m/q.js', src);
  assert.ok(out.includes('const { a, b: c } = __modules["js/m/x.js"];'));
  assert.ok(out.includes('const ns = __modules["js/y.js"];'));
  assert.ok(out.includes('return { f, K, z };'));
  assert.ok(!/\bexport\b/.test(out.replace(/return[^]*$/, '')));
});

test('transformModule: a default import and a default export', () => {
  const out = transformModule('js/i18n/index.js', "import core from './core.js';\nexport default { core };\n");
  assert.ok(out.includes('const core = __modules["js/i18n/core.js"].default;'));
  assert.ok(out.includes('const __default = { core };'));
  assert.ok(out.includes('return { default: __default };'));
});

test('the real model modules bundle and run', () => {
  const dir = join(root, 'js', 'model');
  const sources = new Map();
  for (const f of readdirSync(dir)) sources.set(`js/model/${f}`, readFileSync(join(dir, f), 'utf8'));
  // The catalogs (default exports) come along: the model's texts go through t().
  sources.set('js/i18n.js', readFileSync(join(root, 'js', 'i18n.js'), 'utf8'));
  for (const f of readdirSync(join(root, 'js', 'i18n'))) sources.set(`js/i18n/${f}`, readFileSync(join(root, 'js', 'i18n', f), 'utf8'));
  sources.set('js/entry.js', "import { pathTimeline } from './model/schedule.js';\nimport { groupThousands, pathCountText } from './model/format.js';\nimport { setLocale } from './i18n.js';\nsetLocale('zh');\nexport const out = [pathTimeline([]).duration, groupThousands('1000000'), pathCountText('2')];\n");
  const code = bundle('js/entry.js', sources);
  const run = new Function(`${code}\nreturn __modules["js/entry.js"].out;`);
  assert.deepEqual(run(), [0, '1,000,000', '2 条路径']);
});

test('default imports and exports', () => {
  const s = new Map([
    ['js/a.js', "import cat from './b.js';\nexport const hi = cat.en.hi;"],
    ['js/b.js', "export default {\n  en: { hi: 'hello' },\n};\n"],
  ]);
  const run = new Function(`${bundle('js/a.js', s)}\nreturn __modules["js/a.js"].hi;`);
  assert.equal(run(), 'hello');
  assert.throws(() => transformModule('x.js', "import a, { b } from './y.js';"), /unsupported import form/);
});

/** Every module under js/, by its path relative to frontend/. */
function pageSources() {
  const sources = new Map();
  const walk = (rel) => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.js')) sources.set(path, readFileSync(join(root, path), 'utf8'));
    }
  };
  walk('js');
  return sources;
}

test('the whole page bundles (every import and export form it uses), and its words run', () => {
  const sources = pageSources();
  assert.ok(bundle('js/main.js', sources).length > 1000);
  sources.set('js/entry.js', "import { t, setLocale } from './i18n.js';\nsetLocale('zh');\nexport const out = t('locale.name');\n");
  const run = new Function(`${bundle('js/entry.js', sources)}\nreturn __modules["js/entry.js"].out;`);
  assert.equal(run(), '简体中文');
});

test('cycles and missing modules are reported', () => {
  const s = new Map([['a.js', "import { b } from './b.js';\nexport const a = 1;"], ['b.js', "import { a } from './a.js';\nexport const b = 1;"]]);
  assert.throws(() => bundle('a.js', s), /cycle/);
  assert.throws(() => bundle('c.js', s), /missing/);
});

test('script and JSON escaping for inline use', () => {
  assert.equal(scriptSafe('x = "</script><!--"'), 'x = "<\\/script><\\!--"');
  const j = jsonForScript({ s: '</script>\u2028' });
  assert.ok(!j.includes('</'));
  assert.deepEqual(JSON.parse(j), { s: '</script>\u2028' });
});

test('default exports and imports (the i18n catalogs)', () => {
  const sources = new Map([
    ['js/a.js', "import words from './b.js';\nexport const hello = words.en.hi;"],
    ['js/b.js', "export default {\n  en: { hi: 'hi' },\n};"],
  ]);
  const run = new Function(`${bundle('js/a.js', sources)}\nreturn __modules;`);
  const modules = run();
  assert.equal(modules['js/a.js'].hello, 'hi');
  assert.deepEqual(modules['js/b.js'].default, { en: { hi: 'hi' } });
});
