import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  groupThousands, pathCountText, formatNumber, formatValue, magnitude, logScale, toBigInt, escapeXml, shapeOf, kindText, textWidth,
} from '../js/model/format.js';

test('groupThousands formats decimal strings exactly, beyond 2^53', () => {
  assert.equal(groupThousands('0'), '0');
  assert.equal(groupThousands('999'), '999');
  assert.equal(groupThousands('1000'), '1,000');
  assert.equal(groupThousands('1073741824'), '1,073,741,824');
  assert.equal(groupThousands('1267650600228229401496703205376'), '1,267,650,600,228,229,401,496,703,205,376');
  assert.equal(groupThousands(2n ** 64n), '18,446,744,073,709,551,616');
  assert.equal(groupThousands('-1234567'), '-1,234,567');
  assert.equal(groupThousands('abc'), 'abc');
});

test('pathCountText says how many are shown', () => {
  assert.equal(pathCountText('1'), '1 path');
  assert.equal(pathCountText('2', 2), '2 paths');
  assert.equal(pathCountText('1073741824', 20), '1,073,741,824 paths; showing the top 20');
  assert.equal(pathCountText('0', 0), '0 paths');
});

test('toBigInt parses decimal strings', () => {
  assert.equal(toBigInt('9007199254740993'), 9007199254740993n);
  assert.equal(toBigInt(5), 5n);
  assert.equal(toBigInt('x'), 0n);
});

test('formatNumber is compact and handles non-finite values', () => {
  assert.equal(formatNumber(5), '5');
  assert.equal(formatNumber(0.25), '0.25');
  assert.equal(formatNumber(-0.25), '−0.25');
  assert.equal(formatNumber(1 / 3), '0.3333');
  assert.equal(formatNumber(5.000000001), '5');
  assert.equal(formatNumber(1234567), '1.235e6');
  assert.equal(formatNumber(1e-7), '1e-7');
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(-0), '0');
  assert.equal(formatNumber(null), 'NaN');
  assert.equal(formatNumber(Infinity), '∞');
  assert.equal(formatNumber(123.456, 6), '123.456');
});

test('formatValue summarises arrays', () => {
  assert.equal(formatValue([1, 2, 3]), '[1, 2, 3]');
  assert.equal(formatValue([1, 2, 3, 4]), '[1, 2, 3, …]');
  assert.equal(formatValue([[1, 2], [3, 4]]), '[2×2: 1, 2, 3, …]');
  assert.deepEqual(shapeOf([[1, 2, 3], [4, 5, 6]]), [2, 3]);
});

test('magnitude and logScale', () => {
  assert.equal(magnitude(-3), 3);
  assert.equal(magnitude([[1, -7], [2, null]]), 7);
  assert.equal(magnitude(null), null);
  const s = logScale([0.001, 1, 1000, 0, null]);
  assert.equal(s(0.001), 0);
  assert.equal(s(1), 0.5);
  assert.equal(s(1000), 1);
  assert.equal(s(0), null);
  assert.equal(s(null), null);
  assert.ok(Math.abs(s.min - 0.001) < 1e-12);
  const one = logScale([2, 2]);
  assert.equal(one(2), 1);
});

test('escapeXml escapes markup', () => {
  assert.equal(escapeXml('<a href="x">&\'</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
});

test('a null number is drawn by its kind: ∞, −∞ or NaN', () => {
  assert.equal(formatNumber(null, 4, 'NaN', 'inf'), '∞');
  assert.equal(formatNumber(null, 4, 'NaN', '-inf'), '−∞');
  assert.equal(formatNumber(null, 4, 'NaN', 'nan'), 'NaN');
  assert.equal(formatNumber(null, 4, '—'), '—'); // no kind: the placeholder, as before
  assert.equal(formatNumber(null, 4, '—', 'bogus'), '—');
  assert.equal(formatNumber(2, 4, 'NaN', null), '2');
  assert.equal(kindText('-inf'), '−∞');
  assert.equal(kindText(null), null);
  assert.equal(formatValue(null, 4, '-inf'), '−∞');
  assert.equal(formatValue([null, 0, null], 4, ['-inf', null, 'nan']), '[−∞, 0, NaN]');
  assert.equal(formatValue([[null, 1], [2, null]], 4, [['inf', null], [null, '-inf']]), '[2×2: ∞, 1, 2, …]');
  assert.equal(formatValue([1, 2], 4, null), '[1, 2]');
});

test('textWidth: narrow, wide, capital, CJK and symbol characters have their widths', () => {
  // The classes of characters, each given by its definition (ems of the font size).
  const ems = (ch) => {
    if (/[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]/.test(ch)) return 1;
    if (/[\u2000-\u2bff]/.test(ch)) return 0.75;
    if (/[ilj.,:;|!'1()[\]]/.test(ch)) return 0.36;
    if (/[mwMW@]/.test(ch)) return 0.9;
    if (/[A-Z]/.test(ch)) return 0.68;
    return 0.58;
  };
  for (let code = 0; code < 0x10000; code += code < 0x3000 ? 1 : 7) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const ch = String.fromCharCode(code);
    assert.ok(Math.abs(textWidth(ch, 10) - ems(ch) * 10) < 1e-9, `U+${code.toString(16)}`);
  }
  assert.ok(Math.abs(textWidth('σ(w·x) = 0.5 梯度', 13) - [...'σ(w·x) = 0.5 梯度'].reduce((w, ch) => w + ems(ch) * 13, 0)) < 1e-9);
  // A character outside the Basic Multilingual Plane is one character, not two.
  assert.ok(Math.abs(textWidth('𝑥', 10) - 5.8) < 1e-9);
  assert.equal(textWidth(42), textWidth('42'));
});
