import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  indexGraph, gradLeaves, findNode, structureKey, collapseGroups, nodeText, edgeText, edgeFlow, namedNodes,
} from '../js/model/graph-model.js';
import { fixture } from './helpers.js';

test('indexGraph builds adjacency in argument order and a topological order', () => {
  const g = indexGraph(fixture('diamond.graph.json'));
  assert.deepEqual(g.order, ['n0', 'n1', 'n2', 'n3', 'n4', 'n5']);
  assert.deepEqual(g.inEdges.get('n5').map((e) => e.id), ['e4', 'e5']);
  assert.deepEqual(g.outEdges.get('n1').map((e) => e.id), ['e1', 'e2']);
  assert.equal(g.output, 'n5');
});

test('topological order is recomputed when ids are shuffled', () => {
  const raw = fixture('diamond.graph.json');
  raw.nodes.reverse();
  const g = indexGraph(raw);
  const pos = new Map(g.order.map((id, i) => [id, i]));
  for (const e of raw.edges) assert.ok(pos.get(e.source) < pos.get(e.target));
});

test('x*x keeps both edges', () => {
  const raw = {
    nodes: [
      { id: 'n0', op: 'leaf', name: 'x', kind: 'input', value: 3, grad: 6 },
      { id: 'n1', op: 'mul', name: 'y', kind: 'op', value: 9, grad: 1 },
    ],
    edges: [
      { id: 'e0', source: 'n0', target: 'n1', arg: 0, local: 3 },
      { id: 'e1', source: 'n0', target: 'n1', arg: 1, local: 3 },
    ],
    output: 'n1',
  };
  const g = indexGraph(raw);
  assert.equal(g.inEdges.get('n1').length, 2);
});

test('leaves, names and lookup', () => {
  const g = indexGraph(fixture('diamond.graph.json'));
  assert.deepEqual(gradLeaves(g).map((n) => n.name), ['a', 'b']);
  assert.deepEqual(namedNodes(g).map((n) => n.name), ['a', 'b', 'e']);
  assert.equal(findNode(g, 'b').id, 'n1');
  assert.equal(findNode(g, 'n5').name, 'e');
  assert.equal(findNode(g, 'zzz'), null);
});

test('structureKey ignores values, not structure', () => {
  const a = fixture('diamond.graph.json');
  const b = fixture('diamond-b3.graph.json');
  assert.equal(structureKey(a), structureKey(b));
  b.edges.pop();
  assert.notEqual(structureKey(a), structureKey(b));
});

test('node and edge text', () => {
  const g = indexGraph(fixture('diamond.graph.json'));
  assert.deepEqual(nodeText(g.byId.get('n1')), { title: 'b', value: '1', grad: '5' });
  // Without the view's title (view-graph.js) a named operation says its op; with it, its expression.
  assert.deepEqual(nodeText(g.byId.get('n5')), { title: 'e = ×', value: '6', grad: '1' });
  assert.equal(nodeText(g.byId.get('n5'), 'e = (a + b) × (b + 1)').title, 'e = (a + b) × (b + 1)');
  assert.equal(nodeText(g.byId.get('n3')).grad, '');
  assert.equal(edgeText(g.edgeById.get('e5')), '3');
  assert.equal(edgeFlow(g, g.edgeById.get('e5')), 3);
  assert.equal(nodeText({ id: 'n9', op: 'log', kind: 'op', value: null, grad: null, nonfinite: true, reason: 'log(0)' }).value, 'NaN');
});

test('collapsing a sigmoid group gives one node and its composite derivative', () => {
  const g = indexGraph(fixture('neuron-expanded.graph.json'));
  const v = collapseGroups(g, ['g0']);
  assert.equal(v.nodes.length, 6);
  const gn = v.nodes.find((n) => n.id === 'g0');
  assert.equal(gn.value, 0.5);
  assert.equal(nodeText(gn).title, 'y = sigmoid');
  assert.equal(gn.grad, 1);
  assert.equal(v.output, 'g0');
  const into = v.edges.filter((e) => e.target === 'g0');
  assert.equal(into.length, 1);
  assert.equal(into[0].source, 'n4');
  assert.equal(into[0].local, 0.25); // sigma'(0)
  assert.equal(v.rep.get('n7'), 'g0');
  assert.equal(v.edgeRep.get('e5'), null);
  assert.equal(v.edgeRep.get('e4'), into[0].id);
  assert.equal(v.groups.length, 0);
  // Nothing collapsed: the same graph.
  const same = collapseGroups(g, []);
  assert.equal(same.nodes.length, g.nodes.length);
  assert.equal(same.groups.length, 1);
});

test('expression labels tell the two + nodes apart', async () => {
  const { exprLabels, infixOps } = await import('../js/model/graph-model.js');
  const { symbolTable } = await import('../js/model/view-graph.js');
  const symbols = symbolTable(fixture('ops.json'));
  const infix = infixOps(fixture('ops.json'));
  assert.deepEqual([...infix].sort(), ['add', 'div', 'matmul', 'mul', 'pow', 'sub']);
  const d = exprLabels(indexGraph(fixture('diamond.graph.json')), 16, symbols, infix);
  assert.equal(d.get('n2'), 'a + b');
  assert.equal(d.get('n4'), 'b + 1');
  assert.equal(d.get('n5'), 'e');
  const n = exprLabels(indexGraph(fixture('neuron-expanded.graph.json')), 16, symbols, infix);
  assert.equal(n.get('n3'), 'w × x');
  assert.equal(n.get('n5'), '−z');
  assert.equal(n.get('n6'), 'exp(−z)');
  assert.equal(n.get('n8'), '1 + exp(−z)');
  const long = exprLabels(indexGraph(fixture('neuron-expanded.graph.json')), 8, symbols, infix);
  assert.equal(long.get('n8'), '1 + …');
  assert.equal(long.get('n6'), 'exp(−z)');
});

test('a non-finite node shows its kind and its reason', () => {
  const log0 = { id: 'n9', op: 'log', label: 'ln', name: 'y', kind: 'op', value: null, value_kind: '-inf', grad: 1, grad_kind: null, nonfinite: true, reason: 'log(0) is infinite: log needs x > 0' };
  assert.deepEqual(nodeText(log0), { title: 'y = ln', value: '−∞', grad: '1', note: 'log(0) is infinite: log needs x > 0' });
  const x = { id: 'n0', op: 'leaf', label: 'x', name: 'x', kind: 'input', value: 0, value_kind: null, grad: null, grad_kind: 'inf', nonfinite: false, grad_nonfinite: true, reason: null };
  assert.deepEqual(nodeText(x), { title: 'x', value: '0', grad: '∞' });
  const nan = { id: 'n3', op: 'sqrt', label: '√', kind: 'op', value: null, value_kind: 'nan', grad: null, grad_kind: 'nan', nonfinite: true, reason: 'sqrt(-1)' };
  assert.equal(nodeText(nan).value, 'NaN');
  assert.equal(nodeText(nan).grad, 'NaN');
  const array = { id: 'n4', op: 'log', label: 'ln', kind: 'op', value: [null, 0, null], value_kind: ['-inf', null, 'nan'], grad: [1, 1, 1], grad_kind: null, nonfinite: true, reason: 'log' };
  assert.equal(nodeText(array).value, '[−∞, 0, NaN]');
});

test('an edge from a constant needs no derivative; an infinite one says so', () => {
  assert.equal(edgeText({ local: null, local_needed: false, local_reason: 'no gradient flows to a constant' }), '');
  assert.equal(edgeText({ local: null, local_kind: '-inf', local_reason: 'not finite' }), '−∞');
  const t = nodeText({ id: 'n1', op: 'log', kind: 'op', value: null, value_kind: '-inf', grad: 1, nonfinite: true, reason: 'log(0) is −∞' });
  assert.equal(t.value, '−∞');
  assert.equal(t.note, 'log(0) is −∞');
});

test('a big array is drawn at a glance: its shape and first entries, its gradient by its largest entry', () => {
  const n = { id: 'n1', op: 'leaf', label: 'X', name: 'X', kind: 'input', value: [[0.1171, 0.4423], [0.0102, 0.3], [1, 2], [3, 4]], grad: [[-0.0471, 0.132], [0, 0], [0, 0], [0, 0]] };
  const t = nodeText(n);
  assert.equal(t.value, '4×2: 0.117, 0.442, …');
  assert.equal(t.grad, 'max |·| 0.132');
});
