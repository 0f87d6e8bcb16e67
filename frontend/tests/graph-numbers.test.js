import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNumbersOnly, withNumbers } from '../js/model/graph-numbers.js';
import { fixture } from './helpers.js';

const NODE_COLUMNS = ['value', 'value_kind', 'grad', 'grad_kind', 'tangent', 'tangent_kind', 'nonfinite', 'reason', 'grad_nonfinite'];
const EDGE_COLUMNS = ['local', 'local_kind', 'local_reason'];

/** A numbers-only answer of a full graph, as the contract describes it (columns of the full answer's fields). */
function numbersOf(g, structure) {
  const cols = (list, keys) => Object.fromEntries(keys.map((k) => [k, list.map((x) => x[k] ?? null)]));
  return { view: g.view, numbers_only: true, structure, output: g.output, nodes: cols(g.nodes, NODE_COLUMNS), edges: cols(g.edges, EDGE_COLUMNS) };
}

test("the server's numbers of b = 3 put into the graph of b = 1 make the server's graph of b = 3", () => {
  const held = fixture('diamond.graph.json');
  const b3 = fixture('diamond-b3.graph.json');
  const answer = fixture('diamond-b3.numbers.graph.json');
  assert.notDeepEqual(held.nodes.map((n) => n.value), b3.nodes.map((n) => n.value));
  assert.ok(isNumbersOnly(answer));
  assert.ok(!isNumbersOnly(held));
  assert.deepEqual(withNumbers(held, answer), b3);
  // The held graph itself is not changed.
  assert.deepEqual(held, fixture('diamond.graph.json'));
});

test('the numbers of a values-view paths answer fit the values graph of the same structure', () => {
  const paths = fixture('diamond-b3.numbers.values-paths-b.json');
  const full = { ...paths.graph, numbers_only: false, nodes: [], edges: [] };
  // Built from its own columns: every column lands on its node and edge.
  const n = paths.graph.nodes.value.length;
  full.nodes = Array.from({ length: n }, (_, i) => ({ id: `v${i}` }));
  full.edges = Array.from({ length: paths.graph.edges.local.length }, (_, i) => ({ id: `u${i}` }));
  const whole = withNumbers(full, paths.graph);
  assert.deepEqual(whole.nodes.map((x) => x.pre), paths.graph.nodes.pre);
  assert.deepEqual(whole.edges.map((x) => x.local), paths.graph.edges.local);
  assert.equal(whole.numbers_only, false);
});

test('numbers of another structure, another view or other lengths do not fit', () => {
  const held = { ...fixture('diamond.graph.json'), structure: 's1' };
  const answer = numbersOf(held, 's1');
  assert.equal(withNumbers(held, { ...answer, structure: 's2' }), null);
  assert.equal(withNumbers(held, { ...answer, view: 'values' }), null);
  assert.equal(withNumbers(held, { ...answer, nodes: { ...answer.nodes, grad: answer.nodes.grad.slice(1) } }), null);
  assert.equal(withNumbers(null, answer), null);
  assert.ok(!isNumbersOnly(held));
});
