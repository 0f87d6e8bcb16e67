import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeState, decodeState, hasProgram, graphRequest, pathsRequest, DEFAULT_STATE, cleanValues, mentionsName } from '../js/model/state.js';

test('round trip of the whole state', () => {
  const s = {
    source: 'a = 2; b = 1\ne = (a+b)*(b+1)  # ünïcode & ?#=',
    values: { a: 2.5, v: [1, 2, 3] },
    input: 'b',
    output: 'e',
    expand: true,
    collapsed: ['g0', 'g3'],
    limit: 50,
    view: 'values',
    constants: true,
    focus: true,
    lang: 'zh',
  };
  const h = encodeState(s);
  assert.ok(h.startsWith('#'));
  assert.ok(!h.includes(' '));
  assert.deepEqual(decodeState(h), s);
  assert.ok(hasProgram(h));
});

test('defaults are left out and restored', () => {
  const h = encodeState({ source: 'x = 1' });
  assert.equal(h, '#src=x%20%3D%201');
  assert.deepEqual(decodeState(h), { ...DEFAULT_STATE, source: 'x = 1', values: {}, collapsed: [] });
});

test('garbage falls back to defaults field by field', () => {
  const s = decodeState('#src=y%3D1&val=%7Bnot-json&in=&limit=-4&collapsed=g0,<script>&expand=maybe');
  assert.equal(s.source, 'y=1');
  assert.deepEqual(s.values, {});
  assert.equal(s.input, null);
  assert.equal(s.limit, 20);
  assert.deepEqual(s.collapsed, ['g0']);
  assert.equal(s.expand, false);
  assert.deepEqual(decodeState(''), { ...DEFAULT_STATE, values: {}, collapsed: [] });
  assert.equal(hasProgram('#'), false);
  assert.equal(decodeState('#limit=99999').limit, 1000);
});

test('values keep only finite numbers and numeric lists', () => {
  assert.deepEqual(cleanValues({ a: 1, b: 'x', c: [1, [2, 3]], d: [], e: null, f: [1, 'x'] }), { a: 1, c: [1, [2, 3]] });
  assert.deepEqual(cleanValues([1, 2]), {});
});

test('request bodies', () => {
  const s = { source: 'a=1', values: { a: 3 }, input: 'a', output: 'y', expand: false, limit: 20 };
  assert.deepEqual(graphRequest(s), { source: 'a=1', values: { a: 3 }, output: 'y', options: { expand: false } });
  assert.deepEqual(pathsRequest(s), { source: 'a=1', values: { a: 3 }, output: 'y', input: 'a', limit: 20 });
  assert.deepEqual(pathsRequest({ ...s, expand: true }).options, { expand: true });
  assert.deepEqual(graphRequest({ source: '' }), { source: '', options: { expand: false } });
});

test('the view options: defaults are left out of the hash, unknown views fall back to auto', () => {
  assert.equal(encodeState({ source: 'x = 1' }), '#src=x%20%3D%201');
  assert.equal(decodeState('#src=x&view=values').view, 'values');
  assert.equal(decodeState('#src=x&view=bogus').view, 'auto');
  assert.equal(graphRequest({ source: 'x', view: 'values' }).view, 'values');
  assert.equal(graphRequest({ source: 'x', view: 'operations' }).view, undefined);
  assert.equal(pathsRequest({ source: 'x', input: 'x', view: 'values' }).view, 'values');
});

test('the language travels in the link; an unknown one is dropped', () => {
  assert.ok(encodeState({ source: 'x = 1', lang: 'zh' }).endsWith('&lang=zh'));
  assert.equal(decodeState('#src=x&lang=zh').lang, 'zh');
  assert.equal(decodeState('#src=x&lang=fr').lang, null);
  assert.ok(!encodeState({ source: 'x = 1', lang: 'fr' }).includes('lang'));
});

test('the page state (preset, seed, tab) travels after the app state and ignores what is malformed', async () => {
  const { encodePageState, decodePageState, encodeState, decodeState } = await import('../js/model/state.js');
  const app = encodeState({ source: 'w = 1\nC = w^2', input: 'w' });
  const hash = app + encodePageState({ preset: 'xor', seed: 7, tab: 'train' });
  assert.match(hash, /&preset=xor&seed=7&tab=train$/);
  assert.deepEqual(decodePageState(hash), { preset: 'xor', seed: 7, tab: 'train' });
  assert.equal(decodeState(hash).source, 'w = 1\nC = w^2');
  assert.equal(encodePageState({}), '');
  assert.equal(encodePageState({ preset: 'neuron', seed: null, tab: 'paths' }), '&preset=neuron');
  assert.deepEqual(decodePageState('#src=x&preset=../etc&seed=-1&tab=admin'), { preset: null, seed: null, tab: 'paths' });
  assert.deepEqual(decodePageState('#preset=xor&seed=3.5'), { preset: 'xor', seed: null, tab: 'paths' });
  assert.deepEqual(decodePageState('#preset=xor&seed=99999999999'), { preset: 'xor', seed: null, tab: 'paths' });
});

test('readLimit refuses 0, negatives, fractions and more than the server lists', async () => {
  const { readLimit } = await import('../js/model/state.js');
  assert.deepEqual(readLimit('20'), { ok: true, value: 20 });
  assert.deepEqual(readLimit(' 1,000 '), { ok: true, value: 1000 });
  for (const bad of ['0', '-5', '5000', '2.5', '', 'abc', '1e3']) assert.equal(readLimit(bad).ok, false, bad);
  assert.match(readLimit('5000').message, /from 1 to 1,000 .*not 5,000/);
});

test('arrayValueError says what is wrong with a typed array, ragged rows included', async () => {
  const { arrayValueError } = await import('../js/model/state.js');
  assert.equal(arrayValueError([[1, 2], [3, 4]]), null);
  assert.equal(arrayValueError([1, 2, 3]), null);
  assert.match(arrayValueError([[1, 2], [3]]), /ragged: row 2 has 1 entry, row 1 has 2 entries/);
  assert.match(arrayValueError([[1, 2], 3]), /ragged: row 2 has a number/);
  assert.match(arrayValueError([1, 'a']), /entry 2 is not a finite number/);
  assert.match(arrayValueError([]), /at least one entry/);
  assert.match(arrayValueError({ a: 1 }), /an array of numbers/);
});

test('mentionsName: a whole-word name of the program, not a part of another name', () => {
  const src = 'a = 2\nb = 1\nbb = a*b\n# w is a comment word\ne = (a+b)*(b+1)';
  assert.equal(mentionsName(src, 'b'), true);
  assert.equal(mentionsName(src, 'bb'), true);
  assert.equal(mentionsName('bb = 1\ny = bb*2', 'b'), false);
  assert.equal(mentionsName('x1 = 1\ny = x1', 'x'), false);
  assert.equal(mentionsName('x = 1; y = _x + x', 'x'), true);
  assert.equal(mentionsName(src, 'w'), true); // a comment mentions it: the server decides then
  assert.equal(mentionsName(src, ''), false);
  assert.equal(mentionsName('a.b = 1', 'a.b'), true); // no regex meaning in a name
  assert.equal(mentionsName('axb = 1', 'a.b'), false);
});
