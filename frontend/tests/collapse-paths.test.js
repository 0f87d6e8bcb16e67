import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { indexGraph, collapseGroups } from '../js/model/graph-model.js';
import { applySymbol } from '../js/model/view-graph.js';
import { collapsePaths } from '../js/model/paths.js';

// POST /api/paths for `x = 0.5; y = tanh(x)` with expand: tanh's box has two inner paths from x.
const pj = JSON.parse(readFileSync(new URL('./fixtures/tanh-expanded.paths.json', import.meta.url), 'utf8'));

test('a collapsed composite lists one path, whose product is the sum of the inner ones', () => {
  const g = indexGraph(pj.graph);
  assert.equal(pj.paths.length, 2);
  const view = collapseGroups(g, ['g0']);
  const shown = collapsePaths(pj, view);
  assert.equal(shown.paths.length, 1);
  assert.equal(shown.count, '1');
  assert.deepEqual(shown.paths[0].nodes, ['n0', 'g0']);
  const inner = pj.paths.reduce((s, p) => s + p.product, 0);
  assert.ok(Math.abs(shown.paths[0].product - inner) < 1e-12, `${shown.paths[0].product} vs ${inner}`);
  assert.ok(Math.abs(shown.paths[0].product - (1 - Math.tanh(0.5) ** 2)) < 1e-12);
  assert.ok(Math.abs(shown.listed_sum - pj.gradient) < 1e-12);
});

test('nothing collapsed, or a truncated list: the paths stay as the server sent them', () => {
  const g = indexGraph(pj.graph);
  assert.equal(collapsePaths(pj, collapseGroups(g, [])), pj);
  const truncated = { ...pj, truncated: true };
  assert.equal(collapsePaths(truncated, collapseGroups(g, ['g0'])), truncated);
});

test('symbols written with an x are templates for their argument', () => {
  assert.equal(applySymbol('1/x', ['1 + exp(−x)']), '1/(1 + exp(−x))');
  assert.equal(applySymbol('1/x', ['…']), '1/(…)');
  assert.equal(applySymbol('x²', ['a']), 'a²');
  assert.equal(applySymbol('x²', ['a + b']), '(a + b)²');
  assert.equal(applySymbol('|x|', ['a − b']), '|a − b|');
  assert.equal(applySymbol('exp', ['x']), 'exp(x)');
  assert.equal(applySymbol('σ', ['w × x']), 'σ(w × x)');
});
