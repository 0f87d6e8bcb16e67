import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexGraph, collapseGroups } from '../js/model/graph-model.js';
import { foldConstants, focusOnPaths, nodeTitles, statementTitle, symbolTable } from '../js/model/view-graph.js';

const SYMBOLS = symbolTable(fixture('ops.json'));
import { fixture } from './helpers.js';

const viewOf = (json) => collapseGroups(indexGraph(json), []);

test('constants fold into their consumers: the diamond keeps 5 nodes, and b + 1 says so', () => {
  const v = foldConstants(viewOf(fixture('diamond.graph.json')));
  assert.equal(v.nodes.length, 5);
  assert.ok(v.nodes.every((n) => n.kind !== 'const'));
  const titles = nodeTitles(v, v.folded, SYMBOLS);
  const texts = [...titles.values()];
  assert.ok(texts.includes('a + b'), texts.join(' | '));
  assert.ok(texts.includes('b + 1'), texts.join(' | '));
  assert.ok(texts.includes('e = (a + b) × (b + 1)'), texts.join(' | '));
  // The constant's node maps to its consumer, its edge to none.
  const c = fixture('diamond.graph.json').nodes.find((n) => n.kind === 'const');
  assert.notEqual(v.rep.get(c.id), c.id);
});

test('titles: a squared difference and a function of an operation', () => {
  const json = {
    nodes: [
      { id: 'n0', op: 'leaf', label: 'y', name: 'y', kind: 'input', value: 1 },
      { id: 'n1', op: 'leaf', label: 'Y', name: 'Y', kind: 'input', value: 1 },
      { id: 'n2', op: 'sub', label: '−', name: null, kind: 'op', value: 0 },
      { id: 'n3', op: 'const', label: '2', name: null, kind: 'const', value: 2 },
      { id: 'n4', op: 'pow', label: '^', name: 'C', kind: 'op', value: 0 },
      { id: 'n5', op: 'sigmoid', label: 'σ', name: 's', kind: 'op', value: 0.5 },
    ],
    edges: [
      { id: 'e0', source: 'n0', target: 'n2', arg: 0 }, { id: 'e1', source: 'n1', target: 'n2', arg: 1 },
      { id: 'e2', source: 'n2', target: 'n4', arg: 0 }, { id: 'e3', source: 'n3', target: 'n4', arg: 1 },
      { id: 'e4', source: 'n2', target: 'n5', arg: 0 },
    ],
    output: 'n4',
  };
  const v = foldConstants(viewOf(json));
  const t = nodeTitles(v, v.folded, SYMBOLS);
  assert.equal(t.get('n4'), 'C = (y − Y)²');
  assert.equal(t.get('n5'), 's = σ(y − Y)');
});

test('focus keeps exactly the nodes on a path from the input to the output', () => {
  const v = viewOf(fixture('diamond.graph.json'));
  const a = v.nodes.find((n) => n.name === 'a');
  const f = focusOnPaths(v, a.id, v.output);
  // a -> a+b -> e: the b side and the constant are off a's paths.
  assert.equal(f.nodes.length, 3);
  assert.equal(f.hidden, v.nodes.length - 3);
  for (const e of f.edges) assert.ok(f.nodes.some((n) => n.id === e.source) && f.nodes.some((n) => n.id === e.target));
});

test('a values-view statement reads like the program, shortened when long', () => {
  assert.equal(statementTitle({ name: 'h1', op: 'sigmoid', expr: 'sigmoid(w1*x)' }), 'h1 = σ(w1·x)');
  assert.equal(statementTitle({ name: 'C', op: 'pow', expr: '(y - Y)^2' }), 'C = (y − Y)²');
  const long = statementTitle({ name: 'C', op: 'add', expr: '(f00 - 0)^2 + (f01 - 1)^2 + (f10 - 1)^2 + (f11 - 0)^2' });
  assert.ok(long.endsWith('…') && long.length <= 35, long);
  assert.equal(statementTitle({ name: 'w', op: 'leaf', expr: '0.5' }), 'w');
});

test('the two edges of x*x say which argument each is', async () => {
  const { markParallelEdges } = await import('../js/model/view-graph.js');
  const { edgeText } = await import('../js/model/graph-model.js');
  const view = {
    nodes: [{ id: 'n0' }, { id: 'n1' }],
    edges: [{ id: 'e1', source: 'n0', target: 'n1', arg: 1, local: 3 }, { id: 'e0', source: 'n0', target: 'n1', arg: 0, local: 3 }],
  };
  const texts = Object.fromEntries(markParallelEdges(view).edges.map((e) => [e.id, edgeText(e)]));
  assert.deepEqual(texts, { e0: 'arg 1: 3', e1: 'arg 2: 3' });
});

test('a view renumbered for new numbers is the view derived from them', async () => {
  const { renumberView } = await import('../js/model/view-graph.js');
  const { deriveView } = await import('../js/model/graph-model.js');
  // New numbers, the same structure: every value, gradient and local derivative changed.
  const renumber = (json) => ({
    ...json,
    nodes: json.nodes.map((n) => ({ ...n, value: typeof n.value === 'number' ? n.value * 3 + 1 : n.value, grad: typeof n.grad === 'number' ? -n.grad : n.grad })),
    edges: json.edges.map((e) => ({ ...e, local: typeof e.local === 'number' ? e.local / 2 : e.local })),
  });
  const square = {
    nodes: [{ id: 'n0', op: 'leaf', kind: 'input', name: 'x', value: 2 }, { id: 'n1', op: 'const', kind: 'const', value: 1, label: '1' },
      { id: 'n2', op: 'mul', kind: 'op', value: 4 }, { id: 'n3', op: 'add', kind: 'op', value: 5, name: 'y' }],
    edges: [{ id: 'e0', source: 'n0', target: 'n2', arg: 0, local: 2 }, { id: 'e1', source: 'n0', target: 'n2', arg: 1, local: 2 },
      { id: 'e2', source: 'n2', target: 'n3', arg: 0, local: 1 }, { id: 'e3', source: 'n1', target: 'n3', arg: 1, local: 1 }],
    output: 'n3',
  };
  const cases = [
    [square, { collapsed: [], constants: false, focusId: null }], // x*x's twin edges, a folded constant
    [square, { collapsed: [], constants: true, focusId: null }],
    [fixture('diamond.graph.json'), { collapsed: [], constants: false, focusId: 'n1' }], // focus
    [fixture('neuron-expanded.graph.json'), { collapsed: [], constants: false, focusId: null }],
  ];
  for (const [json, options] of cases) {
    const before = indexGraph(json);
    const after = indexGraph(renumber(json));
    const drawn = deriveView(before, options).view;
    const renumbered = renumberView(drawn, before, after);
    assert.ok(renumbered, JSON.stringify(options));
    assert.deepEqual(renumbered, deriveView(after, options).view);
    assert.ok(renumbered.nodes.every((n) => after.byId.get(n.id) === n), 'the new graph\'s own nodes');
  }
  // A collapsed composite is a node of the view's own: derived again.
  const neuron = fixture('neuron-expanded.graph.json');
  const before = indexGraph(neuron);
  const collapsed = deriveView(before, { collapsed: ['g0'], constants: false, focusId: null }).view;
  assert.equal(renumberView(collapsed, before, indexGraph(renumber(neuron))), null);
});
