import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutGraph } from '../js/model/layout.js';
import { randomLayeredDag } from './helpers.js';
import { fixture, ladderGraph } from './helpers.js';

const overlaps = (a, b) =>
  Math.abs(a.x - b.x) < (a.width + b.width) / 2 - 1e-6 && Math.abs(a.y - b.y) < (a.height + b.height) / 2 - 1e-6;

test('diamond: inputs left, output right, edges go left to right', () => {
  const g = fixture('diamond.graph.json');
  const L = layoutGraph(g.nodes, g.edges, { output: g.output });
  const pos = (id) => L.nodes.get(id);
  assert.equal(pos('n0').layer, 0);
  assert.equal(pos('n1').layer, 0);
  assert.equal(pos('n5').layer, L.layers - 1);
  // the constant 1 is pulled next to its consumer, not left at layer 0
  assert.equal(pos('n3').layer, pos('n4').layer - 1);
  for (const e of g.edges) assert.ok(pos(e.source).x < pos(e.target).x);
  for (const pts of L.edges.values()) assert.ok(pts.length >= 2);
  assert.equal(L.crossings, 0);
});

test('no two nodes overlap, and every layer keeps its order', () => {
  const { nodes, edges } = randomLayeredDag(400, { layers: 20, seed: 7 });
  const L = layoutGraph(nodes, edges);
  const byLayer = new Map();
  for (const [id, p] of L.nodes) {
    if (!byLayer.has(p.layer)) byLayer.set(p.layer, []);
    byLayer.get(p.layer).push({ id, ...p });
  }
  for (const ps of byLayer.values()) {
    ps.sort((a, b) => a.order - b.order);
    for (let i = 1; i < ps.length; i++) {
      assert.ok(ps[i].y > ps[i - 1].y, 'order preserved');
      assert.ok(!overlaps(ps[i], ps[i - 1]), `overlap ${ps[i].id} ${ps[i - 1].id}`);
    }
  }
  // All coordinates inside the reported box.
  for (const p of L.nodes.values()) {
    assert.ok(p.x - p.width / 2 >= 0 && p.x + p.width / 2 <= L.width + 1e-6);
    assert.ok(p.y - p.height / 2 >= 0 && p.y + p.height / 2 <= L.height + 1e-6);
  }
});

test('long edges are routed through one point per crossed layer', () => {
  const nodes = [{ id: 'a', kind: 'input' }, { id: 'b' }, { id: 'c' }, { id: 'd' }];
  const edges = [
    { id: 'e0', source: 'a', target: 'b' }, { id: 'e1', source: 'b', target: 'c' },
    { id: 'e2', source: 'c', target: 'd' }, { id: 'e3', source: 'a', target: 'd' },
  ];
  const L = layoutGraph(nodes, edges);
  assert.equal(L.edges.get('e3').length, 4); // source, 2 dummies, target
  assert.equal(L.edges.get('e0').length, 2);
});

test('a source shared along a long chain stays linear: far edges past the dummy budget are stubs', () => {
  // x -> h1 -> ... -> h400, and w feeds every step (an RNN's shared weight): O(steps^2) dummies otherwise.
  /** @type {Parameters<typeof layoutGraph>[0]} */
  const nodes = [{ id: 'x', kind: 'input' }, { id: 'w', kind: 'param' }];
  const edges = [];
  let prev = 'x';
  for (let i = 1; i <= 400; i++) {
    nodes.push({ id: `h${i}` });
    edges.push({ id: `a${i}`, source: prev, target: `h${i}` }, { id: `w${i}`, source: 'w', target: `h${i}` });
    prev = `h${i}`;
  }
  const L = layoutGraph(nodes, edges, { dummyBudget: 1000 });
  let dummies = 0;
  for (const pts of L.edges.values()) dummies += pts.length - 2;
  assert.ok(dummies <= 1000, `${dummies} dummies`);
  assert.equal(L.edges.get('w3').length, 4); // short: routed through its two dummies
  assert.equal(L.edges.get('w400').length, 2); // far: a stub into its target
  assert.ok(L.ghosts.has('w400') && !L.ghosts.has('w3'));
  const stub = L.edges.get('w400');
  const t = L.nodes.get('h400');
  assert.equal(stub[1][0], t.x - t.width / 2);
  assert.ok(stub[1][0] - stub[0][0] < 60, 'the stub stays next to its target');
  for (const e of edges) assert.ok(L.nodes.get(e.source).x < L.nodes.get(e.target).x);
});

test('barycenter sweeps remove crossings from a ladder', () => {
  const g = ladderGraph(12);
  const L = layoutGraph(g.nodes.map((n) => ({ ...n, width: 60, height: 40 })), g.edges, { output: g.output });
  assert.equal(L.crossings, 0);
});

test('parallel edges (x*x) get distinct end points', () => {
  const nodes = [{ id: 'x', kind: 'input' }, { id: 'y' }];
  const edges = [{ id: 'e0', source: 'x', target: 'y', arg: 0 }, { id: 'e1', source: 'x', target: 'y', arg: 1 }];
  const L = layoutGraph(nodes, edges);
  const a = L.edges.get('e0');
  const b = L.edges.get('e1');
  assert.notEqual(a[a.length - 1][1], b[b.length - 1][1]);
});

// Its speed is measured by frontend/bench/layout-bench.mjs and benchmarks/browser.py, not here.
test('5,000 nodes lay out, every node placed', () => {
  const { nodes, edges } = randomLayeredDag(5000, { layers: 60, seed: 3 });
  const L = layoutGraph(nodes, edges);
  assert.equal(L.nodes.size, 5000);
  for (const p of L.nodes.values()) assert.ok(Number.isFinite(p.x) && Number.isFinite(p.y));
});

test('degenerate inputs: empty graph, cycle, dangling edge', () => {
  assert.equal(layoutGraph([], []).nodes.size, 0);
  const L = layoutGraph([{ id: 'a' }, { id: 'b' }], [
    { id: 'e0', source: 'a', target: 'b' }, { id: 'e1', source: 'b', target: 'a' }, { id: 'e2', source: 'a', target: 'zz' },
  ]);
  assert.equal(L.nodes.size, 2);
  assert.ok(!L.edges.has('e2'));
});

test('wide layers and a node with many inputs: order kept, ports in argument order', () => {
  // 60 sources feed one node (a layer wider than the insertion-sort cut-off), edges listed out of order.
  /** @type {Parameters<typeof layoutGraph>[0]} */
  const nodes = [{ id: 'y', height: 40 }];
  const edges = [];
  for (let i = 0; i < 60; i++) {
    nodes.push({ id: `x${i}`, kind: 'input' });
    const arg = (i * 37) % 60;
    edges.push({ id: `e${arg}`, source: `x${i}`, target: 'y', arg });
  }
  const L = layoutGraph(nodes, edges, { output: 'y' });
  const ends = [];
  for (let arg = 0; arg < 60; arg++) ends.push(L.edges.get(`e${arg}`).at(-1)[1]);
  for (let arg = 1; arg < 60; arg++) assert.ok(ends[arg] > ends[arg - 1], `port of argument ${arg}`);
  const ys = [...L.nodes.entries()].filter(([id]) => id !== 'y').map(([, p]) => p);
  ys.sort((a, b) => a.order - b.order);
  for (let i = 1; i < ys.length; i++) assert.ok(ys[i].y > ys[i - 1].y && !overlaps(ys[i], ys[i - 1]));
  assert.equal(L.crossings, 0);
});

/** A chain x -> h1 -> ... -> hk, with a weight beside each step (the seed's deep chains). */
function weightedChain(k) {
  /** @type {Parameters<typeof layoutGraph>[0]} */
  const nodes = [{ id: 'x', kind: 'input', width: 90, height: 62 }];
  const edges = [];
  let prev = 'x';
  for (let i = 1; i <= k; i++) {
    nodes.push({ id: `w${i}`, kind: 'param', width: 90, height: 62 }, { id: `h${i}`, width: 120, height: 62 });
    edges.push({ id: `a${i}`, source: prev, target: `h${i}`, arg: 1 }, { id: `b${i}`, source: `w${i}`, target: `h${i}`, arg: 0 });
    prev = `h${i}`;
  }
  return { nodes, edges, output: prev };
}

test('a long chain wraps into bands that fill the view; nodes stay apart and inside the box', () => {
  const g = weightedChain(14);
  const view = { width: 1000, height: 700 };
  const flat = layoutGraph(g.nodes, g.edges, { output: g.output });
  const L = layoutGraph(g.nodes, g.edges, { output: g.output, view });
  assert.equal(flat.bands, 1);
  assert.ok(L.bands > 1, `${L.bands} bands`);
  const zoom = (lay) => Math.min(1.5, view.width / lay.width, view.height / lay.height);
  assert.ok(zoom(L) > 1.5 * zoom(flat), `zoom ${zoom(L)} vs ${zoom(flat)}`);
  const ps = [...L.nodes.values()];
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i];
    assert.ok(p.x - p.width / 2 >= 0 && p.x + p.width / 2 <= L.width + 1e-6 && p.y - p.height / 2 >= 0 && p.y + p.height / 2 <= L.height + 1e-6);
    for (let j = 0; j < i; j++) assert.ok(!overlaps(p, ps[j]), `overlap ${i} ${j}`);
  }
  // Every edge still starts at its source and ends at its target.
  for (const e of g.edges) {
    const pts = L.edges.get(e.id);
    const s = L.nodes.get(e.source);
    const t = L.nodes.get(e.target);
    assert.equal(pts[0][0], s.x + s.width / 2);
    assert.equal(pts.at(-1)[0], t.x - t.width / 2);
  }
});

test('on a phone-narrow view a chain wraps into bands of two layers, the shorter last', () => {
  // x -> h1 -> ... -> h13 in a view 352 px wide: two 120-px nodes side by side is what fits.
  /** @type {Parameters<typeof layoutGraph>[0]} */
  const nodes = [{ id: 'x', kind: 'input', width: 120, height: 62 }];
  const edges = [];
  for (let i = 1; i <= 13; i++) {
    nodes.push({ id: `h${i}`, width: 120, height: 62 });
    edges.push({ id: `e${i}`, source: i === 1 ? 'x' : `h${i - 1}`, target: `h${i}` });
  }
  const view = { width: 352, height: 600 };
  const L = layoutGraph(nodes, edges, { output: 'h13', view });
  const zoom = Math.min(1.5, view.width / L.width, view.height / L.height);
  assert.equal(L.bands, 7);
  assert.ok(zoom > 0.7, `zoom ${zoom}`);
  // Read like lines of text: two layers per line, the next line starts again at the left.
  const ps = [...L.nodes.values()].sort((a, b) => a.layer - b.layer);
  for (let i = 1; i < ps.length; i++) {
    if (i % 2) assert.ok(ps[i].x > ps[i - 1].x && Math.abs(ps[i].y - ps[i - 1].y) < 1, `layer ${i}`);
    else assert.ok(ps[i].x < ps[i - 1].x && ps[i].y > ps[i - 1].y, `layer ${i} starts a line`);
  }
});

test('a short chain that fits at the largest zoom is not wrapped', () => {
  const g = weightedChain(3);
  const L = layoutGraph(g.nodes, g.edges, { output: g.output, view: { width: 1000, height: 700 } });
  assert.equal(L.bands, 1);
});

test('a leaf is placed beside its first use, and a fan of edges from one source shares its route', () => {
  // w feeds h1 and h3 (two layers apart): both edges leave through the same first point.
  const nodes = [{ id: 'x', kind: 'input' }, { id: 'h1' }, { id: 'h2' }, { id: 'h3' }, { id: 'late', kind: 'input' }, { id: 'w', kind: 'param' }];
  const edges = [
    { id: 'e0', source: 'x', target: 'h1' }, { id: 'e1', source: 'h1', target: 'h2' }, { id: 'e2', source: 'h2', target: 'h3' },
    { id: 'e3', source: 'late', target: 'h3', arg: 1 }, { id: 'e4', source: 'w', target: 'h2', arg: 1 }, { id: 'e5', source: 'w', target: 'h3', arg: 2 },
  ];
  const L = layoutGraph(nodes, edges, { output: 'h3' });
  assert.equal(L.nodes.get('late').layer, L.nodes.get('h3').layer - 1);
  assert.equal(L.nodes.get('w').layer, L.nodes.get('h2').layer - 1);
  const a = L.edges.get('e4');
  const b = L.edges.get('e5');
  assert.deepEqual(a[0], b[0]);
});
