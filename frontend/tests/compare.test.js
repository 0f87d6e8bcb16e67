import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainGrads, compareTable, magnitudeText, ratioText, presetGraphRequest, COMPARE_COLUMNS } from '../js/model/compare.js';

test('presetGraphRequest asks for C; every column is a preset of the server', () => {
  assert.deepEqual(presetGraphRequest('sigmoid-chain', 4), { preset: 'sigmoid-chain', seed: 4, output: 'C' });
  assert.deepEqual(COMPARE_COLUMNS.map((c) => c.key), ['sigmoid', 'tanh', 'relu', 'leaky_relu']);
  assert.deepEqual(COMPARE_COLUMNS.map((c) => c.preset), ['sigmoid-chain', 'tanh-chain', 'relu-chain', 'leaky-relu-chain']);
});

const graph = (grads) => ({
  nodes: [
    { id: 'n0', op: 'leaf', name: 'x', kind: 'input', grad: 1 },
    ...grads.map((g, i) => ({ id: `n${i + 1}`, op: 'leaf', name: `w${i + 1}`, kind: 'param', grad: g })),
  ],
});

test('chainGrads reads |dC/dw_i| in order; missing or non-finite gradients are null', () => {
  const g = chainGrads(graph([-0.5, 0, 2e-9]), 4);
  assert.deepEqual(g.map((x) => x.abs), [0.5, 0, 2e-9, null]);
  assert.equal(g[0].grad, -0.5);
  assert.deepEqual(chainGrads(graph([null]), 1)[0], { name: 'w1', grad: null, abs: null });
  assert.equal(chainGrads(null, 2).length, 2);
});

test('magnitudeText shows exact zeros as "0"', () => {
  assert.equal(magnitudeText(0), '0');
  assert.equal(magnitudeText(3.6228837816390287e-9), '3.62e-9');
  assert.equal(magnitudeText(0.4778), '0.478');
  assert.equal(magnitudeText(null), '—');
});

test('compareTable: rows per weight, zero flags, counts and first/last ratios', () => {
  const cols = [
    { key: 'sigmoid', label: 'sigmoid', grads: chainGrads(graph([1e-9, 1e-5, 0.5]), 3) },
    { key: 'relu', label: 'ReLU', grads: chainGrads(graph([0, 0, 0.2]), 3) },
    { key: 'leaky_relu', label: 'leaky ReLU', grads: null, error: 'bad' },
  ];
  const t = compareTable(cols, 3);
  assert.deepEqual(t.head, ['weight', 'sigmoid', 'ReLU', 'leaky ReLU']);
  assert.equal(t.rows.length, 3);
  assert.equal(t.rows[0].name, 'w1');
  assert.deepEqual(t.rows[0].cells.map((c) => c.text), ['1e-9', '0', '—']);
  assert.deepEqual(t.rows[0].cells.map((c) => c.zero), [false, true, false]);
  assert.deepEqual(t.zeros, { sigmoid: 0, relu: 2, leaky_relu: 0 });
  assert.equal(t.ratios.sigmoid, 2e-9);
  assert.equal(t.ratios.relu, 0);
  assert.equal(t.ratios.leaky_relu, null);
});

test('ratioText says how many decades', () => {
  assert.equal(ratioText(2e-9), '2e-9 (9 decades smaller)');
  assert.equal(ratioText(0.5), '0.5');
  assert.equal(ratioText(0), '0');
  assert.equal(ratioText(null), '—');
});
